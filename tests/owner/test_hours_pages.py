"""Working hours (the week editor) and exception dates (days off, special hours)."""

import html
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.utils import timezone

from bookingsite.businesses import services as business_services
from bookingsite.businesses.models import BusinessBookingSettings, ExceptionDate, WorkingHours
from bookingsite.lib.locale_formats import format_date
from tests.factories import ExceptionDateFactory, WorkingHoursFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def week(*rows) -> dict:
    """The week editor's POST: each row is (weekday, start, end) or (weekday, start, end, {extra fields})."""
    data: dict[str, list | str] = {"row": []}
    for i, row in enumerate(rows):
        weekday, start, end, *extra = row
        key = f"n{i}"
        data["row"].append(key)
        data[f"{key}-weekday"] = str(weekday)
        data[f"{key}-start_time"] = start
        data[f"{key}-end_time"] = end
        for name, value in (extra[0] if extra else {}).items():
            data[f"{key}-{name}"] = value
    return data


def hours(business) -> list[tuple[int, str, str]]:
    return [
        (b.weekday, f"{b.start_time:%H:%M}", f"{b.end_time:%H:%M}")
        for b in WorkingHours.objects.filter(business_profile=business).order_by("weekday", "start_time")
    ]


def exception_rows(business) -> list[tuple]:
    rows = ExceptionDate.objects.filter(business_profile=business).order_by("date", "start_time")
    return list(rows.values_list("date", "start_time", "end_time"))


def business_today(business) -> date:
    return timezone.now().astimezone(ZoneInfo(business.timezone)).date()


@pytest.fixture
def owner(client, alice, page):
    client.force_login(alice)
    return client


@pytest.fixture
def monday_nine_to_five(business):
    return WorkingHoursFactory(business_profile=business, weekday=0, start_time=time(9), end_time=time(17))


