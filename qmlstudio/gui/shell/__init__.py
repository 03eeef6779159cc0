"""The window shell: starting the app, the main window with its menus and actions, autosave and
crash recovery, crash reports, preferences, recent files, the quick tour and opening files.

May import every other ``gui`` sub-package (it assembles them) and anything below ``gui``.
"""
