"""Use-case: import another system's extract through a mapping file (docs/import-format.md).

Built on the presentations import's row API (:class:`~triage_app.services.import_job.ImportJob`):
each source row is mapped (:mod:`triage_app.domain.import_mapping`) to an import row, which
is then checked, de-duplicated and stored exactly as a row of the native format would be.
Same guarantees: the good rows are stored in one transaction, all or nothing; each bad row
goes, unchanged, to ``FILE.rejects.csv`` with its line and every reason (the reason names the
source column); re-importing stores nothing new.

Added here:
- **Preview** (``dry_run``): the whole import runs, then rolls back; the summary says what
  would be imported, mapped, flagged and rejected, with the first rows of each. Nothing is
  stored and no rejects file is written.
- **Progress and cancel**: ``progress(done, total)`` after each batch; ``cancelled()`` is
  asked after each batch and before the commit, and a cancel rolls everything back.
- **Review flag**: a row whose free text (kept verbatim in the complaint) contains a word
  of the documented injury keyword list is stored with ``possible injury: review``. The
  text never becomes a finding; only a code in the mapping's code map does.
"""

from __future__ import annotations

import csv
import gc
import hashlib
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from triage_app.domain.errors import InputError, Problem
from triage_app.domain.import_mapping import (
    FIELDS,
    ImportMapping,
    MappingError,
    RowMapper,
    load_mapping,
)
from triage_app.domain.resources import resource
from triage_app.services.context import StoreContext
from triage_app.services.import_job import ImportJob
from triage_app.services.import_rows import COLUMNS
from triage_app.store import bulk
from triage_app.store.import_review import mark_for_review

__all__ = [
    "ImportCancelled",
    "MappedImportSummary",
    "MappingError",
    "import_mapped",
    "load_mapping",
    "mapped_rejects_path",
    "shipped_mappings",
]

log = logging.getLogger(__name__)
BATCH = 10_000
SAMPLE = 5
_INDEX = {name: i for i, name in enumerate(COLUMNS)}
assert tuple(FIELDS) == tuple(COLUMNS), "the mapping's fields are the import's columns"
(SOURCE, SOURCE_ID, NHS, _F, _G, DOB, _SEX, _PC, SEEN, SETTING, _ORG, COMPLAINT, FINDINGS,
 _OUT) = range(len(COLUMNS))  # fmt: skip


class ImportCancelled(Exception):  # noqa: N818 - as the demo loader's Cancelled
    """The caller cancelled the import; nothing was stored."""


def shipped_mappings() -> list[tuple[str, Traversable]]:
    """The mappings shipped in ``resources/import-maps`` as (file name, file), by name."""
    folder = resource("import-maps")
    if not folder.is_dir():
        return []
    return sorted(
        ((f.name, f) for f in folder.iterdir() if f.name.endswith(".toml")), key=lambda x: x[0]
    )


def mapped_rejects_path(path: Path) -> Path:
    """``ed.csv`` -> ``ed.rejects.csv`` beside the input (as for the native import)."""
    return path.with_name(path.stem + ".rejects.csv")


@dataclass(frozen=True)
class MappedImportSummary:
    """What a mapped import did (or, for a preview, would do)."""

    mapping: str
    dry_run: bool
    read: int
    imported: int
    duplicates: int
    rejected: int
    children_created: int
    mapped: int  # imported rows with at least one finding from the code map
    flagged: int  # imported rows flagged "possible injury: review"
    first_imported: tuple[str, ...] = ()
    first_mapped: tuple[str, ...] = ()
    first_flagged: tuple[str, ...] = ()
    first_rejected: tuple[str, ...] = ()
    rejects_file: str | None = None

    def lines(self) -> list[str]:
        """The summary in words: counts, then the first rows of each group."""
        verb = "would import" if self.dry_run else "imported"
        head = [
            f"{'Preview (nothing stored)' if self.dry_run else 'Imported'} with {self.mapping}",
            f"read {self.read}, {verb} {self.imported}, duplicates skipped {self.duplicates}, "
            f"rejected {self.rejected}; mapped to findings {self.mapped}, flagged "
            f"'possible injury: review' {self.flagged}; new children {self.children_created}",
        ]
        for title, rows in (
            ("imported" if not self.dry_run else "would be imported", self.first_imported),
            ("mapped to findings", self.first_mapped),
            ("flagged for review (free text kept verbatim, no finding made)", self.first_flagged),
            ("rejected", self.first_rejected),
        ):
            if rows:
                head.append(f"First rows {title}:")
                head += [f"  {r}" for r in rows]
        if self.rejects_file:
            head.append(f"rejected rows (unchanged, with line and reason): {self.rejects_file}")
        return head


