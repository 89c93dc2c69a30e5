"""The pending queue: soonest first, 25 a page, and answering several requests at once.

Each ticked request goes through booking_approve / booking_reject on its own under the lock: one that
is no longer pending is reported by name and the others still go through; an id of another business
turns the whole request into a 404 with nothing changed.
"""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from bookingsite.bookings.models import Booking
from bookingsite.bookings.services import booking_reject
from tests.factories import BookingFactory, ClientFactory

from . import test_isolation, test_pending
from .test_isolation import snapshot
from .test_pending import request_at

# The fixtures those files define, shared rather than copied.
owner, approving, carol_rows = test_pending.owner, test_pending.approving, test_isolation.carol_rows

pytestmark = pytest.mark.django_db

Status = Booking.Status
ANSWER = "/app/pending/answer/"


def statuses(*bookings: Booking) -> list[str]:
    return [Booking.objects.get(pk=booking.pk).status for booking in bookings]


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_approves_every_ticked_request(owner, approving, service):
    ann, ben, cleo = (request_at(service, hour, name) for hour, name in ((10, "Ann"), (12, "Ben"), (14, "Cleo")))

    response = owner.post(ANSWER, {"answer": "approve", "booking": [ann.pk, ben.pk], "next": "/app/pending/"})

    assert response.status_code == 302 and response["Location"] == "/app/pending/"
    assert statuses(ann, ben, cleo) == [Status.CONFIRMED, Status.CONFIRMED, Status.PENDING_APPROVAL]
    assert said(response) == ["Approved 2 requests: Ann, Ben."]


def test_select_all_on_the_page_rejects_them_all_with_one_reason(owner, approving, service):
    ann, ben = request_at(service, 10, "Ann"), request_at(service, 12, "Ben")

    response = owner.post(ANSWER, {"answer": "reject", "all_on_page": "1", "on_page": [ann.pk, ben.pk],
                                   "reason": "Closed for a course that week."})

    assert response.status_code == 302
    assert statuses(ann, ben) == [Status.REJECTED, Status.REJECTED]
    assert set(Booking.objects.filter(pk__in=[ann.pk, ben.pk]).values_list("rejection_reason", flat=True)) == {
        "Closed for a course that week."}
    assert said(response) == ["Rejected 2 requests: Ann, Ben."]


def test_the_page_ids_count_only_when_select_all_is_ticked(owner, approving, service):
    ann, ben = request_at(service, 10, "Ann"), request_at(service, 12, "Ben")

    owner.post(ANSWER, {"answer": "approve", "booking": [ann.pk], "on_page": [ann.pk, ben.pk]})

    assert statuses(ann, ben) == [Status.CONFIRMED, Status.PENDING_APPROVAL]


def test_one_no_longer_pending_is_reported_and_the_others_go_through(owner, alice, approving, service):
    ann, ben, cleo = (request_at(service, hour, name) for hour, name in ((10, "Ann"), (12, "Ben"), (14, "Cleo")))
    booking_reject(booking=ben, by=alice, reason="")  # answered meanwhile, in another tab

    response = owner.post(ANSWER, {"answer": "approve", "booking": [ann.pk, ben.pk, cleo.pk]})

    assert statuses(ann, ben, cleo) == [Status.CONFIRMED, Status.REJECTED, Status.CONFIRMED]
    messages = said(response)
    assert messages[0] == "Approved 2 requests: Ann, Cleo."
    assert messages[1].startswith("Ben: not changed.") and len(messages) == 2


def test_an_id_of_another_business_is_a_404_and_nothing_changes(owner, approving, service, carol_rows):
    ann = request_at(service, 10, "Ann")
    before = snapshot()

    response = owner.post(ANSWER, {"answer": "approve", "booking": [ann.pk, carol_rows["pending"].pk]})

    assert response.status_code == 404
    assert snapshot() == before
    assert statuses(ann) == [Status.PENDING_APPROVAL]


def test_a_malformed_id_is_a_404_and_nothing_changes(owner, approving, service):
    ann = request_at(service, 10, "Ann")

    response = owner.post(ANSWER, {"answer": "approve", "booking": [ann.pk, "not-a-uuid"]})

    assert response.status_code == 404
    assert statuses(ann) == [Status.PENDING_APPROVAL]


def test_nothing_ticked_says_so_and_changes_nothing(owner, approving, service):
    ann = request_at(service, 10, "Ann")

    response = owner.post(ANSWER, {"answer": "approve", "on_page": [ann.pk]})

    assert said(response) == ["Tick at least one request, or “Select all on this page”."]
    assert statuses(ann) == [Status.PENDING_APPROVAL]


def test_the_queue_is_soonest_first_25_a_page_with_a_box_per_request(owner, page, business, service):
    client = ClientFactory(business_profile=business)
    base = timezone.now().replace(second=0, microsecond=0) + timedelta(days=3)
    # Made latest first, so neither creation order nor expiry order passes for start order.
    made = [BookingFactory(business_profile=business, session_category=service, client=client, client_name=f"Client {n:02d}",
                           status=Status.PENDING_APPROVAL, start_time_utc=base + timedelta(hours=n),
                           pending_request_expires_at=timezone.now() + timedelta(hours=30 - n))
            for n in reversed(range(27))]
    soonest = sorted(made, key=lambda booking: booking.start_time_utc)

    first = owner.get("/app/pending/")
    second = owner.get("/app/pending/?page=2")

    assert [booking.pk for booking in first.context["page_obj"]] == [booking.pk for booking in soonest[:25]]
    assert [booking.pk for booking in second.context["page_obj"]] == [booking.pk for booking in soonest[25:]]
    html = first.content.decode()
    assert html.count('name="booking"') == 25 and html.count('name="on_page"') == 25
    assert html.index("Client 00") < html.index("Client 01") < html.index("Client 24")
    assert "Client 25" not in html and "Page 1 of 2" in html


def test_the_dashboard_counts_every_request_and_shows_the_next_five_soonest_first(owner, page, business, service):
    base = timezone.now().replace(second=0, microsecond=0) + timedelta(days=3)
    for n in reversed(range(7)):
        BookingFactory(business_profile=business, session_category=service, client_name=f"Client {n:02d}",
                       status=Status.PENDING_APPROVAL, start_time_utc=base + timedelta(hours=n))

    html = owner.get("/app/").content.decode().split('id="today-heading"')[0]  # the requests card, not the week's list

    assert "Waiting for your answer (7)" in html and "All 7 requests" in html
    assert html.index("Client 00") < html.index("Client 04")
    assert "Client 05" not in html and "Client 06" not in html
