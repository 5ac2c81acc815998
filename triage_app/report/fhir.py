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
from fhir.resources.R4B.servicerequest import ServiceRequest

from triage_app.domain.referral import FindingEntry, ReferralRecord, content_sha256
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


def _narrative(*lines: str) -> dict[str, str]:
    body = "".join(f"<p>{escape(line)}</p>" for line in lines if line)
    return {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{body}</div>'}


def _finding_observation(e: FindingEntry, record: ReferralRecord, ref: dict) -> Observation:
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
    return Observation.model_validate(data)


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
    patient["gender"] = _GENDER.get(c.sex or "", "unknown")
    if c.address or c.postcode:
        patient["address"] = [
            {k: v for k, v in (("text", c.address), ("postalCode", c.postcode)) if v}
        ]
    resources: list[tuple[str, Any]] = [("patient", Patient.model_validate(patient))]
    has_practitioner = bool(r.name)
    if has_practitioner:
        prac: dict[str, Any] = {"id": "practitioner", "name": [{"text": r.name}]}
        if r.contact:
            prac["telecom"] = [{"system": "phone", "value": r.contact}]
        resources.append(("practitioner", Practitioner.model_validate(prac)))
    else:
        ref.pop("practitioner")
    has_org = bool(r.organisation)
    if has_org:
        org: dict[str, Any] = {"id": "organization", "name": r.organisation}
        if r.ods_code:
            org["identifier"] = [{"system": ODS_SYSTEM, "value": r.ods_code}]
        resources.append(("organization", Organization.model_validate(org)))
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
    resources.append(("encounter", Encounter.model_validate(encounter)))
    observations = []
    for e in record.findings:
        obs = _finding_observation(e, record, ref)
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
        request["requester"] = ref["practitioner"]
    resources.append(("referral", ServiceRequest.model_validate(request)))
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
    resources.append(("flag", Flag.model_validate(flag)))
    resources.insert(0, ("composition", _composition(record, ref, urls, observations)))
    bundle = {
        "resourceType": "Bundle",
        "type": "document",
        "identifier": {"system": RECORD_SYSTEM, "value": f"{record.record_id}/v{record.version}"},
        "timestamp": _when(record.generated_at),
        "entry": [{"fullUrl": urls[name], "resource": res} for name, res in resources],
    }
    return Bundle.model_validate(bundle)


def _composition(record: ReferralRecord, ref: dict, urls: dict, observations: list) -> Composition:
    d, ex = record.decision, record.explanation
    title, requirement = labels.URGENCY[d.urgency]
    sections = [
        {
            "title": "What the protocol requires",
            "text": _narrative(title, requirement),
            "entry": [ref["referral"], ref["flag"]],
        },
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
                    f"{t.date.isoformat()} {t.subject}: {t.findings or t.complaint or ''}"
                    for t in record.timeline
                )
            )
            if record.timeline
            else _narrative("None recorded."),
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
    if record.supersedes:
        data["relatesTo"] = [
            {
                "code": "replaces",
                "targetIdentifier": {"system": RECORD_SYSTEM, "value": record.supersedes},
            }
        ]
    return Composition.model_validate(data)


def referral_bundle_json(record: ReferralRecord, indent: int | None = 2) -> str:
    """Return the record's FHIR R4B document Bundle as JSON text (validated)."""
    bundle = build_bundle(record)
    return bundle.model_dump_json(indent=indent, exclude_none=True)
