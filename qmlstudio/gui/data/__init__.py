"""The data panel: choosing a built-in or CSV data set, its layout, column roles and
preprocessing, with a preview table and a scatter plot.

What the panel shows is computed by the Qt-free :mod:`qmlstudio.viewmodels.data_view`. May import
``gui.document``, ``gui.compute_runner``, ``gui.theme`` and anything below ``gui``.
"""
