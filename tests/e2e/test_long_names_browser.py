"""A name with a word longer than a phone is wide (a service, a client's note) breaks inside its
card instead of widening the page (issue 18: a long service name widened the page to 1876 px)."""

from datetime import datetime, time

import pytest

from bookingsite.bookings import services as booking_services
from tests.factories import BookingSettingsFactory, BusinessProfileFactory, ServiceFactory, UserFactory, WorkingHoursFactory

from . import owner_steps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What sticks out past the window's right edge, for the failure message.
STICKING_OUT = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('[hidden], .sr-only'))
  .slice(-3).map(e => e.tagName + '.' + e.className)"""
LONG_WORD = "Aquaaerobicsintervaltrainingforadvancedswimmers" * 2  # 94 letters: fits every field
PHONE_WIDTH = 390


def test_a_long_unbroken_name_never_widens_a_page_on_a_phone(settings, live_server, browser):
    settings.RATELIMIT_ENABLE = False
    owner = UserFactory(username="lena@example.com", password=owner_steps.PASSWORD)
    business = BusinessProfileFactory(owner=owner, name=f"Lena {LONG_WORD}", timezone="Europe/Berlin")
    BookingSettingsFactory(business_profile=business, public_booking_slug="lenas-pool")
    for weekday in range(7):
        WorkingHoursFactory(business_profile=business, weekday=weekday, start_time=time(8), end_time=time(20))
    service = ServiceFactory(business_profile=business, name=LONG_WORD, description=LONG_WORD, capacity=3)
    booking = booking_services.booking_create(
        service=service, client_name=LONG_WORD, client_email="long@example.com", client_timezone="Europe/Berlin",
        start_time_utc=datetime.combine(owner_steps.booking_day(owner_steps.BERLIN), time(10), owner_steps.BERLIN),
        notes=LONG_WORD,
    )
    context = browser.new_context(viewport={"width": PHONE_WIDTH, "height": 844}, timezone_id="Europe/Berlin")
    tab = context.new_page()
    widths = {}
    try:
        for path in ["/book/lenas-pool/", f"/book/lenas-pool/{service.pk}/", f"/book/lenas-pool/booking/{booking.manage_token}/"]:
            tab.goto(live_server.url + path)
            widths[path] = (tab.evaluate("document.documentElement.scrollWidth"), tab.evaluate(STICKING_OUT))
        owner_steps.log_in(tab, live_server.url, email="lena@example.com")
        for path in ["/app/", "/app/services/", "/app/bookings/", f"/app/bookings/{booking.pk}/", "/app/calendar/",
                     "/app/clients/", "/app/notifications/"]:
            tab.goto(live_server.url + path)
            assert LONG_WORD[:40] in tab.content(), path
            widths[path] = (tab.evaluate("document.documentElement.scrollWidth"), tab.evaluate(STICKING_OUT))
    finally:
        context.close()

    wide = {path: found for path, found in widths.items() if found[0] > PHONE_WIDTH}
    assert not wide, "\n".join(f"{path}: {width} px, sticking out: {elements}" for path, (width, elements) in wide.items())
