"""Evaluation: metrics, classical baselines on the same split, and the decision boundary.

May import ``ml.data``, ``ml.models`` and everything below ``ml``.
"""
