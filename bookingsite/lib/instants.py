"""An instant that a client or an owner sends as text, read the one way every view reads it."""

from datetime import datetime, timedelta

from django.utils import timezone

# Farther than any horizon (at most 730 days): such a start is a typo or a probe, not a slot, and
# years like 9999 would overflow the time arithmetic after it.
PLAUSIBLE_DISTANCE = timedelta(days=1000)


def plausible_instant(value: str) -> datetime | None:
    """An aware ISO 8601 instant ("2031-01-16T10:00:00Z"), or None when it is not one or lies
    more than PLAUSIBLE_DISTANCE from now."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None or abs(moment - timezone.now()) > PLAUSIBLE_DISTANCE:
        return None
    return moment
