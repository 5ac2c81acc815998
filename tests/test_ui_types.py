"""The UI's data types: no second class under a domain class's name; adapters typed for real.

A UI class named like a domain class but shaped differently (``ChildRecord`` with a text id
next to the stored ``ChildRecord`` with a number) is a trap: the wrong one is imported and
fails only at run time. The UI reuses the domain's record where its shape fits and names its
own view types so they cannot be mistaken for one.
"""

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "triage_app"

# Adapters that turn service records into view types: every parameter and return says what
# it is (no ``Any``); JSON payloads of the wizard and the drafts live in service_adapters.
TYPED_ADAPTERS = ("service_cases.py", "service_records.py", "service_import.py", "service_links.py")


def _classes(source: str) -> set[str]:
    return {n.name for n in ast.walk(ast.parse(source)) if isinstance(n, ast.ClassDef)}


def _layer_classes(layer: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for name in _classes(path.read_text(encoding="utf-8")):
            found.setdefault(name, []).append(str(path.relative_to(PACKAGE)))
    return found


def _clashes(ui: dict[str, list[str]], domain: dict[str, list[str]]) -> list[str]:
    return sorted(f"{name}: {ui[name]} and {domain[name]}" for name in set(ui) & set(domain))


def test_no_ui_class_has_the_name_of_a_domain_class():
    domain = _layer_classes("domain")
    assert {"ChildRecord", "CaseSummary", "UserRecord", "DueItem"} <= set(domain)
    assert _clashes(_layer_classes("ui"), domain) == []


def test_the_clash_check_finds_a_ui_class_named_like_a_domain_class():
    ui = {"ChildRecord": ["ui/viewmodels.py"], "ChildView": ["ui/viewmodels.py"]}
    domain = {"ChildRecord": ["domain/records.py"]}
    assert _clashes(ui, domain) == ["ChildRecord: ['ui/viewmodels.py'] and ['domain/records.py']"]


def test_the_ui_adds_a_child_as_the_domain_record_and_knows_no_user_type_of_its_own():
    from triage_app.domain.records import ChildRecord, UserRecord
    from triage_app.ui import ports, viewmodels

    assert ports.ChildDirectory.add_child.__annotations__["child"] == "ChildRecord"
    assert ports.ChildRecord is ChildRecord and ports.UserRecord is UserRecord
    assert not {"NewChild", "UserRecord", "ChildRecord"} & _classes(
        Path(viewmodels.__file__).read_text(encoding="utf-8")
    )


def test_the_case_record_and_import_adapters_never_annotate_any():
    for name in TYPED_ADAPTERS:
        text = (PACKAGE / "ui" / name).read_text(encoding="utf-8")
        assert not re.search(r"\bAny\b", text), f"ui/{name} says Any"
