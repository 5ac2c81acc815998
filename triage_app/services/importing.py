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
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

from triage_app.domain.errors import InputError, Problem
from triage_app.domain.records import ImportSummary
from triage_app.services.context import StoreContext
from triage_app.services.import_job import ImportJob
from triage_app.services.import_rows import COLUMNS, parse_findings, validate_row
from triage_app.store import bulk, import_jobs
from triage_app.store.db import is_sqlite

__all__ = ["COLUMNS", "import_presentations", "parse_findings", "rejects_path", "validate_row"]

BATCH = 50_000  # rows per batch; on SQLite a batch holds the write lock (~0.5 s at 100,000 rows/s)


def rejects_path(path: Path) -> Path:
    """``visits.csv`` -> ``visits.rejects.csv`` (beside the input)."""
    return path.with_name(path.stem + ".rejects.csv")


FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")
MAX_RECORD_CHARS = 1 << 20  # a row longer than 1 MiB is rejected, never held in memory
MAX_FIELD_CHARS = 131_072  # one field over 128 Ki characters rejects its row
_CHUNK = 1 << 16
_BLOCK = 1 << 16  # characters read at a time by the fast path (at most twice this is held)


def neutralise(cell: str) -> tuple[str, bool]:
    """A cell a spreadsheet would run as a formula gets a leading ``'`` (OWASP advice).

    Returns the cell to write and whether it was changed: the original is the written cell
    without its first character (the ``neutralised`` column lists the columns changed).
    """
    if cell and cell[0] in FORMULA_LEAD:
        return "'" + cell, True
    return cell, False


class _Rejects:
    """Bad rows, written to an unnamed private file that gets its name only after commit.

    The file is opened with ``O_TMPFILE`` (Linux): it has no name until :meth:`finish` links
    it beside the input, so a killed import leaves nothing behind. It is owner-only (0600).
    Cells a spreadsheet would run as formulas are neutralised (see :func:`neutralise`).
    """

    def __init__(self, target: Path, header: list[str]) -> None:
        self.target = target
        self.header = header
        self.temp: Path | None = None
        try:
            fd = os.open(target.parent, os.O_TMPFILE | os.O_WRONLY, 0o600)
        except (AttributeError, OSError):  # no O_TMPFILE here: a named, private temp file
            fd, name = tempfile.mkstemp(
                prefix=f".{target.name}.{os.getpid()}-", suffix=".partial", dir=target.parent
            )
            self.temp = Path(name)
        os.fchmod(fd, 0o600)
        self.fd = fd
        self.file = open(  # noqa: SIM115 - closed in finish()
            fd, "w", newline="", encoding="utf-8", errors="surrogateescape", closefd=False
        )
        self.writer = csv.writer(self.file)
        self.writer.writerow([*header, "neutralised", "line", "reason"])
        self.count = 0
        self.early = 0  # rows rejected before they reached the import job (still "read")

    def add(self, fields: list[str], line: int, reason: str) -> None:
        out, changed = [], []
        for i, cell in enumerate(fields):
            cell, was = neutralise(cell)
            out.append(cell)
            if was:
                changed.append(self.header[i] if i < len(self.header) else f"field {i + 1}")
        reason, _ = neutralise(reason)
        self.writer.writerow([*out, " ".join(changed), line, reason])
        self.count += 1

    def finish(self, keep: bool) -> str | None:
        self.file.close()
        try:
            if keep and self.count:
                os.fsync(self.fd)
                self.target.unlink(missing_ok=True)
                if self.temp is None:
                    _link_unnamed(self.fd, self.target)
                else:
                    os.replace(self.temp, self.target)
                return str(self.target)
            if keep:
                self.target.unlink(missing_ok=True)  # an old rejects file would now mislead
            return None
        finally:
            os.close(self.fd)
            if self.temp is not None:
                self.temp.unlink(missing_ok=True)


