"""Test-speed Argon2 for the test suite only (never shipped, never read by the product).

The product derives keys with Argon2id at full strength (``KdfParams``: 3 passes, 64 MiB;
password hashes: argon2-cffi's defaults), about a second per derivation on a laptop core and
several per command. Tests that are not about the key derivation itself run the same code
with light parameters: :func:`apply` lowers the defaults in the running process (the root
``conftest.py`` does this for every in-process test not marked ``real_kdf``), and running this
file as a script runs the real program (``triage_app.app.main``, as ``python -m triage_app``) after :func:`apply`:

    python tests/fast_kdf.py init --user alice

No environment variable or option of the shipped app changes the parameters; the tests that
prove the real ones (``tests/security/test_kdf_strength.py``) run the product unpatched.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

TIME_COST, MEMORY_KIB, LANES = 1, 8 * 1024, 1


def apply(setattr_: Callable[[Any, str, Any], None] = setattr) -> None:
    """Lower the Argon2 defaults (key wrapping, signing keys, password hashes) in-process."""
    from argon2 import PasswordHasher

    from triage_app.services import auth
    from triage_app.store import keyring

    setattr_(keyring.KdfParams.__init__, "__defaults__", (TIME_COST, MEMORY_KIB, LANES))
    fast_hasher = functools.partial(
        PasswordHasher, time_cost=TIME_COST, memory_cost=MEMORY_KIB, parallelism=LANES
    )
    setattr_(auth, "PasswordHasher", fast_hasher)


def main() -> int:
    """Run ``triage_app``'s command line with test-speed Argon2."""
    here = Path(__file__).resolve().parent
    # The repository's own triage_app first (as `python -m triage_app` run from the
    # repository), and tests/ must not shadow any package.
    sys.path[:] = [str(here.parent), *(p for p in sys.path if p != str(here))]
    apply()
    from triage_app.app import main as app_main  # what `python -m triage_app` runs

    return app_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
