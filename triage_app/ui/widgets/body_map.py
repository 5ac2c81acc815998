"""The clickable body map: front, back and a face close-up, drawn with QPainter.

Clicking a region chooses a contract site and side; each recorded mark is drawn as a numbered
symbol. Keyboard: arrow keys move between regions, Enter or Space marks the highlighted one.
Orientation is always written on the map (NHS CUI body graphics).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from triage_app.domain.vocab import Site
from triage_app.ui.labels import SITE
from triage_app.ui.widgets.body_regions import OUTLINE, Region, View, load_views

SHORT_LABEL = {
    "subconjunctiva": "Eye",
    "angle_of_jaw": "Jaw",
    "upper_arm": "Arm",
    "lower_leg": "Leg",
    "genitalia": "Genit.",
    "frenulum": "Fren.",
}


@dataclass(frozen=True)
class MarkSymbol:
    """A numbered mark to draw at a canvas point on one view."""

    number: int
    view: str
    x: float
    y: float
    selected: bool = False


class BodyMap(QWidget):
    """One view of the body map at a time; emits the site and side chosen."""

    site_chosen = Signal(str, str, str, float, float)  # site, side, view, x, y
    view_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("body_map")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.views = load_views()
        self.view_key = "front"
        self.marks: list[MarkSymbol] = []
        self._cursor = 0
        self._hover: Region | None = None
        self._update_accessible()

    @property
    def view(self) -> View:
        """The view on show."""
        return self.views[self.view_key]

    def set_view(self, key: str) -> None:
        """Show ``front``, ``back`` or ``face``."""
        self.view_key = key
        self._cursor = 0
        self._hover = None
        self._update_accessible()
        self.update()
        self.view_changed.emit(key)

    def set_marks(self, marks: list[MarkSymbol]) -> None:
        """Replace the symbols drawn on the map."""
        self.marks = list(marks)
        self.update()

    def highlighted(self) -> Region:
        """Return the region the keyboard cursor is on."""
        return self.view.clickable()[self._cursor]

    def choose_point(self, x: float, y: float) -> bool:
        """Choose the region at a canvas point, as a click would; False when none is there."""
        region = self.view.hit(x, y)
        if region is None:
            return False
        self.site_chosen.emit(region.site, self.view.side_at(x).value, self.view_key, x, y)
        return True

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """Prefer a tall map."""
        return QSize(320, 520)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """Stay readable."""
        return QSize(220, 300)

    # Geometry ---------------------------------------------------------------------------
    def _scale(self) -> tuple[float, float, float]:
        top = self._label_height()
        v = self.view
        s = min(self.width() / v.width, (self.height() - top) / v.height)
        ox = (self.width() - v.width * s) / 2
        return s, ox, float(top)

    def _label_height(self) -> int:
        return self.fontMetrics().height() * 2 + 6

    def _to_canvas(self, point: QPointF) -> tuple[float, float]:
        s, ox, oy = self._scale()
        return (point.x() - ox) / s, (point.y() - oy) / s

    def _rect(self, r: Region) -> QRectF:
        s, ox, oy = self._scale()
        return QRectF(ox + r.x * s, oy + r.y * s, r.w * s, r.h * s)

    # Events -----------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        """Choose the region under the pointer."""
        if event.button() == Qt.MouseButton.LeftButton:
            self.choose_point(*self._to_canvas(event.position()))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        """Highlight the region under the pointer and name it in the tooltip."""
        x, y = self._to_canvas(event.position())
        region = self.view.hit(x, y)
        if region is not self._hover:
            self._hover = region
            if region is not None:
                side = self.view.side_at(x).value
                self.setToolTip(f"{SITE[Site(region.site)]} ({side})")
            self.update()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Arrows move between regions; Enter or Space marks the highlighted region.

        Any key with Ctrl, Alt or Meta (Ctrl+1, Ctrl+N, Ctrl+Enter, Alt+letter) is not the
        map's: it is passed on untouched, so the window's shortcuts work from here and a
        modified Enter never adds a finding.
        """
        regions = self.view.clickable()
        key = event.key()
        mods = event.modifiers() & ~(
            Qt.KeyboardModifier.KeypadModifier | Qt.KeyboardModifier.ShiftModifier
        )
        if mods != Qt.KeyboardModifier.NoModifier:
            event.ignore()
            return
        if key in (Qt.Key.Key_Right, Qt.Key.Key_Down):
            self._cursor = (self._cursor + 1) % len(regions)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Up):
            self._cursor = (self._cursor - 1) % len(regions)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.choose_point(*regions[self._cursor].centre)
            return
        else:
            super().keyPressEvent(event)
            return
        self._update_accessible()
        self.update()

    def _update_accessible(self) -> None:
        region = self.highlighted()
        side = self.view.side_at(region.centre[0]).value
        self.setAccessibleName(f"Body map, {self.view.title}")
        self.setAccessibleDescription(
            f"Highlighted: {SITE[Site(region.site)]} ({side}). Arrow keys move, Enter marks."
        )

    # Painting ---------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        """Draw the outline, the regions, orientation labels and the numbered marks."""
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("#ffffff"))
        self._paint_orientation(p)
        focus = self.highlighted() if self.hasFocus() else None
        line = QPen(QColor("#4c6272"), 1.2)
        ordered = sorted(self.view.regions, key=lambda r: -(r.w * r.h))
        for r in ordered:
            fill = QColor("#f0f4f5")
            if r.site == OUTLINE:
                fill = QColor("#fbe9dc")
            if r is self._hover or r is focus:
                fill = QColor("#cfe3f7")
            p.setPen(QPen(QColor("#005eb8"), 3) if r is focus else line)
            p.setBrush(fill)
            if r.shape == "ellipse":
                p.drawEllipse(self._rect(r))
            else:
                p.drawRoundedRect(self._rect(r), 6, 6)
        self._paint_labels(p)
        self._paint_marks(p)
        p.end()

    def _paint_orientation(self, p: QPainter) -> None:
        left, right = (
            ("Child's LEFT", "Child's RIGHT")
            if self.view.mirrored
            else (
                "Child's RIGHT",
                "Child's LEFT",
            )
        )
        p.setPen(QColor("#212b32"))
        font = QFont(self.font())
        font.setBold(True)
        p.setFont(font)
        h = self.fontMetrics().height()
        p.drawText(
            QRectF(0, 0, self.width(), h + 2), Qt.AlignmentFlag.AlignHCenter, self.view.title
        )
        p.setFont(self.font())
        row = QRectF(4, h + 2, self.width() - 8, h + 2)
        p.drawText(row, Qt.AlignmentFlag.AlignLeft, f"\u2190 {left}")
        p.drawText(row, Qt.AlignmentFlag.AlignRight, f"{right} \u2192")

    def _paint_labels(self, p: QPainter) -> None:
        """Name each region where the name fits (labelled graphics, NHS CUI)."""
        font = QFont(self.font())
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.75))
        p.setFont(font)
        metrics = QFontMetrics(font)
        p.setPen(QColor("#4c6272"))
        for r in self.view.clickable():
            text = SHORT_LABEL.get(r.site, SITE[Site(r.site)])
            box = self._rect(r)
            if metrics.horizontalAdvance(text) > box.width() - 2 or metrics.height() > box.height():
                continue
            inner = [o for o in self.view.clickable() if o is not r and r.contains(*o.centre)]
            if inner:  # a smaller region sits on top (the frenulum on the lip): keep it clear
                continue
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    def _paint_marks(self, p: QPainter) -> None:
        s, ox, oy = self._scale()
        radius = max(9.0, self.fontMetrics().height() * 0.6)
        font = QFont(self.font())
        font.setBold(True)
        p.setFont(font)
        for m in self.marks:
            if m.view != self.view_key:
                continue
            centre = QPointF(ox + m.x * s, oy + m.y * s)
            p.setPen(QPen(QColor("#ffb81c") if m.selected else QColor("#ffffff"), 2.5))
            p.setBrush(QColor("#003087"))
            p.drawEllipse(centre, radius, radius)
            p.setPen(QColor("#ffffff"))
            box = QRectF(centre.x() - radius, centre.y() - radius, radius * 2, radius * 2)
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, str(m.number))
