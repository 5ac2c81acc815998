"""The depth limit is checked by a scan of the raw text; it must agree with the decoded tree.

``decode_case`` refuses a document that nests objects and lists more than ``MAX_DEPTH`` deep.
The check scans the text (cheaper than walking the decoded tree), so brackets, quotes and
backslashes inside strings must never count. A reference walk of the decoded value decides
here what the depth is.
"""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage_app.domain.decode import MAX_DEPTH, decode_case
from triage_app.domain.errors import InputError


def reference_depth(value) -> int:
    """Objects and lists nested inside each other, counted on the decoded value (recursive)."""
    if isinstance(value, dict):
        return 1 + max((reference_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((reference_depth(v) for v in value), default=0)
    return 0


def refused_for_depth(text: str | bytes) -> bool:
    try:
        decode_case(text)
    except InputError as exc:
        assert [p.reason for p in exc.problems] == [
            f"objects and lists are nested more than {MAX_DEPTH} deep"
        ]
        return True
    return False


# Text that looks like structure: brackets, quotes, backslashes, escapes, and non-ASCII.
tricky_text = st.lists(
    st.sampled_from(list('[]{}"\\/,:') + ["\\u005b", "é", "😀", "\u2028", "x", " "]),
    max_size=12,
).map("".join)
leaves = st.none() | st.booleans() | st.integers(-1000, 1000) | tricky_text
values = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(tricky_text, inner, max_size=3),
    max_leaves=12,
)


@st.composite
def nested(draw):
    """A value wrapped in lists and objects (keys full of brackets) to a depth near the limit."""
    value = draw(values)
    for _ in range(draw(st.integers(0, MAX_DEPTH + 2))):
        if draw(st.booleans()):
            value = [draw(tricky_text), value] if draw(st.booleans()) else [value]
        else:
            value = {draw(tricky_text): value}
    return value


@settings(max_examples=400, deadline=None)
@given(nested(), st.booleans(), st.sampled_from([None, 1]))
def test_the_depth_scan_agrees_with_the_decoded_tree(value, ascii_only, indent):
    text = json.dumps(value, ensure_ascii=ascii_only, indent=indent)
    assert refused_for_depth(text) == (reference_depth(value) > MAX_DEPTH)
    assert refused_for_depth(text.encode("utf-8")) == (reference_depth(value) > MAX_DEPTH)


@pytest.mark.parametrize("depth", [1, MAX_DEPTH - 1, MAX_DEPTH])
def test_nesting_up_to_the_limit_is_accepted(depth):
    for opening, closing in (("[", "]"), ('{"k": ', "}")):
        assert not refused_for_depth(opening * depth + "1" + closing * depth)


def test_nesting_one_past_the_limit_is_refused_in_an_object_or_a_list():
    assert refused_for_depth('{"k": ' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1))
    assert refused_for_depth("[" * MAX_DEPTH + "{}" + "]" * MAX_DEPTH)


@pytest.mark.parametrize(
    "text",
    [
        '"[[[[[[[[[[[[[[[[[[[[[[[[[["',  # brackets inside a string
        '"\\\\" ',  # an escaped backslash just before the closing quote
        '"\\"[[[[[[[[[[[[[[[[[[[[[[[\\""',  # escaped quotes around brackets
        '"\\\\\\"[[[[[[[[[[[[[[[[[[[[["',  # an escaped backslash, then an escaped quote
        '"{{{{{{{{{{{{{{{{{{{{{{{{{{😀"',  # non-ASCII after the brackets
    ],
)
def test_brackets_inside_strings_never_count(text):
    document = "[" * MAX_DEPTH + ", ".join([text, text]) + "]" * MAX_DEPTH
    assert not refused_for_depth(document)
    assert not refused_for_depth(document.encode("utf-8"))