def _link_unnamed(fd: int, target: Path) -> None:
    """Give an ``O_TMPFILE`` file its name (``linkat`` with ``AT_SYMLINK_FOLLOW``)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    source = f"/proc/self/fd/{fd}".encode()
    if libc.linkat(-100, source, -100, os.fsencode(target), 0x400) != 0:  # AT_FDCWD
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err), str(target))


class _Records:
    """Split a CSV text stream into records with bounded memory; parse each with ``csv``.

    Physical lines are read at most 64 KiB at a time; a record (one row, which may span lines
    inside quotes) longer than :data:`MAX_RECORD_CHARS` is skipped to its end without being
    kept, and reported as a reject. A quote left open at the end of the file is reported at
    the line where it opened, with the lines it swallowed. Quote rules are the ``csv``
    module's: a quote opens a quoted field only at the start of a field.
    """

    def __init__(self, f: TextIO) -> None:
        self.f = f
        self.line = 0  # physical lines read
        self.start = 1  # the line where the record just yielded starts
        self.end = 1
        self.size = 0  # characters in the record just yielded
        self.problem: str | None = None
        self.problem_fields: list[str] = []
        self.buf = ""  # text read ahead by plain_lines, from a line start; served first
        self.pos = 0

    def _readline(self, limit: int) -> str:
        """``readline(limit)`` of the file (``newline=""``), after the text read ahead."""
        buf, pos = self.buf, self.pos
        if pos >= len(buf):
            return self.f.readline(limit)
        nl, cr = buf.find("\n", pos), buf.find("\r", pos)
        if cr >= 0 and (nl < 0 or cr < nl):
            end = cr + 2 if nl == cr + 1 else cr + 1
        elif nl >= 0:
            end = nl + 1
        elif len(buf) - pos < limit:  # the line goes on in the file: the same piece as the
            self.buf, self.pos = "", 0  # file's own readline would give
            return buf[pos:] + self.f.readline(limit - (len(buf) - pos))
        else:
            end = len(buf)
        end = min(end, pos + limit)
        self.pos = end
        return buf[pos:end]

    def plain_lines(self) -> tuple[int, list[str]] | None:
        """The next whole lines without a quote or a lone CR: (first line number, lines).

        Each such line is one record, so the ``csv`` module can read them all at once (the
        fast path). Returns an empty list when the next record must be read by
        :meth:`texts` (it has a quote, a lone CR, or is longer than the text read ahead),
        and ``None`` at the end of the file. At most ``2 * _BLOCK`` characters are held, so
        no field of such a line can be longer than :data:`MAX_FIELD_CHARS`.
        """
        text = self.buf[self.pos :] if self.pos else self.buf
        if "\n" not in text and len(text) < _BLOCK:
            block = self.f.read(_BLOCK)
            while block.endswith("\r"):  # a CR LF split between two reads, or a lone CR?
                more = self.f.read(1)
                if not more:
                    break
                block += more
            text += block
            if not text:
                self.buf, self.pos = "", 0
                return None
        self.buf, self.pos = text, 0
        stop = text.find('"')
        if stop < 0:
            stop = len(text)
        if text.count("\r", 0, stop) != text.count("\r\n", 0, stop):
            cr = text.find("\r", 0, stop)  # CR LF ends a line; a lone CR is left to texts()
            while cr >= 0 and text.startswith("\n", cr + 1):
                cr = text.find("\r", cr + 2, stop)
            if cr >= 0:
                stop = cr
        cut = text.rfind("\n", 0, stop) + 1
        if not cut:
            return self.line + 1, []
        lines = text[:cut].split("\n")
        lines.pop()  # the empty text after the last line end
        self.pos = cut
        first = self.line + 1
        self.line += len(lines)
        return first, lines

    def texts(self) -> Iterator[str]:
        """Yield each complete record's text (an unreadable record as an empty line)."""
        readline, ends = self._readline, ("\n", "\r")
        while True:
            part = readline(_CHUNK)
            if not part:
                return
            start = self.line + 1
            if part.endswith(ends):
                self.line += 1
                if '"' not in part:
                    self.start = self.end = start
                    self.problem, self.size = None, len(part)
                    yield part
                    continue
            parts, size, too_long = [part], len(part), False
            quoted, field_start = _scan(part, False, True)
            while quoted or not part.endswith(ends):
                more = readline(_CHUNK)
                if not more:
                    break
                part = more
                if part.endswith(ends):
                    self.line += 1
                size += len(part)
                if not too_long:
                    if size > MAX_RECORD_CHARS:
                        too_long, parts = True, ["".join(parts)[:200]]
                    else:
                        parts.append(part)
                quoted, field_start = _scan(part, quoted, field_start)
            self.start, self.size = start, size
            self.end = max(start, self.line if part.endswith(ends) else self.line + 1)
            if too_long:
                self.problem = (
                    f"the row is longer than {MAX_RECORD_CHARS} characters (lines {start} to "
                    f"{self.end}); rejected without being read"
                )
                self.problem_fields = [parts[0]]
                yield "\n"
            elif quoted:
                self.problem = (
                    f"unterminated quote: the quoted field opened on line {start} is never "
                    f"closed; it swallowed lines {start + 1} to {self.end} "
                    f"({self.end - start} lines, rejected with it)"
                )
                self.problem_fields = ["".join(parts)[:200]]
                yield "\n"
            else:
                self.problem = None
                yield "".join(parts)


