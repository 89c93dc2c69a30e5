"""Schemathesis over every operation of /api/schema/, as alice: no 5xx, and every answer is what the schema says.

Each operation is its own test (its own clean database), with `world` holding a business with
services, hours, exception dates and bookings in every state. Generated ids and slugs rarely hit
anything, so about half the cases swap in real ones (alice's, or bob's, which must answer 404), and
about one in five carries a NUL, which must be refused, never a 500 (DESIGN.md 8).
tests/api/conftest.py prints the count of operations, cases and failures at the end of the run.
"""

import random
from dataclasses import dataclass
from datetime import date, time, timedelta

import pytest
import schemathesis
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bookingsite.bookings import services as booking_services
from bookingsite.bookings.selectors import availability
from config.wsgi import application
from tests.factories import (
    BookingFactory,
    BookingSettingsFactory,
    BusinessProfileFactory,
    ExceptionDateFactory,
    ServiceFactory,
    UserFactory,
    WorkingHoursFactory,
)

from .conftest import access_token, at
from .conftest import schemathesis_run as run

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# The API also refuses whatever the schema calls invalid. The public booking JSON takes more than
# its schema says (the service's number as a string too, times as the booking page reads them), so
# it is held only to the checks above.
API_CHECKS = [*CHECKS, negative_data_rejection]


@dataclass
class World:
    token: str
    slug: str
    booking_ids: list[str]
    manage_tokens: list[str]
    service_ids: list[int]
    exception_ids: list[int]
    bookable_service_id: int
    offered_start: str
    waitlist_service_id: int
    full_start: str  # a full slot of the waitlist service: joining it is a 201, then a 200
    today: date


@pytest.fixture
def world(settings, alice, business, page, service) -> World:
    """Alice's business with a bit of everything, and bob's, whose ids must answer 404."""
    settings.RATELIMIT_ENABLE = False
    business.timezone = "UTC"
    business.save()
    page.requires_approval = True
    page.minimum_notice_minutes = 0
    page.save()
    for weekday in range(7):
        WorkingHoursFactory(business_profile=business, weekday=weekday, start_time=time(9), end_time=time(17))
    group = ServiceFactory(business_profile=business, name="Group class", capacity=4, price="12.50")
    unused = ServiceFactory(business_profile=business, name="Unused")
    archived = ServiceFactory(business_profile=business, name="Old class", is_archived=True)
    waitlisted = ServiceFactory(business_profile=business, name="Waitlisted class", capacity=1, waitlist_enabled=True)
    today = timezone.now().date()  # the business's today: it works in UTC
    day = today + timedelta(days=5)

    def book(svc, hour, email):
        return booking_services.booking_create(service=svc, start_time_utc=at(day, hour), client_name="Jo",
                                               client_email=email, client_phone="", client_timezone="UTC")

    pending = [book(service, 9, "p1@example.com"), book(group, 11, "p2@example.com")]
    confirmed = booking_services.booking_approve(booking=book(service, 13, "c@example.com"), by=alice)
    rejected = booking_services.booking_reject(booking=book(group, 15, "r@example.com"), by=alice, reason="Full")
    cancelled = booking_services.booking_cancel_by_admin(
        booking=booking_services.booking_approve(booking=book(group, 16, "x@example.com"), by=alice), by=alice)
    # Yesterday's, booked and approved three days ago: one still confirmed (attendance may be marked), one a no-show.
    yesterday, before = today - timedelta(days=1), timezone.now() - timedelta(days=3)

    def attended(hour, email):
        request = booking_services.booking_create(
            service=service, start_time_utc=at(yesterday, hour), client_name="Jo", client_email=email, client_phone="",
            client_timezone="UTC", now=before,
        )
        return booking_services.booking_approve(booking=request, by=alice, now=before)

    started = attended(10, "s@example.com")
    missed = booking_services.booking_mark_attendance(booking=attended(14, "m@example.com"), status="no_show", by=alice)
    full = booking_services.booking_create(  # its only place, on a day with nothing else booked
        service=waitlisted, start_time_utc=at(today + timedelta(days=4), 10), client_name="Wu", client_email="w@example.com",
        client_phone="", client_timezone="UTC",
    )
    closed = ExceptionDateFactory(business_profile=business, date=today + timedelta(days=20))
    special = ExceptionDateFactory(
        business_profile=business, date=today + timedelta(days=21), start_time=time(10), end_time=time(12)
    )

    bobs_business = BusinessProfileFactory(owner=UserFactory(username="bob@example.com"), name="Bob's Boxing")
    BookingSettingsFactory(business_profile=bobs_business, public_booking_slug="bobs-boxing")
    bobs_booking = BookingFactory(business_profile=bobs_business)
    bobs_exception = ExceptionDateFactory(business_profile=bobs_business)

    slot_day = today + timedelta(days=3)
    days = availability.availability_days(page=page, service=group, client_timezone="UTC", start_date=slot_day,
                                       end_date=slot_day, now=timezone.now())
    return World(
        token=access_token(alice),
        slug=page.public_booking_slug,
        booking_ids=[str(b.pk) for b in [*pending, confirmed, rejected, cancelled, started, missed, bobs_booking]],  # bob's last
        manage_tokens=[b.manage_token for b in [*pending, confirmed, rejected, cancelled, started, missed, bobs_booking]],
        service_ids=[service.pk, group.pk, unused.pk, archived.pk, bobs_booking.session_category_id],  # bob's last
        exception_ids=[closed.pk, special.pk, bobs_exception.pk],  # bob's last
        bookable_service_id=group.pk,
        offered_start=days[0].slots[0].start_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        waitlist_service_id=waitlisted.pk,
        full_start=full.start_time_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        today=today,
    )


