import pytest

from PySide6.QtCore import QPoint, Qt

from triage_app.domain.vocab import TEN4_LETTER, Site
from triage_app.ui.widgets.body_map import BodyMap
from triage_app.ui.widgets.body_regions import load_views


def test_every_region_is_a_contract_site_and_every_ten4_site_can_be_clicked():
    sites = {r.site for v in load_views().values() for r in v.clickable()}
    assert sites <= {s.value for s in Site}
    assert {s.value for s in TEN4_LETTER} <= sites


def test_the_face_close_up_offers_the_facesp_sites():
    face = {r.site for r in load_views()["face"].clickable()}
    for site in ("eyelid", "subconjunctiva", "ear", "cheek", "angle_of_jaw", "lip", "frenulum"):
        assert site in face


@pytest.mark.parametrize(
    ("view", "x", "y", "site", "side"),
    [
        ("front", 77, 67, "cheek", "right"),  # viewer's left is the child's right
        ("front", 123, 67, "cheek", "left"),
        ("back", 70, 150, "back", "left"),  # from behind, viewer's left is the child's left
        ("face", 69, 94, "subconjunctiva", "right"),
        ("face", 100, 145, "frenulum", "midline"),
        ("face", 160, 166, "angle_of_jaw", "left"),
        ("face", 12, 105, "ear", "right"),
        ("face", 131, 79, "eyelid", "left"),
    ],
)
def test_a_click_gives_the_site_and_the_childs_side(qtbot, view, x, y, site, side):
    m = BodyMap()
    qtbot.addWidget(m)
    m.set_view(view)
    with qtbot.waitSignal(m.site_chosen, timeout=1000) as signal:
        assert m.choose_point(x, y)
    assert signal.args[:3] == [site, side, view]


def test_a_real_mouse_click_maps_through_the_scaling(qtbot):
    m = BodyMap()
    qtbot.addWidget(m)
    m.resize(400, 800)
    m.show()
    s, ox, oy = m._scale()
    point = QPoint(int(ox + 100 * s), int(oy + 180 * s))  # the middle of the front torso
    with qtbot.waitSignal(m.site_chosen, timeout=1000) as signal:
        qtbot.mouseClick(m, Qt.MouseButton.LeftButton, pos=point)
    assert signal.args[0] == "abdomen"


def test_the_keyboard_moves_between_regions_and_enter_marks_one(qtbot):
    m = BodyMap()
    qtbot.addWidget(m)
    m.show()
    m.setFocus()
    first = m.highlighted()
    qtbot.keyClick(m, Qt.Key.Key_Right)
    assert m.highlighted() != first
    assert "Highlighted" in m.accessibleDescription()
    with qtbot.waitSignal(m.site_chosen, timeout=1000) as signal:
        qtbot.keyClick(m, Qt.Key.Key_Return)
    assert signal.args[0] == m.highlighted().site
