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


# Bytes that matter to nesting: brackets (mapped to "(" and ")") and the quotes around strings.
_NESTING = bytes.maketrans(b"[{]}", b"(())")
_NOT_NESTING = bytes(c for c in range(256) if c not in b'[]{}"')


def _too_deep(text: bytes) -> bool:
    r"""Return True when valid JSON ``text`` nests objects and lists more than ``MAX_DEPTH`` deep.

    A scan of the raw text, run after the decoder has accepted it (so the text is valid JSON):
    escapes are dropped (each ``\\`` pair first, then each ``\"``), leaving the quotes that
    open and close strings; everything but brackets and those quotes is dropped; brackets inside
    strings are dropped; then each pass removes every innermost ``()`` pair, one level per pass.
    Multi-byte UTF-8 never contains these ASCII bytes, so the scan is exact. It is linear in the
    text and does no recursion, and it is several times cheaper than walking the decoded tree.
    """
    marks = text
    if b"\\" in marks:
        marks = marks.replace(b"\\\\", b"").replace(b'\\"', b"")
    marks = marks.translate(_NESTING, _NOT_NESTING)
    # Removing two adjacent quotes (an empty string, or the end of one string and the start of
    # the next) never changes which brackets are inside a string.
    marks = marks.replace(b'""', b"")
    if b'"' in marks:  # a string with a bracket in it: keep only what lies outside strings
        marks = b"".join(marks.split(b'"')[::2])
    for _ in range(MAX_DEPTH):
        if not marks:
            return False
        marks = marks.replace(b"()", b"")
    return bool(marks)


def decode_case(raw: bytes | str) -> Any:
    """Decode a case document safely, before any other work is done with it.

    Refused, each with one problem: more than ``MAX_INPUT_BYTES``; not UTF-8; not JSON; a
    repeated key in an object; ``NaN``/``Infinity``; an integer over ``MAX_INT_DIGITS`` digits
    or a number of ``MAX_NUMBER`` or more; nesting deeper than ``MAX_DEPTH``.

    The usual document (no repeated key) is decoded by a quick path that checks for repeated
    keys by counting instead of in a hook on every object; any doubt, and every refusal, goes
    to :func:`decode_case_strict`, so what is accepted, refused and said is exactly the same.

    Raises:
        InputError: with one problem naming the document and the reason.
    """
    data = _decode_quick(raw)
    if data is _UNSURE:
        return decode_case_strict(raw)
    return data


class _Unsure:
    """The quick decoder's answer when the strict one must decide."""


_UNSURE: Any = _Unsure()
_JSON_SPACE = b" \t\n\r"


def _decode_quick(raw: bytes | str) -> Any:
    r"""Decode ``raw`` as :func:`decode_case_strict` does, or return ``_UNSURE``.

    Repeated keys are found by counting. Every key in the text is a string followed (after
    whitespace) by ``:``, so once JSON whitespace is deleted each key ends in the two bytes
    ``":``; a quote followed by a colon elsewhere lies inside a string and only adds to the
    count. The text's count is therefore at least the number of keys written, and the decoded
    objects hold fewer keys than were written exactly when a key is repeated. When the two
    counts are equal no key is repeated; when they differ (a repeated key, or only a ``":``
    inside a string) the strict decoder decides. Any other problem also goes to the strict
    decoder, which names it.
    """
    if isinstance(raw, bytes):
        encoded = raw
        if len(encoded) > MAX_INPUT_BYTES:
            return _UNSURE
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return _UNSURE
    else:
        text = raw
        encoded = raw.encode("utf-8", "surrogatepass")
        if len(encoded) > MAX_INPUT_BYTES:
            return _UNSURE
    keys = 0

    def count_keys(obj: dict[str, Any]) -> dict[str, Any]:
        nonlocal keys
        keys += len(obj)
        return obj

    try:
        data = json.loads(
            text,
            object_hook=count_keys,
            parse_int=_parse_int,
            parse_float=_parse_float,
            parse_constant=_parse_constant,
        )
    except (ValueError, RecursionError):  # JSONDecodeError and _BadDocumentError included
        return _UNSURE
    if keys != encoded.translate(None, _JSON_SPACE).count(b'":'):
        return _UNSURE
    if isinstance(data, dict | list) and _too_deep(encoded):
        return _UNSURE
    return data


def decode_case_strict(raw: bytes | str) -> Any:
    """Decode a case document with every check in the decoder's hooks (the reference).

    :func:`decode_case` gives exactly the same answer, usually more quickly.

    Refused, each with one problem: more than ``MAX_INPUT_BYTES``; not UTF-8; not JSON; a
    repeated key in an object; ``NaN``/``Infinity``; an integer over ``MAX_INT_DIGITS`` digits
    or a number of ``MAX_NUMBER`` or more; nesting deeper than ``MAX_DEPTH``.

    Raises:
        InputError: with one problem naming the document and the reason.
    """
    encoded = raw if isinstance(raw, bytes) else raw.encode("utf-8", "surrogatepass")
    if len(encoded) > MAX_INPUT_BYTES:
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
    if isinstance(data, dict | list) and _too_deep(encoded):
        raise InputError(
            [Problem("(document)", f"objects and lists are nested more than {MAX_DEPTH} deep")]
        )
    return data


def _show_key(key: str) -> str:
    text = repr(key)
    return text if len(text) <= 60 else text[:57] + "..."
