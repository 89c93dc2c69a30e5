"""The one list of time zones (DESIGN.md 8): real IANA names, old ones included; no placeholder or system file."""

import zoneinfo

import pytest
from django.core.exceptions import ValidationError

from bookingsite.businesses.validators import timezone_names, validate_timezone


@pytest.mark.parametrize("name", ["localtime", "Factory", "posixrules", "posix/Europe/London", "right/UTC", "", "Mars/Olympus"])
def test_names_that_are_no_place_are_refused(name):
    with pytest.raises(ValidationError) as refused:
        validate_timezone(name)

    assert refused.value.code == "unknown_timezone"


@pytest.mark.parametrize(
    "name",
    # Today's names, UTC as a browser or a server may report it, and old names that browsers still
    # send (Chrome reports Asia/Calcutta) and that rows saved before may hold.
    ["Europe/London", "Asia/Tokyo", "America/Argentina/Buenos_Aires", "UTC", "Etc/UTC", "Etc/GMT+5",
     "Asia/Calcutta", "Europe/Kiev", "US/Eastern", "GB"],
)
def test_real_zones_are_accepted(name):
    validate_timezone(name)


def test_every_name_is_a_zone_that_loads():
    names = timezone_names()

    assert not names & {"localtime", "Factory", "posixrules"}
    assert names <= zoneinfo.available_timezones()
    for name in names:
        zoneinfo.ZoneInfo(name)  # a name with no zone file would raise ZoneInfoNotFoundError
