"""Training in the app: the settings form, the panel with its run controls, the worker thread
that drives the Qt-free trainer, and the live plots (losses, metrics, gradient norm, decision
boundary, confusion matrix, the comparison with classical baselines).

May import ``gui.document``, ``gui.theme`` and anything below ``gui``; not ``gui.shell``.
"""
