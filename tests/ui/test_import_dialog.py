"""The import dialog on the real services and a temporary store: preview stores nothing,
progress is shown, a cancel part-way leaves nothing stored, then the import stores it all."""

from __future__ import annotations

import csv
import importlib.util
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from PySide6.QtCore import Qt

from tests.ui.fakes import FakePrompter, FixedClock
from triage_app.domain.engine import Engine
from triage_app.services import history
from triage_app.services.context import open_store
from triage_app.store.orm import Child, Presentation
from triage_app.ui.import_dialog import ImportDialog, open_import_dialog
from triage_app.ui.main_window import MainWindow
from triage_app.ui.seams import ImmediateExecutor, ThreadPoolExecutor
from triage_app.ui.service_adapters import services_for
from triage_app.ui.service_import import StoreImporter

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "imports"
_spec = importlib.util.spec_from_file_location("store_fixtures", ROOT / "tests/store/conftest.py")
_fx = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fx)


@pytest.fixture
def ctx(tmp_path):
    context = open_store(
        f"sqlite:///{tmp_path / 'store.sqlite3'}",
        user="tester",
        clock=lambda: datetime(2025, 9, 3, 10, 0),
        protocol=_fx.protocol(),
    )
    yield context
    context.close()


def counts(ctx) -> tuple[int, int]:
    with ctx.session_factory.begin() as s:
        return (
            s.scalar(select(func.count()).select_from(Child)),
            s.scalar(select(func.count()).select_from(Presentation)),
        )


def dialog_for(qtbot, ctx, executor=None) -> ImportDialog:
    dialog = ImportDialog(StoreImporter(ctx), executor or ImmediateExecutor())
    qtbot.addWidget(dialog)
    return dialog


def big_extract(path: Path, rows: int) -> Path:
    """A GP report extract of ``rows`` synthetic rows (NHS numbers from the 999 range)."""
    with (EXAMPLES / "gp-report.csv").open(newline="", encoding="utf-8") as f:
        header = next(csv.reader(f))
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        for n in range(rows):
            w.writerow([
                f"R{n}", _fx.NHS[n % 40], "Example", f"Ava{n % 40}", "20/07/2025", "Female",
                "XX1 1AA", f"{1 + n % 28:02d}/08/2025 {n % 24:02d}:{n % 60:02d}",
                "Synthetic Surgery", "125667009" if n % 3 == 0 else "", "",
                "bruise on cheek" if n % 5 == 0 else "review", "Advice given",
            ])  # fmt: skip
    return path


def test_preview_shows_counts_and_first_rows_and_stores_nothing(qtbot, ctx, tmp_path):
    path = tmp_path / "ed.csv"
    shutil.copy(EXAMPLES / "ecds-ed.csv", path)
    dialog = dialog_for(qtbot, ctx)
    assert dialog.mapping_combo.count() == 4  # three shipped and "another file"
    dialog.file_edit.setText(str(path))
    dialog.select_mapping("ecds-ed.toml")
    assert not dialog.import_button.isEnabled()  # only after a preview
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    text = dialog.report.toPlainText()
    assert "Preview (nothing stored)" in text
    assert "would import 6" in text and "mapped to findings 2" in text
    assert "possible injury: review (red eye, subconjunctival, haemorrhage)" in text
    assert "nothing was stored" in dialog.status.text()
    assert dialog.progress.value() == dialog.progress.maximum() == 6
    assert counts(ctx) == (0, 0)
    assert dialog.import_button.isEnabled()
    dialog.select_mapping("gp-report.toml")  # another mapping: preview again first
    assert not dialog.import_button.isEnabled()
    dialog.select_mapping("ecds-ed.toml")
    assert dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert "Import done: 6 presentations stored" in dialog.status.text()
    assert counts(ctx) == (6, 6)
    assert not dialog.import_button.isEnabled()  # a second click would import nothing new


def test_a_cancel_part_way_leaves_nothing_stored(qtbot, ctx, tmp_path):
    path = big_extract(tmp_path / "gp.csv", 3_500)
    dialog = dialog_for(qtbot, ctx)
    dialog.file_edit.setText(str(path))
    dialog.select_mapping("gp-report.toml")
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    assert "would import 3500" in dialog.report.toPlainText()
    values: list[int] = []

    def on_value(value: int) -> None:
        values.append(value)
        if value >= 2_000 and dialog.cancel_button.isEnabled():
            assert dialog.progress.maximum() == 3_500
            qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)

    dialog.progress.valueChanged.connect(on_value)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert 1_000 in values and 2_000 in values and 3_000 not in values  # stopped part-way
    assert dialog.status.text() == "Cancelled: nothing was stored."
    assert counts(ctx) == (0, 0)  # the batches already inserted were rolled back
    assert not list(tmp_path.glob("*.rejects.csv*"))
    assert not dialog.import_button.isEnabled() and dialog.preview_button.isEnabled()


def test_the_import_runs_on_a_worker_thread_with_progress(qtbot, ctx, tmp_path):
    path = big_extract(tmp_path / "gp.csv", 2_500)
    dialog = dialog_for(qtbot, ctx, ThreadPoolExecutor())
    dialog.file_edit.setText(str(path))
    dialog.select_mapping("gp-report.toml")
    seen: list[int] = []
    dialog.progress.valueChanged.connect(seen.append)
    dialog.start_preview()
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled(), timeout=30_000)
    dialog.start_import()
    qtbot.waitUntil(lambda: "Import done" in dialog.status.text(), timeout=30_000)
    assert counts(ctx)[1] == 2_500
    assert 1_000 in seen and 2_000 in seen
    flagged = dialog.result_summary.flagged
    assert flagged == 500  # "bruise on cheek" every fifth row: kept and flagged
    found = history.history_by_nhs_number(ctx, _fx.NHS[0])
    assert all(
        e.presentation.review for e in found.entries if "bruise" in (e.presentation.complaint or "")
    )


def test_a_bad_mapping_file_is_refused_with_the_key_and_reason(qtbot, ctx, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        (ROOT / "resources/import-maps/gp-report.toml")
        .read_text(encoding="utf-8")
        .replace('date = "DD/MM/YYYY"', 'date = "auto"'),
        encoding="utf-8",
    )
    path = tmp_path / "gp.csv"
    shutil.copy(EXAMPLES / "gp-report.csv", path)
    dialog = dialog_for(qtbot, ctx)
    dialog.file_edit.setText(str(path))
    dialog.set_mapping_file(str(bad))
    dialog.start_preview()
    assert "The mapping was refused" in dialog.status.text()
    assert f"{bad}: formats.date: 'auto' is ambiguous" in dialog.report.toPlainText()
    assert not dialog.import_button.isEnabled()
    assert counts(ctx) == (0, 0)


def test_the_window_opens_the_dialog_from_the_record_menu(qtbot, ctx, tmp_path):
    prompter = FakePrompter()
    window = MainWindow(
        FixedClock(),
        ImmediateExecutor(),
        prompter,
        engine_loader=lambda: Engine.load().decide,
    )
    qtbot.addWidget(window)
    window.attach(services_for(ctx, tmp_path))
    (action,) = [a for a in window.record_actions if a.text().startswith("&Import presentations")]
    action.trigger()
    assert isinstance(window.import_dialog, ImportDialog)
    assert window.import_dialog.isVisible()
    window.import_dialog.close()
    window.services = None
    assert open_import_dialog(window) is None  # no record open: nothing to import into
    assert prompter.calls[-1] == ("info", "Import presentations", "Open the record first.")