def use_real_values(case, world: World) -> bool:
    """Swap generated ids and values for real ones in about half the cases; True if the id is bob's.

    The choice is seeded by the generated case itself, so a failing case replays the same way.
    """
    if case.meta is not None and case.meta.generation.mode.is_negative:
        return False  # keep what makes it invalid
    pick = random.Random(repr((case.operation.label, case.path_parameters, case.query, case.body)))
    if pick.random() < 0.5:
        return False
    path = case.operation.path
    params = case.path_parameters or {}
    foreign = False
    if "id" in params:
        pool = world.booking_ids if "/bookings/" in path else world.service_ids if "/services/" in path else world.exception_ids
        params["id"] = pick.choice(pool)
        foreign = params["id"] == pool[-1]
    if "slug" in params:
        params["slug"] = world.slug
    if "token" in params:  # a manage link: bob's token under alice's link must be a 404 too
        params["token"] = pick.choice(world.manage_tokens)
        foreign = params["token"] == world.manage_tokens[-1]
    query = case.query
    if query is not None:
        if "service" in query:
            query["service"] = pick.choice(world.service_ids[:-1])
        if "session_category_id" in query:
            query["session_category_id"] = world.bookable_service_id
        if "start_date" in query:
            query["start_date"] = (world.today + timedelta(days=1)).isoformat()
            query["end_date"] = (world.today + timedelta(days=pick.randint(1, 70))).isoformat()
    if path.endswith("/bookings/") and case.method.upper() == "POST" and isinstance(case.body, dict):
        case.body.update(session_category_id=world.bookable_service_id, start_time_utc=world.offered_start,
                         client_phone="+447911123456", client_timezone="Europe/London")
    if path.endswith("/waitlist/") and case.method.upper() == "POST" and isinstance(case.body, dict):
        case.body.update(session_category_id=world.waitlist_service_id, start_time_utc=world.full_start,
                         client_phone="+447911123456", client_timezone="Europe/London")
    if path.endswith("/reschedule/") and isinstance(case.body, dict):
        case.body["start_time_utc"] = world.offered_start
    return foreign


def manage_link_json_headers(case) -> dict[str, str]:
    """A manage link's address is also the client's page (public.dispatch), which the schema does not
    describe: its JSON is for a GET asking for JSON and a POST sending JSON, an empty body too."""
    if "/booking/{token}/" not in case.operation.path:
        return {}
    if case.method.upper() == "GET":
        return {"Accept": "application/json"}
    # Schemathesis sends no Content-Type with no body; a JSON client does (curl -H, fetch()).
    return {"Content-Type": "application/json"} if case.media_type in (None, "application/json") else {}


def for_the_page(case) -> bool:
    """A case the manage link's page answers, not its JSON: a POST sent as a form, or an unlisted method."""
    if "/booking/{token}/" not in case.operation.path:
        return False
    return case.method.upper() != case.operation.method.upper() or (
        case.media_type is not None and case.media_type != "application/json")


# Text no database stores. Schemathesis rarely makes a NUL in a string and never in a path, so these are put
# in on purpose. Lone surrogates are test_fuzz_json.py's: schemathesis's own schema check cannot encode one.
UNSTORABLE = ["\x00", "x\x00y"]


def put_in_a_nul(case) -> str | None:
    """Put a NUL into about one case in five: into a path parameter, a query parameter or a string of the
    JSON body. Returns where, or None."""
    if case.meta is not None and case.meta.generation.mode.is_negative:
        return None
    pick = random.Random(repr(("nul", case.operation.label, case.path_parameters, case.query, case.body)))
    if pick.random() >= 0.2:
        return None
    places = [("path", name) for name in case.path_parameters or {}] + [("query", name) for name in case.query or {}]
    if isinstance(case.body, dict):
        places += [("body", name) for name, value in case.body.items() if isinstance(value, str)] or [("body", "note")]
    if not places:
        return None
    where, name = pick.choice(places)
    {"path": case.path_parameters, "query": case.query, "body": case.body}[where][name] = pick.choice(UNSTORABLE)
    return where


def auth_headers(case, world: World) -> dict[str, str]:
    """Alice's token, unless this case is about bad headers (say, a missing Authorization): then as generated."""
    headers = case.meta.components.get(ParameterLocation.HEADER) if case.meta is not None else None
    if headers is not None and headers.mode.is_negative:
        return {}
    return {"Authorization": f"Bearer {world.token}"}


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db(transaction=True)
def test_every_operation_answers_as_documented(case, world):
    bobs = use_real_values(case, world)
    nul = None if bobs else put_in_a_nul(case)
    run.operations.add(case.operation.label)
    run.cases += 1
    run.with_nul += nul is not None
    try:
        headers = auth_headers(case, world)
        # The WSGI transport hands the body over as sent, and does not undo gzip as an HTTP client would.
        response = case.call(headers={**headers, **manage_link_json_headers(case), "Accept-Encoding": "identity"})
        run.statuses[response.status_code] += 1
        checks = API_CHECKS if case.operation.path.startswith("/api/") else [not_a_server_error] if for_the_page(case) else CHECKS
        case.validate_response(response, checks=checks, headers=headers)
        if bobs and case.method.upper() == case.operation.method.upper():
            assert response.status_code == 404, f"alice reached bob's row: {case.method} {case.formatted_path}"
        if nul in ("path", "query"):
            assert response.status_code == 400, f"refused at the edge: {case.method} {case.formatted_path} {case.query}"
        elif nul == "body":  # refused by the parser, unless the view answered 401/404 before reading it
            assert 400 <= response.status_code < 500 and response.status_code != 413, f"accepted: {case.body!r}"
    except BaseException:
        run.failures += 1
        raise
