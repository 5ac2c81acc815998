"""Adapters from the UI's ports to ``triage_app.services`` (the real record store).

Imported only after the window is shown (SQLAlchemy is slow to import). Nothing here imports
the store directly: every call goes through a service use-case, one transaction each.

- drafts: encrypted in the data folder by :mod:`triage_app.services.drafts` (AES-256-GCM,
  key derived from the open database's key) through :class:`ServiceDraftStore`; a store
  without a local key (an unencrypted file, a PostgreSQL server) keeps the plain 0600 file of
  :class:`~triage_app.ui.drafts.FileDraftStore` (a documented limit, ``docs/security.md``);
- history: by the stored child's id, so a child without an NHS number has a timeline too;
- the demo loader reports progress per family and honours a cancel (nothing is stored).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from triage_app.domain.access import AccessDeniedError
from triage_app.domain.cases import CaseRuleError
from triage_app.domain.display import age_display, display_name, nhs_date
from triage_app.domain.errors import InputError, Problem
from triage_app.domain.handover import ChildLocation, ReferrerDetails
from triage_app.domain.model import Assessment, Decision
from triage_app.domain.records import (
    ChildRecord,
    ConflictError,
    HistoryEntry,
    NotFoundError,
    UserRecord,
)
from triage_app.domain.vocab import FindingKind, Setting, Site, Urgency
from triage_app.services import assessments, auth, children, demo, handover, history, matching
from triage_app.services import drafts as draft_service
from triage_app.services.context import StoreContext
from triage_app.ui.drafts import FileDraftStore
from triage_app.ui.labels import KIND, SETTING, SITE, URGENCY_SHORT
from triage_app.ui.ports import Cancelled, Draft, DraftStore, Progress, Refused, UiServices
from triage_app.ui.service_cases import StoreCaseTracker, stored_action
from triage_app.ui.service_common import child_view, problems_text
from triage_app.ui.viewmodels import (
    NEW_CHILD_ID,
    ActionRecord,
    ChildMatch,
    ChildView,
    PriorHistory,
    TimelineItem,
)
from triage_app.ui.widgets.common import parse_user_date

log = logging.getLogger(__name__)


def wizard_referrer(raw: object) -> ReferrerDetails | None:
    """The referrer confirmed in the wizard (``None`` when the step was never shown)."""
    if not isinstance(raw, dict) or not any(raw.values()):
        return None
    return ReferrerDetails(
        (raw.get("name") or "").strip() or None,
        raw.get("role") or None,
        (raw.get("organisation") or "").strip() or None,
        (raw.get("phone") or "").strip() or None,
    )


def wizard_pregnancy(raw: object) -> tuple[bool | None, date | None]:
    """The family step's pregnancy answer (yes / no / not known) and its expected date.

    Raises:
        InputError: an expected date that cannot be read.
    """
    if not isinstance(raw, dict):
        return None, None
    pregnant = raw.get("pregnant")
    text = (raw.get("pregnancy_due") or "").strip()
    if pregnant is not True or not text:
        return pregnant if isinstance(pregnant, bool) else None, None
    due = parse_user_date(text)
    if due is None:
        raise InputError([Problem("family, expected date", "date not understood")])
    return True, due


def wizard_family(raw: object) -> handover.Family | None:
    """The family typed in the wizard (``None`` when the step was never shown).

    Raises:
        InputError: a date of birth that cannot be read.
    """
    if not isinstance(raw, dict):
        return None
    adults = []
    problems = []
    for i, a in enumerate(raw.get("adults", [])):
        born = None
        if (a.get("born") or "").strip():
            born = parse_user_date(a["born"])
            if born is None:
                problems.append(Problem(f"family, person {i + 1}", "date of birth not understood"))
        adults.append(
            handover.FamilyAdult(
                a.get("name", ""),
                a.get("relationship") or None,
                bool(a.get("parental_responsibility", True)),
                born,
                a.get("contact") or None,
                a.get("lives_with_child"),
            )
        )
    if problems:
        raise InputError(problems)
    return handover.Family(
        adults=tuple(adults),
        address=raw.get("address") or None,
        postcode=raw.get("postcode") or None,
        gp_practice=raw.get("gp_practice") or None,
        health_visitor=raw.get("health_visitor") or None,
        interpreter_needed=raw.get("interpreter_needed"),
        interpreter_language=raw.get("interpreter_language") or None,
    )


class StoreServices:
    """Children, history, users, the recorder and demo data over one store context."""

    def __init__(self, ctx: StoreContext, data_dir: Path, cases: StoreCaseTracker) -> None:
        self.ctx, self.data_dir, self.cases = ctx, Path(data_dir), cases

    # ChildDirectory -------------------------------------------------------------------
    def find_by_nhs_number(self, nhs_number: str) -> list[ChildMatch]:
        """Return the stored child with this NHS number (at most one)."""
        try:
            found = children.find_by_nhs_number(self.ctx, nhs_number)
        except InputError as exc:
            raise Refused(problems_text(exc)) from exc
        return [ChildMatch(child_view(found), ("NHS number matches",))] if found else []

    def find_by_name(
        self,
        family_name: str,
        given_name: str,
        date_of_birth: date | None,
        postcode: str | None = None,
    ) -> list[ChildMatch]:
        """Return probable matches (never merged) with the service's reasons."""
        if date_of_birth is None or not family_name.strip():
            raise Refused("Type the family name and the date of birth to search by name.")
        name = f"{family_name}, {given_name}" if given_name else family_name
        try:
            found = matching.find_matches(self.ctx, name, date_of_birth, postcode or None)
        except InputError as exc:
            raise Refused(problems_text(exc)) from exc
        return [ChildMatch(child_view(m.child), tuple(m.reasons)) for m in found]

    def add_child(self, child: ChildRecord) -> ChildView:
        """Record a new child (a name and the date of birth are needed)."""
        try:
            return child_view(children.record_child(self.ctx, child))
        except InputError as exc:
            raise Refused(problems_text(exc)) from exc

    # HistoryLookup --------------------------------------------------------------------
    def history(self, child_id: str, before: datetime) -> PriorHistory:
        """Return the child's and household's earlier presentations (by the child's id)."""
        if child_id == NEW_CHILD_ID:
            return PriorHistory()
        try:
            found = history.history_by_child_id(self.ctx, int(child_id))
        except NotFoundError as exc:
            raise Refused("This child is not in the record (it may have been removed).") from exc
        entries = [e for e in found.entries if e.presentation.seen_at < before]
        items = tuple(_timeline_item(e, before, found.child.id) for e in entries)
        priors = tuple(
            history.prior_presentation(e.presentation)
            for e in reversed(entries)
            if e.relation == "self"
        )
        household = tuple(
            history.household_child(m.related_child)
            for m in found.household
            if m.related_child is not None and m.relation.value in ("sibling", "other_child")
        )
        return PriorHistory(items, priors, household, history.child_cp_plan(found.child))

    # AssessmentRecorder ---------------------------------------------------------------
    def finalise(
        self,
        child_id: str,
        assessment: Assessment,
        decision: Decision,
        actions: tuple[ActionRecord, ...],
        by: str,
        extra: Mapping[str, Any],
    ) -> str:
        """Store the assessment; open a case when the protocol requires action."""
        data = assessment.to_json()
        # The record's own history is added again by the service: send only what was typed.
        from_record = extra.get("from_record", {})
        h = data["history"]
        h["household_children"] = [
            x for x in h["household_children"] if x not in from_record.get("household_children", [])
        ]
        h["prior_presentations"] = [
            x
            for x in h["prior_presentations"]
            if x not in from_record.get("prior_presentations", [])
        ]
        concern = (extra.get("concern") or "").strip() or None
        done = tuple(stored_action(r, by or self.ctx.user) for r in sorted(actions, key=_done_at))
        referrer = wizard_referrer(extra.get("referrer"))
        loc = extra.get("location") or {}
        try:
            family = wizard_family(extra.get("family"))
            pregnant, due = wizard_pregnancy(extra.get("family"))
            # One service call, one transaction: the presentation, its decision, the case
            # opened (or the child's open case joined, C8), what the wizard already did, the
            # referrer, the family, the pregnancy and where the child is now. A refusal or a
            # failure in any part stores nothing (the draft is kept).
            rec = assessments.record_and_open(
                self.ctx,
                data,
                organisation=referrer.organisation if referrer else None,
                complaint=concern,
                child_id=None if child_id == NEW_CHILD_ID else int(child_id),
                done_actions=done,
                min_urgency="same_day_review",
                details=handover.HandoverDetails(
                    referrer=referrer,
                    marks=extra.get("marks"),
                    family=family,
                    pregnant=pregnant,
                    pregnancy_due=due,
                    location=ChildLocation(
                        loc["place"], loc.get("detail", ""), loc.get("with_whom") or None
                    )
                    if loc.get("place")
                    else None,
                ),
            )
        except InputError as exc:
            raise Refused(problems_text(exc)) from exc
        except CaseRuleError as exc:
            raise Refused("Nothing was stored: " + " ".join(exc.reasons)) from exc
        except ConflictError as exc:
            raise Refused(f"Nothing was stored: {exc}") from exc
        except AccessDeniedError as exc:
            raise Refused("Nothing was stored: your role may not record assessments.") from exc
        if rec.case is None:
            return ""
        self.cases.remember(rec.case.id, rec.case.version, rec.recorded.decision)
        return str(rec.case.id)

    # Handover prefill (the wizard's referrer and family steps) ------------------------
    @property
    def handover_details(self) -> StoreServices:
        """What prefills the wizard's referrer and family steps (this adapter)."""
        return self

    def save_profile(self, profile: dict[str, str]) -> None:
        """Save the signed-in account's professional profile (first run, or later)."""
        try:
            handover.set_profile(
                self.ctx,
                ReferrerDetails(
                    profile.get("name"),
                    profile.get("role"),
                    profile.get("organisation"),
                    profile.get("phone"),
                ),
            )
        except InputError as exc:
            raise Refused(problems_text(exc)) from exc

    def default_referrer(self) -> dict[str, str]:
        """The signed-in account's professional profile, as the referrer step shows it."""
        r = handover.default_referrer(self.ctx)
        return {
            "name": r.name or "",
            "role": r.professional_role or "",
            "organisation": r.organisation or "",
            "phone": r.phone or "",
        }

    def family(self, child_id: str) -> dict[str, Any]:
        """The family stored with a child (nothing for a child not stored yet)."""
        if child_id == NEW_CHILD_ID:
            return {}
        f = handover.get_family(self.ctx, int(child_id))
        due = children.get_child(self.ctx, int(child_id)).pregnancy_due_date
        pregnancy: dict[str, Any] = (
            {"pregnant": True, "pregnancy_due": nhs_date(due)} if due is not None else {}
        )
        return {
            **pregnancy,
            "adults": [
                {
                    "name": a.name,
                    "relationship": a.relationship or "",
                    "parental_responsibility": a.parental_responsibility,
                    "born": nhs_date(a.date_of_birth) if a.date_of_birth else "",
                    "contact": a.contact or "",
                    "lives_with_child": a.lives_with_child,
                }
                for a in f.adults
            ],
            "address": f.address or "",
            "postcode": f.postcode or "",
            "gp_practice": f.gp_practice or "",
            "health_visitor": f.health_visitor or "",
            "interpreter_needed": f.interpreter_needed,
            "interpreter_language": f.interpreter_language or "",
        }

    # UserDirectory --------------------------------------------------------------------
    def users(self) -> list[UserRecord]:
        """Return the signed-in user (the acting user of the audit trail) and their role."""
        return [UserRecord(self.ctx.user, self.ctx.user, self.ctx.role or "")]

    def create_user(self, name: str, role: str) -> UserRecord:
        """Accounts are added by an administrator with ``triage-app user add``."""
        raise Refused("Add accounts with 'triage-app user add' (administrators only).")

    # DemoData -------------------------------------------------------------------------
    def load_demo(self, progress: Progress, cancelled: Cancelled) -> int:
        """Load the demonstration families, reporting each; a cancel stores nothing.

        Returns:
            How many children were added (0 when cancelled, or already loaded).
        """
        try:
            summary = demo.load(self.ctx, progress=progress, cancelled=cancelled)
        except demo.Cancelled:
            return 0
        return summary.children


