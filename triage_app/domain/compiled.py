"""The engine's compiled modules: used only when built from exactly the sources beside them.

``scripts/compile_engine.py`` compiles the modules in :data:`MODULES` with mypyc (the compiler
that ships with mypy: it turns type-checked Python into C extension modules, with the same
behaviour and about a quarter less time per decision) into ``_compiled/`` beside this file,
with a manifest of the SHA-256 of every source in this package (the compiled modules and the
ones they import), and each source's size and modification time (while none of those has
changed, the sources are not read again). When this package is imported, :func:`use_compiled`
puts ``_compiled/`` first on the package's search path, but only when the manifest names the
same modules, the same Python and the same digest for every source; otherwise (a source
edited since, another Python or machine, ``TRIAGE_PURE_PYTHON`` set, or nothing built) the
Python sources are imported as they are. So what runs is always what the sources say;
compiling only changes the speed (tests/domain/test_compiled_engine.py runs both and compares
every answer).
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path
from typing import Any

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


def source_digests(package: Path) -> dict[str, str]:
    """SHA-256 of every module's source in ``package``, by module name.

    Every module, not only the compiled ones: mypyc compiles against the types (and copies
    the constants) of the modules they import, so a change to any of them needs a new build.
    """
    import hashlib  # only when the sizes and times below differ: it costs start-up time

    digests = {}
    for source in sorted(package.glob("*.py")):
        try:
            digests[source.stem] = hashlib.sha256(source.read_bytes()).hexdigest()
        except OSError:
            digests[source.stem] = ""
    return digests


def source_stats(package: Path) -> dict[str, list[int]]:
    """Size and modification time (ns) of every module's source in ``package``, by name."""
    stats = {}
    for source in sorted(package.glob("*.py")):
        try:
            found = source.stat()
        except OSError:
            continue
        stats[source.stem] = [found.st_size, found.st_mtime_ns]
    return stats


def extension_suffix() -> str:
    """The file ending of this Python's extension modules (``.cpython-312-x86_64-linux-gnu.so``)."""
    return EXTENSION_SUFFIXES[0]


def build_tag() -> str:
    """The interpreter a compiled module was built for: its version, platform and machine."""
    return f"{sys.implementation.cache_tag}-{sys.platform}{extension_suffix()}"


def manifest_for(package: Path) -> dict[str, Any]:
    """The manifest ``scripts/compile_engine.py`` writes for a build of ``package``'s sources."""
    return {
        "build": build_tag(),
        "modules": list(MODULES),
        "sources": source_digests(package),
        "stats": source_stats(package),
    }


def fresh(package: Path) -> bool:
    """Whether ``package``'s ``_compiled/`` holds modules built from its current sources.

    A packaged (frozen) build carries no sources to compare: ``build.spec`` bundles
    ``_compiled/`` only when it is fresh for the checkout whose sources it bundles, and marks
    the manifest it bundles, so there the mark, the Python and the module list are checked.
    """
    try:
        manifest = json.loads((package / DIRECTORY / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(manifest, dict):
        return False
    if manifest.get("build") != build_tag() or manifest.get("modules") != list(MODULES):
        return False
    if getattr(sys, "frozen", False):
        return manifest.get("bundled") is True
    if manifest.get("stats") != source_stats(package):  # touched or copied: read them
        digests = source_digests(package)
        if manifest.get("sources") != digests or not all(digests.values()):
            return False
    sources = manifest.get("sources")
    return isinstance(sources, dict) and set(MODULES) <= sources.keys()


def use_compiled(path: list[str]) -> bool:
    """Put the compiled modules first on the package ``path`` when :func:`fresh` (see above)."""
    if os.environ.get(PURE_ENV, "") not in ("", "0") or not path:
        return False
    package = Path(path[0])
    if not fresh(package):
        return False
    path.insert(0, str(package / DIRECTORY))
    return True


def in_use() -> bool:
    """Whether this process runs every compiled engine module (else the Python sources).

    Asks the imported modules themselves (importing them if need be) where they were loaded
    from, so a build put on the path that Python did not load is never reported as running.
    """
    for name in MODULES:
        module = importlib.import_module(f"triage_app.domain.{name}")
        origin = str(getattr(module, "__file__", "") or "")
        if DIRECTORY not in Path(origin).parts or not origin.endswith(extension_suffix()):
            return False
    return True
