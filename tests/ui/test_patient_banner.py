from datetime import date

from triage_app.domain.vocab import Sex
from triage_app.ui.viewmodels import ChildView
from triage_app.ui.widgets.patient_banner import PatientBanner


def test_banner_shows_identity_in_nhs_display_conventions(qtbot):
    banner = PatientBanner()
    qtbot.addWidget(banner)
    child = ChildView("c1", date(2025, 7, 20), "9434765919", "Ava", "Example", Sex.FEMALE)
    banner.show_child(child, date(2025, 9, 3))
    assert banner.text() == (
        "EXAMPLE, Ava Born 20-Jul-2025 (6w 3d) Sex Female NHS No. 943 476 5919"
    )
    assert not banner.isHidden()
    # Labels carry no colon (CUI PAB-0036).
    for label in (banner.ui.born_label, banner.ui.gender_label, banner.ui.nhs_label):
        assert ":" not in label.text()


def test_missing_values_read_not_known_and_the_banner_hides_when_cleared(qtbot):
    banner = PatientBanner()
    qtbot.addWidget(banner)
    banner.show_child(ChildView("c2", date(2025, 8, 1)), date(2025, 9, 3))
    assert "?" not in banner.text()
    assert banner.ui.nhs_value_label.text() == "Not Known"
    assert banner.ui.gender_value_label.text() == "Not Known"
    banner.clear()
    assert banner.isHidden()
