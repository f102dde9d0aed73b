"""Routing and the clerk's full set of actions, through the service layer."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from kiosk.models import CounterEvent, CounterStatus, TicketStatus
from kiosk.services import queue as rules
from kiosk.services.errors import InvalidInput, InvalidTransition, QueueEmpty, WrongCounter

UTC = dt.UTC


def at(minute: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 11, 23, hour, 0, tzinfo=UTC) + dt.timedelta(minutes=minute)


@pytest.fixture
def office(factory):
    return factory.office(counters=3, services=(("BIRTH", "A"), ("TAX", "E"), ("BUILD", "K")))


@pytest.fixture
def svc(factory, office):
    return {code: factory.service(office, code).id for code in ("BIRTH", "TAX", "BUILD")}


def issue(db, office, service_id, minute, **kw):
    return rules.issue_ticket(db.session, office, service_id, now=at(minute), **kw)


def test_matrix_preference_serves_the_first_choice_before_older_second_choices(
    db, factory, office, svc
):
    counter = factory.counter(office, 1)
    factory.serve_only(counter, factory.service(office, "TAX"), factory.service(office, "BIRTH"))
    old_birth = issue(db, office, svc["BIRTH"], 0)
    new_tax = issue(db, office, svc["TAX"], 5)
    assert rules.call_next(db.session, counter, now=at(10)).id == new_tax.id
    assert rules.call_next(db.session, counter, now=at(11)).id == old_birth.id


def test_every_nth_policy_mixes_priority_calls_in(db, factory, office, svc):
    office.priority_policy, office.priority_every = "every_n", 3
    normal = [issue(db, office, svc["BIRTH"], m) for m in range(4)]
    prio = [issue(db, office, svc["BIRTH"], 10 + m, priority=True) for m in range(2)]
    counter = factory.counter(office)
    order = [rules.call_next(db.session, counter, now=at(20 + i)).id for i in range(6)]
    assert order == [prio[0].id, normal[0].id, normal[1].id, prio[1].id, normal[2].id, normal[3].id]


def test_strict_policy_calls_every_priority_ticket_first(db, factory, office, svc):
    normal = issue(db, office, svc["BIRTH"], 0)
    prio = [issue(db, office, svc["BIRTH"], 5 + m, priority=True) for m in range(2)]
    counter = factory.counter(office)
    order = [rules.call_next(db.session, counter, now=at(20 + i)).id for i in range(3)]
    assert order == [prio[0].id, prio[1].id, normal.id]


def test_call_a_specific_waiting_ticket_out_of_turn(db, factory, office, svc):
    issue(db, office, svc["BIRTH"], 0)
    later = issue(db, office, svc["BIRTH"], 1)
    ticket = rules.call_ticket(db.session, factory.counter(office), later.id, now=at(2))
    assert (ticket.id, ticket.status) == (later.id, TicketStatus.CALLED)
    with pytest.raises(InvalidTransition):
        rules.call_ticket(db.session, factory.counter(office, 2), later.id, now=at(3))


@pytest.mark.parametrize("position, expected", [("front", 0), ("end", 2), ("age", 1)])
def test_transfer_puts_the_ticket_at_front_end_or_by_age(
    db, factory, office, svc, position, expected
):
    moved = issue(db, office, svc["BIRTH"], 0)
    others = [issue(db, office, svc["TAX"], m) for m in (-5, 5)]  # one older, one younger
    c1, c2 = factory.counter(office, 1), factory.counter(office, 2)
    rules.call_ticket(db.session, c1, moved.id, now=at(10))
    rules.transfer(db.session, c1, moved.id, service_id=svc["TAX"], position=position, now=at(11))
    order = [rules.call_next(db.session, c2, now=at(20 + i)).id for i in range(3)]
    assert order.index(moved.id) == expected
    assert {o.id for o in others} <= set(order)
    assert moved.transfers == 1 and moved.service_id == svc["TAX"]


def test_a_ticket_sent_to_a_counter_waits_for_that_counter_only(db, factory, office, svc):
    ticket = issue(db, office, svc["BIRTH"], 0)
    c1, c2, c3 = (factory.counter(office, n) for n in (1, 2, 3))
    rules.call_next(db.session, c1, now=at(1))
    with pytest.raises(InvalidTransition):  # nobody sits at counter 3: it would wait forever
        rules.transfer(db.session, c1, ticket.id, to_counter_id=c3.id, now=at(2))
    rules.open_counter(db.session, c3, clerk=None, now=at(2))
    rules.transfer(db.session, c1, ticket.id, to_counter_id=c3.id, now=at(2))
    issue(db, office, svc["BIRTH"], 3)
    assert rules.call_next(db.session, c2, now=at(4)).id != ticket.id
    with pytest.raises(QueueEmpty):
        rules.call_next(db.session, c2, now=at(5))
    assert rules.call_next(db.session, c3, now=at(6)).id == ticket.id


def test_transfer_needs_a_destination_and_a_known_position(db, factory, office, svc):
    ticket = issue(db, office, svc["BIRTH"], 0)
    counter = factory.counter(office)
    rules.call_next(db.session, counter, now=at(1))
    with pytest.raises(InvalidInput):
        rules.transfer(db.session, counter, ticket.id)
    with pytest.raises(InvalidInput):
        rules.transfer(db.session, counter, ticket.id, service_id=svc["TAX"], position="middle")


def test_no_show_can_come_back_within_the_grace_period_to_its_old_place(db, factory, office, svc):
    office.no_show_grace_minutes = 10
    first = issue(db, office, svc["BIRTH"], 0)
    second = issue(db, office, svc["BIRTH"], 1)
    counter = factory.counter(office)
    rules.call_next(db.session, counter, now=at(2))
    rules.mark_no_show(db.session, counter, first.id, now=at(3))
    rules.return_no_show(db.session, office, first.id, now=at(12))
    assert first.status == TicketStatus.WAITING
    assert rules.call_next(db.session, counter, now=at(13)).id == first.id
    assert second.status == TicketStatus.WAITING


def test_no_show_after_the_grace_period_cannot_come_back(db, factory, office, svc):
    office.no_show_grace_minutes = 10
    ticket = issue(db, office, svc["BIRTH"], 0)
    counter = factory.counter(office)
    rules.call_next(db.session, counter, now=at(1))
    rules.mark_no_show(db.session, counter, ticket.id, now=at(2))
    with pytest.raises(InvalidTransition, match="grace"):
        rules.return_no_show(db.session, office, ticket.id, now=at(13))


def test_park_and_resume(db, factory, office, svc):
    ticket = issue(db, office, svc["BIRTH"], 0)
    other = issue(db, office, svc["BIRTH"], 1)
    counter = factory.counter(office)
    rules.call_next(db.session, counter, now=at(2))
    rules.park(db.session, counter, ticket.id, now=at(3))
    assert rules.current_ticket(db.session, counter) is None
    rules.call_next(db.session, counter, now=at(4))  # serves someone else meanwhile
    with pytest.raises(InvalidTransition):
        rules.resume(db.session, counter, ticket.id, now=at(5))
    rules.finish(db.session, counter, other.id, now=at(6))
    rules.resume(db.session, counter, ticket.id, now=at(7))
    assert rules.current_ticket(db.session, counter).id == ticket.id


def test_another_counter_cannot_resume_a_parked_ticket(db, factory, office, svc):
    ticket = issue(db, office, svc["BIRTH"], 0)
    rules.call_next(db.session, factory.counter(office, 1), now=at(1))
    rules.park(db.session, factory.counter(office, 1), ticket.id, now=at(2))
    with pytest.raises(WrongCounter):
        rules.resume(db.session, factory.counter(office, 2), ticket.id, now=at(3))


def test_finish_records_the_outcome(db, factory, office, svc):
    ticket = issue(db, office, svc["BIRTH"], 0)
    counter = factory.counter(office)
    rules.call_next(db.session, counter, now=at(1))
    with pytest.raises(InvalidInput):
        rules.finish(db.session, counter, ticket.id, outcome="brilliant")
    rules.finish(db.session, counter, ticket.id, outcome="incomplete_documents", now=at(2))
    assert ticket.outcome == "incomplete_documents"


def test_a_counter_on_a_break_calls_nobody_until_it_resumes(db, factory, office, svc):
    issue(db, office, svc["BIRTH"], 0)
    clerk = factory.user(office=office)
    counter = factory.counter(office)
    rules.open_counter(db.session, counter, clerk=clerk, now=at(1))
    rules.start_break(db.session, counter, "lunch", clerk=clerk, now=at(2))
    with pytest.raises(InvalidTransition, match="break"):
        rules.call_next(db.session, counter, clerk=clerk, now=at(3))
    rules.end_break(db.session, counter, clerk=clerk, now=at(30))
    assert rules.call_next(db.session, counter, clerk=clerk, now=at(31))
    kinds = db.session.scalars(select(CounterEvent.kind).order_by(CounterEvent.id)).all()
    assert kinds == ["open", "break", "resume"]


def test_no_break_while_serving_and_the_reason_is_required(db, factory, office, svc):
    issue(db, office, svc["BIRTH"], 0)
    counter = factory.counter(office)
    rules.call_next(db.session, counter, now=at(1))
    with pytest.raises(InvalidTransition):
        rules.start_break(db.session, counter, "lunch")
    with pytest.raises(InvalidInput):
        rules.start_break(db.session, counter, "because")


def test_calling_opens_a_closed_counter_for_its_clerk(db, factory, office, svc):
    issue(db, office, svc["BIRTH"], 0)
    clerk = factory.user(office=office)
    counter = factory.counter(office)
    assert counter.status == CounterStatus.CLOSED
    rules.call_next(db.session, counter, clerk=clerk, now=at(1))
    assert (counter.status, counter.clerk_id) == (CounterStatus.OPEN, clerk.id)


def test_close_day_also_cancels_parked_tickets_and_closes_idle_counters(db, factory, office, svc):
    ticket = issue(db, office, svc["BIRTH"], 0)
    counter = factory.counter(office)
    rules.call_next(db.session, counter, now=at(1))
    rules.park(db.session, counter, ticket.id, now=at(2))
    next_day = at(0) + dt.timedelta(days=1)
    assert rules.close_day(db.session, office, now=next_day) == 1
    assert ticket.status == TicketStatus.CANCELLED
    assert counter.status == CounterStatus.CLOSED


def test_quoted_wait_is_kept_on_the_ticket_and_grows_with_the_queue(db, factory, office, svc):
    first = issue(db, office, svc["BIRTH"], 0)
    tickets = [issue(db, office, svc["BIRTH"], 1) for _ in range(10)]
    last = tickets[-1]
    assert first.quoted_wait_min == 0
    assert last.quoted_wait_max > last.quoted_wait_min >= 0
    assert last.quoted_wait_max > first.quoted_wait_max


def test_calling_a_given_ticket_finishes_the_one_served_with_the_clerks_outcome(
    db, factory, office, svc
):
    served = issue(db, office, svc["BIRTH"], 0)
    issue(db, office, svc["BIRTH"], 1)
    chosen = issue(db, office, svc["BIRTH"], 2)
    counter = factory.counter(office)
    rules.call_next(db.session, counter, now=at(3))
    with pytest.raises(InvalidInput):
        rules.call_ticket(db.session, counter, chosen.id, outcome="brilliant", now=at(4))
    assert served.status == TicketStatus.CALLED  # refused: nothing changed
    rules.call_ticket(db.session, counter, chosen.id, outcome="referred", now=at(4))
    assert (served.status, served.outcome) == (TicketStatus.DONE, "referred")


def test_no_transfer_to_a_service_the_office_does_not_offer_today(db, factory, office, svc):
    from kiosk.models import Service
    from kiosk.services.errors import ServiceNotOffered, ServiceUnavailable

    ticket = issue(db, office, svc["BIRTH"], 0)
    counter = factory.counter(office)
    rules.call_next(db.session, counter, now=at(1))
    db.session.get(Service, svc["TAX"]).status = "draft"
    with pytest.raises(ServiceUnavailable):
        rules.transfer(db.session, counter, ticket.id, service_id=svc["TAX"], now=at(2))
    db.session.get(Service, svc["BUILD"]).valid_to = dt.date(2026, 11, 22)  # retired yesterday
    with pytest.raises(ServiceNotOffered):
        rules.transfer(db.session, counter, ticket.id, service_id=svc["BUILD"], now=at(2))
    assert (ticket.status, ticket.service_id) == (TicketStatus.CALLED, svc["BIRTH"])
    # a ticket of a service no longer offered may still be sent to a counter, as it is
    db.session.get(Service, svc["BIRTH"]).status = "draft"
    c2 = factory.counter(office, 2)
    rules.open_counter(db.session, c2, clerk=None, now=at(2))
    rules.transfer(db.session, counter, ticket.id, service_id=svc["BIRTH"], to_counter_id=c2.id,
                   now=at(3))
    assert (ticket.status, ticket.service_id, ticket.target_counter_id) == (
        TicketStatus.WAITING, svc["BIRTH"], c2.id)


def test_acting_on_a_ticket_finished_meanwhile_says_so(db, factory, office, svc):
    from kiosk.services.errors import TicketGone

    ticket = issue(db, office, svc["BIRTH"], 0)
    counter = factory.counter(office)
    rules.call_next(db.session, counter, now=at(1))
    rules.finish(db.session, counter, ticket.id, now=at(2))  # in another window
    for act in (rules.finish, rules.recall, rules.park, rules.mark_no_show):
        with pytest.raises(TicketGone):
            act(db.session, counter, ticket.id)
    assert ticket.status == TicketStatus.DONE


def test_people_ahead_follow_the_ticket_into_the_line_it_was_transferred_to(
    db, factory, office, svc
):
    from kiosk.services.state import people_ahead

    moved = issue(db, office, svc["BIRTH"], 0)  # queue A
    birth = issue(db, office, svc["BIRTH"], 1)
    taxes = [issue(db, office, svc["TAX"], m) for m in (2, 3)]  # queue E
    c1, c2 = factory.counter(office, 1), factory.counter(office, 2)
    assert people_ahead(db.session, birth) == 1
    rules.call_ticket(db.session, c1, moved.id, now=at(4))
    rules.transfer(db.session, c1, moved.id, service_id=svc["TAX"], position="end", now=at(5))
    assert people_ahead(db.session, birth) == 0  # A001 waits in line E now
    assert people_ahead(db.session, moved) == 2  # behind both tax tickets
    assert people_ahead(db.session, taxes[1]) == 1
    rules.open_counter(db.session, c2, clerk=None, now=at(6))
    rules.call_ticket(db.session, c1, moved.id, now=at(7))
    rules.transfer(db.session, c1, moved.id, to_counter_id=c2.id, now=at(8))
    assert people_ahead(db.session, moved) == 0  # only counter 2 calls it, and first
