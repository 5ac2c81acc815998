"""Draw the application icon with QPainter: resources/icons/triage-app.png (and .ico).

A rounded teal square with a white shield and a teal cross inside it: plain shapes, legible
from 16 px up. Run it again only to change the icon; the PNG and ICO are committed.

    QT_QPA_PLATFORM=offscreen python scripts/make_icon.py
"""

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPainterPath

OUT = Path(__file__).resolve().parents[1] / "resources" / "icons"
TEAL = QColor("#00796b")
WHITE = QColor("#ffffff")


def draw(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 256.0
    p.scale(s, s)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(TEAL)
    p.drawRoundedRect(QRectF(8, 8, 240, 240), 48, 48)

    shield = QPainterPath(QPointF(128, 36))
    shield.cubicTo(QPointF(160, 54), QPointF(186, 60), QPointF(208, 60))
    shield.cubicTo(QPointF(208, 140), QPointF(180, 194), QPointF(128, 222))
    shield.cubicTo(QPointF(76, 194), QPointF(48, 140), QPointF(48, 60))
    shield.cubicTo(QPointF(70, 60), QPointF(96, 54), QPointF(128, 36))
    p.setBrush(WHITE)
    p.drawPath(shield)

    p.setBrush(TEAL)
    p.drawRoundedRect(QRectF(114, 78, 28, 100), 6, 6)
    p.drawRoundedRect(QRectF(78, 114, 100, 28), 6, 6)
    p.end()
    return image


def main() -> int:
    QGuiApplication(sys.argv[:1])
    OUT.mkdir(parents=True, exist_ok=True)
    png = OUT / "triage-app.png"
    if not draw(256).save(str(png), "PNG"):
        print(f"could not write {png}", file=sys.stderr)
        return 1
    print(f"wrote {png}")
    ico = OUT / "triage-app.ico"
    # Qt's ICO writer (imageformats/qico) stores one size per file; 256 px scales down well.
    if draw(256).save(str(ico), "ICO"):
        print(f"wrote {ico}")
    else:
        print("no ICO writer in this Qt; PyInstaller converts the PNG on Windows (Pillow)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
