"""Tables, as typed SQLAlchemy 2 models. Nothing outside ``triage_app.store`` sees these.

Clinical rows carry audit columns (created/modified, by whom) and a ``row_version`` used as
SQLAlchemy's ``version_id_col``: an UPDATE names the version it read, so a save based on a
stale copy changes no row and is refused (see ``repositories``). The schema itself is built
by the migrations in ``migrations/versions``; a test checks that they match these models.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with stable constraint names (Alembic needs them on SQLite)."""

    metadata = MetaData(naming_convention=NAMING)

    if TYPE_CHECKING:
        # Every model here maps one Table (SQLAlchemy types it as the wider FromClause).
        __table__: ClassVar[Table]


class AuditColumns:
    """Who created and last changed a row, and when; plus its row version."""

    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(100))
    modified_at: Mapped[datetime | None] = mapped_column(DateTime)
    modified_by: Mapped[str | None] = mapped_column(String(100))
    row_version: Mapped[int] = mapped_column(Integer)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805
        """Use ``row_version`` as the optimistic-concurrency version counter."""
        # A mixin: the mapped class it is mixed into supplies __table__ (mypy cannot see it).
        return {"version_id_col": cls.__table__.c.row_version}  # type: ignore[attr-defined]


class User(Base):
    """A person who uses the app."""

    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # Sign-in (revision 0003): an Argon2 hash, never the password.
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Professional profile (revision 0005): printed as the referring clinician.
    professional_role: Mapped[str | None] = mapped_column(String(40))
    organisation: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(String(60))
    # Account integrity (revision 0007): an administrator's Ed25519 signature over the
    # account's name, role and state (see ``store.signing``); administrators also carry their
    # public key and their private key wrapped under their password.
    signature: Mapped[str | None] = mapped_column(String(200))
    signed_by: Mapped[str | None] = mapped_column(String(100))
    signing_key: Mapped[str | None] = mapped_column(String(100))
    signing_secret: Mapped[str | None] = mapped_column(Text)
    # PostgreSQL: the account's own database login role (see ``store.pg_roles``).
    db_role: Mapped[str | None] = mapped_column(String(63))


class AppSecret(Base):
    """A random secret the database keeps for itself (revision 0007).

    ``name_hmac``: the key of the keyed hash under which a failed sign-in's typed name that
    is not an account is recorded (never the name itself: it may be a mistyped password).
    """

    __tablename__ = "app_secret"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class ImportJobRow(Base):
    """An import on SQLite, committed in batches (revision 0007; see ``store.import_jobs``).

    ``status`` is ``running`` until the import's final commit (``done``), or ``rolled_back``;
    ``ranges`` (JSON) lists the id ranges each batch inserted, so a partial job can be undone.
    """

    __tablename__ = "import_job"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_name: Mapped[str] = mapped_column(Text)
    file_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), index=True)
    owner_pid: Mapped[int | None] = mapped_column(Integer)
    started_by: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    lines_done: Mapped[int | None] = mapped_column(Integer)
    ranges: Mapped[str | None] = mapped_column(Text)


class Child(AuditColumns, Base):
    """A child. ``nhs_number`` is unique when present (several children may have none)."""

    __tablename__ = "child"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nhs_number: Mapped[str | None] = mapped_column(String(10), unique=True)
    family_name: Mapped[str | None] = mapped_column(Text)
    given_name: Mapped[str | None] = mapped_column(Text)
    # Normalised family name for the name and date-of-birth search (revision 0002).
    name_key: Mapped[str | None] = mapped_column(String(200))
    # Record matching (revision 0006): the given name's key and both names' Soundex codes.
    given_key: Mapped[str | None] = mapped_column(String(200), index=True)
    family_sdx: Mapped[str | None] = mapped_column(String(4))
    given_sdx: Mapped[str | None] = mapped_column(String(4))
    date_of_birth: Mapped[date] = mapped_column(Date, index=True)
    sex: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str | None] = mapped_column(Text)
    postcode: Mapped[str | None] = mapped_column(String(20))
    gp_practice: Mapped[str | None] = mapped_column(Text)
    cp_plan: Mapped[str | None] = mapped_column(String(20))
    looked_after: Mapped[bool | None] = mapped_column(Boolean)
    # An expected pregnancy in the household (revision 0004): the pre-birth referral.
    pregnancy_due_date: Mapped[date | None] = mapped_column(Date)
    # Family details captured in the wizard (revision 0005).
    health_visitor: Mapped[str | None] = mapped_column(Text)
    interpreter_needed: Mapped[bool | None] = mapped_column(Boolean)
    interpreter_language: Mapped[str | None] = mapped_column(String(100))
    __table_args__ = (
        Index("ix_child_name_key_dob", "name_key", "date_of_birth"),
        Index("ix_child_family_sdx_given_sdx", "family_sdx", "given_sdx"),
        Index("ix_child_family_sdx_dob", "family_sdx", "date_of_birth"),
        Index("ix_child_given_sdx_dob", "given_sdx", "date_of_birth"),
    )


