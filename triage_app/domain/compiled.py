"""The engine's compiled modules: used only when built from exactly the sources beside them.

``scripts/compile_engine.py`` compiles the modules in :data:`MODULES` with mypyc (the compiler
that ships with mypy: it turns type-checked Python into C extension modules, with the same
behaviour and about a quarter less time per decision) into ``_compiled/`` beside this file,
with a manifest of the SHA-256 of each source it compiled. When this package is imported,
:func:`use_compiled` puts ``_compiled/`` first on the package's search path, but only when the
manifest names every module and each source's digest is still the same; otherwise (sources
edited since, another Python, ``TRIAGE_PURE_PYTHON`` set, or nothing built) the Python sources
are imported as they are. So what runs is always what the sources say; compiling only changes
the speed (tests/domain/test_compiled_engine.py runs both and compares every answer).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import sysconfig
from pathlib import Path

# The decision's hot path (decode, parse, decide, the decision's JSON). model.py stays
# interpreted: its records are built in one step through their __dict__ (construct.build),
# which compiled (native) classes do not have, and the store and the window use them too.
MODULES = (
    "assess_json",
    "construct",
    "decode",
    "display",
    "engine",
    "flags",
    "nhs_number",
    "parse",
    "rules",
)
DIRECTORY = "_compiled"
MANIFEST = "manifest.json"
GROUP = "_engine"  # mypyc's shared runtime module: triage_app.domain._engine__mypyc
PURE_ENV = "TRIAGE_PURE_PYTHON"  # set (to anything but "" or "0") to run the Python sources

_in_use = False


def source_digests(package: Path) -> dict[str, str]:
    """SHA-256 of each compiled module's source in ``package`` (a missing source is ``""``)."""
    digests = {}
    for name in MODULES:
        try:
            data = (package / f"{name}.py").read_bytes()
        except OSError:
            data = None
        digests[name] = "" if data is None else hashlib.sha256(data).hexdigest()
    return digests


def extension_suffix() -> str:
    """The file ending of this Python's extension modules (``.cpython-312-x86_64-linux-gnu.so``)."""
    return str(sysconfig.get_config_var("EXT_SUFFIX"))


def build_tag() -> str:
    """The interpreter a compiled module was built for (the file suffix it needs)."""
    return f"{sys.implementation.cache_tag}-{sys.platform}"


def fresh(package: Path) -> bool:
    """Whether ``package``'s ``_compiled/`` holds modules built from its current sources.

    A packaged (frozen) build carries no sources to compare: ``build.spec`` bundles
    ``_compiled/`` only when it is fresh for the checkout whose sources it bundles, and marks
    the manifest it bundles, so there the mark and the Python are what is checked.
    """
    try:
        manifest = json.loads((package / DIRECTORY / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(manifest, dict) or manifest.get("build") != build_tag():
        return False
    if getattr(sys, "frozen", False):
        modules = manifest.get("modules")
        return (
            manifest.get("bundled") is True
            and isinstance(modules, dict)
            and sorted(modules) == sorted(MODULES)
        )
    digests = source_digests(package)
    return manifest.get("modules") == digests and all(digests.values())


def use_compiled(path: list[str]) -> bool:
    """Put the compiled modules first on the package ``path`` when :func:`fresh` (see above)."""
    global _in_use
    if os.environ.get(PURE_ENV, "") not in ("", "0") or not path:
        return False
    package = Path(path[0])
    if not fresh(package):
        return False
    path.insert(0, str(package / DIRECTORY))
    _in_use = True
    return True


def in_use() -> bool:
    """Whether this process runs the compiled engine modules (else the Python sources)."""
    return _in_use
