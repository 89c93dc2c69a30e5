"""Every user-facing text in templates/ is inside a translation tag (issue 19)."""

from pathlib import Path

from tests.i18n.template_text import offenders, offenders_in


def test_no_template_has_text_outside_a_translation_tag():
    found = offenders()
    assert not found, "Untranslated template text:\n" + "\n".join(map(str, found))


def _write(tmp_path: Path, name: str, source: str) -> Path:
    path = tmp_path / name
    path.write_text(source, encoding="utf-8")
    return path


def _texts(tmp_path: Path, name: str, source: str) -> list[str]:
    return [offender.text for offender in offenders_in(_write(tmp_path, name, source))]


def test_the_checker_finds_bare_text_and_read_attributes(tmp_path):
    source = (
        '{% load i18n %}<p>Book now</p><img alt="A pool" src="x.png">'
        '<meta name="description" content="Swim lessons"><button aria-label="Close">×</button>'
        '<input type="submit" value="Send"><input name="q" value="kept">'
    )
    assert _texts(tmp_path, "page.html", source) == [
        "Book now", 'alt="A pool"', 'content="Swim lessons"', 'aria-label="Close"', 'value="Send"'
    ]


def test_the_checker_passes_translated_text_code_names_and_symbols(tmp_path):
    source = (
        '{% load i18n %}{# A note #}{% comment %}Old text{% endcomment %}<title>Flowkey Booking Links</title>'
        '<p>{% translate "Book now" %} · 12:30 — {{ business.name }}</p>'
        '<p>{% blocktranslate trimmed with name=business.name %}Hello {{ name }}{% endblocktranslate %}</p>'
        '<img alt="{% translate "A pool" %}"><script>const label = "Close";</script><style>p{color:red}</style>'
    )
    assert _texts(tmp_path, "page.html", source) == []


def test_every_line_of_a_text_template_is_read(tmp_path):
    source = '{% load i18n %}{% translate "Hi" %}\nSee you soon\n{{ url }}\n'
    assert [offender.line for offender in offenders_in(_write(tmp_path, "mail.txt", source))] == [2]

