"""Decode a case document safely, before any other work is done with it.

The security review found documents that crashed ``assess`` or silently changed a decision:
a repeated key (the last one won, so a second ``"findings": []`` dropped every finding), deep
nesting, integers over 4,300 digits, ``1e400``, and millions of keys. Each is refused here
with one problem line (docs/assess.md, "Input limits").
"""

from __future__ import annotations

import json
from typing import Any

import orjson

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


# Bytes that matter to structure: brackets (mapped to "(" and ")"), colons, and the quotes
# around strings; every other byte is deleted.
_STRUCTURE = bytes.maketrans(b"[{]}", b"(())")
_NOT_STRUCTURE = bytes(c for c in range(256) if c not in b'[]{}":')


def _outside_strings(text: bytes) -> bytes:
    r"""The brackets (as ``(`` and ``)``) and colons of valid JSON ``text`` outside its strings.

    A scan of the raw text, run after the decoder has accepted it (so the text is valid JSON):
    escapes are dropped (each ``\\`` pair first, then each ``\"``), leaving the quotes that
    open and close strings; everything but brackets, colons and those quotes is dropped; then
    what lies inside strings is dropped. Multi-byte UTF-8 never contains these ASCII bytes, so
    the scan is exact. Outside strings a colon only ever follows a key, so the colons left are
    the keys written, one each; the brackets left give the nesting.
    """
    marks = text
    if b"\\" in marks:
        marks = marks.replace(b"\\\\", b"").replace(b'\\"', b"")
    marks = marks.translate(_STRUCTURE, _NOT_STRUCTURE)
    # Removing two adjacent quotes (a string with no bracket or colon in it, or the end of one
    # string and the start of the next) never changes what lies inside a string.
    marks = marks.replace(b'""', b"")
    if b'"' in marks:  # a string with a bracket or colon in it: keep what lies outside strings
        marks = b"".join(marks.split(b'"')[::2])
    return marks


def _nested_too_deep(outside: bytes) -> bool:
    """Whether the brackets of :func:`_outside_strings` nest more than ``MAX_DEPTH`` deep.

    Each pass removes every innermost ``()`` pair, one level per pass; linear, no recursion.
    """
    marks = outside.replace(b":", b"")
    for _ in range(MAX_DEPTH):
        if not marks:
            return False
        marks = marks.replace(b"()", b"")
    return bool(marks)


def _too_deep(text: bytes) -> bool:
    """Return True when valid JSON ``text`` nests objects and lists more than ``MAX_DEPTH`` deep.

    Several times cheaper than walking the decoded tree (see :func:`_outside_strings`).
    """
    return _nested_too_deep(_outside_strings(text))


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


def _decode_quick(raw: bytes | str) -> Any:
    """Decode ``raw`` as :func:`decode_case_strict` does, or return ``_UNSURE``.

    orjson decodes (about twice as quick as ``json``, with no hooks); then what the strict
    decoder's hooks check is checked on the result and the raw text:

    - Repeated keys, by counting. Outside strings a colon only ever follows a key, so the
      colons outside strings (:func:`_outside_strings`) are the keys written, one each; the
      decoded objects hold fewer keys than were written exactly when a key is repeated. The
      same scan gives the nesting depth.
    - Numbers: every decoded integer within ``MAX_INT_DIGITS`` digits and every float below
      ``MAX_NUMBER`` (:func:`_keys_and_numbers`), and no run of more than 64 characters that
      a number is written with anywhere in the text (a false alarm, digits in a string, only
      sends the document to the strict decoder).

    orjson refuses what ``json`` refuses (and a lone surrogate, which ``json`` reads); any
    refusal, and any doubt, goes to the strict decoder, which decides and names the problem.
    """
    encoded = raw if isinstance(raw, bytes) else raw.encode("utf-8", "surrogatepass")
    if len(encoded) > MAX_INPUT_BYTES:
        return _UNSURE
    try:
        data = orjson.loads(encoded)
    except orjson.JSONDecodeError:  # not JSON, not UTF-8, too deep for orjson, a lone surrogate
        return _UNSURE
    outside = _outside_strings(encoded)
    if _keys_and_numbers(data) != outside.count(b":"):
        return _UNSURE
    if _LONG_NUMBER in encoded.translate(_NUMBER_BYTES):
        return _UNSURE
    if isinstance(data, dict | list) and _nested_too_deep(outside):
        return _UNSURE
    return data


# Every byte a JSON number is written with becomes "#" (the text keeps its length): a run of
# more than 64 of them may be a number _parse_float refuses.
_NUMBER_BYTES = bytes.maketrans(b"0123456789+-.eE", b"#" * 15)
_LONG_NUMBER = b"#" * 65
_INT_LIMIT = 10**MAX_INT_DIGITS


def _keys_and_numbers(data: Any) -> int:
    """The keys of every object in ``data``, or -1 when a number is one the hooks refuse."""
    keys = 0
    pending: list[Any] = [[data]]
    while pending:
        item = pending.pop()
        values: Any
        if type(item) is dict:
            keys += len(item)
            values = item.values()
        else:
            values = item
        for value in values:
            kind = type(value)
            if kind is dict or kind is list:
                pending.append(value)
            elif kind is int:
                if not -_INT_LIMIT < value < _INT_LIMIT:
                    return -1
            elif kind is float and not abs(value) < MAX_NUMBER:
                return -1
    return keys


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
    except _BadDocumentError as refused:
        raise InputError([Problem("(document)", str(refused))]) from None
    except json.JSONDecodeError as bad:  # its own name: mypyc gives a name one type
        raise InputError(
            [
                Problem(
                    "(document)",
                    f"not valid JSON: {bad.msg} at line {bad.lineno} column {bad.colno}",
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
