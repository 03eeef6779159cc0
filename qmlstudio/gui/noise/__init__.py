"""The Noise panel: the project's noise model chosen (ideal, uniform depolarizing, thermal
relaxation, a bundled or opened device calibration) and its numbers edited in tables.

May import ``gui.document``, ``gui.theme`` and anything below ``gui``; not ``gui.shell``.
"""