class _DryRun(Exception):  # noqa: N818 - not an error: ends a preview
    """Raised inside the transaction at the end of a preview, so it rolls back."""


class _Rejects:
    """Rejected source rows: written unchanged (with line and reason) after the commit."""

    def __init__(self, target: Path | None, header: list[str], sample: int) -> None:
        self.target, self.count, self.sample = target, 0, sample
        self.first: list[str] = []
        self.lines: set[int] = set()
        self.originals: dict[int, list[str]] = {}
        self.mapper: RowMapper | None = None
        self.file: Any = None
        if target is not None:
            self.temp = target.with_name(target.name + ".partial")
            # The rows name patients: readable by the user only (as a backup is).
            fd = os.open(self.temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            self.file = os.fdopen(fd, "w", newline="", encoding="utf-8", errors="surrogateescape")
            self.writer = csv.writer(self.file)
            self.writer.writerow([*header, "line", "reason"])

    def add(self, fields: Any, line: int, reason: str) -> None:
        """Record one rejected row (called by the mapper's checks and by the row import)."""
        if self.mapper is not None:
            reason = "; ".join(self.mapper.describe(p) for p in reason.split("; "))
        self.count += 1
        self.lines.add(line)
        if len(self.first) < self.sample:
            self.first.append(f"line {line}: {reason}")
        if self.file is not None:
            self.writer.writerow([*self.originals.get(line, fields), line, reason])

    def finish(self, keep: bool) -> str | None:
        if self.file is None:
            return None
        self.file.close()
        if keep and self.count and self.target is not None:  # (a file implies a target)
            os.replace(self.temp, self.target)
            return str(self.target)
        self.temp.unlink(missing_ok=True)
        if keep and self.target is not None:
            self.target.unlink(missing_ok=True)  # an old rejects file would now mislead
        return None


def _describe(line: int, v: tuple[str, ...], review: str | None) -> str:
    """One row for the preview: no name, NHS number or date of birth (they may be echoed)."""
    text = " ".join(v[COMPLAINT].split())
    if len(text) > 80:
        text = text[:79] + "\u2026"
    parts = [
        f"line {line}: {v[SOURCE_ID]}",
        f"seen {v[SEEN].replace('T', ' ')}",
        v[SETTING] or "-",
        f"findings {v[FINDINGS] or 'none'}",
        f"text {text!r}" if text else "no text",
    ]
    if not v[NHS].strip():
        parts.append("no NHS number")
    if review:
        parts.append(review)
    return ", ".join(parts)


def _records(reader: Any, size: int) -> Iterator[list[tuple[int, list[str]]]]:
    batch: list[tuple[int, list[str]]] = []
    start = reader.line_num + 1
    for fields in reader:
        batch.append((start, fields))
        start = reader.line_num + 1
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _count_lines(path: Path) -> int:
    with path.open("rb") as f:
        return sum(block.count(b"\n") for block in iter(lambda: f.read(1 << 20), b""))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class _Run:
    """The mapped layer's per-file state: what happened to each row, for counts and samples."""

    sample: int
    keys: set[tuple[str, str]] = field(default_factory=set)
    mapped: int = 0
    flagged: int = 0
    imported: int = 0
    first_imported: list[str] = field(default_factory=list)
    first_mapped: list[str] = field(default_factory=list)
    first_flagged: list[str] = field(default_factory=list)


def import_mapped(
    ctx: StoreContext,
    path: Path,
    mapping: ImportMapping,
    *,
    dry_run: bool = False,
    batch_size: int = BATCH,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    sample: int = SAMPLE,
) -> MappedImportSummary:
    """Import (or preview) ``path`` through ``mapping``; see the module docstring.

    Raises:
        InputError: the file cannot be read, or its header lacks a column the mapping needs
            (nothing imported).
        ImportCancelled: ``cancelled()`` returned true; nothing was stored.
    """
    total = max(_count_lines(path) - 1, 0)
    digest = None if dry_run else _sha256(path)
    try:
        return _import(
            ctx, path, mapping, dry_run, batch_size, progress, cancelled, sample, total, digest
        )
    except csv.Error as exc:
        raise InputError(
            [Problem(path.name, f"cannot be read as CSV ({exc}); nothing was imported")]
        ) from None


def _import(
    ctx: StoreContext,
    path: Path,
    mapping: ImportMapping,
    dry_run: bool,
    batch_size: int,
    progress: Callable[[int, int], None] | None,
    cancelled: Callable[[], bool] | None,
    sample: int,
    total: int,
    digest: str | None,
) -> MappedImportSummary:
    with path.open(newline="", encoding="utf-8-sig", errors="surrogateescape") as f:
        reader = csv.reader(f, strict=False)
        header = next(reader, None)
        if header is None:
            raise InputError([Problem(str(path), "the file is empty (a header row is required)")])
        mapper = mapping.bind(header, path.name)
        rejects = _Rejects(None if dry_run else mapped_rejects_path(path), header, sample)
        run = _Run(sample)
        ok = False
        collecting = gc.isenabled()
        gc.disable()  # as in the native import: no cycles are made; the collector only costs
        try:
            if progress:
                progress(0, total)
            with ctx.transaction() as s:
                conn = s.connection()
                job = ImportJob(ctx, conn, _INDEX, rejects, len(COLUMNS))
                done = 0
                for batch in _records(reader, batch_size):
                    _run_batch(conn, job, mapper, rejects, run, batch)
                    done += len(batch)
                    if progress:
                        progress(done, max(total, done))
                    if cancelled and cancelled():
                        raise ImportCancelled
                if cancelled and cancelled():  # the last chance: nothing is committed yet
                    raise ImportCancelled
                counts = {
                    "read": done,
                    "imported": job.imported,
                    "duplicates": job.duplicates,
                    "rejected": rejects.count,
                    "children_created": job.children_created,
                    "mapped": run.mapped,
                    "flagged": run.flagged,
                }
                if dry_run:
                    raise _DryRun
                ctx.audit(
                    s,
                    "import",
                    "presentation",
                    None,
                    after={
                        "file": path.name,
                        "sha256": digest,
                        "mapping": mapping.id,
                        "mapping_version": mapping.version,
                        **counts,
                    },
                )
            ok = True
        except _DryRun:
            pass
        finally:
            if collecting:
                gc.enable()
            kept = rejects.finish(keep=ok)
    log.info(
        "mapped import (%s %s)%s: %s",
        mapping.id,
        mapping.version,
        " preview" if dry_run else "",
        counts,
    )
    return MappedImportSummary(
        mapping=mapping.label(),
        dry_run=dry_run,
        **counts,
        first_imported=tuple(run.first_imported),
        first_mapped=tuple(run.first_mapped),
        first_flagged=tuple(run.first_flagged),
        first_rejected=tuple(rejects.first),
        rejects_file=kept,
    )


def _run_batch(
    conn: Any,
    job: ImportJob,
    mapper: RowMapper,
    rejects: _Rejects,
    run: _Run,
    batch: list[tuple[int, list[str]]],
) -> None:
    """Map one batch, hand the good rows to the row import, then flag what it stored."""
    rows: list[tuple[int, tuple[str, ...]]] = []
    reviews: dict[int, str] = {}
    originals: dict[int, list[str]] = {}
    rejects.mapper = None
    for line, fields in batch:
        m = mapper.map(fields)
        if m.values is None:
            rejects.add(fields, line, "; ".join(m.problems))
            continue
        originals[line] = fields
        rows.append((line, m.values))
        if m.review:
            reviews[line] = m.review
    rejects.originals = originals
    rejects.mapper = mapper
    stored = bulk.existing_sources(conn, [(v[SOURCE], v[SOURCE_ID]) for _, v in rows])
    rejected_before = set(rejects.lines)
    job.run(rows)
    newly_rejected = rejects.lines - rejected_before
    flags: list[tuple[str, str, str]] = []
    keys = run.keys
    for line, v in rows:
        if line in newly_rejected:
            continue
        key = (v[SOURCE], v[SOURCE_ID])
        if key in stored or key in keys:
            continue  # a duplicate: stored earlier, or earlier in this file
        keys.add(key)
        run.imported += 1
        review = reviews.get(line)
        if len(run.first_imported) < run.sample:
            run.first_imported.append(_describe(line, v, review))
        if v[FINDINGS]:
            run.mapped += 1
            if len(run.first_mapped) < run.sample:
                run.first_mapped.append(_describe(line, v, review))
        if review:
            run.flagged += 1
            flags.append((review, v[SOURCE], v[SOURCE_ID]))
            if len(run.first_flagged) < run.sample:
                run.first_flagged.append(_describe(line, v, review))
    mark_for_review(conn, flags)
    rejects.originals = {}
    rejects.mapper = None