def _scan(text: str, quoted: bool, at_field_start: bool) -> tuple[bool, bool]:
    """Carry the quote state across one piece of a record (the ``csv`` module's rules).

    Jumps from quote to quote (``str.find``), so a line costs little more than its quotes.
    """
    i, n = 0, len(text)
    while i < n:
        j = text.find('"', i)
        if quoted:
            if j < 0:
                return True, False
            if j + 1 < n and text[j + 1] == '"':
                i = j + 2  # a doubled quote inside a quoted field
                continue
            quoted, at_field_start, i = False, False, j + 1
            continue
        if j < 0:
            return False, text[-1] in ",\n\r"
        opens = at_field_start if j == i else text[j - 1] in ",\n\r"
        quoted, at_field_start, i = opens, False, j + 1
    return quoted, at_field_start


def _batches(
    reader: Any, records: _Records, size: int, rejects: _Rejects
) -> Iterator[list[tuple[int, list[str]]]]:
    """Yield lists of (line number where the record starts, fields), ``size`` at a time.

    Records :class:`_Records` could not read (too long, unterminated quote), rows with a
    field over :data:`MAX_FIELD_CHARS`, and rows spanning several lines with the wrong number
    of fields (a stray quote swallowed the lines after it) go straight to the rejects.
    """
    batch: list[tuple[int, list[str]]] = []
    width = len(rejects.header)
    while True:
        run = records.plain_lines()
        if run is None:
            break
        first, lines = run
        if lines:  # one record per line, each a line number with its fields
            batch.extend(
                zip(range(first, first + len(lines)), csv.reader(lines, strict=False), strict=True)
            )
            while len(batch) >= size:
                yield batch[:size]
                batch = batch[size:]
            continue
        fields = next(reader, None)
        if fields is None:
            break
        if records.problem is not None:
            rejects.add(records.problem_fields, records.start, records.problem)
            rejects.early += 1
            continue
        if records.size > MAX_FIELD_CHARS and any(len(x) > MAX_FIELD_CHARS for x in fields):
            rejects.add(
                [x[:200] for x in fields],
                records.start,
                f"a field is longer than {MAX_FIELD_CHARS} characters; the row is rejected",
            )
            rejects.early += 1
            continue
        if records.end > records.start and len(fields) != width:
            rejects.add(
                fields,
                records.start,
                f"has {len(fields)} fields; the header has {width}. The row runs from line "
                f"{records.start} to line {records.end}: if a quote opened on line "
                f"{records.start} was not meant to span lines, it swallowed the "
                f"{records.end - records.start} lines after it",
            )
            rejects.early += 1
            continue
        batch.append((records.start, fields))
        if len(batch) >= size:
            yield batch
            batch = []
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
    if csv.field_size_limit() < MAX_RECORD_CHARS:
        csv.field_size_limit(MAX_RECORD_CHARS)  # rows are bounded by _Records instead
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
        records = _Records(f)
        reader = csv.reader(records.texts(), strict=False)
        header = next(reader, None)
        if records.problem is not None:
            header = None
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
            if is_sqlite(ctx.engine):
                summary = _import_in_batches(
                    ctx, path, digest, reader, records, batch_size, after_batch, index, rejects
                )
            else:
                with ctx.transaction() as s:
                    bulk.serialise_imports(s.connection())
                    job = ImportJob(ctx, s.connection(), index, rejects, len(header))
                    for batch in _batches(reader, records, batch_size, rejects):
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


