"""Models: data encodings (also with trained angles), ansatz templates, model-family presets,
the quantum model with its readout, and losses.

May import ``ml.data``, ``engine``, ``io`` and ``core``.
"""
