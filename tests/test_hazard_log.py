"""The hazard log cites only tests that exist, and every hazard cites at least one."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOG = ROOT / "docs" / "clinical-safety" / "hazard-log.md"
REF = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")


def _test_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}


def test_every_cited_test_exists():
    text = LOG.read_text(encoding="utf-8")
    refs = REF.findall(text)
    assert refs
    missing = [
        f"{f}::{name}"
        for f, name in refs
        if not (ROOT / f).is_file() or name not in _test_names(ROOT / f)
    ]
    assert missing == []


def test_every_hazard_has_a_control_and_a_test():
    rows = [
        line
        for line in LOG.read_text(encoding="utf-8").splitlines()
        if re.match(r"\| H\d\d ", line)
    ]
    assert len(rows) >= 8, "the starter hazards of clinical-research.md section F at least"
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert len(cells) == 9, row
        assert cells[4], f"{cells[0]} has no control"
        assert REF.search(cells[5]), f"{cells[0]} cites no test"
