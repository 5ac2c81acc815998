"""Referral record rendering: the print-ready PDF, the FHIR document and the parent leaflet.

ReportLab and fhir.resources only; no Qt, no database. The store seals what these return:

- :func:`build_referral_pdf` (record) -> PDF bytes;
- :func:`referral_bundle_json` (record) -> FHIR R4B document Bundle as JSON text;
- :func:`build_leaflet_pdf` (profile, child name, date) -> PDF bytes;
- :func:`sha256_hex` (bytes) -> hex digest to store beside sealed bytes, and
  :func:`content_sha256` (record) -> the hash printed in the PDF footer.

Imports are lazy so that importing this package does not load ReportLab or pydantic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from triage_app.domain.referral import content_sha256, sha256_hex

if TYPE_CHECKING:
    from triage_app.report.fhir import referral_bundle_json
    from triage_app.report.fonts import UncoveredCharacterError
    from triage_app.report.leaflet import build_leaflet_pdf
    from triage_app.report.referral_pdf import build_referral_pdf

_LAZY = {
    "build_referral_pdf": "triage_app.report.referral_pdf",
    "build_leaflet_pdf": "triage_app.report.leaflet",
    "referral_bundle_json": "triage_app.report.fhir",
    "UncoveredCharacterError": "triage_app.report.fonts",
}

__all__ = [
    "UncoveredCharacterError",
    "build_leaflet_pdf",
    "build_referral_pdf",
    "content_sha256",
    "referral_bundle_json",
    "sha256_hex",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(name)