# --- the week editor ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [("get", "/app/hours/"), ("post", "/app/hours/"), ("get", "/app/hours/row/?weekday=0"), ("get", "/app/exceptions/"),
     ("post", "/app/exceptions/"), ("post", "/app/exceptions/1/delete/")],
)
def test_anonymous_visitor_is_sent_to_log_in(client, page, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/app/")


def test_editor_shows_the_saved_blocks_and_a_blank_row_per_day(owner, monday_nine_to_five):
    response = owner.get("/app/hours/")

    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    content = response.content.decode()
    assert 'name="s0-start_time" value="09:00"' in content
    assert 'name="s0-end_time" value="17:00"' in content
    assert 'name="s0-remove"' in content
    for weekday in range(7):
        assert f'name="w{weekday}-start_time"' in content
    assert content.count("Day off") == 6  # Monday is open
    assert 'hx-get="/app/hours/row/?weekday=6"' in content
    assert "Days off &amp; special hours" in content


def test_saves_the_whole_week_at_once(owner, business, monday_nine_to_five, other_business):
    WorkingHoursFactory(business_profile=other_business, weekday=0)

    response = owner.post(
        "/app/hours/",
        week(
            (0, "09:00", "12:00"), (0, "13:00", "17:00"), (2, "10:00", "14:00"), (4, "", ""),
            (5, "12:00", "15:00"), (5, "09:00", "12:00"),
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == "/app/hours/"
    assert hours(business) == [
        (0, "09:00", "12:00"), (0, "13:00", "17:00"), (2, "10:00", "14:00"), (5, "09:00", "12:00"), (5, "12:00", "15:00"),
    ]
    assert hours(other_business) == [(0, "09:00", "17:00")]
    assert "Working hours saved." in text(owner.get("/app/hours/"))


def test_a_ticked_remove_box_drops_the_block(owner, business, monday_nine_to_five):
    data = week((0, "09:00", "17:00", {"remove": "on"}), (1, "08:00", "10:00"))

    assert owner.post("/app/hours/", data).status_code == 302
    assert hours(business) == [(1, "08:00", "10:00")]


def test_an_empty_week_closes_every_day(owner, business, monday_nine_to_five):
    assert owner.post("/app/hours/", week((0, "", ""), (1, "", ""))).status_code == 302
    assert hours(business) == []


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([(0, "12:00", "09:00")], "End after the start. A block can’t pass midnight"),
        ([(0, "09:00", "09:00")], "End after the start."),
        ([(0, "09:00", "12:00"), (0, "11:00", "14:00")], "Overlaps 09:00–12:00."),
        ([(3, "08:00", "18:00"), (3, "10:00", "11:00")], "Overlaps 08:00–18:00."),
        ([(0, "09:00", "")], "Give the end too, or clear both times to leave this row out."),
        ([(0, "", "17:00")], "Give the start too, or clear both times to leave this row out."),
        ([(0, "25:00", "26:00")], "Enter a time like 09:00."),
        ([(9, "09:00", "10:00")], "A row came without its day; add that block again."),
    ],
)
def test_refuses_a_bad_week_and_saves_nothing(owner, business, monday_nine_to_five, rows, message):
    before = hours(business)

    response = owner.post("/app/hours/", week((2, "10:00", "12:00"), *rows))

    assert response.status_code == 400
    assert "Nothing was saved. Fix the rows marked below." in text(response)
    assert message in text(response)
    assert hours(business) == before


def test_the_message_sits_next_to_the_offending_row(owner, business):
    response = owner.post("/app/hours/", week((0, "09:00", "12:00"), (0, "11:00", "14:00")))

    row = re.search(
        r'<div id="block-n1".*?</div>\s*<p id="n1-error" class="field-error">([^<]*)</p>', response.content.decode(), flags=re.S
    )
    assert row and "Overlaps 09:00–12:00." in row.group(1)
    assert 'name="n1-start_time" value="11:00"' in response.content.decode()
    assert 'aria-invalid="true" aria-describedby="n1-error"' in response.content.decode()
    assert 'id="n0-error"' not in response.content.decode()


def test_every_problem_of_the_week_shows_at_once(owner, business):
    response = owner.post("/app/hours/", week((0, "09:00", "12:00"), (0, "11:00", "14:00"), (6, "12:00", "10:00")))

    assert response.status_code == 400
    content = html.unescape(response.content.decode())
    assert re.search(r'id="n1-error" class="field-error">[^<]*Overlaps 09:00–12:00\.', content)
    assert re.search(r'id="n2-error" class="field-error">[^<]*End after the start\.', content)
    # A row added in the browser can still be removed in place after the page comes back.
    assert "Remove<span class=\"sr-only\"> this Sunday row</span>" in content


def test_add_a_block_answers_one_blank_row_for_the_day(owner):
    response = owner.get("/app/hours/row/?weekday=3", headers=HTMX)

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "owner/partials/_hours_row.html"
    content = response.content.decode()
    key = re.search(r'<input type="hidden" name="row" value="([a-z0-9]+)">', content).group(1)
    assert f'name="{key}-weekday" value="3"' in content
    assert f'id="block-{key}"' in content
    assert "Thursday, from" in content
    assert key != re.search(r'name="row" value="([a-z0-9]+)"', owner.get("/app/hours/row/?weekday=3").content.decode()).group(1)


@pytest.mark.parametrize("weekday", ["7", "-1", "monday", ""])
def test_add_a_block_needs_a_weekday(owner, weekday):
    assert owner.get(f"/app/hours/row/?weekday={weekday}").status_code == 400


def test_with_validation_bypassed_only_postgresql_refuses_overlaps(business, page, monday_nine_to_five, monkeypatch):
    monkeypatch.setattr(business_services, "blocks_problems", lambda blocks: [])  # as if validation had a bug
    overlapping = [(1, time(9), time(12)), (1, time(11), time(13))]

    if connection.vendor == "postgresql":
        # The exclusion constraint refuses, and the week stays as it was.
        with pytest.raises(IntegrityError):
            business_services.working_hours_replace(business_profile_id=business.pk, blocks=overlapping)
        assert hours(business) == [(0, "09:00", "17:00")]
    else:
        # SQLite has no such constraint: there, validation is the only guard (previous tests).
        business_services.working_hours_replace(business_profile_id=business.pk, blocks=overlapping)
        assert hours(business) == [(1, "09:00", "12:00"), (1, "11:00", "13:00")]


def test_the_service_refuses_overlaps_itself(business, page, monday_nine_to_five):
    with pytest.raises(ValidationError):
        business_services.working_hours_replace(
            business_profile_id=business.pk, blocks=[(1, time(9), time(12)), (1, time(11), time(13))]
        )
    assert hours(business) == [(0, "09:00", "17:00")]


def test_copies_a_days_hours_to_the_days_ticked_and_leaves_the_others(owner, business, other_business):
    WorkingHoursFactory(business_profile=business, weekday=0, start_time=time(9), end_time=time(12))
    WorkingHoursFactory(business_profile=business, weekday=0, start_time=time(14), end_time=time(18))
    WorkingHoursFactory(business_profile=business, weekday=2, start_time=time(7), end_time=time(8))  # replaced
    WorkingHoursFactory(business_profile=business, weekday=5, start_time=time(10), end_time=time(11))  # kept
    WorkingHoursFactory(business_profile=other_business, weekday=1)

    response = owner.post("/app/hours/copy/", {"from_weekday": "0", "to_weekdays": ["1", "2", "4"]}, follow=True)

    assert "Monday’s hours copied to Tuesday, Wednesday, Friday." in text(response)
    monday = [("09:00", "12:00"), ("14:00", "18:00")]
    assert hours(business) == [(day, *block) for day in (0, 1, 2, 4) for block in monday] + [(5, "10:00", "11:00")]
    assert WorkingHours.objects.filter(business_profile=other_business).count() == 1


def test_copying_a_day_off_makes_the_days_ticked_days_off(owner, business):
    WorkingHoursFactory(business_profile=business, weekday=3, start_time=time(9), end_time=time(12))

    owner.post("/app/hours/copy/", {"from_weekday": "6", "to_weekdays": ["3"]})

    assert hours(business) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"from_weekday": "0"}, "Tick the days to copy them to."),
        ({"from_weekday": "0", "to_weekdays": ["0"]}, "Tick a day other than the one you copy."),
        ({"from_weekday": "9", "to_weekdays": ["1"]}, "Choose a day from Monday to Sunday."),
        ({"from_weekday": "0", "to_weekdays": ["1", "x"]}, "Choose days from Monday to Sunday."),
    ],
)
def test_a_bad_copy_says_why_and_changes_nothing(owner, business, monday_nine_to_five, data, message):
    response = owner.post("/app/hours/copy/", data)

    assert response.status_code == 400
    assert text(response).count(message) == 1
    assert hours(business) == [(0, "09:00", "17:00")]
    assert owner.get("/app/hours/copy/").status_code == 405


