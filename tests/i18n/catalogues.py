"""The committed catalogues (locale/<code>/LC_MESSAGES/django.po), read with Babel."""

import re
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po
from django.conf import settings

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def catalogue(code: str) -> Catalog:
    with (LOCALE_DIR / code / "LC_MESSAGES" / "django.po").open("rb") as po:
        return read_po(po, locale=code)


def messages(code: str) -> list[Message]:
    """Every entry but the header (Babel keeps obsolete ones apart)."""
    return [message for message in catalogue(code) if message.id]


def translations(message: Message) -> list[str]:
    return list(message.string) if message.pluralizable else [message.string]


BRAND = "Flowkey Booking Links"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfi]|%[sdfi]|\{\{.*?\}\}")
WORD = re.compile(r"[^\W_]")


def _english_pattern(english: str) -> re.Pattern | None:
    """Where `english` (a msgid, its placeholders standing for anything on the same line) shows in a
    text, as whole words; None when it has no letters of its own to recognise it by."""
    english = " ".join(english.replace("%%", "%").split())
    parts = PLACEHOLDER.split(english)
    if not WORD.search("".join(parts)):
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
    text = "\n".join(" ".join(chunk.replace(BRAND, " ").split()) for chunk in texts)
    return [english for english, pattern in english_to_translate(code) if pattern.search(text)]
