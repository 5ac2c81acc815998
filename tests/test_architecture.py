"""Layering: the domain stays pure; the UI never reaches the store directly; no import cycles.

The cycle check reads every module's source (no import runs): every ``import`` and
``from ... import`` at any depth (inside functions, methods, ``try`` blocks; relative imports
resolved) and ``importlib.import_module("literal")`` calls. Only imports under
``if TYPE_CHECKING:`` are left out: they never run.
"""

import ast
import functools
import json
import subprocess
import sys
from collections import deque
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "triage_app"

# The only third-party modules the domain may use: NHS number checks (pure Python) and the
# JSON decoder the assess contract's quick path reads cases with (orjson: data in, data out).
DOMAIN_ALLOWED_THIRD_PARTY = {"nhs_number", "orjson"}
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


def test_domain_imports_only_the_standard_library_nhs_number_and_orjson():
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


# Import graph and cycles -----------------------------------------------------------------


def _module_names(root: Path = ROOT) -> dict[str, tuple[Path, bool]]:
    """Every module of the package: dotted name -> (file, is a package ``__init__``)."""
    found = {}
    for path in sorted((root / "triage_app").rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        package = parts[-1] == "__init__"
        if package:
            parts = parts[:-1]
        found[".".join(parts)] = (path, package)
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node, at any depth, except the bodies of ``if TYPE_CHECKING:``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def imported_names(source: str, module: str, is_package: bool) -> list[tuple[str, int]]:
    """The dotted names a module imports at run time (absolute), with their line numbers.

    ``from a.b import c`` gives ``a.b.c`` and ``a.b`` (the caller keeps what is a module).
    """
    package = module if is_package else module.rpartition(".")[0]
    names: list[tuple[str, int]] = []
    for node in _runtime_nodes(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names.append((target, node.lineno))
            names += [(f"{target}.{alias.name}", node.lineno) for alias in node.names]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.append((node.args[0].value, node.lineno))
    return names


@functools.cache
def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Module -> the package's modules it imports (at any depth, relative imports resolved)."""
    modules = _module_names(root)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, (path, package) in modules.items():
        for target, _line in imported_names(path.read_text(encoding="utf-8"), name, package):
            if target in modules:
                graph[name].add(target)
    return graph


def _components(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Strongly connected components (Tarjan, iterative), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in graph:
                    continue
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    found.append(sorted(component))
    return found


def _shortest_cycle(graph: Mapping[str, set[str]], start: str, within: set[str]) -> list[str]:
    """The shortest path start -> ... -> start inside ``within`` (BFS)."""
    previous: dict[str, str] = {}
    queue = deque([start])
    seen = {start}
    while queue:
        node = queue.popleft()
        for nxt in sorted(graph[node] & within):
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return [*reversed(path), start]
            if nxt not in seen:
                seen.add(nxt)
                previous[nxt] = node
                queue.append(nxt)
    return []


def find_cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Every import cycle, as a path ``[a, b, ..., a]``: for each module in a cycle, the
    shortest cycle through it (the same cycle found from two of its modules is listed once).
    """
    cycles: list[list[str]] = []
    seen: set[tuple[str, ...]] = set()
    for component in _components(graph):
        members = set(component)
        if len(component) == 1 and component[0] not in graph[component[0]]:
            continue
        for start in component:
            path = _shortest_cycle(graph, start, members)
            ring = path[:-1]
            turn = ring.index(min(ring))
            key = tuple(ring[turn:] + ring[:turn])
            if key not in seen:
                seen.add(key)
                cycles.append([*key, key[0]])
    return cycles


def test_the_package_has_no_import_cycle_even_through_imports_inside_functions():
    cycles = find_cycles(import_graph())
    assert cycles == [], "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_the_cycle_check_finds_a_planted_cycle_and_reports_its_path():
    graph = {
        "triage_app.app": {"triage_app.cli"},
        "triage_app.cli": {"triage_app.cli_store"},
        "triage_app.cli_store": {"triage_app.app", "triage_app.bootstrap"},
        "triage_app.bootstrap": set(),
        "triage_app.domain.model": {"triage_app.domain.model"},  # imports itself
        "triage_app.domain.vocab": set(),
    }
    assert find_cycles(graph) == [
        ["triage_app.app", "triage_app.cli", "triage_app.cli_store", "triage_app.app"],
        ["triage_app.domain.model", "triage_app.domain.model"],
    ]
    del graph["triage_app.cli_store"]  # an edge to a module that is not there: no cycle
    graph.pop("triage_app.domain.model")
    assert find_cycles(graph) == []


def test_two_cycles_through_one_module_are_both_reported():
    graph = {"a": {"b", "c"}, "b": {"a"}, "c": {"a"}}
    assert find_cycles(graph) == [["a", "b", "a"], ["a", "c", "a"]]


@pytest.mark.parametrize(
    ("source", "module", "package", "expected"),
    [
        # inside a function, a method and a try block: all counted
        (
            "def f():\n    from triage_app.app import main\n",
            "triage_app.cli",
            False,
            "triage_app.app",
        ),
        (
            "class C:\n    def m(self):\n        import triage_app.cli_store\n",
            "triage_app.cli",
            False,
            "triage_app.cli_store",
        ),
        (
            "try:\n    from . import cli\nexcept ImportError:\n    pass\n",
            "triage_app.app",
            False,
            "triage_app.cli",
        ),
        # relative imports, one and two levels up, and from a package's __init__
        ("from .parse import x\n", "triage_app.domain.model", False, "triage_app.domain.parse"),
        ("from ..domain import model\n", "triage_app.ui.x", False, "triage_app.domain.model"),
        ("from . import engine\n", "triage_app.domain", True, "triage_app.domain.engine"),
        (
            "import importlib\nimportlib.import_module('triage_app.app')\n",
            "triage_app.cli",
            False,
            "triage_app.app",
        ),
    ],
)
def test_imports_are_found_at_any_depth_and_relative_ones_resolved(
    source, module, package, expected
):
    assert expected in {name for name, _ in imported_names(source, module, package)}


def test_type_only_imports_are_not_edges():
    source = (
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from triage_app.app import X\n"
    )
    assert "triage_app.app" not in {n for n, _ in imported_names(source, "triage_app.cli", False)}


def test_command_line_modules_import_only_downward():
    """``app.py`` is the entry that dispatches: only ``__main__`` (the script) imports it."""
    graph = import_graph()
    importers = sorted(m for m, targets in graph.items() if "triage_app.app" in targets)
    assert importers == ["triage_app.__main__"], f"{importers} import triage_app.app"
    cli = [m for m in graph if m.startswith("triage_app.cli")]
    assert cli, "no command-line modules found"
    for module in cli:
        for target in graph[module]:
            assert not target.startswith("triage_app.ui"), f"{module} imports {target}"


# What opens a store: the composition root for both fronts, the window's record opener for the
# window (built by the composition root), and the services themselves.
STORE_FACTORIES = {
    "triage_app.services.context": {"open_store"},
    "triage_app.services.auth": {"sign_in", "initialise"},
}
MAY_OPEN_A_STORE = {"triage_app.bootstrap", "triage_app.ui.service_adapters"}


def _factory_users(path: Path) -> set[str]:
    """The store factories a module imports by name or calls through its module."""
    used = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in STORE_FACTORIES:
            used |= {a.name for a in node.names} & STORE_FACTORIES[node.module]
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in ("auth", "context")
            and node.attr in {"sign_in", "initialise", "open_store"}
        ):
            used.add(node.attr)
    return used


def test_only_the_composition_root_and_the_window_opener_open_a_store():
    offenders = []
    for name, (path, _package) in _module_names().items():
        if name.startswith(("triage_app.services", "triage_app.store")) or name in MAY_OPEN_A_STORE:
            continue
        if _factory_users(path):
            offenders.append(f"{name}: {sorted(_factory_users(path))}")
    assert offenders == []


def test_the_window_and_the_store_share_one_engine_and_one_clock(tmp_path):
    """The composition root gives the window and the store context the same engine and clock."""
    from datetime import datetime

    from triage_app.bootstrap import Bootstrap
    from triage_app.domain.clock import FixedClock
    from triage_app.services.auth import Credentials
    from triage_app.store.keyring import KdfParams

    clock = FixedClock(datetime(2026, 3, 4, 10, 30, 45))
    fast = KdfParams(time_cost=1, memory_cost_kib=8 * 1024, parallelism=1)
    root = Bootstrap(tmp_path / "data", clock=clock, kdf=fast)
    ctx = root.initialise(Credentials("admin", "a-long-password"))
    try:
        assert ctx.protocol is root.protocol  # loaded once, shared
        assert root.window_decide().__self__ is root.protocol  # the window's live decision
        assert ctx.clock() == clock.now() and ctx.time is clock
        opener = root.window_opener()
        assert opener.clock is clock
    finally:
        ctx.close()
    again = root.sign_in(Credentials("admin", "a-long-password"))
    try:
        assert again.protocol is root.protocol
    finally:
        again.close()
