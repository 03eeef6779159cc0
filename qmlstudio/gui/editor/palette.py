"""The gate palette: every gate, template and channel operation of :data:`PALETTE_ITEMS`,
grouped and searchable.

Entries are dragged onto the canvas (the drag carries :data:`PALETTE_MIME`, decoded there with
:func:`~qmlstudio.viewmodels.palette_items.decode_item`) or activated with a double-click / Enter,
which the main window answers by appending the entry to the circuit.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QEvent,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QPointF,
    QRectF,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QDrag,
    QFont,
    QGuiApplication,
    QIcon,
    QPainter,
    QPen,
    QPixmap,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QTreeView, QVBoxLayout, QWidget

from qmlstudio.core import GATES, Circuit, GateSpec, operation_spec
from qmlstudio.gui.editor.canvas.circuit_painter import MARK_SIZES, CircuitPainter, draw_mark
from qmlstudio.gui.theme.colours import Theme
from qmlstudio.gui.theme.themes import active_theme
from qmlstudio.viewmodels.canvas_layout import CircuitLayout
from qmlstudio.viewmodels.palette_items import (
    PALETTE_ITEMS,
    PALETTE_MIME,
    PaletteItem,
    encode_item,
    insert_item,
    item_by_key,
)

__all__ = ["GatePalette", "PaletteModel", "drag_pixmap", "entry_text", "gate_icon"]

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
"""Item data role holding an entry's palette key (None on group rows)."""
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2
"""Item data role the search filters on: label, key, group and description of an entry.
Group rows have none, so a group shows exactly when one of its entries matches."""



ICON_SIZE = QSize(40, 20)
"""Size of the gate boxes drawn in front of the entries."""


def entry_text(item: PaletteItem) -> str:
    """What an entry's row says: a gate's short description (its box shows the name), or
    a template's or channel's name."""
    if item.is_template or item.is_channel:
        return item.label
    return GATES[item.key].description.split(":")[0]