class ChildLink(Base):
    """A decision that two child records are, or are not, the same child (revision 0006).

    ``kind`` is ``same_child`` (a link: histories, lookups and flags follow it) or
    ``not_same`` (a rejected possible match, never offered again). The pair is stored with
    the lower id first. A link is ended (with who, when and why), never deleted.
    """

    __tablename__ = "child_link"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    other_child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(100))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    ended_by: Mapped[str | None] = mapped_column(String(100))
    end_reason: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (
        CheckConstraint("kind IN ('same_child', 'not_same')", name="kind"),
        CheckConstraint("child_id < other_child_id", name="ordered"),
    )


class HouseholdLink(Base):
    """A child's household member: another child (by id) or an adult (by name)."""

    __tablename__ = "household_link"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    relation: Mapped[str] = mapped_column(String(40))
    related_child_id: Mapped[int | None] = mapped_column(ForeignKey("child.id"), index=True)
    person_name: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(100))
    # An adult's details (revision 0005): relationship to the child, born, how to reach them,
    # whether they live with the child.
    relationship: Mapped[str | None] = mapped_column(Text)
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    contact: Mapped[str | None] = mapped_column(Text)
    lives_with_child: Mapped[bool | None] = mapped_column(Boolean)
    __table_args__ = (
        CheckConstraint(
            "related_child_id IS NOT NULL OR person_name IS NOT NULL", name="member_named"
        ),
    )


class PresentationReferrer(Base):
    """Who referred at a presentation, as confirmed in the wizard, and the body-map marks.

    One row per presentation (revision 0005). Without one, the referrer is the account that
    recorded the presentation, with that account's professional profile.
    """

    __tablename__ = "presentation_referrer"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    presentation_id: Mapped[int] = mapped_column(ForeignKey("presentation.id"), unique=True)
    name: Mapped[str | None] = mapped_column(Text)
    professional_role: Mapped[str | None] = mapped_column(String(40))
    organisation: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(String(60))
    # Positions clicked on the body map, one per finding: {"view", "x", "y"} or null.
    marks: Mapped[list[Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(100))


class Presentation(AuditColumns, Base):
    """One presentation. Imported rows keep their source system's id: (source, source_id)."""

    __tablename__ = "presentation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"))
    seen_at: Mapped[datetime] = mapped_column(DateTime)
    setting: Mapped[str | None] = mapped_column(String(40))
    organisation: Mapped[str | None] = mapped_column(Text)
    complaint: Mapped[str | None] = mapped_column(Text)
    # A presentation's findings are recorded, read and shown together with it, and never
    # queried on their own: one JSON list keeps a history lookup to one indexed range scan.
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    explanation: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(Text)
    mobility: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    nim_at_time: Mapped[bool | None] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(String(100))
    source_id: Mapped[str | None] = mapped_column(String(200))
    # Set by a mapped import when unmapped free text may describe an injury (revision 0008).
    review: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (
        UniqueConstraint("source", "source_id", name="uq_presentation_source"),
        Index("ix_presentation_child_seen", "child_id", "seen_at"),
        # Revision 0009: the audit's sentinel-children count reads only this index.
        Index("ix_presentation_audit", "seen_at", "nim_at_time", "child_id", "setting"),
    )


