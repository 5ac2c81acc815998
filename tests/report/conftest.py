"""Fixtures for the report tests: synthetic records rendered once per session."""

import pytest

from tests.report.pdfutil import pdf_text
from triage_app.report.referral_pdf import build_referral_pdf
from triage_app.report.samples import sample_record


@pytest.fixture(scope="session")
def record():
    return sample_record(names="latin", prior=20)


@pytest.fixture(scope="session")
def record_pdf(record):
    return build_referral_pdf(record)


@pytest.fixture(scope="session")
def record_text(record_pdf):
    return pdf_text(record_pdf)