def gate_icon(item: PaletteItem, theme: Theme | None = None) -> QIcon:
    """The gate as the canvas draws it, lying on its side: a small box with its label, or
    for a gate drawn with symbols its control dots and ⊕ / dot / × marks joined by a line
    (templates: a block in the canvas's block colour; channels: their short name); in
    ``theme``'s colours (the app's theme when None)."""
    theme = theme if theme is not None else active_theme()
    # Drawn at the screen's pixel ratio so the labels stay sharp on high-DPI displays.
    screen = QGuiApplication.primaryScreen()
    ratio = screen.devicePixelRatio() if screen is not None else 1.0
    pixmap = QPixmap(ICON_SIZE * ratio)
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    spec = None if item.is_template else operation_spec(item.key)
    if spec is not None and spec.drawing != "box":
        _paint_marks(painter, spec, theme)
        painter.end()
        return QIcon(pixmap)
    painter.setPen(QColor(theme.gate_edge))
    painter.setBrush(QColor(theme.fill_block if item.is_template else theme.fill_const))
    # Inset vertically, so boxes on neighbouring rows stay apart.
    painter.drawRoundedRect(1, 2, ICON_SIZE.width() - 2, ICON_SIZE.height() - 4, 3, 3)
    font = QFont()
    font.setPixelSize(9 if len(item.label) > 4 else 11)
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor(theme.gate_text))
    text = "▦" if item.is_template else item.icon_text or item.label
    painter.drawText(QRectF(0, 0, ICON_SIZE.width(), ICON_SIZE.height()),
                     Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return QIcon(pixmap)


def _paint_marks(painter: QPainter, spec: GateSpec, theme: Theme) -> None:
    """The canvas's wire marks of ``spec``, left to right, controls first."""
    marks = ["dot"] * spec.n_controls + [spec.drawing] * spec.n_targets
    # Sizes scaled from the canvas so that the largest mark (⊕) fits the icon's height.
    scale = (ICON_SIZE.height() / 2 - 2) / MARK_SIZES["oplus"]
    margin = MARK_SIZES["oplus"] * scale + 1
    step = (ICON_SIZE.width() - 2 * margin) / (len(marks) - 1)
    xs = [margin + step * k for k in range(len(marks))]
    y = ICON_SIZE.height() / 2
    ink = QColor(theme.text)  # drawn straight on the list's background, as on the canvas
    painter.setPen(QPen(ink, 1.2))
    painter.drawLine(QPointF(xs[0], y), QPointF(xs[-1], y))
    for kind, x in zip(marks, xs, strict=True):
        draw_mark(painter, kind, QPointF(x, y), MARK_SIZES[kind] * scale, QBrush(ink),
                  QBrush(QColor(theme.base)))


def drag_pixmap(item: PaletteItem, ratio: float) -> tuple[QPixmap, QPoint]:
    """What a drag of ``item`` shows under the pointer: the gate as the canvas will draw it
    (a template as its collapsed block), drawn by the canvas's own painter at device pixel
    ratio ``ratio``; and the hot spot, on the gate's first wire where the drop aims."""
    painter = CircuitPainter()
    circuit, _ = insert_item(item, Circuit(2 if item.is_template else 1), 0, 0)
    blocks = {op.group for op in circuit.operations if op.group is not None}
    layout = CircuitLayout(circuit, blocks, painter.text_width)
    pixmap = painter.operations_pixmap(layout, ratio)
    first = QRectF(*layout.op_rect(0))
    hot = QPointF(pixmap.width() / ratio / 2, layout.wire_y(0) - first.top() + 2)
    return pixmap, hot.toPoint()


class PaletteTree(QTreeView):
    """The palette's tree; a drag shows the gate's own shape, not the row."""

    def make_drag(self) -> QDrag | None:
        """The drag of the current entry (None on a group row): the model's mime data and
        the gate drawn as on the canvas."""
        index = self.currentIndex()
        key = index.data(KEY_ROLE)
        if key is None:
            return None
        drag = QDrag(self)
        drag.setMimeData(self.model().mimeData([index]))
        pixmap, hot = drag_pixmap(item_by_key(key), self.devicePixelRatioF())
        drag.setPixmap(pixmap)
        drag.setHotSpot(hot)
        return drag

    def startDrag(self, supportedActions: Qt.DropAction) -> None:  # Qt override
        """Run :meth:`make_drag`'s drag (a copy: the palette keeps its entries)."""
        drag = self.make_drag()
        if drag is not None:
            drag.exec(Qt.DropAction.CopyAction)


class PaletteModel(QStandardItemModel):
    """Groups as top-level rows, entries as their children; entries drag as palette items."""

    def __init__(self, items: Sequence[PaletteItem] = PALETTE_ITEMS, parent=None) -> None:
        super().__init__(parent)
        groups: dict[str, QStandardItem] = {}
        for item in items:
            group = groups.get(item.group)
            if group is None:
                group = QStandardItem(item.group)
                group.setEditable(False)
                # A group is a heading: it can be expanded, not dragged or activated.
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                font = group.font()
                font.setBold(True)
                group.setFont(font)
                groups[item.group] = group
                self.appendRow(group)
            group.appendRow(self._entry(item))

    @staticmethod
    def _entry(item: PaletteItem) -> QStandardItem:
        entry = QStandardItem(gate_icon(item), entry_text(item))
        entry.setEditable(False)
        entry.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                       | Qt.ItemFlag.ItemIsDragEnabled)
        entry.setToolTip(item.tooltip)
        entry.setData(item.key, KEY_ROLE)
        entry.setData(" ".join((item.label, item.key, item.group, item.tooltip)), SEARCH_ROLE)
        return entry

    def recolour(self) -> None:
        """Draw every entry's icon again in the app's current theme."""
        theme = active_theme()
        for row in range(self.rowCount()):
            group = self.item(row)
            for child in range(group.rowCount()):
                entry = group.child(child)
                entry.setIcon(gate_icon(item_by_key(entry.data(KEY_ROLE)), theme))

    def index_of(self, key: str) -> QModelIndex:
        """The model index of the entry ``key`` (invalid if there is none)."""
        for row in range(self.rowCount()):
            group = self.item(row)
            for child in range(group.rowCount()):
                if group.child(child).data(KEY_ROLE) == key:
                    return group.child(child).index()
        return QModelIndex()

    def mimeTypes(self) -> list[str]:
        """Only palette drags leave this model."""
        return [PALETTE_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        """The first dragged entry as :data:`PALETTE_MIME` (one gate per drag)."""
        mime = QMimeData()
        for index in indexes:
            key = index.data(KEY_ROLE)
            if key is not None:
                mime.setData(PALETTE_MIME, encode_item(item_by_key(key)))
                mime.setText(item_by_key(key).label)
                break
        return mime


class GatePalette(QWidget):
    """A search box over a tree of the palette's groups and entries.

    Signal ``item_activated(PaletteItem)``: an entry was double-clicked or chosen with Enter
    (in the tree, or in the search box for the first match).
    """

    item_activated = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = PaletteModel(parent=self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterRole(SEARCH_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setRecursiveFilteringEnabled(True)

        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search gates, templates and noise…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_search_changed)
        self.search.returnPressed.connect(self._on_search_return)

        self.tree = PaletteTree(self)
        self.tree.setModel(self.proxy)
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setIconSize(ICON_SIZE)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setDragEnabled(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.tree.expandAll()
        # ``activated`` is Qt's "use this item": Enter, and a double-click (or a single click
        # where the platform's style says so), so the palette behaves as the desktop expects.
        self.tree.activated.connect(self._on_activated)

        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.tree)

    def changeEvent(self, event: QEvent) -> None:  # Qt override
        """Redraw the icons when the theme (the palette) changes."""
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.model.recolour()

    # -- queries ---------------------------------------------------------------------------
    def view_index(self, key: str) -> QModelIndex:
        """The tree's (filtered) index of entry ``key``; invalid if it is filtered out."""
        return self.proxy.mapFromSource(self.model.index_of(key))

    def visible_keys(self) -> list[str]:
        """Keys of the entries the search currently shows, top to bottom."""
        keys = []
        for row in range(self.proxy.rowCount()):
            group = self.proxy.index(row, 0)
            for child in range(self.proxy.rowCount(group)):
                keys.append(self.proxy.index(child, 0, group).data(KEY_ROLE))
        return keys

    def mime_data_for(self, key: str) -> QMimeData:
        """What dragging entry ``key`` carries: the model's own :meth:`PaletteModel.mimeData`.

        Tests of drag and drop use this, since offscreen Qt cannot run a modal ``QDrag``.
        """
        index = self.model.index_of(key)
        if not index.isValid():
            raise KeyError(key)
        return self.model.mimeData([index])

    # -- handlers --------------------------------------------------------------------------
    def _on_search_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        # Filtering collapses nothing by itself, but groups that reappear come back closed.
        self.tree.expandAll()

    def _on_search_return(self) -> None:
        keys = self.visible_keys()
        if keys and self.search.text().strip():
            self.item_activated.emit(item_by_key(keys[0]))

    def _on_activated(self, index: QModelIndex | QPersistentModelIndex) -> None:
        key = index.data(KEY_ROLE)
        if key is not None:
            self.item_activated.emit(item_by_key(key))
