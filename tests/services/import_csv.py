"""What the CSV import tests build and read: valid rows, CSV files, rejects files and counts.

Shared by ``test_import.py``, ``test_import_children.py``, ``test_import_jobs.py`` and
``test_import_rejects.py``; each test changes only the values it is about.
"""

import csv

from sqlalchemy import func, select

from triage_app.services.importing import COLUMNS
from triage_app.store.orm import Child, Presentation

# A valid row: a presentation of a child without an NHS number.
ROW = {
    "source": "emis", "source_id": "E0", "nhs_number": "", "family_name": "Example",
    "given_name": "Ava", "date_of_birth": "2025-07-20", "sex": "female", "postcode": "XX1 1AA",
    "seen_at": "2025-08-10T09:30", "setting": "gp", "organisation": "Synthetic Surgery",
    "complaint": "bruise", "findings": "bruise@cheek", "outcome": "advice given",
}  # fmt: skip


def row(make, n=0, **values):
    """Row ``n`` of a file of five children (``make.NHS[n % 5]``) seen on fifteen days, each
    with two findings; ``values`` put over it."""
    return {
        **ROW,
        "source_id": f"E{n}",
        "nhs_number": make.NHS[n % 5],
        "given_name": f"Ava{n % 5}",
        "seen_at": f"2025-08-{10 + n % 15:02d}T09:30",
        "findings": "bruise@cheek;bleeding@mouth",
        **values,
    }


def write(path, rows, header=COLUMNS):
    """Write ``rows`` (dicts) to the CSV file ``path`` under ``header``; return ``path``."""
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(header))
        w.writeheader()
        w.writerows(rows)
    return path


def read_rejects(path):
    """The rows of a rejects file (its header first)."""
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def counts(ctx):
    """How many children and presentations the store holds."""
    with ctx.session_factory.begin() as s:
        return (
            s.scalar(select(func.count()).select_from(Child)),
            s.scalar(select(func.count()).select_from(Presentation)),
        )
