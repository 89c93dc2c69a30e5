"""Which text the database can store, and where a query string, a form or parsed JSON holds text it cannot (no database)."""

import json
from urllib.parse import quote_from_bytes

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bookingsite.lib.storable_text import (
    decodes_storably,
    is_storable,
    unstorable_fields,
    unstorable_json_paths,
    unstorable_query_fields,
)

# Any text a str can hold: Hypothesis leaves lone surrogates out of st.text() unless asked.
ANY_TEXT = st.text(st.characters() | st.characters(categories=["Cs"]))


@given(ANY_TEXT)
def test_storable_is_encodable_as_utf8_and_free_of_nul(text):
    try:
        text.encode("utf-8")
        encodable = True
    except UnicodeEncodeError:
        encodable = False

    assert is_storable(text) == (encodable and "\x00" not in text)


@given(st.binary())
def test_bytes_decode_storably_when_they_are_utf8_without_nul(raw):
    try:
        expected = "\x00" not in raw.decode("utf-8")
    except UnicodeDecodeError:
        expected = False

    assert decodes_storably(raw) == expected


@pytest.mark.parametrize("raw", [b"\xed\xa0\x80", b"a\xffb", b"\xc3", b"x\x00y"])
def test_encoded_surrogates_broken_utf8_and_nul_are_refused(raw):
    assert not decodes_storably(raw)


def test_a_pair_of_surrogates_from_json_is_one_character_and_storable():
    assert is_storable(json.loads('"\\ud83d\\ude00"'))


class TestQueryFields:
    def test_names_the_fields_with_a_nul_in_name_or_value(self):
        query = b"tz=Asia%2FTokyo&notes=a%00b&x%00y=1&date=2027-01-05"

        assert unstorable_query_fields(query) == ["notes", "x\ufffdy"]

    def test_a_raw_nul_counts_as_a_percent_encoded_one(self):
        assert unstorable_query_fields(b"notes=a\x00b") == ["notes"]

    @pytest.mark.parametrize("value", [b"%ff", b"%ED%A0%80", b"caf%C3"])
    def test_bytes_that_are_not_utf8_are_named(self, value):
        assert unstorable_query_fields(b"name=" + value) == ["name"]

    def test_plus_is_a_space_and_a_field_is_named_once(self):
        assert unstorable_query_fields(b"a=b+c&n=%00&n=%00") == ["n"]

    @pytest.mark.parametrize(
        "query", [b"", b"&", b"=", b"flag", b"tz=Europe%2FLondon&month=2027-02", b"q=caf%C3%A9", "q=café".encode()]
    )
    def test_ordinary_queries_pass(self, query):
        assert unstorable_query_fields(query) == []

    @given(st.lists(st.tuples(ANY_TEXT.filter(is_storable), ANY_TEXT.filter(is_storable)), max_size=5))
    def test_any_storable_form_passes(self, pairs):
        query = "&".join(f"{quote_from_bytes(n.encode())}={quote_from_bytes(v.encode())}" for n, v in pairs).encode()

        assert unstorable_query_fields(query) == []


def test_decoded_fields_name_those_with_a_bad_name_or_value():
    fields = [("name", ["Alice"]), ("notes", ["ok", "a\x00b"]), ("x\x00", ["1"]), ("logo", ["logo.png"])]

    assert unstorable_fields(fields) == ["notes", "x\ufffd"]


class TestJsonPaths:
    def test_paths_name_the_strings_in_the_api_error_shape(self):
        data = json.loads('{"notes": "x\\u0000y", "name": "ok", "blocks": [{"note": "a"}, {"note": "\\ud800"}], "n": 1}')

        assert unstorable_json_paths(data) == ["blocks.1.note", "notes"]

    def test_a_bad_key_is_named_by_where_it_sits(self):
        assert unstorable_json_paths(json.loads('{"a\\u0000": 1, "b": {"\\udfff": 2}}')) == ["__all__", "b"]

    @pytest.mark.parametrize("data", [None, 1, 2.5, True, "text", [], {}, {"a": [1, "b", None, {"c": "d"}]}])
    def test_storable_json_has_no_paths(self, data):
        assert unstorable_json_paths(data) == []

    def test_depth_costs_no_stack(self):
        data = "\x00"
        for _ in range(50_000):
            data = [data]

        assert unstorable_json_paths(data) == [".".join(["0"] * 50_000)]