# --- exception dates ----------------------------------------------------------------------------


def test_closes_a_date(owner, business):
    day = business_today(business) + timedelta(days=10)

    response = owner.post("/app/exceptions/", {"date": day.isoformat(), "note": "Holiday", "kind": "closed"})

    assert response.status_code == 302
    assert exception_rows(business) == [(day, None, None)]
    page_text = text(owner.get("/app/exceptions/"))
    assert f"{format_date(day, 'weekday_date_year')} is closed." in page_text
    assert "Closed all day · Holiday" in page_text


def test_closes_a_holiday_in_one_step_keeping_the_days_already_closed(owner, business, other_business):
    first = business_today(business) + timedelta(days=10)
    last = first + timedelta(days=9)
    ExceptionDateFactory(business_profile=business, date=first + timedelta(days=2))  # closed already
    version = BusinessBookingSettings.objects.get(business_profile=business).availability_version

    response = owner.post("/app/exceptions/", {"date": first.isoformat(), "last_date": last.isoformat(),
                                               "note": "Winter break", "kind": "closed"}, follow=True)

    assert response.status_code == 200
    assert exception_rows(business) == [(first + timedelta(days=n), None, None) for n in range(10)]
    assert f"Closed 10 days, {format_date(first, 'weekday_date_year')} to {format_date(last, 'weekday_date_year')} " \
           "(1 of them was closed already)." in text(response)
    assert BusinessBookingSettings.objects.get(business_profile=business).availability_version > version
    assert exception_rows(other_business) == []


