"""Sealed records and the screen-lock password for the in-memory record.

The in-memory record (``--self-test``, screenshots, tests) has no report layer, so its
"sealed" PDF is a small plain document written here by hand: enough pages to preview, print
and save. Reads, prints, saves and password failures go to an in-memory audit list, the way
the real record writes them to its audit trail.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from triage_app.domain.display import display_name, nhs_datetime
from triage_app.ui.ports import Refused
from triage_app.ui.viewmodels import CaseDetail, SealedVersion

MAX_FAILURES = 5  # the services' default lock rule: five failures in a row
LOCK_MINUTES = 15


def simple_pdf(pages: list[list[str]]) -> bytes:
    """Return a valid A4 PDF with one page per list of text lines (Helvetica, ASCII only)."""
    objects: list[bytes] = [b"", b""]  # 1: catalog, 2: pages (filled in below)
    font = len(objects) + 1
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    kids = []
    for lines in pages:
        text = ["BT /F1 11 Tf 56 780 Td 15 TL"]
        for line in lines:
            safe = line.encode("ascii", "replace").decode("ascii")
            safe = safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            text.append(f"({safe}) Tj T*")
        text.append("ET")
        stream = "\n".join(text).encode("ascii")
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        content = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>" % (font, content)
        )
        kids.append(len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    refs = b" ".join(b"%d 0 R" % k for k in kids)
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (refs, len(kids))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def case_pdf(case: CaseDetail, version: int, reason: str | None, at: datetime) -> bytes:
    """Return the in-memory record's two-page stand-in for a sealed referral record."""
    child = case.child
    head = [
        "OFFICIAL-SENSITIVE",
        "Referral record (in-memory demonstration: synthetic data)",
        f"Child: {display_name(child.family_name, child.given_name)}",
        f"Case {case.case_id}, version {version}, sealed {nhs_datetime(at)}",
    ]
    if reason:
        head.append(f"Addendum: {reason}")
    actions = [f"- {a.text}" for a in case.actions] or ["No actions recorded."]
    return simple_pdf([[*head, "", "Page 1 of 2"], ["Actions", *actions, "", "Page 2 of 2"]])


@dataclass
class _Sealed:
    view: SealedVersion
    pdf: bytes


class MemoryRecords:
    """The :class:`~triage_app.ui.ports.SealedRecords` and ``SessionLock`` of a memory record.

    Mixed into :class:`~triage_app.ui.memory_ports.MemoryRecord`, which supplies ``cases``.
    """

    cases: dict[str, CaseDetail]

    def _records_init(self) -> None:
        self.sealed: dict[str, list[_Sealed]] = {}
        self.audit: list[tuple[str, str, str]] = []  # (action, what, detail)
        self.passwords: dict[str, str] = {}
        self.failures: dict[str, int] = {}
        self.locked_until: dict[str, datetime] = {}

    def seal_version(self, case_id: str, reason: str | None, by: str = "") -> SealedVersion:
        """Seal the next version of a case's record (version 1, then addenda)."""
        versions = self.sealed.setdefault(case_id, [])
        number = len(versions) + 1
        at = datetime.now().replace(second=0, microsecond=0)
        pdf = case_pdf(self.cases[case_id], number, reason, at)
        uid = f"MEM-{case_id}/v{number}"
        view = SealedVersion(
            number,
            uid,
            at,
            by or "in-memory user",
            hashlib.sha256(pdf).hexdigest(),
            reason,
            versions[-1].view.record_uid if versions else None,
        )
        versions.append(_Sealed(view, pdf))
        self.audit.append(("create", uid, "sealed"))
        return view

    def _find(self, case_id: str, version: int) -> _Sealed:
        for item in self.sealed.get(case_id, []):
            if item.view.version == version:
                return item
        raise Refused(f"Case {case_id} has no sealed version {version}.")

    # SealedRecords ----------------------------------------------------------------------
    def sealed_versions(self, case_id: str) -> list[SealedVersion]:
        """Return the sealed versions, oldest first (audited as a view)."""
        found = [s.view for s in self.sealed.get(case_id, [])]
        self.audit.append(("view", f"case {case_id}", f"{len(found)} versions"))
        return found

    def sealed_pdf(self, case_id: str, version: int) -> bytes:
        """Return one version's PDF (audited as a view)."""
        item = self._find(case_id, version)
        self.audit.append(("view", item.view.record_uid, "preview"))
        return item.pdf

    def record_printed(self, case_id: str, version: int) -> None:
        """Audit a print."""
        item = self._find(case_id, version)
        self.audit.append(("print", item.view.record_uid, item.view.pdf_sha256))

    def save_sealed_pdf(self, case_id: str, version: int, path: str) -> str:
        """Write the sealed bytes where the user chose (audited as an export)."""
        item = self._find(case_id, version)
        target = Path(path)
        if not target.parent.is_dir():
            raise Refused(f"The folder {target.parent} does not exist.")
        target.write_bytes(item.pdf)
        self.audit.append(("export", item.view.record_uid, target.name))
        return f"Saved {target} ({item.view.record_uid})."

    def add_addendum(self, case_id: str, reason: str) -> str:
        """Seal an addendum; a reason is required and the case must be sealed already."""
        if not reason.strip():
            raise Refused("An addendum needs a reason (what is corrected or added, and why).")
        if not self.sealed.get(case_id):
            raise Refused("Seal the referral record first: an addendum adds to a sealed one.")
        view = self.seal_version(case_id, reason.strip())
        return f"Addendum sealed: {view.line()}."

    # SessionLock ------------------------------------------------------------------------
    def unlock(self, user: str, password: str) -> None:
        """Check the password kept for ``user`` (five failures lock for 15 minutes)."""
        now = datetime.now(UTC)
        until = self.locked_until.get(user)
        if until is not None and until > now:
            self.audit.append(("sign_in_failure", user, "locked"))
            raise Refused(f"Account {user!r} is locked until {until:%H:%M} UTC.")
        expected = self.passwords.get(user)
        if expected is not None and password == expected:
            self.failures[user] = 0
            self.audit.append(("sign_in", user, "unlock"))
            return
        self.failures[user] = self.failures.get(user, 0) + 1
        self.audit.append(("sign_in_failure", user, "unlock"))
        if self.failures[user] >= MAX_FAILURES:
            self.locked_until[user] = now + timedelta(minutes=LOCK_MINUTES)
            self.audit.append(("account_lock", user, ""))
            raise Refused(
                f"Account {user!r} is locked after repeated failed sign-ins until "
                f"{self.locked_until[user]:%H:%M} UTC."
            )
        raise Refused("Wrong password.")
