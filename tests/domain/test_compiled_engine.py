"""The compiled engine (mypyc) runs only when built from the current sources, and answers as they do.

``scripts/compile_engine.py`` compiles the engine's hot modules into
``triage_app/domain/_compiled/`` with a manifest of each source's SHA-256; the package uses
them only while every digest still matches (``triage_app/domain/compiled.py``). Here: the
freshness rule on a package of its own, then the real build: in use in a fresh process, left
alone under ``TRIAGE_PURE_PYTHON``, and giving the same answer as the Python sources, byte for
byte, on every example, on hundreds of mutated and hostile cases, and on each refusal.

Without a build (no C compiler or mypy) the comparison is skipped; CI sets
``TRIAGE_EXPECT_COMPILED=1`` (``.ci/run``), where a missing or stale build fails instead.
"""

from __future__ import annotations

import copy
import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from triage_app.domain import compiled

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "triage_app" / "domain"
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))


def _package(tmp_path: Path) -> Path:
    """A package with every compiled module's source, one they import, and a matching build."""
    package = tmp_path / "domain"
    (package / compiled.DIRECTORY).mkdir(parents=True)
    for name in (*compiled.MODULES, "model"):
        (package / f"{name}.py").write_text(f"NAME = {name!r}\n", encoding="utf-8")
    _write_manifest(package, compiled.manifest_for(package))
    return package


def _write_manifest(package: Path, manifest: dict) -> None:
    (package / compiled.DIRECTORY / compiled.MANIFEST).write_text(
        json.dumps(manifest), encoding="utf-8"
    )


@pytest.mark.parametrize("touched", [False, True])
def test_a_build_from_the_current_sources_goes_first_on_the_search_path(
    tmp_path, monkeypatch, touched
):
    """Also when a source was touched (a checkout) but not changed: then the contents decide."""
    monkeypatch.delenv(compiled.PURE_ENV, raising=False)
    package = _package(tmp_path)
    if touched:
        os.utime(package / "model.py", ns=(1, 1))
        manifest = json.loads(
            (package / compiled.DIRECTORY / compiled.MANIFEST).read_text(encoding="utf-8")
        )
        assert manifest["stats"] != compiled.source_stats(package)
    path = [str(package)]
    assert compiled.use_compiled(path)
    assert path == [str(package / compiled.DIRECTORY), str(package)]


@pytest.mark.parametrize(
    "spoil",
    [
        "a compiled module's source edited after compiling",
        "a module the compiled ones import edited (their types are compiled in)",
        "a source added",
        "a source deleted",
        "another Python built it",
        "another machine built it",
        "built for another list of modules",
        "no manifest",
        "a manifest that is not JSON",
        "TRIAGE_PURE_PYTHON set",
    ],
)
def test_a_stale_or_foreign_build_is_never_used(tmp_path, monkeypatch, spoil):
    monkeypatch.delenv(compiled.PURE_ENV, raising=False)
    package = _package(tmp_path)
    manifest_path = package / compiled.DIRECTORY / compiled.MANIFEST
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if spoil.startswith("a compiled module's source edited"):
        (package / "rules.py").write_text("NAME = 'rules, edited'\n", encoding="utf-8")
    elif spoil.startswith("a module the compiled ones import"):
        (package / "model.py").write_text("NAME = 'model, edited'\n", encoding="utf-8")
    elif spoil == "a source added":
        (package / "vocab.py").write_text("NAME = 'vocab'\n", encoding="utf-8")
    elif spoil == "a source deleted":
        (package / "parse.py").unlink()
    elif spoil == "another Python built it":
        manifest["build"] = manifest["build"].replace("312", "311")
    elif spoil == "another machine built it":
        manifest["build"] = manifest["build"].replace("x86_64", "aarch64") + "-other"
    elif spoil == "built for another list of modules":
        manifest["modules"] = manifest["modules"][:-1]
    elif spoil == "no manifest":
        manifest_path.unlink()
    elif spoil == "a manifest that is not JSON":
        manifest_path.write_text("{not json", encoding="utf-8")
    else:
        monkeypatch.setenv(compiled.PURE_ENV, "1")
    if manifest_path.exists() and spoil != "a manifest that is not JSON":
        _write_manifest(package, manifest)
    path = [str(package)]
    assert not compiled.use_compiled(path)
    assert path == [str(package)]


@pytest.mark.parametrize(
    ("bundled", "edit", "other_python", "used"),
    [
        (True, False, False, True),
        (True, True, False, True),  # the bundle carries no sources to compare
        (False, False, False, False),  # not marked by build.spec: a build copied in by hand
        (True, False, True, False),
    ],
)
def test_a_packaged_build_uses_only_what_build_spec_bundled(
    tmp_path, monkeypatch, bundled, edit, other_python, used
):
    monkeypatch.delenv(compiled.PURE_ENV, raising=False)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    package = _package(tmp_path)
    manifest = compiled.manifest_for(package)
    if bundled:
        manifest["bundled"] = True
    if other_python:
        manifest["build"] = "cpython-311-linux.cpython-311-x86_64-linux-gnu.so"
    _write_manifest(package, manifest)
    if edit:
        (package / "rules.py").write_text("NAME = 'rules, edited'\n", encoding="utf-8")
    assert compiled.use_compiled([str(package)]) is used


def _require_build() -> None:
    if compiled.fresh(PACKAGE):
        return
    if os.environ.get("TRIAGE_EXPECT_COMPILED") == "1":
        pytest.fail(
            "TRIAGE_EXPECT_COMPILED=1 but no fresh compiled engine: scripts/compile_engine.py"
        )
    pytest.skip("the engine is not compiled here (scripts/compile_engine.py)")