class ServiceDraftStore:
    """The UI's :class:`~triage_app.ui.ports.DraftStore` over the encrypted service store.

    A draft that cannot be opened (another folder's key, a damaged file) reads as no draft;
    the next save replaces it. A plain draft left by an earlier version is encrypted on first
    use and its plain file removed.
    """

    def __init__(self, store: draft_service.EncryptedDraftStore, data_dir: Path) -> None:
        self.store = store
        self._legacy = FileDraftStore(data_dir)
        self._migrate_plain_draft()

    @property
    def path(self) -> Path:
        """The encrypted draft file's path."""
        return self.store.path

    def save(self, data: Mapping[str, Any], key: str = "") -> None:
        """Replace the draft of slot ``key`` (encrypted, atomically)."""
        self.store.save(data, key)

    def load(self, key: str = "") -> Draft | None:
        """Return the saved draft, or ``None`` (none, or unreadable with this key)."""
        try:
            found = self.store.load(key)
        except draft_service.DraftUnreadableError:
            log.warning("a saved draft could not be opened with this record's key; ignored")
            return None
        return Draft(found.saved_at, found.data, key) if found else None

    def drafts(self) -> list[Draft]:
        """Every readable unfinished assessment of this user, newest first."""
        found = [d for d in (self.load(k) for k in self.store.slots()) if d is not None]
        return sorted(found, key=lambda d: d.saved_at, reverse=True)

    def discard(self, key: str = "") -> None:
        """Delete the draft of slot ``key``."""
        self.store.discard(key)

    def _migrate_plain_draft(self) -> None:
        if not self._legacy.path.exists():
            return
        old = self._legacy.load()
        if old is not None and self.load() is None:
            self.store.save(old.data)
        self._legacy.discard()
        log.info("a plain draft file was encrypted and removed")


