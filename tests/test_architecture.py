"""Layering: the domain stays pure; the UI never reaches the store directly."""

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "triage_app"

# The only third-party module the domain may use: NHS number checks (pure Python).
DOMAIN_ALLOWED_THIRD_PARTY = {"nhs_number"}
FORBIDDEN_IN_DOMAIN = ("PySide6", "shiboken6", "sqlalchemy", "reportlab", "alembic", "psycopg")


def test_importing_the_domain_loads_no_qt_sqlalchemy_or_reportlab():
    code = (
        "import sys, json, pkgutil, importlib, triage_app.domain as d\n"
        "for m in pkgutil.walk_packages(d.__path__, 'triage_app.domain.'):\n"
        "    importlib.import_module(m.name)\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = json.loads(out.stdout)
    bad = [m for m in loaded if m.split(".")[0] in FORBIDDEN_IN_DOMAIN]
    assert bad == []


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _layer_files(layer: str):
    return sorted((PACKAGE / layer).rglob("*.py"))


def test_domain_imports_only_the_standard_library_and_nhs_number():
    stdlib = set(sys.stdlib_module_names)
    for path in _layer_files("domain"):
        for name in _imports(path):
            top = name.split(".")[0]
            assert top in stdlib or top == "triage_app" or top in DOMAIN_ALLOWED_THIRD_PARTY, (
                f"{path.relative_to(ROOT)} imports {name}"
            )
            if top == "triage_app":
                assert name.startswith("triage_app.domain"), f"{path} imports {name}"


def test_layers_import_only_what_they_may():
    rules = {
        "store": {
            "allowed": ("triage_app.domain", "triage_app.store"),
            "banned": ("PySide6", "reportlab"),
        },
        "report": {
            "allowed": ("triage_app.domain", "triage_app.report"),
            "banned": ("PySide6", "sqlalchemy"),
        },
        "services": {
            "allowed": (
                "triage_app.domain",
                "triage_app.store",
                "triage_app.report",
                "triage_app.services",
            ),
            "banned": ("PySide6",),
        },
        "ui": {
            "allowed": (
                "triage_app.domain",
                "triage_app.services",
                "triage_app.ui",
                "triage_app.paths",
            ),
            "banned": ("sqlalchemy", "triage_app.store", "reportlab"),
        },
    }
    for layer, rule in rules.items():
        for path in _layer_files(layer):
            for name in _imports(path):
                top = name.split(".")[0]
                assert not any(name == b or name.startswith(b + ".") for b in rule["banned"]), (
                    f"{path.relative_to(ROOT)} imports {name}"
                )
                if top == "triage_app":
                    assert name.startswith(rule["allowed"]), (
                        f"{path.relative_to(ROOT)} imports {name}"
                    )
