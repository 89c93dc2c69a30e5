"""Which locations are meeting links, and an address on one line."""

import pytest

from bookingsite.lib.locations import meeting_link, one_line


@pytest.mark.parametrize(
    ("location", "link"),
    [
        ("https://meet.example.com/abc-defg-hij", "https://meet.example.com/abc-defg-hij"),
        ("  http://zoom.example.com/j/123?pwd=x  \n", "http://zoom.example.com/j/123?pwd=x"),
        ("javascript:alert(1)", ""),
        ("ftp://files.example.com/room", ""),
        ("Room 2, https://meet.example.com/abc", ""),
        ("https://meet.example.com/abc\nRoom 2", ""),
        ("meet.example.com/abc", ""),
        ("Riverside Leisure Centre", ""),
        ("", ""),
    ],
)
def test_only_a_lone_http_or_https_address_is_a_meeting_link(location, link):
    assert meeting_link(location) == link


def test_an_address_on_one_line_drops_blank_lines_and_spaces():
    assert one_line(" Aqua Centre \r\n\r\n14 Mill Lane\nBristol ") == "Aqua Centre, 14 Mill Lane, Bristol"
    assert one_line("") == ""
