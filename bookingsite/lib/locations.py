"""A session's location as the owner typed it: a place on one or more lines, or a meeting link (DESIGN.md 7)."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

_web_address = URLValidator(schemes=["http", "https"])


def meeting_link(location: str) -> str:
    """The location itself when it is one http(s) address (a video call), else "".

    Pages and HTML emails show such a location as a link; anything else is text. Only http(s)
    qualifies, so a `javascript:` location can never become a link.
    """
    candidate = (location or "").strip()
    try:
        _web_address(candidate)
    except ValidationError:
        return ""
    return candidate


def one_line(location: str) -> str:
    """An address's lines joined by commas, for what shows a single line (calendar apps, a service card)."""
    return ", ".join(line.strip() for line in (location or "").splitlines() if line.strip())
