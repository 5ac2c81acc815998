import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.ui.fakes import FakePrompter, FakeRecord, FixedClock
from triage_app.ui.assessment_view import AssessmentView
from triage_app.ui.drafts import DRAFT_NAME, FileDraftStore

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


CHILD_PROCESS = textwrap.dedent(
    """
    import os, sys, time
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    sys.path.insert(0, {root!r})
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from triage_app.domain.engine import Engine
    from triage_app.ui.assessment_view import AssessmentView
    from triage_app.ui.drafts import FileDraftStore
    from triage_app.ui.viewmodels import ChildHistory
    from tests.ui.fakes import AVA, FakePrompter, FakeRecord, FixedClock
    record = FakeRecord()
    view = AssessmentView(Engine.load().decide, record, FileDraftStore({data!r}),
                          FixedClock(), FakePrompter())
    view.start(AVA, ChildHistory(), "Dr Test")
    view.go_to(2)
    view.steps[2].body_map.choose_point(77, 67)
    view.go_to(3)
    view.steps[3].ui.explanation_edit.setPlainText("Baby rolled off the sofa")
    # No explicit save: the draft timer must write it by itself, shortly after typing.
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
        text = open(os.path.join({data!r}, "assessment-draft.json")).read()
        if "Baby rolled off the sofa" in text:
            break
    print("READY", flush=True)
    time.sleep(600)
    """
)


def test_killing_the_process_mid_assessment_leaves_a_resumable_draft(qtbot, tmp_path, engine):
    data = tmp_path / "data"
    code = CHILD_PROCESS.format(root=str(ROOT), data=str(data))
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
    draft = FileDraftStore(data).load()
    assert draft is not None
    json.dumps(draft.data)
    view = AssessmentView(
        engine.decide, FakeRecord(), FileDraftStore(data), FixedClock(), FakePrompter()
    )
    qtbot.addWidget(view)
    view.resume(dict(draft.data))
    assert view.steps[3].ui.explanation_edit.toPlainText() == "Baby rolled off the sofa"
    assert view.steps[2].findings[0]["site"] == "cheek"
    assert view.stack.currentIndex() == 3
    assert "IMMEDIATE" in view.panel.urgency_text()
