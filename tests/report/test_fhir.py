"""The FHIR document Bundle: validates with fhir.resources (R4B) and carries the referral."""

import json

import pytest
from fhir.resources.R4B.bundle import Bundle

from triage_app.domain.vocab import Urgency
from triage_app.report.fhir import referral_bundle_json
from triage_app.report.samples import HOSTILE, sample_record


@pytest.fixture(scope="module")
def bundle():
    return json.loads(referral_bundle_json(sample_record(prior=3)))


def _of(bundle, kind):
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_bundle_is_a_valid_document_with_the_resources(bundle):
    Bundle.model_validate(bundle)  # round-trips through the library's validation
    assert bundle["type"] == "document"
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds[0] == "Composition"
    for kind in ("Patient", "Practitioner", "Organization", "Encounter", "ServiceRequest", "Flag"):
        assert kind in kinds
    assert len(_of(bundle, "Observation")) == 4  # one per finding
    assert all(e["fullUrl"].startswith("urn:uuid:") for e in bundle["entry"])


def test_patient_carries_the_nhs_number_system(bundle):
    patient = _of(bundle, "Patient")[0]
    assert patient["identifier"] == [
        {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9990000018"}
    ]
    assert patient["birthDate"] == "2025-07-20"


def test_referral_to_social_care_is_coded_with_priority(bundle):
    request = _of(bundle, "ServiceRequest")[0]
    assert request["code"]["coding"][0] == {
        "system": "http://snomed.info/sct",
        "code": "306238000",
        "display": "Referral to social services",
    }
    assert request["priority"] == "urgent"
    assert request["intent"] == "order"
    assert len(request["reasonReference"]) == 4


def test_emergency_maps_to_stat_priority():
    from dataclasses import replace

    record = sample_record(prior=0)
    record = replace(record, decision=replace(record.decision, urgency=Urgency.EMERGENCY))
    request = _of(json.loads(referral_bundle_json(record)), "ServiceRequest")[0]
    assert request["priority"] == "stat"


def test_observations_have_body_sites_and_only_verified_codes(bundle):
    observations = _of(bundle, "Observation")
    sites = [o["bodySite"]["text"] for o in observations]
    assert sites[0] == "Cheek, left"
    bruise = observations[0]
    assert bruise["code"]["coding"][0]["code"] == "125667009"
    sch = observations[1]
    assert "coding" not in sch["code"]  # no verified SNOMED code for SCH (anchors 4.3)
    assert sch["bodySite"]["coding"][0]["code"] == "29445007"
    verified = {"125667009", "29445007", "306238000", "836881000000105"}
    used = {c["code"] for c in _all_codings(bundle) if c.get("system") == "http://snomed.info/sct"}
    assert used <= verified


def _all_codings(node):
    if isinstance(node, dict):
        if "code" in node and "system" in node:
            yield node
        for value in node.values():
            yield from _all_codings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _all_codings(value)


def test_narrative_escapes_free_text():
    text = referral_bundle_json(sample_record(prior=0, hostile=True))
    bundle = json.loads(text)
    composition = _of(bundle, "Composition")[0]
    divs = " ".join(s["text"]["div"] for s in composition["section"])
    assert "<img" not in divs
    assert "&lt;img src=" in divs
    # The raw text is kept as data where it is data (the address).
    assert _of(bundle, "Patient")[0]["address"][0]["text"] == HOSTILE