def draft_store_for(ctx: StoreContext, data_dir: Path) -> DraftStore:
    """Return the draft store of a session: encrypted when the store has a local key."""
    store = draft_service.draft_store_for(ctx, data_dir)
    if store is None:
        return FileDraftStore(data_dir)  # no key: plain 0600 file (docs/security.md, Limits)
    return ServiceDraftStore(store, data_dir)


def _timeline_item(e: HistoryEntry, now: datetime, own_id: int | None = None) -> TimelineItem:
    p = e.presentation
    if e.relation == "self" and own_id is not None and e.child.id != own_id:
        who = f"This child (linked record {e.child.id})"
    elif e.relation == "self":
        who = "This child"
    else:
        c = e.child
        name = display_name(c.family_name, c.given_name)
        age = age_display(c.date_of_birth, now.date())
        who = f"{e.relation.replace('_', ' ').capitalize()} {name} ({age})"
    findings = tuple(
        f"{KIND.get(FindingKind(f.kind), f.kind) if f.kind in FindingKind else f.kind}, "
        f"{SITE.get(Site(f.site), f.site) if f.site in Site else f.site}"
        for f in p.findings
    )
    flags = []
    if e.relation == "self" and p.nim_at_time and p.findings:
        flags.append("Injury while not independently mobile (sentinel injury)")
    if e.urgency in ("emergency", "immediate"):
        flags.append(f"Protocol decision then: {URGENCY_SHORT[Urgency(e.urgency)]}")
    if p.review:  # imported free text a person should read (mapped import)
        flags.append(f"Imported text: {p.review}")
    summary = p.complaint or p.organisation or ""
    if summary in FindingKind:  # imported records often give the finding's code as complaint
        summary = KIND[FindingKind(summary)]
    setting = (
        SETTING.get(Setting(p.setting), p.setting)
        if p.setting is not None and p.setting in Setting
        else "Not recorded"
    )
    return TimelineItem(
        p.seen_at.date(),
        who,
        setting or "Not recorded",
        summary,
        findings,
        tuple(flags),
        p.outcome,
        injury=bool(p.findings),
    )


