"""No password, key or patient identifier in any log line (including tracebacks) or error
message of the security workflow: init, failed and successful sign-ins, lock, users, backup,
restore (issue 6; style guide: "log IDs, never patient-identifying text")."""

from __future__ import annotations

import logging

import pytest

from triage_app.domain.access import Role
from triage_app.services import auth, demo, permissions
from triage_app.services.backup import create_backup, restore_backup
from triage_app.store.db import database_key
from triage_app.store.keyring import Keyring

from .helpers import ADMIN, FAST, Clock, location

NURSE = auth.Credentials("bob", "nurse-Secret-77")


def test_the_security_workflow_logs_no_secret_and_no_patient(folder, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    ctx = auth.initialise(location(folder), ADMIN, kdf=FAST, clock=Clock())
    key = database_key(ctx.engine)
    demo.load(ctx)
    permissions.add_account(ctx, NURSE, Role.CLINICIAN, Keyring(folder, params=FAST))
    create_backup(ctx, location(folder), tmp_path / "b.triage-backup")
    ctx.close()
    messages = []
    for _ in range(6):
        with pytest.raises(auth.SignInError) as err:
            auth.sign_in(location(folder), auth.Credentials("bob", "Wrong-Guess-123"))
        messages.append(str(err.value))
    with pytest.raises(auth.SignInError) as err:
        restore_backup(
            location(tmp_path / "r"),
            tmp_path / "b.triage-backup",
            auth.Credentials("alice", "Wrong-Guess-123"),
        )
    messages.append(str(err.value))
    restore_backup(location(tmp_path / "r2"), tmp_path / "b.triage-backup", ADMIN)
    auth.sign_in(location(tmp_path / "r2"), ADMIN).close()
    logged = "\n".join(r.getMessage() + (caplog.text if r.exc_info else "") for r in caplog.records)
    everything = logged + "\n".join(messages)
    for secret in (
        ADMIN.password, NURSE.password, "Wrong-Guess-123", key.hex(), key.hex().upper(),
        "Ashby", "ASHBY", "Alfie", demo.AF_NHS, "999 000 0026",
    ):  # fmt: skip
        assert secret not in everything
    assert "locked" in messages[-2] and "until" in messages[-2]
