"""The referral record as a FHIR document Bundle (R4B models from ``fhir.resources``).

UK Core is FHIR R4; ``fhir.resources`` 8 offers R4B (``fhir.resources.R4B``), the closest
available (anchors.md section 4.2). The library validates each resource's structure; UK Core
profile conformance (slicing, bindings) is *not* checked here.

SNOMED CT codes are used only where anchors.md section 4.3 lists them as verified:
Contusion 125667009 (bruise findings), Conjunctiva 29445007 (subconjunctival site), Referral
to social services 306238000, Child is cause for safeguarding concern 836881000000105.
Everything else is text. Times are local (Europe/London) with their offset.
"""

from __future__ import annotations

import unicodedata
import uuid
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.composition import Composition
from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.flag import Flag
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.practitionerrole import PractitionerRole
from fhir.resources.R4B.servicerequest import ServiceRequest
from pydantic import BaseModel

from triage_app.domain.display import nhs_date, nhs_datetime
from triage_app.domain.referral import FindingEntry, ReferralRecord, action_status, content_sha256
from triage_app.domain.vocab import FindingKind, Site, Urgency
from triage_app.report import labels

SNOMED = "http://snomed.info/sct"
NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code"
RECORD_SYSTEM = "urn:triage-app:referral-record"
LONDON = ZoneInfo("Europe/London")
PRIORITY = {
    Urgency.EMERGENCY: "stat",
    Urgency.IMMEDIATE: "urgent",
    Urgency.SAME_DAY_REVIEW: "urgent",
}
_GENDER = {"female": "female", "male": "male", "other": "other"}
_ENCOUNTER_CLASS = {"ed": "EMER", "health_visitor": "HH", "ambulance": "FLD"}


def _when(value: datetime | None) -> str | None:
    return value.replace(tzinfo=LONDON).isoformat(timespec="seconds") if value else None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


_FHIR_SPACE = frozenset(" \r\n\t")


def _fhir_text(value: str) -> str:
    """A string FHIR accepts: other whitespace (NEL, no-break, line separator) as a space.

    FHIR's ``string`` allows only space, tab and line breaks as whitespace; the record's
    text is otherwise kept exactly as stored (control characters, which XHTML narrative
    cannot hold, are left out of the narrative only).
    """
    if value.isascii() and value.isprintable():
        return value
    return "".join(" " if c.isspace() and c not in _FHIR_SPACE else c for c in value)