def services_for(ctx: StoreContext, data_dir: Path) -> UiServices:
    """Return the UI's ports over an open store context."""
    cases = StoreCaseTracker(ctx)
    store = StoreServices(ctx, data_dir, cases)
    drafts = draft_store_for(ctx, data_dir)
    from triage_app.ui.service_import import StoreImporter
    from triage_app.ui.service_links import ServiceRecordLinks

    return UiServices(
        store,
        store,
        cases,
        store,
        drafts,
        store,
        store,
        importer=StoreImporter(ctx),
        links=ServiceRecordLinks(ctx),
    )


class StoreOpener:
    """Opens the encrypted record: first account, sign-in, or a demonstration folder."""

    def __init__(
        self,
        data_dir: str | Path | None = None,
        database_url: str | None = None,
        *,
        clock: Any = None,
        kdf: Any = None,
        protocol: Any = None,
    ) -> None:
        """Open the record in ``data_dir``.

        Args:
            data_dir: The data folder (default: the platform's).
            database_url: A server database instead of the folder's SQLite file.
            clock: The record's time source, a ``domain.clock.Clock`` (default: the system
                clock); tests pass a fixed one.
            kdf: Argon2 cost for a new key file (default: the production cost); tests only.
            protocol: The protocol engine or its loader (the composition root passes its
                one engine, shared with the window); default: loaded by the store on use.
        """
        from triage_app.paths import resolve_paths

        self.clock, self.kdf, self.protocol = clock, kdf, protocol
        self.paths = resolve_paths(data_dir=data_dir, database_url=database_url)
        p = self.paths
        self.location = auth.Location(p.data_dir, p.database_url, p.database_file, p.backup_dir)

    def state(self) -> str:
        """``fresh``, ``sign_in`` or ``open`` (a demonstration folder or an old plain file)."""
        try:
            state = auth.store_state(self.location)
        except auth.SignInError as exc:
            raise Refused(str(exc)) from exc
        if state == "fresh":
            return "fresh"
        if state == "plain" or (state == "encrypted" and self.location.keyring.is_demo()):
            return "open"
        return "sign_in"

    def create_first_user(self, name: str, password: str) -> UiServices:
        """Create the key, the encrypted database and the first (administrator) account."""
        self.paths.ensure()
        try:
            ctx = auth.initialise(
                self.location, auth.Credentials(name, password), **self._options(kdf=self.kdf)
            )
        except auth.SignInError as exc:
            raise Refused(str(exc)) from exc
        return services_for(ctx, self.paths.data_dir)

    def sign_in(self, name: str, password: str) -> UiServices:
        """Unlock the record with the password; wrong ones are audited and can lock."""
        return self._open(auth.Credentials(name, password))

    def open(self) -> UiServices:
        """Open a record that needs no password (demonstration folder, old plain file)."""
        return self._open(None)

    def _open(self, credentials: Any) -> UiServices:
        self.paths.ensure()
        try:
            ctx = auth.sign_in(self.location, credentials, **self._options())
        except auth.SignInError as exc:
            raise Refused(str(exc)) from exc
        return services_for(ctx, self.paths.data_dir)

    def check_password(self, name: str, password: str) -> None:
        """Sign in again as ``name`` and let go (the screen lock); raises ``SignInError``."""
        auth.sign_in(self.location, auth.Credentials(name, password), **self._options()).close()

    def _options(self, **more: Any) -> dict[str, Any]:
        options = {"clock": self.clock, "protocol": self.protocol, **more}
        return {k: v for k, v in options.items() if v is not None}


def _done_at(record: ActionRecord) -> datetime:
    return record.done_at
