"""The catalogues are whole (issue 19): every entry translated, none fuzzy, the plural rule right."""

import pytest

from .catalogues import TRANSLATED, catalogue, marked_texts, messages, translations

# Spanish as Django's own catalogue has it (CLDR's "many" for millions), so the two merge into one.
PLURAL_FORMS = {
    "de": "nplurals=2; plural=(n != 1);",
    "es": "nplurals=3; plural=n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2;",
    "fr": "nplurals=2; plural=(n > 1);",
}


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_entry_is_translated_and_none_is_fuzzy(code):
    untranslated = [message.id for message in messages(code) if not all(translations(message))]
    fuzzy = [message.id for message in messages(code) if message.fuzzy]

    assert not untranslated, f"{code}: {len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert not fuzzy, f"{code}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_header_names_the_language_and_its_plural_rule(code):
    po = catalogue(code)

    assert str(po.locale) == code
    assert dict(po.mime_headers)["Language"] == code
    assert dict(po.mime_headers)["Plural-Forms"] == PLURAL_FORMS[code]
    assert not po.fuzzy  # a fuzzy header would keep Babel and msgfmt from compiling the whole file


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_marked_text_is_in_the_catalogue(code):
    """A text marked since the last `make messages` would stay English, whatever the catalogue says."""
    listed = set()
    for message in messages(code):
        listed.update((message.context, english) for english in (message.id if message.pluralizable else (message.id,)))

    missing = sorted(english for _context, english in marked_texts() - listed)

    assert not missing, f"{code}: run `make messages`; {len(missing)} missing, e.g. {missing[:5]}"