class Assessment(Base):
    """The engine's input and decision for a presentation (never changed once stored)."""

    __tablename__ = "assessment"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    presentation_id: Mapped[int] = mapped_column(ForeignKey("presentation.id"), index=True)
    assessed_at: Mapped[datetime] = mapped_column(DateTime)
    profile_id: Mapped[str] = mapped_column(String(100))
    profile_version: Mapped[str] = mapped_column(String(50))
    urgency: Mapped[str] = mapped_column(String(40))
    input_json: Mapped[dict[str, Any]] = mapped_column(JSON)
    decision_json: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(100))
    # Audit facts (revision 0009): derived from the decision when it is stored
    # (domain.compliance.facts_from_decision), so the compliance audit is SQL over columns.
    nim: Mapped[bool | None] = mapped_column(Boolean)
    protocol_triggered: Mapped[bool | None] = mapped_column(Boolean)
    survey_prompted: Mapped[bool | None] = mapped_column(Boolean)
    cp_is: Mapped[str | None] = mapped_column(String(20))
    pre_birth: Mapped[bool | None] = mapped_column(Boolean)
    exception_types: Mapped[str | None] = mapped_column(String(200))
    setting: Mapped[str | None] = mapped_column(String(40))
    __table_args__ = (
        Index("ix_assessment_assessed_at", "assessed_at"),
        Index("ix_assessment_audit", "protocol_triggered", "assessed_at", "presentation_id"),
        Index("ix_assessment_pre_birth", "pre_birth", "assessed_at"),
    )


class Case(AuditColumns, Base):
    """A safeguarding case and its lifecycle (``case`` is an SQL keyword, hence the name)."""

    __tablename__ = "safeguarding_case"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    presentation_id: Mapped[int | None] = mapped_column(ForeignKey("presentation.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    opened_at: Mapped[datetime] = mapped_column(DateTime)
    opened_by: Mapped[str] = mapped_column(String(100))
    referral_called_at: Mapped[datetime | None] = mapped_column(DateTime)
    written_referral_due: Mapped[datetime | None] = mapped_column(DateTime)
    written_referral_sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    supervision_required: Mapped[bool | None] = mapped_column(Boolean)
    supervision_conditions: Mapped[str | None] = mapped_column(Text)
    supervision_agreed_by: Mapped[str | None] = mapped_column(Text)
    close_outcome: Mapped[str | None] = mapped_column(String(40))
    close_reason: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Set when the referral record is sealed (the referral-record issue); false until then.
    sealed: Mapped[bool] = mapped_column(Boolean, default=False)
    # Why a separate case was opened although the child had an open case (C8; revision 0004).
    separate_reason: Mapped[str | None] = mapped_column(Text)
    presentations: Mapped[list[CasePresentationRow]] = relationship(
        order_by="CasePresentationRow.id", cascade="all", lazy="selectin"
    )
    actions: Mapped[list[CaseActionRow]] = relationship(
        order_by="[CaseActionRow.at, CaseActionRow.id]", cascade="all", lazy="selectin"
    )
    investigations: Mapped[list[InvestigationRow]] = relationship(
        order_by="InvestigationRow.id", cascade="all", lazy="selectin"
    )
    meetings: Mapped[list[StrategyMeetingRow]] = relationship(
        order_by="[StrategyMeetingRow.held_at, StrategyMeetingRow.id]",
        cascade="all",
        lazy="selectin",
    )
    __table_args__ = (
        CheckConstraint(
            "status IN ('open', 'referred', 'results_pending', 'closed')", name="status"
        ),
    )


class CaseLocationRow(Base):
    """Where the child is now and with whom (revision 0005); the latest row is current.

    Earlier rows are kept as the history.
    """

    __tablename__ = "case_location"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("safeguarding_case.id"), index=True)
    place: Mapped[str] = mapped_column(String(30))
    detail: Mapped[str] = mapped_column(Text)
    with_whom: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    recorded_by: Mapped[str] = mapped_column(String(100))
    __table_args__ = (
        CheckConstraint(
            "place IN ('admitted', 'emergency_department', 'home', 'other')", name="place"
        ),
    )


class CaseActionRow(Base):
    """An action taken on a case (time, person, reference, details)."""

    __tablename__ = "case_action"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("safeguarding_case.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    person: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(60))
    reference: Mapped[str | None] = mapped_column(Text)
    details: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(100))
    # A duty waived with a reason instead of done (case rule C3; revision 0004).
    waived: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    reason: Mapped[str | None] = mapped_column(Text)


class CasePresentationRow(Base):
    """A presentation a case holds (C8: a later assessment of the child joins the open case)."""

    __tablename__ = "case_presentation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("safeguarding_case.id"), index=True)
    presentation_id: Mapped[int] = mapped_column(ForeignKey("presentation.id"), unique=True)
    joined_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(100))


