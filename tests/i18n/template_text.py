"""Finds user-facing text in templates that no translation tag holds (issue 19).

Text is what a person reads: an HTML text node (not inside <script> or <style>), and the values of
the attributes read aloud or shown (alt, title, placeholder, aria-label, aria-description,
hx-confirm, a button input's value, a description meta tag's content); in a .txt template (the
plain-text emails, the subjects) every line. It is user-facing when it holds a letter once template
tags, variables, comments and the brand are taken out: numbers, symbols and punctuation are not.

    python -m tests.i18n.template_text [templates/public ...]

prints each offender as file:line: text, and exits 1 if there are any.
"""

import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
BRAND = "Flowkey Booking Links"
READ_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label", "aria-description", "hx-confirm"}
BUTTON_INPUTS = {"submit", "button", "reset"}

LETTER = re.compile(r"[^\W\d_]")
# What the template engine takes out before anyone reads the page: comments, the translated
# blocks (their text is in the catalogue), then every other tag and variable.
COMMENT_BLOCK = re.compile(r"{%\s*comment\b.*?%}.*?{%\s*endcomment\s*%}", re.S)
COMMENT = re.compile(r"{#.*?#}", re.S)
TRANSLATED_BLOCK = re.compile(r"{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}", re.S)
TAG_OR_VARIABLE = re.compile(r"{%.*?%}|{{.*?}}", re.S)


class Offender(NamedTuple):
    path: Path
    line: int
    text: str

    def __str__(self) -> str:
        path = self.path.relative_to(TEMPLATES.parent) if self.path.is_relative_to(TEMPLATES.parent) else self.path
        return f"{path}:{self.line}: {' '.join(self.text.split())}"


def _blank(match: re.Match) -> str:
    """The matched text as spaces, its line breaks kept, so line numbers stay true."""
    return re.sub(r"[^\n]", " ", match.group())


def without_template_code(source: str) -> str:
    for pattern in (COMMENT_BLOCK, COMMENT, TRANSLATED_BLOCK, TAG_OR_VARIABLE):
        source = pattern.sub(_blank, source)
    return source


def is_user_text(text: str) -> bool:
    return bool(LETTER.search(text.replace(BRAND, "")))


class Chunk(NamedTuple):
    line: int
    text: str
    attribute: str = ""  # the attribute that holds it; "" for a text node

    def __str__(self) -> str:
        return f'{self.attribute}="{self.text}"' if self.attribute else self.text


class TextFinder(HTMLParser):
    """The user-facing text of an HTML page or template (what `is_user_text` calls so), in `found`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Chunk] = []
        self._in_code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._in_code += 1
        named = dict(attrs)
        read = {name for name in READ_ATTRIBUTES if name in named}
        if tag == "meta" and (named.get("name") or "").lower() == "description":
            read.add("content")
        if tag == "input" and (named.get("type") or "").lower() in BUTTON_INPUTS:
            read.add("value")
        line = self.getpos()[0]
        for name in sorted(read):
            if is_user_text(named[name] or ""):
                self.found.append(Chunk(line, named[name].strip(), name))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._in_code:
            self._in_code -= 1

    def handle_data(self, data: str) -> None:
        if self._in_code:
            return
        first_line = self.getpos()[0]
        for offset, text in enumerate(data.split("\n")):
            if is_user_text(text):
                self.found.append(Chunk(first_line + offset, text.strip()))


def offenders_in(path: Path) -> list[Offender]:
    source = without_template_code(path.read_text(encoding="utf-8"))
    if path.suffix == ".txt":
        found = [Chunk(number, text.strip()) for number, text in enumerate(source.split("\n"), 1) if is_user_text(text)]
    else:
        found = html_text(source)
    return [Offender(path, chunk.line, str(chunk)) for chunk in found]


def html_text(html: str) -> list[Chunk]:
    finder = TextFinder()
    finder.feed(html)
    finder.close()
    return finder.found


def template_files(roots: list[Path]) -> list[Path]:
    files = []
    for root in roots:
        files += [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.suffix in (".html", ".txt"))
    return files


def offenders(roots: list[Path] | None = None) -> list[Offender]:
    return [offender for path in template_files(roots or [TEMPLATES]) for offender in offenders_in(path)]


def main(arguments: list[str]) -> int:
    found = offenders([Path(argument).resolve() for argument in arguments] or None)
    for offender in found:
        print(offender)
    print(f"{len(found)} untranslated text(s)", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
