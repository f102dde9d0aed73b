"""Opening hours, breaks, special days, the stop-issuing margin and the office's time zone."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.models import SpecialDay
from kiosk.services import queue as rules
from kiosk.services.errors import InvalidInput, IssuingStopped
from kiosk.services.hours import issuing_state, validate_week

WEEK = {d: [["08:00", "12:00"], ["12:30", "16:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}


def skopje(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A local time in Skopje (UTC+1 in November) as an aware UTC moment; Nov 23 is a Monday."""
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=dt.UTC) - dt.timedelta(hours=1)


@pytest.fixture
def office(factory):
    office = factory.office()
    office.opening_hours = validate_week(WEEK)
    office.stop_issuing_minutes = 15
    return office


@pytest.mark.parametrize(
    "day, hour, minute, is_open, reason",
    [
        (23, 7, 59, False, "not_yet"),
        (23, 8, 0, True, None),
        (23, 12, 10, True, "break"),  # the lobby keeps issuing over the lunch break
        (23, 15, 44, True, None),
        (23, 15, 45, False, "stopped"),
        (23, 17, 0, False, "stopped"),
        (22, 10, 0, False, "closed"),  # Sunday
    ],
)
def test_issuing_follows_hours_breaks_and_the_stop_margin(
    office, day, hour, minute, is_open, reason
):
    state = issuing_state(office, skopje(day, hour, minute))
    assert (state.open, state.reason) == (is_open, reason)


def test_closed_state_says_when_the_office_reopens(office):
    state = issuing_state(office, skopje(21, 10))  # Saturday
    assert state.reopens == skopje(23, 8)


def test_a_special_day_replaces_the_weekday(office, db):
    office.special_days.append(SpecialDay(date=dt.date(2026, 11, 23), hours=[]))
    office.special_days.append(SpecialDay(date=dt.date(2026, 11, 24), hours=[["09:00", "11:00"]]))
    db.session.flush()
    assert issuing_state(office, skopje(23, 10)).reason == "closed"
    assert issuing_state(office, skopje(24, 10)).open
    assert not issuing_state(office, skopje(24, 10, 50)).open


def test_the_kiosk_refuses_tickets_after_the_cut_off_but_a_clerk_may_issue(office, factory, db):
    birth = factory.service(office, "BIRTH").id
    with pytest.raises(IssuingStopped):
        rules.issue_ticket(db.session, office, birth, now=skopje(23, 15, 50))
    ticket = rules.issue_ticket(
        db.session, office, birth, now=skopje(23, 15, 50), check_hours=False
    )
    assert ticket.code == "A001"


def test_an_office_without_hours_never_closes(factory):
    office = factory.office("nonstop")
    assert issuing_state(office, skopje(22, 3)).open


def test_an_office_without_hours_still_keeps_its_special_days(factory, db):
    """"Issue at any time" is the office's every day, not its holidays: a day closed is
    closed, a shortened day keeps its hours, and the kiosk says when issuing resumes."""
    office = factory.office("nonstop")
    office.special_days.append(SpecialDay(date=dt.date(2026, 11, 23), hours=[]))
    office.special_days.append(SpecialDay(date=dt.date(2026, 11, 24), hours=[["09:00", "11:00"]]))
    db.session.flush()
    closed = issuing_state(office, skopje(23, 10))
    assert (closed.open, closed.reason) == (False, "closed")
    assert closed.reopens == skopje(24, 9)
    assert issuing_state(office, skopje(24, 10)).open
    assert not issuing_state(office, skopje(24, 11, 30)).open
    assert issuing_state(office, skopje(25, 3)).open
    with pytest.raises(IssuingStopped):
        rules.issue_ticket(db.session, office, factory.service(office, "BIRTH").id,
                           now=skopje(23, 10))


def test_a_special_days_note_comes_with_the_days_issuing_state(office, db):
    office.special_days.append(SpecialDay(date=dt.date(2026, 11, 24), hours=[["09:00", "11:00"]],
                                          note={"mk": "Скратено работно време"}))
    db.session.flush()
    assert issuing_state(office, skopje(24, 10)).note == {"mk": "Скратено работно време"}
    assert issuing_state(office, skopje(24, 12)).note == {"mk": "Скратено работно време"}
    assert issuing_state(office, skopje(23, 10)).note is None


@pytest.mark.parametrize(
    "hours",
    [
        {"mon": [["8:00", "16:00"]]},
        {"mon": [["16:00", "08:00"]]},
        {"mon": [["08:00", "12:00"], ["11:00", "16:00"]]},
        {"someday": []},
        {"mon": "08:00-16:00"},
    ],
)
def test_bad_opening_hours_are_refused(hours):
    with pytest.raises(InvalidInput):
        validate_week(hours)


def test_the_day_boundary_follows_the_office_time_zone(factory, db):
    sofia = factory.office("sofia", timezone="Europe/Sofia")  # UTC+2
    skopje_office = factory.office("skopje", services=(("TAX", "E"),))
    moment = dt.datetime(2026, 11, 23, 22, 30, tzinfo=dt.UTC)  # 00:30 in Sofia, 23:30 in Skopje
    a = rules.issue_ticket(db.session, sofia, factory.service(sofia, "BIRTH").id, now=moment)
    b = rules.issue_ticket(
        db.session, skopje_office, factory.service(skopje_office, "TAX").id, now=moment
    )
    assert a.business_date == dt.date(2026, 11, 24)
    assert b.business_date == dt.date(2026, 11, 23)
