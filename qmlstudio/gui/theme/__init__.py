"""How the app looks: every colour, for the light and the dark theme (colours.py), the
application palette and the user's System / Light / Dark choice (themes.py), plots in those
colours (plot_style.py), the shipped fixed-pitch font (fonts.py), and the type scale and
spacing (metrics.py: title / body / caption sizes, panel margins).

Imports only Qt, pyqtgraph and ``qmlstudio._resources``; every other ``gui`` sub-package may
import it.
"""