def _import_in_batches(
    ctx: StoreContext,
    path: Path,
    digest: str,
    reader: Any,
    records: _Records,
    batch_size: int,
    after_batch: Callable[[int], None] | None,
    index: dict[str, int],
    rejects: _Rejects,
) -> dict[str, int]:
    """SQLite: one short transaction per batch inside an import job.

    Other commands get the write lock between batches; the final commit (audit event, job
    ``done``) makes the import complete. Any failure rolls the batches back (audited); a kill
    is rolled back by the next import (:func:`roll_back_interrupted`).
    """
    roll_back_interrupted(ctx)
    with ctx.transaction() as s:
        job_id = import_jobs.start(s, path.name, digest, ctx.user, ctx.clock())
    try:
        job: ImportJob | None = None
        # One connection for every batch (each batch its own transaction on it): its page
        # cache keeps the indexes the batches update hot. Closed (any open transaction rolled
        # back) before a failure is rolled back below.
        with ctx.engine.connect() as conn:
            for batch in _batches(reader, records, batch_size, rejects):
                with conn.begin():
                    if job is None:
                        job = ImportJob(ctx, conn, index, rejects, len(rejects.header))
                    before = import_jobs.max_ids(conn)
                    job.run(batch)
                    last = batch[-1][0]  # the line reached: a careful record's own last line
                    reached = records.end if records.start == last else last
                    import_jobs.add_batch(conn, job_id, before, reached, job.take_undo())
                if after_batch:
                    after_batch(job.read)
        with ctx.transaction() as s:
            if job is None:
                job = ImportJob(ctx, s.connection(), index, rejects, len(rejects.header))
            summary = job.summary()
            for action, entity, entity_id, after in job.events:
                ctx.audit(s, action, entity, entity_id, after=after)
            ctx.audit(
                s,
                "import",
                "presentation",
                None,
                after={"file": path.name, "sha256": digest, "import_job": job_id, **summary},
            )
            import_jobs.finish(s, job_id, import_jobs.DONE, ctx.clock())
        return summary
    except BaseException:
        _roll_back(ctx, job_id, "the import failed")
        raise


def roll_back_interrupted(ctx: StoreContext) -> int:
    """Roll back every import job whose process was killed part-way (audited); return how many."""
    with ctx.session_factory.begin() as s:
        stale = [row.id for row in import_jobs.interrupted(s)]
    for job_id in stale:
        _roll_back(ctx, job_id, "the import was interrupted")
    return len(stale)


def _roll_back(ctx: StoreContext, job_id: int, why: str) -> None:
    with ctx.transaction() as s:
        removed = import_jobs.roll_back(s, job_id, ctx.clock(), ctx.user)
        import_jobs.finish(s, job_id, import_jobs.ROLLED_BACK, ctx.clock())
        ctx.audit(s, "update", "import_job", job_id, after={"rolled_back": why, **removed})


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
