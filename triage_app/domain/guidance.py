"""National wording the engine uses: default action texts and NICE CG89 prompts.

Both are data in ``resources/guidance``; a profile's role variants may replace action texts.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from triage_app.domain.errors import Problem, ProfileError
from triage_app.domain.resources import resource


@dataclass(frozen=True)
class Guidance:
    """Action wording and due texts, and NICE CG89 prompts for mobile children."""

    action_text: Mapping[str, str]
    action_due: Mapping[str, str]
    nice_process: tuple[str, ...]
    nice_by_kind: Mapping[str, str]
    nice_by_site: Mapping[str, str]
    nice_patterned: str

    @classmethod
    def load(cls) -> Guidance:
        """Read ``guidance/actions.toml`` and ``guidance/nice_cg89.toml``.

        Raises:
            ProfileError: a guidance file is missing a table or is not valid TOML.
        """
        actions = _read("actions.toml")
        nice = _read("nice_cg89.toml")
        try:
            return cls(
                action_text=dict(actions["text"]),
                action_due=dict(actions["due"]),
                nice_process=tuple(nice["process"]),
                nice_by_kind=dict(nice["kinds"]),
                nice_by_site=dict(nice.get("sites", {})),
                nice_patterned=str(nice["patterned"]["text"]),
            )
        except KeyError as exc:
            raise ProfileError("guidance", [Problem(str(exc.args[0]), "required")]) from exc


def _read(name: str) -> dict[str, Any]:
    path = resource("guidance", name)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"guidance/{name}", [Problem("", f"not valid TOML: {exc}")]) from exc
