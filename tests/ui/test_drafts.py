import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.ui.real_store import USER
from triage_app.ui.assessment_view import AssessmentView
from triage_app.ui.drafts import DRAFT_NAME, FileDraftStore, draft_key

ROOT = Path(__file__).resolve().parents[2]


def test_save_load_discard_round_trip_and_private_file(tmp_path):
    store = FileDraftStore(tmp_path / "data")
    assert store.load() is None
    store.save({"step": 2, "assessment": {"findings": []}})
    draft = store.load()
    assert draft.data == {"step": 2, "assessment": {"findings": []}}
    mode = stat.S_IMODE(os.stat(store.path).st_mode)
    assert mode == 0o600
    assert [p.name for p in store.path.parent.iterdir()] == [DRAFT_NAME]  # no temp files left
    store.discard()
    assert store.load() is None


def test_a_corrupt_draft_is_ignored_without_logging_its_content(tmp_path, caplog):
    store = FileDraftStore(tmp_path)
    store.path.write_text('{"schema": "triage-draft/1", "data": {"child": "EXAMPLE')
    assert store.load() is None
    assert "EXAMPLE" not in caplog.text


def test_one_file_per_child_and_the_key_carries_no_details(tmp_path):
    store = FileDraftStore(tmp_path)
    ava = {"id": "", "family_name": "Example", "given_name": "Ava", "date_of_birth": "2026-10-20"}
    ben = {"id": "17", "family_name": "Example", "given_name": "Ben"}
    store.save({"child": ava}, draft_key(ava))
    store.save({"child": ben}, draft_key(ben))
    assert draft_key(ava) != draft_key(ben) and draft_key(ben) == draft_key({"id": "17"})
    assert len(store.drafts()) == 2
    assert all("Example" not in p.name and "Ava" not in p.name for p in tmp_path.iterdir())
    store.discard(draft_key(ava))
    assert [d.data["child"]["given_name"] for d in store.drafts()] == ["Ben"]


CHILD_PROCESS = textwrap.dedent(
    """
    import os, sys, time
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    sys.path.insert(0, {root!r})
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from datetime import date
    from triage_app.domain.engine import Engine
    from triage_app.ui.assessment_view import AssessmentView
    from triage_app.ui.viewmodels import PriorHistory, ChildView
    from tests.ui.fakes import FakePrompter
    from tests.ui.real_store import RealStore, USER
    from pathlib import Path
    store = RealStore(Path({data!r}))
    services = store.services()
    ava = ChildView("", date(2026, 10, 20), "9434765919", "Ava", "Example", None)
    view = AssessmentView(Engine.load().decide, services.recorder, services.drafts,
                          store.clock, FakePrompter())
    view.start(ava, PriorHistory(), USER)
    view.go_to(2)
    view.steps[2].body_map.choose_point(77, 67)
    view.go_to(3)
    view.steps[3].ui.explanation_edit.setPlainText("Baby rolled off the sofa")
    # No explicit save: the draft timer must write it by itself, shortly after typing.
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
        draft = services.drafts.load(view.draft_key)
        if draft and draft.data["assessment"].get("explanation", {{}}).get("text"):
            break
    print("READY", flush=True)
    time.sleep(600)
    """
)


def test_killing_the_process_mid_assessment_leaves_a_resumable_draft(
    qtbot, store, engine, prompter
):
    code = CHILD_PROCESS.format(root=str(ROOT), data=str(store.folder))
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.strip() == "READY"
        os.kill(proc.pid, signal.SIGKILL)  # a crash or power cut: no clean-up runs
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    services = store.services()
    [draft] = services.drafts.drafts()  # encrypted on disk, read with the record's key
    json.dumps(draft.data)
    assert b"sofa" not in b"".join(p.read_bytes() for p in store.folder.glob("draft-*.enc"))
    view = AssessmentView(engine.decide, services.recorder, services.drafts, store.clock, prompter)
    qtbot.addWidget(view)
    view.resume(dict(draft.data))
    assert view.child.given_name == "Ava" and draft.data["user"] == USER
    assert view.steps[3].ui.explanation_edit.toPlainText() == "Baby rolled off the sofa"
    assert view.steps[2].findings[0]["site"] == "cheek"
    assert view.stack.currentIndex() == 3
    assert "IMMEDIATE" in view.panel.urgency_text()
