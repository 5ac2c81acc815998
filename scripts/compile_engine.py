"""Compile the engine's hot modules with mypyc into triage_app/domain/_compiled/.

Run: ``python scripts/compile_engine.py`` (scripts/start, scripts/test, scripts/bench and
scripts/build run it). Does nothing when the compiled modules are already built from the
current sources; ``--force`` rebuilds. The app uses them only while every source is unchanged
(triage_app/domain/compiled.py), so a stale build never runs. Needs mypy, setuptools and a C
compiler; without them it says so and exits 1, and the app runs its Python sources.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["TRIAGE_PURE_PYTHON"] = "1"  # this process reads the sources, never the build

from triage_app.domain import compiled  # noqa: E402

PACKAGE = ROOT / "triage_app" / "domain"

SETUP = """
import os
from setuptools import setup
from mypyc.build import mypycify

paths = os.environ["TRIAGE_COMPILE_PATHS"].split(os.pathsep)
setup(
    name="triage-app-compiled-engine",
    packages=[],
    py_modules=[],
    ext_modules=mypycify(paths, opt_level="3", group_name={group!r}, target_dir={target!r}),
)
"""


def mypy_version() -> str:
    """The installed mypy's version (mypyc ships with it), or "none"."""
    try:
        from mypy.version import __version__
    except ImportError:
        return "none"
    return str(__version__)


def built_by(out: Path) -> str | None:
    """The compiler a build in ``out`` was made with (a new mypy means a new build)."""
    try:
        return json.loads((out / compiled.MANIFEST).read_text(encoding="utf-8")).get("compiler")
    except (OSError, ValueError, AttributeError):
        return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="rebuild even when up to date")
    args = parser.parse_args()
    out = PACKAGE / compiled.DIRECTORY
    compiler = f"mypyc {mypy_version()}"
    if not args.force and compiled.fresh(PACKAGE) and built_by(out) == compiler:
        print(f"compile_engine: up to date ({out.relative_to(ROOT)})")
        return 0
    started = time.monotonic()
    manifest = {**compiled.manifest_for(PACKAGE), "compiler": compiler}
    with tempfile.TemporaryDirectory(prefix="triage-mypyc-") as tmp:
        work = Path(tmp)
        setup = work / "setup.py"
        group = f"triage_app.domain.{compiled.GROUP}"
        setup.write_text(SETUP.format(group=group, target=str(work / "c")), encoding="utf-8")
        paths = [f"triage_app/domain/{name}.py" for name in compiled.MODULES]
        command = [sys.executable, str(setup), "build_ext", "--build-lib", str(work / "lib"),
                   "--build-temp", str(work / "tmp")]  # fmt: skip
        env = {**os.environ, "TRIAGE_COMPILE_PATHS": os.pathsep.join(paths)}
        done = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
        built = work / "lib" / "triage_app" / "domain"
        if done.returncode != 0 or not built.is_dir():
            tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
            print(f"compile_engine: mypyc failed (exit {done.returncode}); the app will run "
                  f"its Python sources.\n{tail}", file=sys.stderr)  # fmt: skip
            return 1
        if compiled.manifest_for(PACKAGE)["sources"] != manifest["sources"]:
            print("compile_engine: the sources changed while compiling; run it again",
                  file=sys.stderr)  # fmt: skip
            return 1
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        for library in sorted(built.iterdir()):
            shutil.copy2(library, out / library.name)
    (out / compiled.MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    took = time.monotonic() - started
    print(f"compile_engine: {len(compiled.MODULES)} modules compiled in {took:.0f} s "
          f"({out.relative_to(ROOT)})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
