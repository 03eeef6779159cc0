"""The state view: what the circuit does to one data sample, as charts.

:class:`StateView` draws a :class:`~qmlstudio.viewmodels.state_snapshot.StateSnapshot`: the
basis-state probabilities (or per-qubit marginals above
:data:`~qmlstudio.viewmodels.state_snapshot.MAX_BASIS_QUBITS` qubits) and each qubit's Bloch
vector, as components and as an arrow in a disc with its length (:mod:`.bloch_discs`), for the
document's circuit and the data row the "sample" spin box picks. What is simulated, and how, is
the Qt-free :func:`~qmlstudio.viewmodels.state_snapshot.simulate_states`.

Under a noise model (or with channel operations in the circuit) the state is the density matrix:
a line above the charts gives its purity Tr(ρ²) and the method that made the numbers (exact
density matrix, or Monte-Carlo trajectories), and "Compare with ideal" adds the ideal state of
the same sample: paired bars and a dashed arrow in each disc.

Simulation runs on a :class:`~qmlstudio.gui.compute_runner.ComputeRunner` (never on the GUI
thread), debounced after each change, and only while the view is visible. While a result waits
for the simulator's first-run warm-up, the status says so, with its progress
(:mod:`qmlstudio.gui.simulator_warmup`).
"""

from __future__ import annotations

import logging

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QElapsedTimer, QEvent, QTimer, Signal
from PySide6.QtGui import QFontMetrics, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from qmlstudio.core import Project, QMLStudioError
from qmlstudio.gui.compute_runner import ComputeRunner
from qmlstudio.gui.document import ProjectDocument
from qmlstudio.gui.editor.bloch_discs import IDEAL_COLOUR, NOISY_COLOUR, BlochDiscs
from qmlstudio.gui.figure_grid import MIN_FIGURE_HEIGHT, MIN_FIGURE_WIDTH
from qmlstudio.gui.plot_export import add_export_action
from qmlstudio.gui.simulator_warmup import simulator_warmup
from qmlstudio.gui.theme.colours import CLASS_COLOURS
from qmlstudio.gui.theme.metrics import set_text_role
from qmlstudio.gui.theme.plot_style import style_title
from qmlstudio.gui.theme.themes import set_tone
from qmlstudio.viewmodels.mixed_state import MAX_PURITY_QUBITS
from qmlstudio.viewmodels.state_snapshot import (
    SampleData,
    StateSnapshot,
    simulate_states,
)

__all__ = ["StateView"]

_DEBOUNCE_MS = 100
_DISC_HEIGHT = (130, 190)  # the disc row's least and most pixels (title, names, lengths)
_log = logging.getLogger(__name__)
_BLOCH_COMPONENTS = (("⟨X⟩", CLASS_COLOURS[3]), ("⟨Y⟩", CLASS_COLOURS[2]),
                     ("⟨Z⟩", CLASS_COLOURS[0]))


