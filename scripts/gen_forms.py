#!/usr/bin/env python3
"""Regenerate triage_app/ui/forms/ui_*.py from forms/*.ui with pyside6-uic.

Run after editing a form in Qt Designer. CI runs it too (tests/ui/test_generated_forms.py):
the committed files must match what this script writes.

    python scripts/gen_forms.py            # write the files
    python scripts/gen_forms.py --check    # exit 1 if any file would change
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORMS = ROOT / "forms"
OUT = ROOT / "triage_app" / "ui" / "forms"
HEADER = (
    "# GENERATED FILE - DO NOT EDIT.\n"
    "# Made by scripts/gen_forms.py from forms/{name} with pyside6-uic;\n"
    "# edit the .ui file in Qt Designer and run the script again.\n"
)


def uic_path() -> str:
    """Return the pyside6-uic next to this Python, or the one on PATH."""
    local = Path(sys.executable).with_name("pyside6-uic")
    if local.exists():
        return str(local)
    found = shutil.which("pyside6-uic")
    if not found:
        raise SystemExit("pyside6-uic not found (install PySide6-Essentials)")
    return found


def generate(ui_file: Path) -> str:
    """Return the Python source pyside6-uic makes for one form, with the header."""
    result = subprocess.run(
        [uic_path(), "--no-autoconnection", str(ui_file)],
        capture_output=True,
        text=True,
        check=True,
    )
    body = result.stdout
    # Drop uic's own banner (it names the Qt version and the file only) for a stable header.
    lines = body.splitlines(keepends=True)
    while lines and (lines[0].startswith("#") or not lines[0].strip()):
        lines.pop(0)
    return HEADER.format(name=ui_file.name) + "\n" + prune_imports("".join(lines))


_IMPORT = re.compile(r"^from (PySide6\.\w+) import \(?([^)]*?)\)?\n(?=\S|\n)", re.M | re.S)


def prune_imports(source: str) -> str:
    """Keep only the imported Qt names the form uses.

    uic imports some forty QtCore and QtGui names into every form. Touching a PySide6 name
    makes PySide6 build that class and its enums, which cost about 15 ms of start-up (measured
    with benchmarks/bench_startup.py), so unused names are dropped.
    """
    imports = list(_IMPORT.finditer(source))
    body = _IMPORT.sub("", source)
    out = []
    for match in imports:
        names = [n.strip() for n in match.group(2).replace("\n", " ").split(",") if n.strip()]
        used = [n for n in names if re.search(rf"\b{n}\b", body)]
        if used:
            out.append(f"from {match.group(1)} import {', '.join(used)}\n")
    return "".join(out) + body


def expected() -> dict[Path, str]:
    """Return every generated file's path and its expected content."""
    init = '"""Generated forms (see scripts/gen_forms.py). Do not edit."""\n'
    files = {OUT / "__init__.py": init}
    for ui_file in sorted(FORMS.glob("*.ui")):
        files[OUT / f"ui_{ui_file.stem}.py"] = generate(ui_file)
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report drift, write nothing")
    args = parser.parse_args(argv)
    files = expected()
    drift = [p for p, text in files.items() if not p.exists() or p.read_text() != text]
    stale = [p for p in OUT.glob("ui_*.py") if p not in files]
    if args.check:
        for path in drift + stale:
            print(f"out of date: {path.relative_to(ROOT)}")
        return 1 if drift or stale else 0
    OUT.mkdir(parents=True, exist_ok=True)
    for path in drift:
        path.write_text(files[path])
        print(f"wrote {path.relative_to(ROOT)}")
    for path in stale:
        path.unlink()
        print(f"removed {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
