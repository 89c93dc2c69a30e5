"""/api/v1/working-hours/ (the whole week) and /api/v1/exception-dates/, with the week editor's and exceptions page's rules."""

from datetime import date, time, timedelta

import pytest

from bookingsite.businesses.models import ExceptionDate, WorkingHours
from tests.factories import ExceptionDateFactory, WorkingHoursFactory

from .conftest import errors

pytestmark = pytest.mark.django_db

HOURS = "/api/v1/working-hours/"
EXCEPTIONS = "/api/v1/exception-dates/"


def week(business) -> list[tuple]:
    return list(WorkingHours.objects.filter(business_profile=business).values_list("weekday", "start_time", "end_time"))


class TestWorkingHours:
    def test_shows_the_week_monday_first(self, api, business, other_business):
        WorkingHoursFactory(business_profile=business, weekday=2, start_time=time(14), end_time=time(18))
        WorkingHoursFactory(business_profile=business, weekday=0, start_time=time(9), end_time=time(12))
        WorkingHoursFactory(business_profile=other_business, weekday=1)

        response = api.get(HOURS)

        assert response.status_code == 200
        assert response.json() == {"blocks": [
            {"weekday": 0, "start_time": "09:00:00", "end_time": "12:00:00"},
            {"weekday": 2, "start_time": "14:00:00", "end_time": "18:00:00"},
        ]}

    def test_put_replaces_the_whole_week(self, api, business):
        WorkingHoursFactory(business_profile=business, weekday=4)

        response = api.put(HOURS, {"blocks": [
            {"weekday": 1, "start_time": "13:30", "end_time": "17:00"},
            {"weekday": 1, "start_time": "08:00:00", "end_time": "12:00"},
            {"weekday": 6, "start_time": "10:00", "end_time": "12:00"},
        ]})

        assert response.status_code == 200
        assert week(business) == [(1, time(8), time(12)), (1, time(13, 30), time(17)), (6, time(10), time(12))]
        assert [b["start_time"] for b in response.json()["blocks"]] == ["08:00:00", "13:30:00", "10:00:00"]

    def test_an_empty_week_closes_every_day(self, api, business):
        WorkingHoursFactory(business_profile=business, weekday=4)

        response = api.put(HOURS, {"blocks": []})

        assert (response.status_code, response.json(), week(business)) == (200, {"blocks": []}, [])

    def test_refuses_overlaps_and_backwards_blocks_naming_each_and_saves_nothing(self, api, business, nothing_changes):
        response = api.put(HOURS, {"blocks": [
            {"weekday": 0, "start_time": "09:00", "end_time": "12:00"},
            {"weekday": 0, "start_time": "11:00", "end_time": "14:00"},
            {"weekday": 3, "start_time": "18:00", "end_time": "08:00"},
        ]})

        assert response.status_code == 400
        assert errors(response) == {
            "blocks.1.start_time": ["Overlaps 09:00–12:00."],
            "blocks.2.end_time": ["End after the start. A block can’t pass midnight: split it into two days."],
        }

    @pytest.mark.parametrize("block, field", [
        ({"weekday": 7, "start_time": "09:00", "end_time": "10:00"}, "blocks.0.weekday"),
        ({"weekday": "0", "start_time": "09:00", "end_time": "10:00"}, "blocks.0.weekday"),
        ({"weekday": 0, "start_time": "9am", "end_time": "10:00"}, "blocks.0.start_time"),
        ({"weekday": 0, "start_time": "09:00+02:00", "end_time": "10:00"}, "blocks.0.start_time"),
        ({"weekday": 0, "start_time": 900, "end_time": "10:00"}, "blocks.0.start_time"),
        ({"weekday": 0, "start_time": "09:00"}, "blocks.0.end_time"),
    ])
    def test_refuses_a_malformed_block(self, api, business, nothing_changes, block, field):
        response = api.put(HOURS, {"blocks": [block]})

        assert response.status_code == 400
        assert set(errors(response)) == {field}

    @pytest.mark.parametrize("payload", [{}, {"blocks": "all day"}, {"blocks": None}, [1]])
    def test_refuses_a_body_without_a_list_of_blocks(self, api, business, nothing_changes, payload):
        response = api.put(HOURS, payload)

        assert response.status_code == 400
        assert set(errors(response)) <= {"blocks", "__all__"}

    def test_more_blocks_than_a_week_holds_are_refused(self, api, business, nothing_changes):
        blocks = [{"weekday": i % 7, "start_time": f"{i // 7:02d}:00", "end_time": f"{i // 7:02d}:30"} for i in range(169)]

        response = api.put(HOURS, {"blocks": blocks})

        assert response.status_code == 400
        assert errors(response)["blocks"] == ["That is more blocks than a week can hold."]


