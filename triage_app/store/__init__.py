"""Persistence (SQLAlchemy 2): engines, tables, migrations, repositories and the audit trail.

Only ``triage_app.services`` (and the composition root) use this package; repositories hand
out domain records from ``triage_app.domain.records``, never ORM objects.
"""