@pytest.mark.parametrize(
    ("days", "data", "message"),
    [
        (-1, {"kind": "closed"}, "The last day must be on or after the first."),
        (366, {"kind": "closed"}, "Close at most 366 days in one step."),
        (3, {"kind": "hours", "start_time": "09:00", "end_time": "12:00"},
         "Special hours are for one date at a time; clear the last day."),
    ],
)
def test_refuses_a_bad_range_and_closes_nothing(owner, business, days, data, message):
    first = business_today(business) + timedelta(days=10)

    response = owner.post("/app/exceptions/", {"date": first.isoformat(),
                                               "last_date": (first + timedelta(days=days)).isoformat(), **data})

    assert response.status_code == 400
    assert text(response).count(message) == 1
    assert exception_rows(business) == []


def test_a_range_over_a_day_of_special_hours_names_it_and_closes_nothing(owner, business):
    first = business_today(business) + timedelta(days=10)
    special = first + timedelta(days=3)
    ExceptionDateFactory(business_profile=business, date=special, start_time=time(9), end_time=time(12))

    response = owner.post("/app/exceptions/", {"date": first.isoformat(),
                                               "last_date": (first + timedelta(days=6)).isoformat(), "kind": "closed"})

    assert response.status_code == 400
    assert f"These dates have special hours: {special:%a} {special.day} {special:%b}." in text(response)
    assert exception_rows(business) == [(special, time(9), time(12))]


@pytest.mark.parametrize("end", ["12:00", "nonsense"])
def test_closing_with_times_typed_asks_which_was_meant(owner, business, end):
    day = business_today(business) + timedelta(days=3)

    response = owner.post("/app/exceptions/", {"date": day.isoformat(), "start_time": "09:00", "end_time": end, "kind": "closed"})

    assert response.status_code == 400
    assert text(response).count("Clear the times to close the whole day, or choose “Open only these hours”.") == 1
    assert "Enter a time" not in text(response)
    assert exception_rows(business) == []


def test_gives_a_date_its_own_blocks(owner, business):
    day = business_today(business) + timedelta(days=5)

    first = owner.post("/app/exceptions/", {"date": day.isoformat(), "start_time": "09:00", "end_time": "12:00", "kind": "hours"})
    assert first.status_code == 302
    assert first["Location"] == f"/app/exceptions/?date={day.isoformat()}"
    assert f'value="{day.isoformat()}"' in owner.get(first["Location"]).content.decode()  # the next block's date is filled in
    second = owner.post(
        "/app/exceptions/", {"date": day.isoformat(), "start_time": "14:00", "end_time": "16:00", "kind": "hours"}
    )
    assert second.status_code == 302

    assert exception_rows(business) == [(day, time(9), time(12)), (day, time(14), time(16))]
    coming = text(owner.get("/app/exceptions/")).split("Coming up")[1]
    assert coming.count(f"{format_date(day, 'weekday_date_year')}") == 1  # grouped under one date
    assert "09:00–12:00" in coming and "14:00–16:00" in coming


@pytest.mark.parametrize(
    ("existing", "data", "field", "message"),
    [
        ([], {"date": "", "kind": "closed"}, "date", "Choose a date."),
        ([], {"date": "", "start_time": "09:00", "end_time": "12:00", "kind": "hours"}, "date", "Choose a date."),
        ([], {"date": "31/12/2026", "kind": "closed"}, "date", "Enter a date like 2026-12-24."),
        ([], {"start_time": "", "end_time": "12:00", "kind": "hours"}, "start_time", "Give the start of the special hours."),
        ([], {"start_time": "09:00", "end_time": "", "kind": "hours"}, "end_time", "Give the end of the special hours."),
        ([], {"start_time": "12:00", "end_time": "09:00", "kind": "hours"}, "end_time", "The block must end after it starts."),
        (
            [], {"start_time": "09:00", "end_time": "", "kind": ""},
            "end_time", "Give both a start and an end, or neither to close the day.",
        ),
        (
            [(time(9), time(12))], {"start_time": "11:00", "end_time": "13:00", "kind": "hours"},
            "start_time", "This block overlaps",
        ),
        (
            [(None, None)], {"start_time": "09:00", "end_time": "12:00", "kind": "hours"},
            "date", "This date is closed; reopen it before giving it hours.",
        ),
        ([(time(9), time(12))], {"kind": "closed"}, "date", "This date already has its own hours; remove them to close the day."),
        ([(None, None)], {"kind": "closed"}, "date", "This date is already closed."),
    ],
)
def test_refuses_a_bad_exception_with_the_fields_message(owner, business, existing, data, field, message):
    day = business_today(business) + timedelta(days=7)
    for start, end in existing:
        ExceptionDateFactory(business_profile=business, date=day, start_time=start, end_time=end)
    before = exception_rows(business)

    response = owner.post("/app/exceptions/", {"date": day.isoformat(), **data})

    assert response.status_code == 400
    assert text(response).count(message) == 1
    # The message sits with its field: crispy's error id, or our select/checkbox id.
    assert re.search(rf'id="error_1_id_{field}"[^>]*><strong>[^<]*{re.escape(message)}', html.unescape(response.content.decode()))
    assert exception_rows(business) == before


