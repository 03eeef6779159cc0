"""Training: optimizers, the arrays a run works on, the Qt-free trainer and its reports.

May import ``ml.data``, ``ml.models``, ``ml.evaluation`` and everything below ``ml``.
"""
