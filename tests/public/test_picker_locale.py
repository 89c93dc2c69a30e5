"""The service page's month grid and prices in the client's locale (DESIGN.md 12): the week starts
on Sunday in US English and on Monday elsewhere, weekdays and dates are named in the language."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest

from bookingsite.lib.locale_formats import Clock, format_date, formats_for
from bookingsite.public.calendar import first_of_month

from .test_booking_manage import london_today

pytestmark = pytest.mark.django_db


def picker(client, service, accept: str, **query):
    return client.get(f"/book/alices-aqua/{service.pk}/", {"tz": "Europe/London", **query},
                      headers={"Accept-Language": accept})


def headers(response) -> list[str]:
    return re.findall(r'<th scope="col" class="pb-2"><abbr title="([^"]+)"', response.content.decode())


@pytest.mark.parametrize(("accept", "first", "days"), [
    ("en-US", 6, ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]),
    ("en-GB", 0, ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]),
    ("de-DE", 0, ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]),
    ("fr", 0, ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]),
    ("es", 0, ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"]),
])
def test_the_month_starts_its_weeks_on_the_locale_s_first_day(client, open_page, service, accept, first, days):
    response = picker(client, service, accept)

    assert response.status_code == 200
    assert headers(response) == days
    first_week = re.findall(r"<tr>(.*?)</tr>", response.content.decode(), re.S)[0]
    cells = re.findall(r'<td class="p-0.5">\s*(.*?)\s*</td>', first_week, re.S)
    before_the_first = sum(cell == '<span aria-hidden="true"></span>' for cell in cells)
    assert len(cells) == 7
    assert before_the_first == (first_of_month(london_today()).weekday() - first) % 7


def test_a_german_client_sees_the_days_and_the_month_in_german(client, open_page, service):
    day = london_today() + timedelta(days=3)
    german = formats_for("de")

    response = picker(client, service, "de-DE,de;q=0.9", date=day.isoformat())
    html = response.content.decode()

    assert f'aria-label="{format_date(day, "weekday_date", german)},' in html  # "Montag, 7. Dezember, …"
    assert re.search(r"(Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag), \d+\. ", html)


def test_the_owner_s_clock_and_currency_show_on_the_booking_page(client, open_page, business, service):
    service.price = Decimal("12.50")
    service.save()
    business.currency, business.clock = "EUR", Clock.TWELVE
    business.save()

    german = picker(client, service, "de-DE").content.decode().replace("\N{NO-BREAK SPACE}", " ")
    american = picker(client, service, "en-US").content.decode()

    assert "12,50 €" in german and "€12.50" in american
    assert re.search(r"now \d{1,2}:\d\d\s?[AP]M", american.replace("\N{NARROW NO-BREAK SPACE}", " "))
