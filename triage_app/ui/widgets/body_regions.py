"""Body-map geometry from ``resources/bodymap/regions.json``: hit-testing, no Qt.

A click at canvas point (x, y) on a view gives a contract site (``cheek``) and a side
(``left``, ``right`` or ``midline``, always the child's side).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from triage_app.domain.resources import resource
from triage_app.domain.vocab import Side, Site

OUTLINE = "head_outline"
MIDLINE_BAND = 5.0


@dataclass(frozen=True)
class Region:
    """One clickable (or outline-only) shape on a view."""

    site: str
    shape: str  # rect | ellipse
    x: float
    y: float
    w: float
    h: float

    @property
    def clickable(self) -> bool:
        """Outline shapes are drawn but never chosen."""
        return self.site != OUTLINE

    @property
    def centre(self) -> tuple[float, float]:
        """The shape's centre in canvas units."""
        return self.x + self.w / 2, self.y + self.h / 2

    def contains(self, px: float, py: float) -> bool:
        """Return True when the canvas point lies inside the shape."""
        if self.shape == "ellipse":
            cx, cy = self.centre
            rx, ry = self.w / 2, self.h / 2
            return ((px - cx) / rx) ** 2 + ((py - cy) / ry) ** 2 <= 1.0
        return self.x <= px <= self.x + self.w and self.y <= py <= self.y + self.h


@dataclass(frozen=True)
class View:
    """Front, back or face close-up."""

    key: str
    title: str
    width: float
    height: float
    centre_x: float
    mirrored: bool
    regions: tuple[Region, ...]

    def hit(self, px: float, py: float) -> Region | None:
        """Return the smallest clickable region under the point, or ``None``."""
        inside = [r for r in self.regions if r.clickable and r.contains(px, py)]
        return min(inside, key=lambda r: r.w * r.h) if inside else None

    def side_at(self, px: float) -> Side:
        """Return the child's side at canvas x (front/face: viewer's left is child's right)."""
        offset = px - self.centre_x
        if abs(offset) <= MIDLINE_BAND:
            return Side.MIDLINE
        viewer_left = offset < 0
        return Side.LEFT if viewer_left == self.mirrored else Side.RIGHT

    def clickable(self) -> tuple[Region, ...]:
        """Return the clickable regions in reading order (top to bottom, left to right)."""
        return tuple(sorted((r for r in self.regions if r.clickable), key=lambda r: (r.y, r.x)))


@cache
def load_views() -> dict[str, View]:
    """Read the three views from the resource file (once per process)."""
    data = json.loads(resource("bodymap", "regions.json").read_text(encoding="utf-8"))
    views = {}
    for key, raw in data["views"].items():
        regions = []
        for r in raw["regions"]:
            if r["site"] != OUTLINE:
                Site(r["site"])  # every clickable region must be a contract site
            regions.append(Region(r["site"], r["shape"], *map(float, r["rect"])))
        width, height = raw["size"]
        views[key] = View(
            key, raw["title"], width, height, raw["centre_x"], raw["mirrored"], tuple(regions)
        )
    return views
