"""Path converters of the owner's pages."""

from datetime import UTC, datetime

INSTANT_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


class InstantConverter:
    """A slot's start in a URL, as a UTC instant to the second: 2031-01-16T10:00:00Z."""

    regex = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z"

    def to_python(self, value: str) -> datetime:
        return datetime.strptime(value, INSTANT_FORMAT).replace(tzinfo=UTC)  # ValueError (2031-02-30): a 404

    def to_url(self, value: datetime) -> str:
        return value.astimezone(UTC).strftime(INSTANT_FORMAT)
