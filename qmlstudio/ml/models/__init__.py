"""Models: data encodings, ansatz templates, the quantum model with its readout, and losses.

May import ``ml.data``, ``engine``, ``io`` and ``core``.
"""
