"""The referral record's dataset and its content hash (domain, no ReportLab)."""

from dataclasses import replace

from triage_app.domain.referral import (
    BodyMapMark,
    canonical_content,
    content_sha256,
    sha256_hex,
)
from triage_app.report.bodymap import derived_marks
from triage_app.report.samples import sample_record


def test_builder_numbers_findings_and_carries_profile_and_contacts():
    record = sample_record(prior=5)
    assert [e.number for e in record.findings] == [1, 2, 3, 4]
    assert record.findings[0].marks == (BodyMapMark("face", 0.7, 0.6),)
    assert record.findings[0].result is not None
    assert record.profile_id == "nyscp"
    assert record.profile_version == "2025.1"
    assert {c.key for c in record.contacts} >= {"csc_front_door", "on_call_paediatrician"}
    assert record.milestones[0].milestone == "rolls"
    assert record.milestones[0].given_by == "mother (reported)"
    assert any(i.due_from for i in record.investigations)


def test_timeline_is_newest_first_with_flags_then_household():
    record = sample_record(prior=6)
    child_rows = [t for t in record.timeline if t.subject == "This child"]
    assert [t.date for t in child_rows] == sorted((t.date for t in child_rows), reverse=True)
    assert any("F1" in t.flags for t in child_rows)
    assert any("F4" in t.flags for t in child_rows)  # cheek and ear are TEN-4-FACESp sites
    assert record.timeline[-1].subject == "Adam (brother)"


def test_content_hash_is_stable_and_changes_with_the_content():
    record = sample_record(prior=2)
    assert content_sha256(record) == content_sha256(sample_record(prior=2))
    assert len(content_sha256(record)) == 64
    changed = replace(record, clinical_state="Different")
    assert content_sha256(changed) != content_sha256(record)
    assert sha256_hex(canonical_content(record)) == content_sha256(record)


def test_body_map_mark_validates_view_and_range():
    import pytest

    with pytest.raises(ValueError):
        BodyMapMark("side", 0.5, 0.5)
    with pytest.raises(ValueError):
        BodyMapMark("front", 1.2, 0.5)


def test_derived_marks_follow_the_childs_left_and_right():
    from triage_app.domain.vocab import Side, Site

    (right,) = derived_marks(Site.CHEEK, Side.RIGHT)
    (left,) = derived_marks(Site.CHEEK, Side.LEFT)
    assert right.view == "face"
    assert right.x < 0.5 < left.x  # facing the viewer: the child's right is on the left
    assert len(derived_marks(Site.THIGH, Side.BILATERAL)) == 2
    assert derived_marks(Site.OTHER, None) == ()
