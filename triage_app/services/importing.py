"""Use-case: import presentations from another system's CSV export (docs/import-format.md).

- Every row is validated; the good rows are stored in one transaction (all or nothing: a
  crash part-way leaves the database as it was).
- Each bad row goes, unchanged, to ``FILE.rejects.csv`` beside the input, with its line
  number and the reason. The rejects file is written only after the import commits.
- Re-importing a file imports nothing new: (source, source_id) identifies a row. A re-imported
  row that now carries an NHS number its stored child lacks is *attached*: the number is
  added to that child, or, when another child has it, the two are linked as the same child.
- Text is stored verbatim (no trimming, no case change); only NUL characters and bytes that
  are not UTF-8 are refused, because no database can store them faithfully.
- Rows without an NHS number create a new child record each: identity is never guessed
  from a name (see ``triage-app history --name``).
"""

from __future__ import annotations

import csv
import gc
import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from triage_app.domain.errors import InputError, Problem
from triage_app.domain.records import ImportSummary
from triage_app.services.context import StoreContext
from triage_app.services.import_job import ImportJob
from triage_app.services.import_rows import COLUMNS, parse_findings, validate_row

__all__ = ["COLUMNS", "import_presentations", "parse_findings", "rejects_path", "validate_row"]

BATCH = 10_000


def rejects_path(path: Path) -> Path:
    """``visits.csv`` -> ``visits.rejects.csv`` (beside the input)."""
    return path.with_name(path.stem + ".rejects.csv")


class _Rejects:
    """Bad rows, written to a temporary file and moved beside the input after commit."""

    def __init__(self, target: Path, header: list[str]) -> None:
        self.target = target
        self.temp = target.with_name(target.name + ".partial")
        self.file = self.temp.open("w", newline="", encoding="utf-8", errors="surrogateescape")
        self.writer = csv.writer(self.file)
        self.writer.writerow([*header, "line", "reason"])
        self.count = 0

    def add(self, fields: list[str], line: int, reason: str) -> None:
        self.writer.writerow([*fields, line, reason])
        self.count += 1

    def finish(self, keep: bool) -> str | None:
        self.file.close()
        if keep and self.count:
            os.replace(self.temp, self.target)
            return str(self.target)
        self.temp.unlink(missing_ok=True)
        if keep:
            self.target.unlink(missing_ok=True)  # an old rejects file would now mislead
        return None


def _batches(reader: Any, size: int) -> Iterator[list[tuple[int, list[str]]]]:
    """Yield lists of (line number where the record starts, fields), ``size`` at a time."""
    batch: list[tuple[int, list[str]]] = []
    append = batch.append
    start = reader.line_num + 1
    for fields in reader:
        append((start, fields))
        start = reader.line_num + 1
        if len(batch) >= size:
            yield batch
            batch = []
            append = batch.append
    if batch:
        yield batch


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def import_presentations(
    ctx: StoreContext,
    path: Path,
    *,
    batch_size: int = BATCH,
    after_batch: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Import a presentations CSV file; see the module docstring for the guarantees.

    Args:
        ctx: the store.
        path: the CSV file.
        batch_size: rows validated and inserted per batch (all in one transaction).
        after_batch: called with the running row count after each batch (progress; tests).

    Raises:
        InputError: the file cannot be read or its header is wrong (nothing imported).
    """
    digest = _sha256(path)
    try:
        return _import_file(ctx, path, digest, batch_size, after_batch)
    except csv.Error as exc:
        # The csv module stops on a field over its size limit (128 KiB) and cannot resume;
        # the transaction has rolled back, so nothing was imported.
        raise InputError(
            [Problem(path.name, f"cannot be read as CSV ({exc}); nothing was imported")]
        ) from None


def _import_file(
    ctx: StoreContext,
    path: Path,
    digest: str,
    batch_size: int,
    after_batch: Callable[[int], None] | None,
) -> ImportSummary:
    with path.open(newline="", encoding="utf-8-sig", errors="surrogateescape") as f:
        reader = csv.reader(f, strict=False)
        header = next(reader, None)
        _check_header(header, path)
        assert header is not None
        index = {name: header.index(name) for name in COLUMNS}
        rejects = _Rejects(rejects_path(path), header)
        ok = False
        # The cyclic garbage collector would rescan the growing per-file state (source ids
        # seen, children met) again and again: about a third of the run time. The loop makes
        # no reference cycles, so reference counting frees everything; switch it off here.
        collecting = gc.isenabled()
        gc.disable()
        try:
            with ctx.transaction() as s:
                job = ImportJob(ctx, s.connection(), index, rejects, len(header))
                for batch in _batches(reader, batch_size):
                    job.run(batch)
                    if after_batch:
                        after_batch(job.read)
                summary = job.summary()
                for action, entity, entity_id, after in job.events:
                    ctx.audit(s, action, entity, entity_id, after=after)
                ctx.audit(
                    s,
                    "import",
                    "presentation",
                    None,
                    after={"file": path.name, "sha256": digest, **summary},
                )
            ok = True
        finally:
            if collecting:
                gc.enable()
            kept = rejects.finish(keep=ok)
    return ImportSummary(**summary, rejects_file=kept)


def _check_header(header: list[str] | None, path: Path) -> None:
    if header is None:
        raise InputError([Problem(str(path), "the file is empty (a header row is required)")])
    missing = [c for c in COLUMNS if c not in header]
    extra = [c for c in header if c not in COLUMNS]
    repeated = sorted({c for c in header if header.count(c) > 1})
    problems = []
    if missing:
        problems.append(Problem(f"{path.name} line 1", f"missing columns: {', '.join(missing)}"))
    if extra:
        problems.append(Problem(f"{path.name} line 1", f"unknown columns: {', '.join(extra)}"))
    if repeated:
        problems.append(Problem(f"{path.name} line 1", f"repeated columns: {', '.join(repeated)}"))
    if problems:
        raise InputError(problems)