_WHERE = (
    "import json, importlib, triage_app.domain.compiled as c; "
    "mods = [importlib.import_module('triage_app.domain.' + n) for n in c.MODULES]; "
    "print(json.dumps([c.in_use(), [m.__file__ for m in mods]]))"
)


def _run(code: str, *, pure: bool, stdin: str = "") -> str:
    env = {k: v for k, v in os.environ.items() if k != compiled.PURE_ENV}
    if pure:
        env[compiled.PURE_ENV] = "1"
    done = subprocess.run(
        [sys.executable, "-c", code],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
        timeout=300,
    )
    return done.stdout


def test_the_compiled_modules_are_the_ones_imported_and_the_sources_when_asked():
    _require_build()
    in_use, files = json.loads(_run(_WHERE, pure=False))
    assert in_use
    built = str(PACKAGE / compiled.DIRECTORY)
    assert all(f.startswith(built) and f.endswith(".so") for f in files), files
    in_use, files = json.loads(_run(_WHERE, pure=True))
    assert not in_use
    assert [Path(f) for f in files] == [PACKAGE / f"{n}.py" for n in compiled.MODULES]


# Decides each case (a JSON list of texts on stdin) as `triage-app assess` does, and prints
# the decision's text or the problems, one result per case.
_DECIDE = """
import json, sys
from triage_app import json_text
from triage_app.domain import compiled
from triage_app.domain.decode import decode_case
from triage_app.domain.engine import Engine
from triage_app.domain.errors import InputError
engine = Engine.load()
results = [compiled.in_use()]
for text in json.load(sys.stdin):
    try:
        results.append(json_text.dumps(engine.assess_json(decode_case(text.encode("utf-8", "surrogatepass")))))
    except InputError as exc:
        results.append([str(p) for p in exc.problems])
print(json.dumps(results))
"""

_VALUES = [
    None,
    True,
    False,
    0,
    -1,
    7,
    1000,
    1001,
    10**15,
    0.5,
    1e-7,
    "",
    " ",
    "bruise",
    "cheek",
    "2024-01-01",
    "2024-02-30",
    "2024-01-01T09:00",
    "1899-12-31",
    "9999-01-01",
    "a\x00b",
    "\u202eevil",
    "تجربة",
    "x" * 2001,
    [],
    ["seizure"],
    {},
    {"kind": "bruise"},
]


_FREE_TEXT = {"text", "description", "outcome", "complaint", "given_by", "name", "given_name"}


def _paths(value, path=()):
    """Every place in a decoded document (as a tuple of keys and indexes)."""
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, (*path, i))


def _mutated(case: dict, rng: random.Random) -> str:
    """``case`` with one to three places changed, a key dropped or an unknown key added."""
    case = copy.deepcopy(case)
    for _ in range(rng.randint(1, 3)):
        places = [p for p in _paths(case) if p]
        path = rng.choice(places)
        parent = case
        for step in path[:-1]:
            parent = parent[step]
        what = rng.random()
        here = parent[path[-1]]
        if what < 0.3 and isinstance(here, bool | None):  # a valid answer, changed
            parent[path[-1]] = rng.choice([True, False, None])
        elif what < 0.4 and isinstance(here, str) and path[-1] in _FREE_TEXT:
            parent[path[-1]] = rng.choice(["", "fell from the sofa", "تجربة", "x" * 300])
        elif what < 0.5 and isinstance(parent, dict):
            del parent[path[-1]]
        elif what < 0.55 and isinstance(parent, dict):
            parent["unexpected"] = rng.choice(_VALUES)
        else:
            parent[path[-1]] = copy.deepcopy(rng.choice(_VALUES))
    return json.dumps(case, ensure_ascii=rng.random() < 0.5)


def _hostile(text: str) -> list[str]:
    """The example's text with what the decoder must refuse (docs/assess.md, "Input limits")."""
    inner = text.strip()[1:]
    return [
        '{"findings": [], ' + inner,  # a repeated key
        text.replace('"findings"', '"findings": [], "findings"', 1),
        "[" * 40 + "]" * 40,
        '{"a": ' * 17 + "1" + "}" * 17,
        re.sub(r'"size_mm": [0-9.]+', '"size_mm": 1' + "0" * 400, text, count=1),
        '{"size_mm": 1.' + "0" * 70 + "1}",
        '{"n": 12345678901234567}',
        '{"n": 1e400}',
        '{"n": NaN}',
        '{"t": "\\ud800"}',
        "\ufeff" + text,
        text[:-5],
        "",
        "null",
        "[]",
    ]


def test_the_compiled_engine_answers_exactly_as_the_python_sources():
    """Same decision text or same problems, case by case, from both builds of the engine."""
    _require_build()
    rng = random.Random(20261202)
    texts: list[str] = []
    for path in EXAMPLES:
        text = path.read_text(encoding="utf-8")
        case = json.loads(text)
        texts.append(text)
        texts.extend(_hostile(text))
        texts.extend(_mutated(case, rng) for _ in range(25))
    assert len(texts) > 400
    stdin = json.dumps(texts)
    compiled_results = json.loads(_run(_DECIDE, pure=False, stdin=stdin))
    python_results = json.loads(_run(_DECIDE, pure=True, stdin=stdin))
    assert compiled_results[0] is True and python_results[0] is False
    decided = sum(isinstance(r, str) for r in python_results[1:])
    refused = sum(isinstance(r, list) for r in python_results[1:])
    assert decided > 80 and refused > 150  # both kinds of answer are compared
    for text, got, want in zip(texts, compiled_results[1:], python_results[1:], strict=True):
        assert got == want, text[:200]
