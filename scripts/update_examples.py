"""Regenerate examples/decisions/*.json and the table in examples/README.md.

Run after a deliberate change to the engine or a profile, review the diff, and commit it:
tests/domain/test_examples.py fails while a committed decision differs from the engine's.
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from triage_app.domain.engine import Engine  # noqa: E402

HEADER = """# Example cases

Each `*.json` here is a `triage-assess/1` case; `decisions/` holds the decision the engine gives
(`triage-app assess examples/<case>.json`). The three `child-af-*` cases are the presentations of
the NYSCP practice review "Child AF" (synthetic names and NHS numbers from the 999 test range).
`tests/domain/test_examples.py` fails if a decision changes without this folder being updated
(`python scripts/update_examples.py`, then review the diff).

| case | profile | NIM (basis) | urgency | actions | flags |
|---|---|---|---|---|---|
"""


def main() -> None:
    engine = Engine.load()
    out = ROOT / "examples" / "decisions"
    out.mkdir(exist_ok=True)
    rows = []
    for case in sorted((ROOT / "examples").glob("*.json")):
        decision = engine.assess_json(json.loads(case.read_text(encoding="utf-8")))
        target = out / case.name.replace(".json", ".decision.json")
        target.write_text(
            json.dumps(decision, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        nim = decision["nim"]
        actions = ", ".join(a["id"] for a in decision["actions"]) or "-"
        rows.append(
            f"| `{case.stem}` | {decision['profile']['id']} | "
            f"{'yes' if nim['status'] else 'no'} ({', '.join(nim['basis'])}) | "
            f"**{decision['urgency']}** | {actions} | "
            f"{', '.join(f['id'] for f in decision['flags']) or '-'} |"
        )
    (ROOT / "examples" / "README.md").write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    print(f"wrote {len(rows)} decisions")


if __name__ == "__main__":
    main()
