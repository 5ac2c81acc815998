"""Use-case: import presentations from another system's CSV export (docs/import-format.md).

- Every row is validated; the good rows are stored in one transaction (all or nothing: a
  crash part-way leaves the database as it was).
- Each bad row goes, unchanged, to ``FILE.rejects.csv`` beside the input, with its line
  number and the reason. The rejects file is written only after the import commits.
- Re-importing a file imports nothing new: (source, source_id) identifies a row.
- Text is stored verbatim (no trimming, no case change); only NUL characters and bytes that
  are not UTF-8 are refused, because no database can store them faithfully.
- Rows without an NHS number create a new child record each: identity is never guessed
  from a name (see ``triage-app history --name``).
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
from collections.abc import Callable, Iterator
from contextlib import suppress
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from triage_app.domain import nhs_number
from triage_app.domain.errors import InputError, Problem
from triage_app.domain.records import ImportSummary
from triage_app.domain.vocab import FindingKind, Setting, Sex, Side, Site
from triage_app.services.context import StoreContext
from triage_app.store import bulk
from triage_app.store.search import name_key

COLUMNS = (
    "source", "source_id", "nhs_number", "family_name", "given_name", "date_of_birth", "sex",
    "postcode", "seen_at", "setting", "organisation", "complaint", "findings", "outcome",
)  # fmt: skip
BATCH = 10_000
MAX_FIELD = 100_000
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?")
_SURROGATE = re.compile("[\udc80-\udcff]")
_KINDS = frozenset(k.value for k in FindingKind)
_SITES = frozenset(s.value for s in Site)
_SIDES = frozenset(s.value for s in Side)
_SETTINGS = frozenset(s.value for s in Setting)
_SEXES = frozenset(s.value for s in Sex)


def rejects_path(path: Path) -> Path:
    """``visits.csv`` -> ``visits.rejects.csv`` (beside the input)."""
    return path.with_name(path.stem + ".rejects.csv")


@lru_cache(maxsize=65_536)
def _nhs_problem(text: str) -> str | None:
    return nhs_number.problem(text)


def parse_findings(text: str) -> list[dict[str, Any]]:
    """Parse ``kind@site[@side]`` items separated by ``;`` (``bruise@cheek;bleeding@mouth``).

    Raises:
        ValueError: naming the item and what is wrong with it.
    """
    out: list[dict[str, Any]] = []
    for item in text.split(";"):
        if not item.strip():
            continue
        parts = item.strip().split("@")
        kind, site = parts[0], parts[1] if len(parts) > 1 else "other"
        side = parts[2] if len(parts) > 2 else None
        if (
            len(parts) > 3
            or kind not in _KINDS
            or site not in _SITES
            or (side is not None and side not in _SIDES)
        ):
            raise ValueError(f"finding {item.strip()!r} is not kind@site[@side] in the vocabulary")
        out.append(
            {"kind": kind, "site": site, "side": side} if side else {"kind": kind, "site": site}
        )
    return out


def validate_row(row: dict[str, str], today: date) -> tuple[dict[str, Any] | None, list[str]]:
    """Check one row; return its parsed values, or ``None`` and every problem found."""
    problems: list[str] = []
    for name, value in row.items():
        if "\x00" in value:
            problems.append(f"{name}: contains a NUL character")
        elif _SURROGATE.search(value):
            problems.append(f"{name}: is not valid UTF-8 text")
        elif len(value) > MAX_FIELD:
            problems.append(f"{name}: longer than {MAX_FIELD} characters")
    if problems:
        return None, problems
    for name in ("source", "source_id"):
        if not row[name].strip():
            problems.append(f"{name}: required")
    nhs = row["nhs_number"]
    if nhs.strip():
        reason = _nhs_problem(nhs.strip())
        if reason:
            problems.append(f"nhs_number: {reason}")
        nhs = nhs_number.normalise(nhs.strip())
    if not row["family_name"].strip() and not row["given_name"].strip():
        problems.append("family_name: a family name or a given name is required")
    dob = seen = None
    if _DATE.fullmatch(row["date_of_birth"]):
        with suppress(ValueError):
            dob = date.fromisoformat(row["date_of_birth"])
    if dob is None:
        problems.append("date_of_birth: must be a date YYYY-MM-DD")
    elif dob > today:
        problems.append("date_of_birth: in the future")
    if _MOMENT.fullmatch(row["seen_at"]):
        with suppress(ValueError):
            seen = datetime.fromisoformat(row["seen_at"])
    if seen is None:
        problems.append("seen_at: must be a local date and time YYYY-MM-DDTHH:MM")
    elif dob is not None and seen.date() < dob:
        problems.append("seen_at: before the date of birth")
    elif seen.date() > today:
        problems.append("seen_at: in the future")
    if row["sex"] and row["sex"] not in _SEXES:
        problems.append(f"sex: must be one of {', '.join(sorted(_SEXES))} or empty")
    if row["setting"] and row["setting"] not in _SETTINGS:
        problems.append(f"setting: must be one of {', '.join(sorted(_SETTINGS))} or empty")
    findings: list[dict[str, Any]] = []
    try:
        findings = parse_findings(row["findings"])
    except ValueError as exc:
        problems.append(f"findings: {exc}")
    if problems:
        return None, problems
    return {"nhs": nhs or None, "dob": dob, "seen": seen, "findings": findings}, []


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


def _records(reader: Any) -> Iterator[tuple[int, list[str]]]:
    """Yield (line number where the record starts, fields)."""
    start = reader.line_num + 1
    for fields in reader:
        yield start, fields
        start = reader.line_num + 1


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
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with path.open(newline="", encoding="utf-8-sig", errors="surrogateescape") as f:
        reader = csv.reader(f, strict=False)
        header = next(reader, None)
        _check_header(header, path)
        assert header is not None
        index = {name: header.index(name) for name in COLUMNS}
        rejects = _Rejects(rejects_path(path), header)
        ok = False
        try:
            with ctx.transaction() as s:
                job = _Job(ctx, s.connection(), index, rejects, len(header))
                batch: list[tuple[int, list[str]]] = []
                for item in _records(reader):
                    batch.append(item)
                    if len(batch) >= batch_size:
                        job.run(batch)
                        batch = []
                        if after_batch:
                            after_batch(job.read)
                if batch:
                    job.run(batch)
                    if after_batch:
                        after_batch(job.read)
                summary = job.summary()
                ctx.audit(
                    s,
                    "import",
                    "presentation",
                    None,
                    after={"file": path.name, "sha256": digest, **summary},
                )
            ok = True
        finally:
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


class _Job:
    """State of one import: counts, children seen, source ids seen in this file."""

    def __init__(
        self, ctx: StoreContext, conn: Any, index: dict[str, int], rejects: _Rejects, width: int
    ) -> None:
        self.ctx, self.conn, self.index, self.rejects, self.width = ctx, conn, index, rejects, width
        self.now = ctx.clock()
        self.today = self.now.date()
        self.read = self.imported = self.duplicates = self.children_created = 0
        self.seen: dict[tuple[str, str], tuple[int, int]] = {}
        self.children: dict[str, tuple[int, date]] = {}

    def summary(self) -> dict[str, int]:
        return {
            "read": self.read,
            "imported": self.imported,
            "duplicates": self.duplicates,
            "rejected": self.rejects.count,
            "children_created": self.children_created,
        }

    def run(self, batch: list[tuple[int, list[str]]]) -> None:
        good: list[tuple[int, list[str], dict[str, str], dict[str, Any]]] = []
        for line, fields in batch:
            self.read += 1
            if len(fields) != self.width:
                self.rejects.add(
                    fields, line, f"has {len(fields)} fields; the header has {self.width}"
                )
                continue
            row = {name: fields[i] for name, i in self.index.items()}
            parsed, problems = validate_row(row, self.today)
            if parsed is None:
                self.rejects.add(fields, line, "; ".join(problems))
                continue
            key = (row["source"], row["source_id"])
            fingerprint = hash(tuple(fields))
            if key in self.seen:
                first_line, first_print = self.seen[key]
                if first_print == fingerprint:
                    self.duplicates += 1
                else:
                    self.rejects.add(
                        fields,
                        line,
                        f"source_id repeated with different content (first on line {first_line})",
                    )
                continue
            self.seen[key] = (line, fingerprint)
            good.append((line, fields, row, parsed))
        stored = bulk.existing_sources(
            self.conn, [(g[2]["source"], g[2]["source_id"]) for g in good]
        )
        fresh = [g for g in good if (g[2]["source"], g[2]["source_id"]) not in stored]
        self.duplicates += len(good) - len(fresh)
        self._store(fresh)

    def _store(self, rows: list[tuple[int, list[str], dict[str, str], dict[str, Any]]]) -> None:
        wanted = {p["nhs"] for _, _, _, p in rows if p["nhs"] and p["nhs"] not in self.children}
        self.children.update(bulk.children_by_nhs(self.conn, wanted))
        new_children: list[dict[str, Any]] = []
        new_by_nhs: dict[str, tuple[int, date]] = {}  # NHS number -> (index, date of birth)
        accepted: list[tuple[dict[str, str], dict[str, Any], int, bool]] = []
        for line, fields, row, p in rows:
            nhs = p["nhs"]
            if nhs and nhs in self.children:
                ref, dob, is_new = self.children[nhs][0], self.children[nhs][1], False
            elif nhs and nhs in new_by_nhs:
                ref, dob, is_new = new_by_nhs[nhs][0], new_by_nhs[nhs][1], True
            else:
                new_children.append(self._child_row(row, p))
                ref, dob, is_new = len(new_children) - 1, p["dob"], True
                if nhs:
                    new_by_nhs[nhs] = (ref, dob)
            if dob != p["dob"]:
                self.rejects.add(
                    fields,
                    line,
                    "date_of_birth: differs from the stored child with this NHS "
                    "number (check the source record)",
                )
                continue
            accepted.append((row, p, ref, is_new))
        ids = bulk.insert_children(self.conn, new_children)
        self.children_created += len(ids)
        for nhs, (index, dob) in new_by_nhs.items():
            self.children[nhs] = (ids[index], dob)
        out = [
            self._presentation_row(row, p, ids[ref] if is_new else ref)
            for row, p, ref, is_new in accepted
        ]
        self.imported += bulk.insert_presentations(self.conn, out)

    def _child_row(self, row: dict[str, str], p: dict[str, Any]) -> dict[str, Any]:
        return {
            "nhs_number": p["nhs"],
            "family_name": row["family_name"] or None,
            "given_name": row["given_name"] or None,
            "name_key": name_key(row["family_name"]),
            "date_of_birth": p["dob"],
            "sex": row["sex"] or None,
            "address": None,
            "postcode": row["postcode"] or None,
            "gp_practice": None,
            "cp_plan": None,
            "looked_after": None,
            "created_at": self.now,
            "created_by": self.ctx.user,
            "modified_at": None,
            "modified_by": None,
            "row_version": 1,
        }

    def _presentation_row(
        self, row: dict[str, str], p: dict[str, Any], child_id: int
    ) -> dict[str, Any]:
        return {
            "child_id": child_id,
            "seen_at": p["seen"],
            "setting": row["setting"] or None,
            "organisation": row["organisation"] or None,
            "complaint": row["complaint"] or None,
            "findings": p["findings"],
            "explanation": None,
            "outcome": row["outcome"] or None,
            "mobility": None,
            "nim_at_time": None,
            "source": row["source"],
            "source_id": row["source_id"],
            "created_at": self.now,
            "created_by": self.ctx.user,
            "modified_at": None,
            "modified_by": None,
            "row_version": 1,
        }
