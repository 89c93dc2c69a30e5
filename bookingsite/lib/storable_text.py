"""Text the database can store: valid UTF-8 with no NUL character (DESIGN.md 8, input hardening).

PostgreSQL refuses a NUL in any text value, and a lone surrogate (`"\\ud800"` in JSON) cannot be
encoded to UTF-8 at all; either would reach the database as a 500. Requests carrying one are
refused at the edge instead (core.bad_input and the JSON parser in lib.drf), before any view.
"""

import re
from collections.abc import Iterable
from urllib.parse import unquote_to_bytes

from django.utils.translation import gettext_lazy as _

from .json_errors import ALL

NOT_STORABLE = _("This holds a character that is not allowed: a NUL, or text that is not valid UTF-8 (such as a lone surrogate).")

# A surrogate left in a str was never half of a pair: json.loads joins pairs into one character.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def is_storable(text: str) -> bool:
    return _UNSTORABLE.search(text) is None


def decodes_storably(raw: bytes) -> bool:
    """Whether raw bytes are UTF-8 text without NUL; Python's strict decoder refuses encoded surrogates too."""
    try:
        return is_storable(raw.decode())
    except UnicodeDecodeError:
        return False


def shown_name(name: str) -> str:
    """A field name fit to show back, whatever it held."""
    return _UNSTORABLE.sub("\ufffd", name)


def unstorable_query_fields(query: bytes) -> list[str]:
    """The fields of a query string or urlencoded form whose name or value, percent-decoded, is not
    storable text. Django's QueryDict would replace what is not UTF-8 and keep a NUL, so this reads
    the raw pairs, split on "&" as QueryDict does."""
    if query.isascii() and b"%" not in query and b"\x00" not in query:
        return []  # the common case, on every request: nothing escaped, so nothing to decode
    found: list[str] = []
    for pair in query.split(b"&"):
        name, _equals, value = (unquote_to_bytes(part.replace(b"+", b" ")) for part in pair.partition(b"="))
        if not (decodes_storably(name) and decodes_storably(value)):
            found.append(shown_name(name.decode(errors="replace")))
    return list(dict.fromkeys(found))


def unstorable_fields(fields: Iterable[tuple[str, Iterable[str]]]) -> list[str]:
    """The names among (name, values) pairs, decoded already, whose name or a value is not storable text."""
    return list(dict.fromkeys(shown_name(name) for name, values in fields
                              if not (is_storable(name) and all(is_storable(value) for value in values))))


def unstorable_json_paths(data) -> list[str]:
    """Where parsed JSON holds a key or string that is not storable text, in the API's error paths:
    "notes", "blocks.2.note", "__all__" for a bad key at the top. Iterative, so depth costs no stack."""
    found: list[str] = []
    pending = [("", data)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, str):
            if not is_storable(value):
                found.append(path or ALL)
        elif isinstance(value, dict):
            for key, item in value.items():
                if is_storable(key):
                    pending.append((f"{path}.{key}" if path else key, item))
                else:
                    found.append(path or ALL)
        elif isinstance(value, list):
            pending.extend((f"{path}.{index}" if path else str(index), item) for index, item in enumerate(value))
    return sorted(set(found))