def test_refuses_a_past_date(owner, business):
    yesterday = business_today(business) - timedelta(days=1)

    response = owner.post("/app/exceptions/", {"date": yesterday.isoformat(), "kind": "closed"})

    assert response.status_code == 400
    assert "Choose today or a later date." in text(response)
    assert exception_rows(business) == []


def test_lists_coming_dates_in_the_business_zone_and_hides_past_ones(owner, business, monkeypatch):
    business.timezone = "Pacific/Kiritimati"  # UTC+14: already tomorrow there
    business.save()
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 3, 10, 12, 0, tzinfo=UTC))
    ExceptionDateFactory(business_profile=business, date=date(2026, 3, 10), note="Gone by there")
    ExceptionDateFactory(business_profile=business, date=date(2026, 3, 11), note="Today there")
    ExceptionDateFactory(business_profile=business, date=date(2026, 4, 1), start_time=time(9), end_time=time(11))

    page_text = text(owner.get("/app/exceptions/"))

    assert "Gone by there" not in page_text
    assert page_text.index("Wednesday, 11 March 2026") < page_text.index("Wednesday, 1 April 2026")
    assert "9:00 am–11:00 am" in page_text  # Kiribati's English (en_KI) keeps a 12-hour clock
    refused = owner.post("/app/exceptions/", {"date": "2026-03-10", "kind": "closed"})
    assert refused.status_code == 400
    assert "Choose today or a later date." in text(refused)
    # The hours page shows the coming ones too.
    hours_text = text(owner.get("/app/hours/"))
    assert "Wed, 11 Mar 2026 Closed" in hours_text and "Tue, 10 Mar 2026" not in hours_text


def test_deletes_an_exception(owner, business):
    row = ExceptionDateFactory(business_profile=business, date=business_today(business) + timedelta(days=2))

    response = owner.post(f"/app/exceptions/{row.pk}/delete/")

    assert response.status_code == 302
    assert response["Location"] == "/app/exceptions/"
    assert exception_rows(business) == []
    assert "open again on your weekly hours" in text(owner.get("/app/exceptions/"))


def test_deletes_in_place_with_htmx(owner, business):
    day = business_today(business) + timedelta(days=2)
    keep = ExceptionDateFactory(business_profile=business, date=day, start_time=time(9), end_time=time(10))
    drop = ExceptionDateFactory(business_profile=business, date=day, start_time=time(11), end_time=time(12))

    response = owner.post(f"/app/exceptions/{drop.pk}/delete/", headers=HTMX)

    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "owner/partials/_exception_list.html"
    assert "special block removed" in text(response)
    assert "09:00–10:00" in text(response) and "11:00–12:00" not in text(response)
    assert list(ExceptionDate.objects.filter(business_profile=business)) == [keep]


def test_another_business_exception_answers_404(owner, other_business):
    theirs = ExceptionDateFactory(business_profile=other_business)

    assert owner.post(f"/app/exceptions/{theirs.pk}/delete/").status_code == 404
    assert ExceptionDate.objects.filter(pk=theirs.pk).exists()


def test_exception_pages_answer_only_their_methods(owner, business):
    row = ExceptionDateFactory(business_profile=business)
    assert owner.get(f"/app/exceptions/{row.pk}/delete/").status_code == 405
    assert owner.post("/app/hours/row/?weekday=1").status_code == 405
    assert owner.get("/app/exceptions/")["X-Frame-Options"] == "DENY"
