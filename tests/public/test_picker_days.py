"""The picker when a day or a month has no free time, or a month is out of reach (issue 17): it says
so and points to the next day with a free time, and a day's link lands on its times (#slots)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from bookingsite.bookings.selectors import availability
from bookingsite.businesses.models import BusinessBookingSettings
from bookingsite.public import calendar as month_calendar
from tests.factories import ExceptionDateFactory

from .test_booking_manage import london_today, text

pytestmark = pytest.mark.django_db


def picker(client, service, **query):
    return client.get(f"/book/alices-aqua/{service.pk}/", {"tz": "Europe/London", **query})


def first_free_day(page, service, after):
    """The first day after `after` with a free time, as the engine offers it (within 90 days)."""
    page = BusinessBookingSettings.objects.select_related("business_profile").get(pk=page.pk)
    days = availability.availability_days(page=page, service=service, client_timezone="Europe/London",
                                          start_date=after + timedelta(days=1), end_date=after + timedelta(days=61),
                                          now=timezone.now())
    return next(day.date for day in days if day.slots)


def test_a_closed_day_says_so_and_links_the_next_day_with_a_free_time(client, open_page, business, service):
    closed = london_today() + timedelta(days=5)
    ExceptionDateFactory(business_profile=business, date=closed)
    response = picker(client, service, date=closed.isoformat())
    html = response.content.decode()

    assert "No free times on this day." in text(response)
    following = closed + timedelta(days=1)
    assert (f'Next available: <a class="font-medium text-teal-800 underline" href="/book/alices-aqua/{service.pk}/'
            f'?date={following.isoformat()}&amp;tz=Europe%2FLondon#slots"') in " ".join(html.split())


def test_an_empty_month_points_to_the_first_free_day_of_a_later_month(client, open_page, service):
    open_page.minimum_notice_minutes = 60 * 24 * 45  # nothing bookable for 45 days
    open_page.save()
    this_month = month_calendar.first_of_month(london_today())
    expected = first_free_day(open_page, service, london_today() + timedelta(days=40))

    response = picker(client, service, month=f"{this_month:%Y-%m}")

    assert f"No free times in {this_month:%B}" in text(response)
    assert f"Next available: {expected:%A} {expected.day} {expected:%B}" in text(response)
    assert f"?date={expected.isoformat()}&amp;tz=Europe%2FLondon#slots" in response.content.decode()


def test_a_month_past_the_horizon_says_it_is_out_of_reach(client, open_page, service):
    far = london_today() + timedelta(days=400)
    last = month_calendar.first_of_month(london_today() + timedelta(days=open_page.booking_horizon_days))

    response = picker(client, service, month=f"{far:%Y-%m}")

    assert (f"Bookings open {open_page.booking_horizon_days} days ahead, so {last:%B %Y} is the furthest month to book."
            in text(response))


def test_a_month_gone_by_says_so(client, open_page, service):
    this_month = month_calendar.first_of_month(london_today())
    response = picker(client, service, month="2020-01")
    assert f"January 2020 has passed, so here is {this_month:%B %Y}." in text(response)


def test_a_month_in_reach_has_no_note_and_its_days_land_on_their_times(client, open_page, service):
    following = month_calendar.add_months(month_calendar.first_of_month(london_today()), 1)  # inside the 60-day horizon
    response = picker(client, service, month=f"{following:%Y-%m}")
    assert "has passed" not in text(response) and "furthest month" not in text(response)
    day_links = re.findall(r'<a href="([^"]*\?date=[^"]*)"', response.content.decode())
    assert len(day_links) >= 28  # open every day
    assert all(link.endswith("#slots") for link in day_links)