def _deep(value: Any) -> Any:
    if isinstance(value, str):
        return _fhir_text(value)
    if isinstance(value, dict):
        return {k: _deep(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep(v) for v in value]
    return value


# Resource name -> {"reference": its urn:uuid}.
_Refs = dict[str, dict[str, str]]


def _valid[M: BaseModel](model: type[M], data: dict[str, Any]) -> M:
    """Validate a resource from ``data`` with every string made acceptable to FHIR."""
    return model.model_validate(_deep(data))


def _xml_text(line: str) -> str:
    return "".join(c for c in line if c in "\n\t" or unicodedata.category(c) != "Cc")


def _narrative(*lines: str) -> dict[str, str]:
    body = "".join(f"<p>{escape(_xml_text(line))}</p>" for line in lines if line)
    return {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{body}</div>'}


def _finding_observation(e: FindingEntry, record: ReferralRecord, ref: _Refs) -> Observation:
    f = e.finding
    code: dict[str, Any] = {"text": labels.humanise(f.kind)}
    if f.kind == FindingKind.BRUISE:
        code["coding"] = [{"system": SNOMED, "code": "125667009", "display": "Contusion"}]
    site_text = labels.humanise(f.site) + (f", {f.side}" if f.side else "")
    body_site: dict[str, Any] = {"text": site_text}
    if f.site == Site.SUBCONJUNCTIVA:
        body_site["coding"] = [{"system": SNOMED, "code": "29445007", "display": "Conjunctiva"}]
    notes = [
        f"Finding {e.number} on the body map",
        f"size {f.size_mm:g} mm" if f.size_mm is not None else "",
        f"count {f.count}" if f.count is not None else "",
        "patterned" if f.patterned else "",
        e.colour or f.description or "",
        f"photo {e.photo_reference}" if e.photo_reference else "",
    ]
    data = {
        "id": f"finding-{e.number}",
        "status": "final",
        "code": code,
        "bodySite": body_site,
        "subject": ref["patient"],
        "encounter": ref["encounter"],
        "effectiveDateTime": _when(record.examined_at or record.contact_at),
        "note": [{"text": "; ".join(n for n in notes if n)}],
    }
    if ref.get("practitioner"):
        data["performer"] = [ref["practitioner"]]
    return _valid(Observation, data)


def _uuid(record: ReferralRecord, name: str) -> str:
    key = f"{record.record_id}/{record.version}/{name}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, key)}"


def build_bundle(record: ReferralRecord) -> Bundle:
    """Return the validated document Bundle for ``record``.

    Raises:
        pydantic.ValidationError: a resource does not validate (a bug, not a user error).
    """
    c, r, d = record.child, record.referrer, record.decision
    urls = {
        name: _uuid(record, name)
        for name in (
            "composition",
            "patient",
            "practitioner",
            "practitionerrole",
            "organization",
            "encounter",
            "referral",
            "flag",
        )
    }
    ref = {k: {"reference": v} for k, v in urls.items()}
    patient: dict[str, Any] = {"id": "patient", "birthDate": _day(c.date_of_birth)}
    if c.nhs_number:
        patient["identifier"] = [{"system": NHS_NUMBER_SYSTEM, "value": c.nhs_number}]
    if c.family_name or c.given_name:
        patient["name"] = [
            {
                k: v
                for k, v in (
                    ("family", c.family_name),
                    ("given", [c.given_name] if c.given_name else None),
                )
                if v
            }
        ]
    # The recorded sex (labelled "Sex" in the window and the record) is the only sex or
    # gender field the app keeps; FHIR R4 carries it in Patient.gender (administrative).
    patient["gender"] = _GENDER.get(c.sex or "", "unknown")
    if c.address or c.postcode:
        patient["address"] = [
            {k: v for k, v in (("text", c.address), ("postalCode", c.postcode)) if v}
        ]
    contacts = [_contact(p) for p in (*record.parental_responsibility, *record.household_adults)]
    if contacts:
        patient["contact"] = contacts
    if c.gp_practice:
        patient["generalPractitioner"] = [{"display": c.gp_practice}]
    resources: list[tuple[str, Any]] = [("patient", _valid(Patient, patient))]
    has_practitioner = bool(r.name)
    if has_practitioner:
        prac: dict[str, Any] = {"id": "practitioner", "name": [{"text": r.name}]}
        if r.contact:
            prac["telecom"] = [{"system": "phone", "value": r.contact}]
        resources.append(("practitioner", _valid(Practitioner, prac)))
    else:
        ref.pop("practitioner")
    has_org = bool(r.organisation)
    if has_org:
        org: dict[str, Any] = {"id": "organization", "name": r.organisation}
        if r.ods_code:
            org["identifier"] = [{"system": ODS_SYSTEM, "value": r.ods_code}]
        resources.append(("organization", _valid(Organization, org)))
    if has_practitioner and (r.role or has_org or r.contact):
        role: dict[str, Any] = {"id": "practitionerrole", "practitioner": ref["practitioner"]}
        if r.role:
            role["code"] = [{"text": r.role}]
        if has_org:
            role["organization"] = ref["organization"]
        if r.contact:
            role["telecom"] = [{"system": "phone", "value": r.contact, "use": "work"}]
        resources.append(("practitionerrole", _valid(PractitionerRole, role)))
    else:
        ref.pop("practitionerrole")
    encounter = {
        "id": "encounter",
        "status": "finished",
        "class": {
            "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
            "code": _ENCOUNTER_CLASS.get(record.setting or "", "AMB"),
        },
        "subject": ref["patient"],
        "period": {"start": _when(record.contact_at)},
    }
    if has_org:
        encounter["serviceProvider"] = ref["organization"]
    resources.append(("encounter", _valid(Encounter, encounter)))
    observations: list[tuple[str, Observation]] = []
    for e in record.findings:
        obs = _finding_observation(e, record, ref)
        assert obs.id is not None  # set from the data given (finding-N)
        urls[obs.id] = _uuid(record, obs.id)
        observations.append((obs.id, obs))
    resources.extend(observations)
    title, requirement = labels.URGENCY[d.urgency]
    csc = next((x.name for x in record.contacts if x.key == "csc_front_door"), None)
    request: dict[str, Any] = {
        "id": "referral",
        "status": "active"
        if d.action("phone_csc") or d.action("inform_csc_of_location")
        else "draft",
        "intent": "order",
        "priority": PRIORITY.get(d.urgency, "routine"),
        "code": {
            "coding": [
                {"system": SNOMED, "code": "306238000", "display": "Referral to social services"}
            ],
            "text": "Referral to children's social care",
        },
        "subject": ref["patient"],
        "encounter": ref["encounter"],
        "authoredOn": _when(record.contact_at),
        "reasonReference": [{"reference": urls[oid]} for oid, _ in observations],
        "note": [{"text": f"{title}: {requirement}"}],
    }
    if csc:
        request["performer"] = [{"display": csc}]
    if has_practitioner:
        request["requester"] = ref.get("practitionerrole") or ref["practitioner"]
    resources.append(("referral", _valid(ServiceRequest, request)))
    flag = {
        "id": "flag",
        "status": "active",
        "code": {
            "coding": [
                {
                    "system": SNOMED,
                    "code": "836881000000105",
                    "display": "Child is cause for safeguarding concern",
                }
            ],
            "text": "Referred under the protocol for injuries in non-independently mobile children",
        },
        "subject": ref["patient"],
        "period": {"start": _when(record.contact_at)},
    }
    resources.append(("flag", _valid(Flag, flag)))
    resources.insert(0, ("composition", _composition(record, ref, urls, observations)))
    bundle = {
        "resourceType": "Bundle",
        "type": "document",
        "identifier": {"system": RECORD_SYSTEM, "value": f"{record.record_id}/v{record.version}"},
        "timestamp": _when(record.generated_at),
        "entry": [{"fullUrl": urls[name], "resource": res} for name, res in resources],
    }
    return Bundle.model_validate(bundle)


def _contact(p: Any) -> dict[str, Any]:
    """A family adult as a Patient.contact: name, relationship, phone, lives with the child."""
    contact: dict[str, Any] = {"name": {"text": p.name}}
    if p.relationship:
        contact["relationship"] = [{"text": p.relationship}]
    if p.contact:
        contact["telecom"] = [{"system": "other", "value": p.contact}]
    return contact


def _yes_no(value: bool | None) -> str:
    return labels.yes_no(value)


def _family_lines(record: ReferralRecord) -> list[str]:
    c = record.child
    lines = [
        f"{p.name} ({p.relationship or 'relationship not recorded'})"
        f"; born {nhs_date(p.date_of_birth) if p.date_of_birth else 'not recorded'}"
        f"; contact {p.contact or 'not recorded'}; lives with the child: "
        f"{_yes_no(p.lives_with_child)}"
        for p in (*record.parental_responsibility, *record.household_adults)
    ] or ["No people with parental responsibility or carers recorded."]
    lines += [
        f"Other child: {h.name or 'name not recorded'}, born "
        f"{nhs_date(h.date_of_birth) if h.date_of_birth else 'not recorded'}"
        for h in record.household_children
    ]
    lines += [
        f"Address: {', '.join(x for x in (c.address, c.postcode) if x) or 'Not Known'}",
        f"GP practice: {c.gp_practice or 'Not Known'}",
        f"Health visitor: {c.health_visitor_team or 'Not Known'}",
        f"Interpreter: {c.interpreter or 'Not Known'}",
        f"Pregnancy in the household: {_yes_no(record.assessment.history.mother_pregnant)}",
    ]
    return lines


def _handover_sections(record: ReferralRecord, ref: _Refs) -> list[dict[str, Any]]:
    r, loc = record.referrer, record.location
    referrer: dict[str, Any] = {
        "title": "Referring clinician",
        "text": _narrative(
            f"Name: {r.name or 'Not recorded'}",
            f"Professional role: {r.role or 'Not recorded'}",
            f"Organisation: {r.organisation or 'Not recorded'}",
            f"Call-back number: {r.contact or 'Not recorded'}",
        ),
    }
    if "practitionerrole" in ref:
        referrer["entry"] = [ref["practitionerrole"]]
    return [
        referrer,
        {
            "title": "How the concern arose",
            "text": _narrative(record.concern or "Not recorded."),
        },
        {
            "title": "Where the child is now",
            "text": _narrative(
                loc.line() if loc else "Not recorded.",
                f"Recorded {nhs_datetime(loc.recorded_at)} by {loc.recorded_by}"
                if loc and loc.recorded_at
                else "",
            ),
        },
        {"title": "Child and family", "text": _narrative(*_family_lines(record))},
    ]


def _actions_lines(record: ReferralRecord) -> list[str]:
    return [f"{a.text} [{action_status(record, a.id).text}]" for a in record.decision.actions] or [
        "None required."
    ]


def _composition(
    record: ReferralRecord,
    ref: _Refs,
    urls: dict[str, str],
    observations: list[tuple[str, Observation]],
) -> Composition:
    d, ex = record.decision, record.explanation
    title, requirement = labels.URGENCY[d.urgency]
    m = record.strategy_meeting
    sections = [
        {
            "title": "What the protocol requires",
            "text": _narrative(title, requirement),
            "entry": [ref["referral"], ref["flag"]],
        },
        *_handover_sections(record, ref),
        {
            "title": "Findings",
            "text": _narrative(
                *(
                    f"{e.number}. {labels.humanise(e.finding.kind)}"
                    f" ({labels.humanise(e.finding.site)})"
                    for e in record.findings
                )
            )
            if record.findings
            else _narrative("No findings recorded."),
            "entry": [{"reference": urls[oid]} for oid, _ in observations] or None,
        },
        {
            "title": "Explanation (verbatim)",
            "text": _narrative(
                ex.text or "No explanation recorded.", f"Given by: {ex.given_by or 'Not recorded'}"
            ),
        },
        {"title": "CP-IS", "text": _narrative(labels.CP_IS.get(record.cp_is.status, "Not known"))},
        {
            "title": "Earlier presentations",
            "text": _narrative(
                *(
                    f"{t.date.isoformat()} {t.subject}; setting "
                    f"{labels.setting(t.setting) if t.setting else 'not recorded'}; seen by "
                    f"{t.seen_by or 'not recorded'}; what happened: "
                    f"{'; '.join(x for x in (t.complaint, t.findings) if x) or 'not recorded'}; "
                    f"explanation given then: {t.explanation or 'not recorded'}; outcome: "
                    f"{t.outcome or 'not recorded'}"
                    for t in record.timeline
                ),
                record.explanation_note() or "",
            )
            if record.timeline
            else _narrative("None recorded."),
        },
        {"title": "Actions", "text": _narrative(*_actions_lines(record))},
        {
            "title": "Strategy discussion",
            "text": _narrative(
                f"Held: {nhs_datetime(m.held_at) if m.held_at else 'not recorded'}",
                f"Outcome: {m.outcome or 'not recorded'}",
                f"Supervision decision: {m.supervision_decision}" if m.supervision_decision else "",
                f"Supervision and safety conditions: {m.supervision_conditions or 'none recorded'}",
            )
            if m
            else _narrative("Not yet held or not recorded."),
        },
        {
            "title": "Record integrity",
            "text": _narrative(f"Content SHA-256 {content_sha256(record)}"),
        },
    ]
    data = {
        "id": "composition",
        "status": "final",
        "type": {"text": "Safeguarding referral record (NIM injury protocol)"},
        "subject": ref["patient"],
        "encounter": ref["encounter"],
        "date": _when(record.generated_at),
        "author": [ref.get("practitioner") or {"display": "triage-app"}],
        "title": f"Referral record {record.record_id} v{record.version}",
        "section": [{k: v for k, v in s.items() if v is not None} for s in sections],
    }
    if record.sealed_by:
        data["attester"] = [
            {
                "mode": "official",
                "time": _when(record.generated_at),
                "party": {"display": f"Sealed by {record.sealed_by}"},
            }
        ]
    if record.supersedes:
        data["relatesTo"] = [
            {
                "code": "replaces",
                "targetIdentifier": {"system": RECORD_SYSTEM, "value": record.supersedes},
            }
        ]
    return _valid(Composition, data)


def referral_bundle_json(record: ReferralRecord, indent: int | None = 2) -> str:
    """Return the record's FHIR R4B document Bundle as JSON text (validated)."""
    bundle = build_bundle(record)
    return bundle.model_dump_json(indent=indent, exclude_none=True)
