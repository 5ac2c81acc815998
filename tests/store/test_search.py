"""Search keys: the same family name however it is typed."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from triage_app.store.search import name_key, postcode_district, postcode_key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("O'Brien", "OBRIEN"),
        ("O Brien", "o'brien"),
        ("Zoë", "ZOE"),
        ("Williams-Jones", "williams jones"),
        ("Ó Briain", "obriain"),
    ],
)
def test_spellings_of_one_name_share_a_key(a, b):
    assert name_key(a) == name_key(b)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCXYZ -'", max_size=40))
def test_key_ignores_case_spaces_hyphens_and_apostrophes(name):
    key = name_key(name)
    assert key == name_key(name.upper()) == name_key(name.lower())
    assert key == name_key(name.replace(" ", "").replace("-", "").replace("'", ""))
    assert key is None or key.isalpha()


@pytest.mark.parametrize(
    ("code", "key", "district"),
    [("YO1 7HH", "YO17HH", "YO1"), ("xx12 3ab", "XX123AB", "XX12"), ("", None, None)],
)
def test_postcode_keys(code, key, district):
    assert postcode_key(code) == key and postcode_district(code) == district