class InvestigationRow(Base):
    """An investigation with its due window and result."""

    __tablename__ = "investigation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("safeguarding_case.id"), index=True)
    kind: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(20))
    requested_at: Mapped[datetime | None] = mapped_column(DateTime)
    due_from: Mapped[date | None] = mapped_column(Date)
    due_to: Mapped[date | None] = mapped_column(Date)
    result: Mapped[str | None] = mapped_column(Text)
    reported_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Revision 0004 (case rule C2): a free-text investigation's label, when it was performed,
    # why a follow-up was performed early or an investigation is not required, who decided.
    label: Mapped[str | None] = mapped_column(Text)
    performed_on: Mapped[date | None] = mapped_column(Date)
    early_reason: Mapped[str | None] = mapped_column(Text)
    not_required_reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'reported', 'not_required')", name="status"),
    )


class StrategyMeetingRow(Base):
    """A strategy meeting: attendees, outcome, supervision decision and conditions (C4).

    ``supervision_decision`` is ``impose``, ``maintain``, ``change``, ``relax`` or NULL (no
    decision); ``agreed_by`` is who attended, as text (meetings before revision 0004 have no
    attendee rows).
    """

    __tablename__ = "strategy_meeting"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("safeguarding_case.id"), index=True)
    held_at: Mapped[datetime] = mapped_column(DateTime)
    outcome: Mapped[str] = mapped_column(Text)
    supervision_decision: Mapped[str | None] = mapped_column(String(20))
    supervision_conditions: Mapped[str | None] = mapped_column(Text)
    agreed_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(100))
    relax_conditions: Mapped[str | None] = mapped_column(Text)
    review_on: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    attendees: Mapped[list[MeetingAttendeeRow]] = relationship(
        order_by="MeetingAttendeeRow.id", cascade="all", lazy="selectin"
    )


class MeetingAttendeeRow(Base):
    """Who attended a strategy meeting: name, role and agency."""

    __tablename__ = "meeting_attendee"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("strategy_meeting.id"), index=True)
    name: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(Text)
    agency: Mapped[str] = mapped_column(String(20))
    __table_args__ = (
        CheckConstraint(
            "agency IN ('health', 'csc', 'police', 'education', 'other')", name="agency"
        ),
    )


class AuditEventRow(Base):
    """Append-only audit trail; triggers refuse UPDATE and DELETE (see ``audit``).

    ``at``, ``before`` and ``after`` are stored as the exact text that was hashed, so the
    chain can be re-checked byte for byte on any database. ``prev_hash`` is unique: two
    events can never claim the same predecessor (the chain cannot fork).
    """

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[str] = mapped_column(String(32))
    username: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(20))
    entity: Mapped[str] = mapped_column(String(40), index=True)
    entity_id: Mapped[str | None] = mapped_column(String(100))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class ReferralRecordRow(Base):
    """A sealed version of a case's referral record (revision 0003). Never changed once written.

    A correction is a new row (an addendum) whose ``supersedes_id`` names the version it
    corrects; triggers refuse UPDATE and DELETE.
    """

    __tablename__ = "referral_record"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("safeguarding_case.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    record_uid: Mapped[str] = mapped_column(String(64))
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("referral_record.id"))
    addendum_reason: Mapped[str | None] = mapped_column(Text)
    content_sha256: Mapped[str] = mapped_column(String(64))
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    fhir_json: Mapped[str | None] = mapped_column(Text)
    sealed_at: Mapped[datetime] = mapped_column(DateTime)
    sealed_by: Mapped[str] = mapped_column(String(100))
    __table_args__ = (
        UniqueConstraint("record_uid", name="uq_referral_record_record_uid"),
        UniqueConstraint("case_id", "version", name="uq_referral_record_case_id"),
    )