class TestExceptionDates:
    def test_lists_coming_rows_only_by_date(self, api, business, other_business):
        today = date.today()
        ExceptionDateFactory(business_profile=business, date=today - timedelta(days=1))
        later = ExceptionDateFactory(business_profile=business, date=today + timedelta(days=9), start_time=time(10),
                                     end_time=time(12), note="Gala")
        soon = ExceptionDateFactory(business_profile=business, date=today + timedelta(days=2))
        ExceptionDateFactory(business_profile=other_business, date=today + timedelta(days=3))

        response = api.get(EXCEPTIONS)

        assert response.status_code == 200
        assert response.json() == [
            {"id": soon.pk, "date": soon.date.isoformat(), "start_time": None, "end_time": None, "note": "", "is_closed": True},
            {"id": later.pk, "date": later.date.isoformat(), "start_time": "10:00:00", "end_time": "12:00:00", "note": "Gala",
             "is_closed": False},
        ]

    def test_closes_a_date(self, api, business):
        day = date.today() + timedelta(days=5)

        response = api.post(EXCEPTIONS, {"date": day.isoformat(), "note": "Bank holiday"})

        assert response.status_code == 201
        row = ExceptionDate.objects.get(business_profile=business)
        assert (row.date, row.is_closed, row.note) == (day, True, "Bank holiday")
        assert response.json() == {"id": row.pk, "date": day.isoformat(), "start_time": None, "end_time": None,
                                   "note": "Bank holiday", "is_closed": True}

    def test_opens_a_date_in_special_blocks(self, api, business):
        day = (date.today() + timedelta(days=5)).isoformat()

        first = api.post(EXCEPTIONS, {"date": day, "start_time": "10:00", "end_time": "12:00"})
        second = api.post(EXCEPTIONS, {"date": day, "start_time": "14:00", "end_time": "16:00"})

        assert (first.status_code, second.status_code) == (201, 201)
        assert ExceptionDate.objects.filter(business_profile=business, start_time__isnull=False).count() == 2

    @pytest.mark.parametrize("body, field, message", [
        ({"date": "2020-01-01"}, "date", "Choose today or a later date."),
        ({"date": "31/12/2099x"}, "date", "Enter a date like 2026-12-24."),
        ({}, "date", "Choose a date."),
        ({"date": "{day}", "start_time": "10:00"}, "end_time", "Give the end of the special hours."),
        ({"date": "{day}", "end_time": "10:00"}, "start_time", "Give the start of the special hours."),
        ({"date": "{day}", "start_time": "12:00", "end_time": "10:00"}, "end_time", "The block must end after it starts."),
        ({"date": "{day}", "start_time": "10:00+01:00", "end_time": "12:00"}, "start_time", "Enter a time like 09:00."),
        ({"date": "{day}", "note": "x" * 121}, "note", "Keep the note under 120 characters."),
    ])
    def test_refuses_what_the_exceptions_page_refuses(self, api, business, nothing_changes, body, field, message):
        day = (date.today() + timedelta(days=5)).isoformat()
        body = {key: value.replace("{day}", day) if isinstance(value, str) else value for key, value in body.items()}

        response = api.post(EXCEPTIONS, body)

        assert response.status_code == 400
        assert errors(response) == {field: [message]}

    def test_refuses_to_close_a_date_twice_or_overlap_its_blocks(self, api, business):
        closed = (date.today() + timedelta(days=5)).isoformat()
        special = (date.today() + timedelta(days=6)).isoformat()
        api.post(EXCEPTIONS, {"date": closed})
        api.post(EXCEPTIONS, {"date": special, "start_time": "10:00", "end_time": "12:00"})
        rows = ExceptionDate.objects.count()

        again = api.post(EXCEPTIONS, {"date": closed})
        hours_on_closed = api.post(EXCEPTIONS, {"date": closed, "start_time": "10:00", "end_time": "11:00"})
        overlap = api.post(EXCEPTIONS, {"date": special, "start_time": "11:00", "end_time": "13:00"})
        close_special = api.post(EXCEPTIONS, {"date": special})

        assert errors(again) == {"date": ["This date is already closed."]}
        assert errors(hours_on_closed) == {"date": ["This date is closed; reopen it before giving it hours."]}
        assert list(errors(overlap)) == ["start_time"]
        assert errors(close_special) == {"date": ["This date already has its own hours; remove them to close the day."]}
        assert ExceptionDate.objects.count() == rows

    def test_reads_and_deletes_a_row(self, api, business):
        row = ExceptionDateFactory(business_profile=business)

        assert api.get(f"{EXCEPTIONS}{row.pk}/").json()["id"] == row.pk
        response = api.delete(f"{EXCEPTIONS}{row.pk}/")

        assert (response.status_code, response.content) == (204, b"")
        assert not ExceptionDate.objects.filter(pk=row.pk).exists()

    def test_another_business_row_is_404_and_kept(self, api, page, other_business):
        row = ExceptionDateFactory(business_profile=other_business)

        for response in (api.get(f"{EXCEPTIONS}{row.pk}/"), api.delete(f"{EXCEPTIONS}{row.pk}/")):
            assert response.status_code == 404
            assert errors(response) == {"__all__": ["Not found."]}
        assert ExceptionDate.objects.filter(pk=row.pk).exists()

    def test_put_is_405(self, api, page):
        assert api.put(EXCEPTIONS, {"date": "2030-01-01"}).status_code == 405
