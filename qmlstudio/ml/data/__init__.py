"""Data: the :class:`Dataset` value, built-in generators, bundled real data sets, CSV files and
embedded tables, and preprocessing (scaling, PCA, the train/validation/test split).

May import ``io`` and ``core``; nothing else in ``ml``.
"""
