"""The committed catalogues (locale/<code>/LC_MESSAGES/django.po), read with Babel."""

import io
import re
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils.translation.template import templatize

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def catalogue(code: str) -> Catalog:
    with (LOCALE_DIR / code / "LC_MESSAGES" / "django.po").open("rb") as po:
        return read_po(po, locale=code)


# What `make messages` reads (its --ignore list, and what is never code), and Django's gettext names.
SKIPPED_DIRS = {".venv", "node_modules", "tests", "bench", "static", "locale", "var", ".git"}
KEYWORDS = {
    **DEFAULT_KEYWORDS, "gettext_lazy": None, "gettext_noop": None, "ngettext_lazy": (1, 2),
    "pgettext_lazy": ((1, "c"), 2), "npgettext_lazy": ((1, "c"), 2, 3),
}


def marked_texts() -> set[tuple[str | None, str]]:
    """(context, English) of every text the code and templates mark for translation, found as
    `make messages` finds them: Python as it is, templates through Django's templatize."""
    found = set()
    root = Path(settings.BASE_DIR)
    for path in root.rglob("*"):
        if path.suffix not in (".py", ".html", ".txt") or SKIPPED_DIRS & set(path.relative_to(root).parts):
            continue
        source = path.read_text(encoding="utf-8")
        if path.suffix != ".py":  # templatize keeps the template's indentation, which Python's tokenizer refuses
            source = "\n".join(line.strip() for line in templatize(source, origin=str(path)).splitlines())
        for _line, message, _comments, context in extract("python", io.BytesIO(source.encode()), keywords=KEYWORDS):
            for english in message if isinstance(message, tuple) else (message,):
                found.add((context, english))
    return found


def messages(code: str) -> list[Message]:
    """Every entry but the header (Babel keeps obsolete ones apart)."""
    return [message for message in catalogue(code) if message.id]


def translations(message: Message) -> list[str]:
    return list(message.string) if message.pluralizable else [message.string]


# Names stay as they are in every language: the brand and the calendar products.
NAMES = re.compile(r"Flowkey Booking Links|(?:Apple|Google|Outlook) Calendar")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfi]|%[sdfi]|\{\{.*?\}\}")
WORD = re.compile(r"[^\W_]")
WHOLE_WORD = re.compile(r"[^\W\d_]{3,}")
# Addresses and file names ("booking.ics") are not words a reader reads.
NOT_WORDS = re.compile(r"https?://\S+|\S+\.(?:ics|csv|pdf|png|jpe?g)\b")


def _english_pattern(english: str) -> re.Pattern | None:
    """Where `english` (a msgid, its placeholders standing for anything on the same line) shows in a
    text, as whole words; None when too little of it is its own to recognise it by: no word of three
    letters (Spanish "Su" is no Sunday), or beside placeholders a single word ("%(count)s min"
    would find the "min" of other languages)."""
    english = " ".join(english.replace("%%", "%").split())
    parts = PLACEHOLDER.split(english)
    words = WHOLE_WORD.findall("".join(parts))
    if not words or (len(parts) > 1 and len(words) < 2):
        return None
    body = r"[^\n]*?".join(re.escape(part) for part in parts)
    before = r"(?<![^\W_])" if WORD.match(english) else ""
    after = r"(?![^\W_])" if WORD.match(english[-1]) else ""
    return re.compile(before + body + after)


@cache
def english_to_translate(code: str) -> tuple[tuple[str, re.Pattern], ...]:
    """The English texts that `code`'s catalogue translates into something else, with their patterns."""
    found = []
    for message in messages(code):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for english, translated in zip(ids, translations(message), strict=False):
            if translated and translated != english and (pattern := _english_pattern(english)):
                found.append((english, pattern))
    return tuple(found)


def english_left(texts: list[str], code: str) -> list[str]:
    """The catalogue's English texts that still show in `texts` (what a reader of `code` sees)."""
    text = "\n".join(" ".join(NOT_WORDS.sub(" ", NAMES.sub(" ", chunk)).split()) for chunk in texts)
    return [english for english, pattern in english_to_translate(code) if pattern.search(text)]
