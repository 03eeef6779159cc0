"""Every colour the app draws with, for its light and its dark theme: the one home of colours.

A :class:`Theme` names each colour by what it is for (the window, the canvas's gate fills, an
error message, a plot's series); :data:`LIGHT` and :data:`DARK` fill them in. Text colours are
chosen for a WCAG contrast ratio of at least 4.5 against the background they are read on,
and plot series and class colours for at least 3 (WCAG's figure for graphics) against both
themes' plot backgrounds, so they need not change with the theme.
:func:`contrast_ratio` is the WCAG 2 formula the tests hold them to.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CLASS_COLOURS",
    "CONFUSION_SCALE",
    "DARK",
    "HEAT",
    "LIGHT",
    "NEUTRAL",
    "POINT_EDGE",
    "SERIES",
    "THEMES",
    "Theme",
    "contrast_ratio",
    "relative_luminance",
]


@dataclass(frozen=True, slots=True)
class Theme:
    """The colours of one theme (``#rrggbb`` strings), by purpose."""

    name: str
    # The window (QPalette roles).
    window: str
    window_text: str
    base: str
    alternate_base: str
    text: str
    button: str
    button_text: str
    highlight: str
    highlighted_text: str
    light: str
    midlight: str
    mid: str
    dark: str
    shadow: str
    placeholder: str
    disabled_text: str
    link: str
    tooltip_base: str
    tooltip_text: str
    # Messages in the panels.
    error: str
    warning: str
    notice_background: str
    notice_text: str
    # The canvas: gate boxes say constant / weight / feature by their fill.
    gate_edge: str
    gate_text: str
    fill_const: str
    fill_weight: str
    fill_feature: str
    fill_block: str
    block_header: str
    block_edge: str
    merge_warning: str
    noise_badge: str  # the canvas's mark on gates a noise model follows (base-coloured ink)
    # The OpenQASM editor's highlighting.
    code_keyword: str
    code_constant: str
    code_number: str
    code_string: str
    code_comment: str
    code_error_line: str
    # Tables.
    label_column: str
    unused_column: str
    quantum_row: str
    best_value: str


LIGHT = Theme(
    name="light",
    window="#f4f5f7", window_text="#1f2328", base="#ffffff", alternate_base="#f1f3f5",
    text="#1f2328", button="#eaecef", button_text="#1f2328", highlight="#2563eb",
    highlighted_text="#ffffff", light="#ffffff", midlight="#e4e7eb", mid="#c3c8cf",
    dark="#8f96a0", shadow="#5f6670", placeholder="#646b75", disabled_text="#8a9099",
    link="#1d4ed8", tooltip_base="#fffbe8", tooltip_text="#1f2328",
    error="#b42318", warning="#9a4a05", notice_background="#fff3cd", notice_text="#5c4400",
    gate_edge="#1f2937", gate_text="#111827", fill_const="#dbeafe", fill_weight="#fde68a",
    fill_feature="#bbf7d0", fill_block="#ede9fe", block_header="#ddd6fe",
    block_edge="#7c3aed", merge_warning="#d97706", noise_badge="#0f766e",
    code_keyword="#1f5fa8", code_constant="#7d3c98", code_number="#9c4d00",
    code_string="#23784a", code_comment="#646b75", code_error_line="#f8d7da",
    label_column="#ffecb3", unused_column="#8a9099", quantum_row="#e3f2fd",
    best_value="#1b5e20",
)
"""Dark ink on white and light grey."""

DARK = Theme(
    name="dark",
    window="#202327", window_text="#e6e8eb", base="#17191c", alternate_base="#1d2024",
    text="#e6e8eb", button="#2c3036", button_text="#e6e8eb", highlight="#2563eb",
    highlighted_text="#ffffff", light="#4b525b", midlight="#383d44", mid="#2a2e34",
    dark="#111315", shadow="#000000", placeholder="#9ba2ac", disabled_text="#6e757e",
    link="#8ab4ff", tooltip_base="#2c3036", tooltip_text="#e6e8eb",
    error="#ff8a80", warning="#fbbf24", notice_background="#3d3413", notice_text="#fde68a",
    gate_edge="#a3abb6", gate_text="#f3f4f6", fill_const="#1e3a5f", fill_weight="#5b4510",
    fill_feature="#14532d", fill_block="#2a2440", block_header="#3b3366",
    block_edge="#a78bfa", merge_warning="#f59e0b", noise_badge="#2dd4bf",
    code_keyword="#8ab4ff", code_constant="#d2a8ff", code_number="#f0a35e",
    code_string="#7ee2a8", code_comment="#9ba2ac", code_error_line="#5c1f24",
    label_column="#4a3b10", unused_column="#7d848d", quantum_row="#1e3a5f",
    best_value="#86efac",
)
"""Light ink on near-black, with muted gate fills."""

THEMES = {theme.name: theme for theme in (LIGHT, DARK)}
"""The themes by name."""

SERIES = ("#2f7ec1", "#d4610f", "#2f9e44", "#8e5ccf", "#d6336c")
"""Plot lines in order (training, validation, test; the gradient norm; a threshold): each
readable on both themes' plot backgrounds."""

CLASS_COLOURS = ("#2f7ec1", "#d4610f", "#2f9e44", "#d62f2f", "#8e5ccf", "#a0662f",
                 "#cc4f9f", "#7f858c", "#8f8f14", "#1598a8")
"""Colours of classes 0..9 in every plot of points (Tableau 10, darkened or lightened into
the band that reads on white and on near-black)."""


HEAT = "#dc2626"
"""The red a gate is tinted with in proportion to its share of the gradient."""
NEUTRAL = "#7f858c"
"""A grey that reads on both themes: legend marks that stand for no class (the parts)."""
POINT_EDGE = "#333333"
"""The rim of a data point drawn over the (pale) decision-boundary tint."""
CONFUSION_SCALE = ("#f7fbff", "#08306b", "#222222", "#ffffff")
"""A confusion matrix's cells, white (none) to blue (most), and the ink on pale and on dark
cells: the matrix carries its own background, so it is the same in both themes."""


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of ``#rrggbb`` (0 black .. 1 white)."""
    channels = [int(colour[k:k + 2], 16) / 255 for k in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours (1 .. 21)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