class StateView(QWidget):
    """Basis-state probabilities and Bloch vectors of the document's circuit for one sample.

    ``runner`` is the window's compute thread (a private one is made if None). Signals:
    ``updated`` after a new result is shown; ``failed(str)`` after an error is shown.
    """

    updated = Signal()
    failed = Signal(str)

    def __init__(self, document: ProjectDocument, parent: QWidget | None = None,
                 runner: ComputeRunner | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self._owns_runner = runner is None
        self._runner = runner if runner is not None else ComputeRunner(self)
        self._channel = self._runner.channel(f"state-view-{id(self):x}", parent=self)
        self._data = SampleData()
        self._snapshot: StateSnapshot | None = None
        self._ideal: StateSnapshot | None = None  # the ideal state beside it, comparing
        self._stale = True

        self._sample = QSpinBox(maximum=0, toolTip="Row of the data set whose features the "
                                "circuit reads (after preprocessing)")
        self._sample.setAccelerated(True)
        self._note = QLabel(wordWrap=True)
        set_text_role(self._note, "caption")
        self._status = QLabel()
        self._message = QLabel(wordWrap=True, visible=False)
        set_tone(self._message, "error")
        top = QHBoxLayout()
        top.addWidget(QLabel("Sample"))
        top.addWidget(self._sample)
        top.addWidget(self._note, 1)
        top.addWidget(self._status)
        # Shown for a mixed state only: its purity and method, and the comparison's switch.
        self._summary = QLabel(wordWrap=True)
        set_text_role(self._summary, "caption")
        self.compare_button = QPushButton("Compare with ideal", checkable=True)
        self._noise_row = QWidget(visible=False)
        noise_row = QHBoxLayout(self._noise_row)
        noise_row.setContentsMargins(0, 0, 0, 0)
        noise_row.addWidget(self._summary, 1)
        noise_row.addWidget(self.compare_button)
        self._plots = pg.GraphicsLayoutWidget()
        # A graphics view's size hint is its current size: in a dock's scroll area, which
        # makes the view as tall as its preferred height, the charts would never shrink back
        # (after the discs' row left, say). Their minimum height is the one that counts.
        self._plots.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.probability_plot = self._plots.addPlot(row=0, col=0)
        self.bloch_plot = self._plots.addPlot(row=1, col=0)
        # Below them for a mixed state only (where the lengths say something about noise).
        self.disc_plot = pg.PlotItem()
        self.disc_plot.setMaximumHeight(_DISC_HEIGHT[1])
        self.discs = BlochDiscs(self.disc_plot)
        self._setup_plots()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self._noise_row)
        layout.addWidget(self._message)
        layout.addWidget(self._plots, 1)

        self._timer = QTimer(self, singleShot=True, interval=_DEBOUNCE_MS)
        self._timer.timeout.connect(self.refresh)
        # "computing… 12 s": the status counts the seconds while a request runs.
        self._elapsed = QElapsedTimer()
        self._clock = QTimer(self, interval=1000)
        self._clock.timeout.connect(self._show_status)
        document.project_changed.connect(self._on_project_changed)
        self._sample.valueChanged.connect(self._on_sample_changed)
        self.compare_button.toggled.connect(self._on_compare_toggled)
        self._channel.finished.connect(self._on_finished)
        self._channel.failed.connect(self._on_failed)
        self._channel.busy_changed.connect(self._on_busy_changed)
        self._warmup = simulator_warmup()
        self._warmup.progress.connect(self._show_status)
        self._warmup.finished.connect(self._show_status)

    # -- what tests and other widgets read -------------------------------------------------
    def _shown(self, ideal: bool) -> StateSnapshot | None:
        return self._ideal if ideal else self._snapshot

    def probabilities(self, ideal: bool = False) -> np.ndarray | None:
        """The probabilities shown (2**n, or n marginals P(qubit = 1)); None if none.
        ``ideal``: those of the ideal state shown beside the noisy one."""
        shown = self._shown(ideal)
        return None if shown is None else shown.probabilities.copy()

    def bloch_vectors(self, ideal: bool = False) -> np.ndarray | None:
        """The (n, 3) ⟨X⟩, ⟨Y⟩, ⟨Z⟩ shown per qubit; None if nothing is shown."""
        shown = self._shown(ideal)
        return None if shown is None else shown.bloch.copy()

    def bloch_lengths(self, ideal: bool = False) -> np.ndarray | None:
        """|r| of each qubit's Bloch vector as drawn in the discs; None if none."""
        shown = self._shown(ideal)
        return None if shown is None else shown.bloch_lengths

    @property
    def is_comparing(self) -> bool:
        """True while the ideal state is shown beside the noisy one."""
        return self._ideal is not None

    def summary(self) -> str:
        """The mixed state's line: its purity and how it was simulated ("" for a pure one)."""
        return self._summary.text() if not self._noise_row.isHidden() else ""

    @property
    def shows_marginals(self) -> bool:
        """True if the probability chart shows per-qubit marginals instead of basis states."""
        return self._snapshot is not None and self._snapshot.marginal

    @property
    def is_computing(self) -> bool:
        """True while a simulation for this view runs or waits."""
        return self._channel.is_busy

    def status(self) -> str:
        """The status beside the sample box: "computing… 3 s" while a request runs, the
        warm-up's "Preparing the simulator…" while the result waits for it, or ""."""
        return self._status.text()

    def probability_labels(self) -> list[str]:
        """The labels on the probability chart's horizontal axis, left to right."""
        return [label for _, label in self._prob_ticks]

    def note(self) -> str:
        """The line saying which sample and weights are shown (or why features are 0)."""
        return self._note.text()

    def message(self) -> str:
        """The error shown instead of the charts ("" if none)."""
        return self._message.text() if not self._message.isHidden() else ""

    def sample(self) -> int:
        """The data row chosen in the spin box."""
        return self._sample.value()

    # -- actions ---------------------------------------------------------------------------
    def set_sample(self, row: int) -> None:
        """Choose data row ``row`` (clamped to the data set once it is known)."""
        self._sample.setValue(row)

    def refresh(self) -> None:
        """Simulate the current project now (in the background) if the view is visible."""
        self._timer.stop()
        if not self.isVisible():
            self._stale = True  # simulate when shown: no work for a hidden dock
            return
        self._stale = False
        project, sample = self._document.project, self._sample.value()
        path = self._document.path
        project_dir = path.parent if path is not None else None
        data, compare = self._data, self.compare_button.isChecked()
        # What is shown describes the previous request: an error or a "features are 0" note
        # about it must not stay beside the new one while it computes.
        self._message.hide()
        self._note.clear()
        self._channel.submit(
            lambda: simulate_states(project, sample, project_dir, data, compare))

    def shutdown(self, timeout_ms: int = 3000) -> bool:
        """Stop simulating (the window is closing): drop waiting work and, if the view made
        its own runner, stop its thread, waiting up to ``timeout_ms``. True once stopped."""
        self._timer.stop()
        self._clock.stop()
        self._stale = False
        self._channel.cancel()
        return self._runner.shutdown(timeout_ms) if self._owns_runner else True

    # -- handlers --------------------------------------------------------------------------
    def showEvent(self, event) -> None:  # Qt override
        super().showEvent(event)
        if self._stale and self._runner.is_running:
            self._timer.start(0)

    def _on_project_changed(self, _project: Project) -> None:
        self._timer.start()

    def _on_sample_changed(self, _row: int) -> None:
        self._timer.start()

    def _on_compare_toggled(self, _checked: bool) -> None:
        self._timer.start(0)

    def _on_busy_changed(self, busy: bool) -> None:
        if busy:
            self._elapsed.start()
            self._clock.start()
        else:
            self._clock.stop()
        self._show_status()

    def _show_status(self, *_changed) -> None:
        if not self._channel.is_busy:
            text = ""
        elif self._warmup.is_preparing:
            text = self._warmup.message()
        else:
            seconds = self._elapsed.elapsed() // 1000 if self._elapsed.isValid() else 0
            text = f"computing… {seconds} s" if seconds else "computing…"
        self._status.setText(text)

    def _on_finished(self, states: tuple[StateSnapshot, StateSnapshot | None]) -> None:
        snapshot, self._ideal = states
        self._snapshot = snapshot
        self._message.hide()
        self._note.setText(snapshot.note)
        self._sample.blockSignals(True)  # clamping to the data is not a new request
        self._sample.setMaximum(max(snapshot.n_rows - 1, 0))
        self._sample.blockSignals(False)
        self._sample.setEnabled(snapshot.n_rows > 0)
        self._show_snapshot()
        self.updated.emit()

    def _on_failed(self, error: Exception) -> None:
        self._snapshot = self._ideal = None
        self._note.clear()
        if isinstance(error, QMLStudioError):
            text = str(error)
        else:  # a bug, not a user error: keep the traceback for the log, show one line
            _log.error("state view simulation failed", exc_info=error)
            text = f"unexpected {type(error).__name__}: {error}"
        self._message.setText(f"Cannot show the state: {text}")
        self._message.show()
        self._show_snapshot()
        self.failed.emit(text)

    # -- drawing ---------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        """Recolour the plots when the palette (light or dark theme) changes."""
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._colour_plots()  # the titles too: they keep their text, take the new ink
            self._show_snapshot()  # the discs' labels are drawn in the text's ink

    def _colour_plots(self) -> None:
        palette = self.palette()
        self._plots.setBackground(palette.color(QPalette.ColorRole.Base))
        text = palette.color(QPalette.ColorRole.Text)
        for plot in (self.probability_plot, self.bloch_plot, self.disc_plot):
            for side in ("left", "bottom"):
                plot.getAxis(side).setTextPen(text)
                plot.getAxis(side).setPen(text)
            style_title(plot, text)
        legend = "  ".join(f"<span style='color:{colour}'>■</span> {name}"
                           for name, colour in _BLOCH_COMPONENTS)
        # Short: a title wider than the chart would widen it beyond a narrow dock.
        self.bloch_plot.setTitle(f"Bloch vectors&nbsp;&nbsp;{legend}")

    def _setup_plots(self) -> None:
        for plot in (self.probability_plot, self.bloch_plot):
            plot.setMenuEnabled(False)
            plot.setMouseEnabled(x=False, y=False)
            plot.hideButtons()
            plot.showGrid(y=True, alpha=0.3)
            bottom = plot.getAxis("bottom")
            # Room for one line of labels from the start (pyqtgraph grows the axis only after
            # a first paint), and the first label may reach past the axis's left end.
            bottom.setHeight(QFontMetrics(bottom.font()).height() + 14)
            bottom.setStyle(hideOverlappingLabels=False)
            # The fixed ticks at the ends of the range (0 and 1, -1 and 1) show in full too.
            plot.getAxis("left").setStyle(hideOverlappingLabels=False)
        # The ideal state's bars (comparing only) stand left of the noisy state's.
        self._ideal_bars = pg.BarGraphItem(x=[], height=[], width=0.4, brush=IDEAL_COLOUR)
        self._prob_bars = pg.BarGraphItem(x=[], height=[], width=0.8, brush=NOISY_COLOUR)
        self.probability_plot.addItem(self._ideal_bars)
        self.probability_plot.addItem(self._prob_bars)
        self._prob_ticks: list[tuple[float, str]] = []
        # The legend is the title (a pyqtgraph legend box would cover the bars).
        self._colour_plots()
        self._pad_ranges()
        # Few, fixed ticks: the scale of an expectation and a probability never changes.
        self.bloch_plot.getAxis("left").setTicks([[(v, f"{v:g}") for v in (-1.0, 0.0, 1.0)],
                                                  [(v, "") for v in (-0.5, 0.5)]])
        self.probability_plot.getAxis("left").setTicks(
            [[(v, f"{v:g}") for v in (0.0, 0.5, 1.0)], [(v, "") for v in (0.25, 0.75)]])
        self._bloch_bars: list[tuple[pg.BarGraphItem, float]] = []  # bars, offset from qubit
        for k, (_name, colour) in enumerate(_BLOCH_COMPONENTS):
            bars = pg.BarGraphItem(x=[], height=[], width=0.26, brush=colour)
            self.bloch_plot.addItem(bars)
            self._bloch_bars.append((bars, (k - 1) * 0.28))
        self.probability_plot.getViewBox().sigResized.connect(self._update_ticks)
        for plot in (self.probability_plot, self.bloch_plot):
            plot.getViewBox().sigResized.connect(self._pad_ranges)
        self.export_action = add_export_action(self._plots, "QML Studio state view", "state",
                                               plot_menus=False)
        self._show_snapshot()

    def _pad_ranges(self) -> None:
        """Keep half a label's height above the top tick and below the bottom one: pyqtgraph
        drops a tick label that would stick out of the chart (a short chart lost its 1 and 0)."""
        for plot, (low, high) in ((self.probability_plot, (0.0, 1.0)),
                                  (self.bloch_plot, (-1.0, 1.0))):
            half = QFontMetrics(plot.getAxis("left").font()).height() / 2 + 2
            share = min(half / max(plot.getViewBox().height(), 1.0), 0.3)
            # padding p adds p·range on each side: p / (1 + 2p) of the height each
            plot.setYRange(low, high, padding=max(0.05, share / (1 - 2 * share)))

    def _show_discs(self, shown: bool) -> None:
        """Add or take away the discs' row (the charts above take its height back)."""
        if shown != (self.disc_plot in self._plots.ci.items):
            if shown:
                self._plots.addItem(self.disc_plot, row=2, col=0)
            else:
                self._plots.removeItem(self.disc_plot)
        # Two charts of at least MIN_FIGURE_HEIGHT each, so their tick labels never overlap.
        self._plots.setMinimumSize(MIN_FIGURE_WIDTH, 2 * MIN_FIGURE_HEIGHT + 10
                                   + (_DISC_HEIGHT[0] if shown else 0))

    def _update_ticks(self) -> None:
        """Label every bar of the probability chart that fits: every one, or every 2nd, 4th..."""
        snapshot = self._snapshot
        if snapshot is None:
            labels = []
        elif snapshot.marginal:
            labels = [f"q{q}" for q in range(snapshot.n_qubits)]
        else:
            n = snapshot.n_qubits
            labels = [f"|{i:0{n}b}⟩" for i in range(1 << n)]
        axis = self.probability_plot.getAxis("bottom")
        space = max(self.probability_plot.getViewBox().width(), 1.0)
        width = QFontMetrics(axis.font()).horizontalAdvance(labels[-1]) + 10 if labels else 1
        step = 1
        while len(labels) > step and len(labels) / step * width > space:
            step *= 2
        self._prob_ticks = [(float(i), labels[i]) for i in range(0, len(labels), step)]
        axis.setTicks([self._prob_ticks])

    def _show_snapshot(self) -> None:
        """Draw the shown result (none: empty charts), with the ideal one when comparing."""
        snapshot, ideal = self._snapshot, self._ideal
        if snapshot is None:
            n, probabilities, bloch, marginal = 0, np.zeros(0), np.zeros((0, 3)), False
        else:
            n, probabilities = snapshot.n_qubits, snapshot.probabilities
            bloch, marginal = snapshot.bloch, snapshot.marginal
        positions = np.arange(len(probabilities), dtype=float)
        if ideal is None:
            self._ideal_bars.setOpts(x=[], height=[])
            self._prob_bars.setOpts(x=positions, height=probabilities, width=0.8)
        else:  # paired bars: ideal left, noisy right of each state's tick
            self._ideal_bars.setOpts(x=positions - 0.2, height=ideal.probabilities)
            self._prob_bars.setOpts(x=positions + 0.2, height=probabilities, width=0.4)
        title = "P(qubit = 1) of each qubit" if marginal else "Basis-state probabilities"
        self.probability_plot.setTitle(title + self._legend(ideal is not None))
        self._update_ticks()
        self.probability_plot.setXRange(-0.6, max(len(probabilities), 1) - 0.4, padding=0)
        qubits = np.arange(n, dtype=float)
        for k, (bars, offset) in enumerate(self._bloch_bars):
            bars.setOpts(x=qubits + offset, height=bloch[:, k])
        self.bloch_plot.getAxis("bottom").setTicks([[(float(q), f"q{q}") for q in range(n)]])
        self.bloch_plot.setXRange(-0.6, max(n, 1) - 0.4, padding=0)
        noisy = snapshot is not None and snapshot.noisy
        self.disc_plot.setTitle("Bloch vector length |r| (1: pure)"
                                + self._legend(ideal is not None))
        self.discs.show(snapshot if noisy else None, ideal,
                        self.palette().color(QPalette.ColorRole.Text))
        self._show_discs(noisy)
        self._noise_row.setVisible(noisy)
        comparable = snapshot is not None and snapshot.comparable
        self.compare_button.setEnabled(comparable)
        self.compare_button.setToolTip(
            "Show the ideal state of the same sample beside the noisy one" if comparable else
            "The circuit's own channel operations mix this state; with a noise model (the "
            "Noise panel) the ideal state can be shown beside the noisy one")
        if noisy:
            self._summary.setText(self._purity_text(snapshot, ideal))

    @staticmethod
    def _legend(comparing: bool) -> str:
        if not comparing:
            return ""
        return "".join(f"&nbsp;&nbsp;<span style='color:{colour}'>■</span> {name}"
                       for name, colour in (("ideal", IDEAL_COLOUR), ("noisy", NOISY_COLOUR)))

    @staticmethod
    def _purity_text(snapshot: StateSnapshot, ideal: StateSnapshot | None) -> str:
        if snapshot.purity is None:
            purity = (f"purity Tr(ρ²) needs the exact density matrix of at most "
                      f"{MAX_PURITY_QUBITS} qubits")
        elif ideal is None:
            purity = (f"purity Tr(ρ²) = {snapshot.purity:.3f} (1: pure, "
                      f"{0.5 ** snapshot.n_qubits:.3g}: fully mixed)")
        else:
            of_ideal = "not computed" if ideal.purity is None else f"{ideal.purity:.3f}"
            purity = f"purity Tr(ρ²): noisy {snapshot.purity:.3f}, ideal {of_ideal}"
        return f"{snapshot.method[0].upper()}{snapshot.method[1:]}; {purity}."
