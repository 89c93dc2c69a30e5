"""Hypothesis strategies for the fuzz tests of the pages and forms (DESIGN.md 8: bad input is a 4xx, never a 500).

Each example is a request through the whole stack, so these tests set their own small example
count (FUZZ) instead of the profile's 2000. A form is valid but for one odd field, so an odd value
that its field's check lets through goes on to the service and the database, where a NUL used to break.
"""

from urllib.parse import quote_plus

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# A request per example: enough to find the odd field, few enough for CI (tests/conftest.py).
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])

# Any str, lone surrogates included: st.text() leaves them out unless asked.
ANY_TEXT = st.text(st.characters() | st.characters(categories=["Cs"]), max_size=40)
# Over a field's limit (120, 1000), far over it, and over the whole body's limit (2.5 MB).
HUGE = st.sampled_from([121, 1001, 100_000, 2_700_000]).map(lambda n: "x" * n)


def half_each(text: st.SearchStrategy, other: st.SearchStrategy) -> st.SearchStrategy:
    """Text as often as all the rest: text is what a database refuses. (st.one_of would weigh each branch alike.)"""
    return st.sampled_from([text, other]).flatmap(lambda strategy: strategy)


# What a form field may carry: any Unicode (NUL too), bytes that are not UTF-8 (encoded surrogates
# among them), huge text, or nothing at all (None: the field left out).
ODD_FORM_VALUE = half_each(
    st.one_of(st.text(max_size=40).map(str.encode), st.binary(max_size=20),
              st.sampled_from([b"\x00", b"a\x00b", b"\xed\xa0\x80", b"\xff"])),
    st.one_of(HUGE.map(str.encode), st.none()),
)
ODD_JSON_VALUE = half_each(
    st.one_of(ANY_TEXT, st.sampled_from(["\x00", "a\x00b", "\ud800", "x\udfffy"])),
    st.one_of(HUGE, st.integers(), st.floats(), st.booleans(), st.none(), st.lists(ANY_TEXT, max_size=3),
              st.dictionaries(ANY_TEXT, ANY_TEXT, max_size=2)),
)


@st.composite
def mostly_valid(draw, valid: dict[str, list], odd: st.SearchStrategy) -> dict:
    """A value per field: one of its valid ones, except one field (or none) that gets an odd one. One at a
    time: a second odd field would mostly be refused by its own check before the first reaches the database."""
    odd_field = draw(st.sampled_from([None, *sorted(valid)]))
    return {name: draw(odd if name == odd_field else st.sampled_from(values)) for name, values in valid.items()}


def form_fields(valid: dict[str, list[str]]) -> st.SearchStrategy[dict[str, bytes | None]]:
    """Form fields as bytes, all valid but one odd one (or none); None leaves the field out."""
    encoded = {name: [value.encode() for value in values] for name, values in valid.items()}
    return mostly_valid(encoded, ODD_FORM_VALUE)


def json_fields(valid: dict[str, list]) -> st.SearchStrategy[dict]:
    return mostly_valid(valid, ODD_JSON_VALUE)


def form_body(fields: dict[str, bytes | str | None]) -> bytes:
    """An application/x-www-form-urlencoded body as a browser sends one, from bytes that need not be UTF-8."""
    pairs = [(name, value.encode() if isinstance(value, str) else value) for name, value in fields.items()]
    return "&".join(f"{quote_plus(name)}={quote_plus(value)}" for name, value in pairs if value is not None).encode()


FORM = "application/x-www-form-urlencoded"
