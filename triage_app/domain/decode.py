"""Decode a case document safely, before any other work is done with it.

The security review found documents that crashed ``assess`` or silently changed a decision:
a repeated key (the last one won, so a second ``"findings": []`` dropped every finding), deep
nesting, integers over 4,300 digits, ``1e400``, and millions of keys. Each is refused here
with one problem line (docs/assess.md, "Input limits").
"""

from __future__ import annotations

import json
from typing import Any

from triage_app.domain.errors import InputError, Problem

# Limits on the raw document, checked before any other work (docs/assess.md, "Input limits").
MAX_INPUT_BYTES = 4 * 1024 * 1024  # 4 MiB of UTF-8 text
MAX_DEPTH = 16  # objects and lists nested inside each other (a valid case needs 5)
MAX_INT_DIGITS = 15
MAX_NUMBER = 1e15
MAX_PROBLEMS = 50  # problems listed one per line; the rest are counted


class _BadDocumentError(ValueError):
    """Raised inside the JSON decoder's hooks; becomes one problem line."""


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _BadDocumentError(
                    f"the key {_show_key(key)} appears twice in one object; a repeated key is "
                    "refused because the second value would silently replace the first"
                )
            seen.add(key)
    return obj


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _BadDocumentError(f"a number has more than {MAX_INT_DIGITS} digits")
    return int(text)


def _parse_float(text: str) -> float:
    if len(text) > 64:
        raise _BadDocumentError("a number is written with more than 64 characters")
    value = float(text)
    if not abs(value) < MAX_NUMBER:
        raise _BadDocumentError(f"a number is too large (at most {MAX_NUMBER:g})")
    return value


def _parse_constant(text: str) -> Any:
    raise _BadDocumentError(f"{text} is not a number JSON allows")


def _depth_problem(data: Any) -> str | None:
    """Return a problem when ``data`` nests deeper than ``MAX_DEPTH`` (iterative: no recursion).

    Deeper documents than Python's own limit never get here: the decoder stops them first.
    """
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return f"objects and lists are nested more than {MAX_DEPTH} deep"
        for child in node.values() if isinstance(node, dict) else node:
            if isinstance(child, dict | list):
                stack.append((child, depth + 1))
    return None


def decode_case(raw: bytes | str) -> Any:
    """Decode a case document safely, before any other work is done with it.

    Refused, each with one problem: more than ``MAX_INPUT_BYTES``; not UTF-8; not JSON; a
    repeated key in an object; ``NaN``/``Infinity``; an integer over ``MAX_INT_DIGITS`` digits
    or a number of ``MAX_NUMBER`` or more; nesting deeper than ``MAX_DEPTH``.

    Raises:
        InputError: with one problem naming the document and the reason.
    """
    size = len(raw) if isinstance(raw, bytes) else len(raw.encode("utf-8", "surrogatepass"))
    if size > MAX_INPUT_BYTES:
        raise InputError(
            [Problem("(document)", f"larger than the input limit of {MAX_INPUT_BYTES} bytes")]
        )
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError([Problem("(document)", "not UTF-8 text")]) from None
    else:
        text = raw
    try:
        data = json.loads(
            text,
            object_pairs_hook=_reject_duplicates,
            parse_int=_parse_int,
            parse_float=_parse_float,
            parse_constant=_parse_constant,
        )
    except _BadDocumentError as exc:
        raise InputError([Problem("(document)", str(exc))]) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            [
                Problem(
                    "(document)",
                    f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
                )
            ]
        ) from None
    except RecursionError:  # the decoder's own limit (about 1,000 levels)
        raise InputError(
            [Problem("(document)", f"objects and lists are nested more than {MAX_DEPTH} deep")]
        ) from None
    problem = _depth_problem(data) if isinstance(data, dict | list) else None
    if problem:
        raise InputError([Problem("(document)", problem)])
    return data


def _show_key(key: str) -> str:
    text = repr(key)
    return text if len(text) <= 60 else text[:57] + "..."
