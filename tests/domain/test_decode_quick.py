"""The quick decoder must answer exactly as the strict one: never accept what it refuses.

``decode_case`` decodes with orjson and then checks repeated keys by counting (the keys in the
decoded objects against the colons outside strings in the raw text), each number's size, long
number text and the depth; it hands anything doubtful to ``decode_case_strict`` (``json``, with
every object and number checked in the decoder's hooks). These tests write JSON by hand, with
repeated keys, keys that are equal only once their escapes are read, whitespace before colons,
strings holding quotes, colons and brackets, and number literals short and long, and hold the
two decoders to the same data or the same problem.
"""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triage_app.domain.decode import _UNSURE, _decode_quick, decode_case, decode_case_strict
from triage_app.domain.errors import InputError

# Keys written in several ways: "a" and "\u0061" are the same key, as are "é" and "\u00e9".
KEYS = st.sampled_from(
    ['"a"', '"\\u0061"', '"b"', '"a\\""', '"\\""', '":"', '""', '"é"', '"\\u00e9"']
)
SPACE = st.sampled_from(["", " ", "\n", "\t", "\r\n  "])
STRINGS = st.sampled_from(
    ['"x"', '"\\":"', '"\\" :"', '": "', '"{[\\""', '"a\\\\"', '"\\u0022:"', '"é"', '"\\ud800"']
)
NUMBERS = st.sampled_from(
    [
        "0",
        "-0",
        "-0.0",
        "1.5",
        "1e3",
        "1E400",
        "1e15",
        "999999999999999",
        "-999999999999999",
        "1234567890123456",
        "9223372036854775808",  # beyond 64 bits: orjson refuses, the strict decoder words it
        "NaN",
        "-1",
        "5e-324",
        "999999999999999.9",
        "1." + "0" * 62,  # 64 characters: accepted
        "1." + "0" * 63,  # 65 characters: refused
        "0." + "0" * 70 + "1",
    ]
)
SCALARS = st.one_of(STRINGS, NUMBERS, st.sampled_from(["true", "false", "null"]))


def _object(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    member = st.tuples(SPACE, KEYS, SPACE, SPACE, children, SPACE).map(
        lambda t: f"{t[0]}{t[1]}{t[2]}:{t[3]}{t[4]}{t[5]}"
    )
    return st.lists(member, max_size=5).map(lambda ms: "{" + ",".join(ms) + "}")


def _array(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.lists(children, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]")


DOCUMENTS = st.recursive(SCALARS, lambda c: st.one_of(_object(c), _array(c)), max_leaves=25)


def outcome(decoder, raw):
    try:
        return "ok", decoder(raw)
    except InputError as exc:
        return "refused", [(p.path, p.reason) for p in exc.problems]


def same(raw) -> None:
    quick, strict = outcome(decode_case, raw), outcome(decode_case_strict, raw)
    # repr: NaN is never accepted, and -0.0 must stay -0.0
    assert repr(quick) == repr(strict)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENTS, st.booleans())
def test_quick_decoder_answers_as_the_strict_one(text, as_bytes):
    same(text.encode("utf-8", "surrogatepass") if as_bytes else text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENTS)
def test_the_quick_path_never_accepts_a_repeated_key(text):
    data = _decode_quick(text)
    if data is not _UNSURE:
        decode_case_strict(text)  # raises if the strict decoder refuses what was accepted


def test_a_repeated_key_is_refused_however_it_is_written():
    for text in (
        '{"a": 1, "a": 2}',
        '{"a" : 1, "b": 2, "a": 3}',
        '{"a":1,"\\u0061":2}',
        '{"x": "\\":", "a": 1, "a": 1}',  # a ":" inside a string beside a repeated key
        '{"b" :1, "a":1, "a" :1}',
        '[{"a": {"b": 1, "b": 1}}]',
    ):
        assert _decode_quick(text) is _UNSURE
        kind, problems = outcome(decode_case, text)
        assert kind == "refused" and "appears twice" in problems[0][1], text


def test_an_ordinary_case_takes_the_quick_path():
    text = json.dumps({"a": [{"b": 1, "c": "x: y"}], "d": {"e": None}}, indent=2)
    assert _decode_quick(text) == json.loads(text)


# Number literals as JSON writes them, short and long (the quick path decodes with orjson and
# checks the limits afterwards; the strict one checks them in the decoder's hooks).
LITERALS = st.from_regex(r"\A-?(0|[1-9][0-9]{0,19})(\.[0-9]{1,70})?([eE][+-]?[0-9]{1,3})?\Z")


@settings(max_examples=600, deadline=None)
@given(LITERALS, st.sampled_from(["{0}", '{{"size_mm": {0}}}', '[1, "x{0}", {0}]']))
def test_numbers_are_read_and_limited_as_the_strict_decoder_does(literal, shape):
    same(shape.format(literal))


@pytest.mark.parametrize(
    "text",
    [
        '\ufeff{"a": 1}',  # a byte order mark
        '{"a": "x\x01y"}',  # a raw control character in a string
        '{"a": "\\ud800"}',  # a lone surrogate, escaped: the strict decoder reads it
        '{"a": [1,]}',
        '{"a": 01}',
        " \r\n\t{}",
        '{"a": "' + "9" * 70 + '"}',  # a long run of digits in a string: still accepted
    ],
)
def test_edge_texts_are_answered_as_the_strict_decoder_does(text):
    same(text)
    same(text.encode("utf-8", "surrogatepass"))
