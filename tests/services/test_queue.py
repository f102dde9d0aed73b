"""The queue rules, without HTTP: numbering, calling, recall, no-show, finish, day close."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.database import begin_write
from kiosk.models import Counter, Office, Ticket, TicketEvent, TicketStatus
from kiosk.services import queue as rules
from kiosk.services.clock import business_date
from kiosk.services.errors import (
    CounterTaken,
    InvalidTransition,
    QueueEmpty,
    QueueFull,
    ServiceUnavailable,
    WrongCounter,
)
from kiosk.services.state import office_state, people_ahead
from tests.factories import Factory

UTC = dt.UTC


def at(hour: int, minute: int = 0, day: int = 23) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def office(factory):
    return factory.office()


def test_numbers_run_per_queue_with_prefix_and_three_digits(db, factory, office):
    birth, tax = factory.service(office, "BIRTH"), factory.service(office, "TAX")
    codes = [rules.issue_ticket(db.session, office, s.id).code for s in (birth, birth, tax, birth)]
    assert codes == ["A001", "A002", "E001", "A003"]


def test_numbering_restarts_on_the_next_business_day_in_the_office_time_zone(db, factory, office):
    birth = factory.service(office, "BIRTH")
    # 22:30 UTC on the 23rd is 23:30 in Skopje: still the 23rd. 23:30 UTC is 00:30 on the 24th.
    first = rules.issue_ticket(db.session, office, birth.id, now=at(22, 30))
    second = rules.issue_ticket(db.session, office, birth.id, now=at(23, 30))
    assert (first.code, first.business_date) == ("A001", dt.date(2026, 11, 23))
    assert (second.code, second.business_date) == ("A001", dt.date(2026, 11, 24))


def test_reset_time_keeps_night_tickets_on_the_day_before():
    assert business_date(at(1, 30), "Europe/Skopje", dt.time(3, 0)) == dt.date(2026, 11, 22)
    assert business_date(at(2, 30), "Europe/Skopje", dt.time(3, 0)) == dt.date(2026, 11, 23)


def test_queue_full_refuses_past_the_numbering_range(db, factory, office):
    birth = factory.service(office, "BIRTH")
    office.queues[0].number_max = 2
    rules.issue_ticket(db.session, office, birth.id)
    rules.issue_ticket(db.session, office, birth.id)
    with pytest.raises(QueueFull):
        rules.issue_ticket(db.session, office, birth.id)


def test_a_service_of_another_office_is_refused(db, factory, office):
    other = factory.office("drachevo", services=(("PARK", "K"),))
    with pytest.raises(ServiceUnavailable):
        rules.issue_ticket(db.session, office, factory.service(other, "PARK").id)


def test_a_draft_service_is_not_issued(db, factory, office):
    birth = factory.service(office, "BIRTH")
    birth.status = "draft"
    with pytest.raises(ServiceUnavailable):
        rules.issue_ticket(db.session, office, birth.id)


def test_call_next_takes_the_oldest_and_priority_first(db, factory, office):
    birth = factory.service(office, "BIRTH")
    a1 = rules.issue_ticket(db.session, office, birth.id, now=at(8, 0))
    a2 = rules.issue_ticket(db.session, office, birth.id, now=at(8, 1))
    p = rules.issue_ticket(db.session, office, birth.id, priority=True, now=at(8, 2))
    counter = factory.counter(office)
    called = [rules.call_next(db.session, counter, now=at(9, i)).id for i in range(3)]
    assert called == [p.id, a1.id, a2.id]


def test_call_next_finishes_the_ticket_the_counter_was_serving(db, factory, office):
    birth = factory.service(office, "BIRTH")
    first = rules.issue_ticket(db.session, office, birth.id)
    rules.issue_ticket(db.session, office, birth.id)
    counter = factory.counter(office)
    rules.call_next(db.session, counter)
    rules.call_next(db.session, counter)
    assert first.status == TicketStatus.DONE
    assert first.finished_at is not None


def test_call_next_on_an_empty_queue_says_so(db, factory, office):
    with pytest.raises(QueueEmpty):
        rules.call_next(db.session, factory.counter(office))


def test_a_counter_calls_only_the_services_of_its_matrix(db, factory, office):
    birth, tax = factory.service(office, "BIRTH"), factory.service(office, "TAX")
    rules.issue_ticket(db.session, office, birth.id, now=at(8))
    tax_ticket = rules.issue_ticket(db.session, office, tax.id, now=at(9))
    counter = factory.counter(office, 2)
    factory.serve_only(counter, tax)
    assert rules.call_next(db.session, counter).id == tax_ticket.id
    with pytest.raises(QueueEmpty):
        rules.call_next(db.session, counter)


def test_recall_counts_and_keeps_the_ticket_at_the_counter(db, factory, office):
    rules.issue_ticket(db.session, office, factory.service(office, "BIRTH").id)
    counter = factory.counter(office)
    ticket = rules.call_next(db.session, counter)
    rules.recall(db.session, counter, ticket.id)
    rules.recall(db.session, counter, ticket.id)
    assert (ticket.status, ticket.recalls, ticket.counter_id) == ("called", 2, counter.id)


def test_a_ticket_called_again_counts_its_recalls_afresh(db, factory, office):
    """The clerk's card says how often this call was repeated: after a no-show came back, or
    a transfer, the next call starts from none (it said "recalled 2 times" at once)."""
    from kiosk.services.replay import current_views, replay_office

    office.no_show_grace_minutes = 15
    birth = factory.service(office, "BIRTH")
    ticket = rules.issue_ticket(db.session, office, birth.id, now=at(9))
    c1, c2 = factory.counter(office, 1), factory.counter(office, 2)
    rules.call_next(db.session, c1, now=at(9, 1))
    for _ in "12":
        rules.recall(db.session, c1, ticket.id)
    rules.mark_no_show(db.session, c1, ticket.id, now=at(9, 3))
    rules.return_no_show(db.session, office, ticket.id, now=at(9, 5))
    assert rules.call_next(db.session, c1, now=at(9, 6)).id == ticket.id
    assert ticket.recalls == 0
    rules.recall(db.session, c1, ticket.id)
    rules.open_counter(db.session, c2, clerk=None, now=at(9, 7))
    rules.transfer(db.session, c1, ticket.id, to_counter_id=c2.id, now=at(9, 8))
    assert rules.call_ticket(db.session, c2, ticket.id, now=at(9, 9)).recalls == 0
    replayed = replay_office(db.session, office.id)
    assert replayed[ticket.id].key() == current_views(db.session, office.id)[ticket.id].key()


def test_no_show_and_finish_end_the_ticket(db, factory, office):
    birth = factory.service(office, "BIRTH")
    rules.issue_ticket(db.session, office, birth.id)
    rules.issue_ticket(db.session, office, birth.id)
    counter = factory.counter(office)
    gone = rules.call_next(db.session, counter)
    rules.mark_no_show(db.session, counter, gone.id)
    served = rules.call_next(db.session, counter)
    rules.finish(db.session, counter, served.id)
    assert (gone.status, served.status) == (TicketStatus.NO_SHOW, TicketStatus.DONE)
    assert rules.current_ticket(db.session, counter) is None


@pytest.mark.parametrize("action", [rules.recall, rules.mark_no_show, rules.finish])
def test_actions_on_a_finished_ticket_are_invalid(db, factory, office, action):
    rules.issue_ticket(db.session, office, factory.service(office, "BIRTH").id)
    counter = factory.counter(office)
    ticket = rules.call_next(db.session, counter)
    rules.finish(db.session, counter, ticket.id)
    with pytest.raises(InvalidTransition):
        action(db.session, counter, ticket.id)


def test_another_counter_cannot_touch_a_ticket_being_served(db, factory, office):
    rules.issue_ticket(db.session, office, factory.service(office, "BIRTH").id)
    ticket = rules.call_next(db.session, factory.counter(office, 1))
    with pytest.raises(WrongCounter):
        rules.finish(db.session, factory.counter(office, 2), ticket.id)


def test_every_transition_is_logged_with_counter_and_actor(db, factory, office):
    clerk = factory.user(office=office)
    rules.issue_ticket(db.session, office, factory.service(office, "BIRTH").id)
    counter = factory.counter(office)
    ticket = rules.call_next(db.session, counter, clerk=clerk)
    rules.recall(db.session, counter, ticket.id, clerk=clerk)
    rules.finish(db.session, counter, ticket.id, clerk=clerk)
    events = db.session.scalars(
        select(TicketEvent).where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id)
    ).all()
    assert [(e.kind, e.status) for e in events] == [
        ("issued", "waiting"),
        ("called", "called"),
        ("recalled", "called"),
        ("finished", "done"),
    ]
    assert all(e.actor_id == clerk.id and e.counter_id == counter.id for e in events[1:])


def test_people_ahead_counts_the_same_queue_and_priority(db, factory, office):
    birth, tax = factory.service(office, "BIRTH"), factory.service(office, "TAX")
    rules.issue_ticket(db.session, office, birth.id, now=at(8))
    rules.issue_ticket(db.session, office, tax.id, now=at(8, 1))
    late_priority = rules.issue_ticket(db.session, office, birth.id, priority=True, now=at(8, 5))
    mine = rules.issue_ticket(db.session, office, birth.id, now=at(8, 6))
    assert people_ahead(db.session, late_priority) == 0
    assert people_ahead(db.session, mine) == 2


def test_close_day_cancels_what_earlier_days_left_open(db, factory, office):
    birth = factory.service(office, "BIRTH")
    old = rules.issue_ticket(db.session, office, birth.id, now=at(9, day=22))
    today = rules.issue_ticket(db.session, office, birth.id, now=at(9, day=23))
    assert rules.close_day(db.session, office, now=at(10, day=23)) == 1
    assert (old.status, today.status) == (TicketStatus.CANCELLED, TicketStatus.WAITING)


def test_office_state_shows_now_serving_and_latest_calls(db, factory, office):
    birth = factory.service(office, "BIRTH")
    for _ in range(3):
        rules.issue_ticket(db.session, office, birth.id)
    c1, c2 = factory.counter(office, 1), factory.counter(office, 2)
    rules.call_next(db.session, c1)
    second = rules.call_next(db.session, c2)
    state = office_state(db.session, office)
    assert [(row.counter.number, row.ticket.code) for row in state.counters] == [
        (1, "A001"),
        (2, "A002"),
    ]
    assert state.latest_call.ticket.id == second.id
    assert state.waiting == 1
    assert state.version > 0


# --- concurrency, on SQLite and PostgreSQL --------------------------------------------------


def _in_session(engine, fn):
    """Run fn(session) in its own write transaction, committed, as a separate clerk would."""
    with Session(engine, expire_on_commit=False) as session:
        begin_write(session)
        result = fn(session)
        session.commit()
        return result


def _eight_counters_and_waiting(tickets: int) -> list[int]:
    """An office with eight counters and ``tickets`` waiting, committed; the counters' ids."""
    from kiosk.extensions import db

    factory = Factory(db.session)
    office = factory.office(counters=8, services=(("BIRTH", "A"),))
    birth = factory.service(office, "BIRTH")
    for _ in range(tickets):
        rules.issue_ticket(db.session, office, birth.id)
    db.session.commit()
    return [c.id for c in office.counters]


def test_eight_clerks_calling_at_once_call_every_ticket_exactly_once(any_app):
    from kiosk.extensions import db

    counter_ids = _eight_counters_and_waiting(200)
    engine = db.engine

    def clerk(counter_id: int) -> list[int]:
        called = []
        while True:

            def step(session):
                counter = session.get(Counter, counter_id)
                return rules.call_next(session, counter).id

            try:
                called.append(_in_session(engine, step))
            except QueueEmpty:
                return called

    with ThreadPoolExecutor(8) as pool:
        results = [f.result() for f in [pool.submit(clerk, cid) for cid in counter_ids]]
    _assert_called_once_each(db, results, 200)
    assert sum(1 for r in results if r) >= 2, "the clerks did not really run at once"


def _assert_called_once_each(db, results: list[list[int]], tickets: int) -> None:
    """The clerks' calls (ticket ids per clerk) called every ticket once, by what each clerk
    got and by the "called" events in the database."""
    called = [tid for r in results for tid in r]
    assert len(called) == tickets and len(set(called)) == tickets
    db.session.rollback()  # end the old snapshot: read what the clerks committed
    calls = db.session.execute(
        select(TicketEvent.ticket_id, func.count())
        .where(TicketEvent.kind == "called")
        .group_by(TicketEvent.ticket_id)
    ).all()
    assert len(calls) == tickets and {n for _, n in calls} == {1}


def test_a_clerk_next_in_line_never_finds_the_database_still_locked(app):
    """SQLite: the process's writers take turns on a lock that passes on only after the
    COMMIT. With SQLite's busy wait turned off, a writer that met the last one's transaction
    still open would fail at once with "database is locked"."""
    import sqlalchemy as sa

    from kiosk.database import configure_engine
    from kiosk.extensions import db

    counter_ids = _eight_counters_and_waiting(160)
    engine = sa.create_engine(db.engine.url, pool_size=8)
    configure_engine(engine)
    sa.event.listen(engine, "connect",
                    lambda dbapi, _record: dbapi.execute("PRAGMA busy_timeout=0"))

    def clerk(counter_id: int) -> int:
        calls = 0
        while True:
            try:
                _in_session(engine, lambda s: rules.call_next(s, s.get(Counter, counter_id)))
            except QueueEmpty:
                return calls
            calls += 1

    try:
        with ThreadPoolExecutor(8) as pool:
            calls = list(pool.map(clerk, counter_ids))
    finally:
        engine.dispose()
    assert sum(calls) == 160


def test_clerks_calling_through_the_group_call_every_ticket_exactly_once(any_app):
    """The clerk's "call next" goes through the process's group (services.call_group):
    clerks pressing at the same moment share a transaction, each still gets a ticket of
    their own, and the last presses hear that nobody waits."""
    from kiosk.extensions import db
    from kiosk.services.call_group import CallGroup

    counter_ids = _eight_counters_and_waiting(200)
    group = CallGroup(db.engine)

    def clerk(counter_id: int) -> list[int]:
        called = []
        while True:
            try:
                called.append(group.call_next(counter_id))
            except QueueEmpty:
                return called

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(clerk, counter_ids))
    group.dispose()
    _assert_called_once_each(db, results, 200)
    # every counter ends serving the last ticket it called
    serving = dict(db.session.execute(
        select(Ticket.counter_id, Ticket.id).where(Ticket.status == TicketStatus.CALLED)
    ).all())
    assert serving == {cid: r[-1] for cid, r in zip(counter_ids, results, strict=True) if r}


def test_a_group_knows_each_clerk_whether_they_hold_their_counter_or_sit_down(any_app):
    """Calls written as one group: a clerk at her own counter calls; a clerk at a closed
    counter (nobody's) sits down: it opens, becomes his and the call is logged as his; a
    clerk at a counter a colleague took over is told who, and nothing is done there."""
    from kiosk.extensions import db
    from kiosk.models import CounterEvent
    from kiosk.services.call_group import CallGroup, _Call

    factory = Factory(db.session)
    office = factory.office(counters=3, services=(("BIRTH", "A"),))
    birth = factory.service(office, "BIRTH")
    c1, c2, c3 = sorted(office.counters, key=lambda c: c.number)
    ana, besnik, vesna = (factory.user(name, office=office) for name in ("ana", "besnik", "vesna"))
    rules.open_counter(db.session, c1, clerk=ana)
    rules.open_counter(db.session, c3, clerk=ana)
    rules.open_counter(db.session, c3, clerk=vesna)  # vesna took c3 over from ana
    first, second = (rules.issue_ticket(db.session, office, birth.id).id for _ in "12")
    db.session.commit()
    group = CallGroup(db.engine)
    calls = [_Call(c1.id, ana.id, "served", rules.NOT_GIVEN, at(9)),
             _Call(c2.id, besnik.id, "served", rules.NOT_GIVEN, at(9)),
             _Call(c3.id, ana.id, "served", rules.NOT_GIVEN, at(9))]
    group._write(calls)  # the three as one group, as when they press at the same moment
    group.dispose()

    assert [call.ticket_id for call in calls] == [first, second, None]
    assert isinstance(calls[2].error, CounterTaken)
    assert calls[2].error.params == {"name": "Vesna"}
    db.session.rollback()  # read what the group wrote (SQLite: a transaction's snapshot)
    assert (c2.status, c2.clerk_id, c3.clerk_id) == ("open", besnik.id, vesna.id)
    assert rules.current_ticket(db.session, c3) is None
    actors = {(e.ticket_id, e.kind): (e.counter_id, e.actor_id)
              for e in db.session.scalars(select(TicketEvent).where(TicketEvent.kind == "called"))}
    assert actors == {(first, "called"): (c1.id, ana.id), (second, "called"): (c2.id, besnik.id)}
    opened = db.session.scalars(select(CounterEvent).where(CounterEvent.counter_id == c2.id)).all()
    assert [(e.kind, e.actor_id) for e in opened] == [("open", besnik.id)]


def test_the_group_keeps_its_claims_prepared_whatever_the_requests_roll_back(pg_app):
    """psycopg deallocates a connection's prepared statements when a transaction on it rolls
    back, as every read-only request's does. The process's calls group writes on a
    connection of its own, so its claims stay prepared, planned once, between calls."""
    from sqlalchemy import text

    from kiosk.extensions import db

    counter_ids = _eight_counters_and_waiting(40)
    group = pg_app.extensions["kiosk.call_group"]
    for _ in range(8):  # psycopg prepares a statement at its 5th run with the same types
        for counter_id in counter_ids[:2]:
            group.call_next(counter_id)
            for _ in range(3):  # the requests meanwhile: read, then roll back
                db.session.scalar(select(func.count(Ticket.id)))
                db.session.rollback()
    with group.writer_engine().connect() as conn:  # the group's one connection
        plans = conn.execute(text(
            "SELECT generic_plans + custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE '%WITH pick AS%UPDATE ticket SET status = ''called''%'"
        )).scalars().all()
    assert plans and max(plans) >= 8, plans  # prepared once, run again and again


def test_a_clerks_error_in_a_shared_transaction_reaches_that_clerk_only(app):
    """Three clerks press while a fourth call is being written, so their three calls are
    written together. One of them had an old screen (a ticket they no longer serve): that
    clerk alone is told, and their counter keeps its ticket; the other two are called."""
    import threading
    import time

    from kiosk.extensions import db
    from kiosk.services.call_group import CallGroup

    c1, c2, c3, c4 = _eight_counters_and_waiting(10)[:4]
    group = CallGroup(db.engine)
    before = {cid: group.call_next(cid) for cid in (c2, c3, c4)}  # each serves one
    begin_write(db.session)  # hold SQLite's writer: the next call waits for it to end
    results: dict[int, object] = {}

    def press(counter_id, seen):
        try:
            results[counter_id] = group.call_next(counter_id, seen=seen)
        except Exception as exc:  # noqa: BLE001 - the test looks at what each clerk got
            results[counter_id] = exc

    first = threading.Thread(target=press, args=(c1, None))
    first.start()
    deadline = time.monotonic() + 10
    while (not group._writing or group._queued) and time.monotonic() < deadline:
        time.sleep(0.01)  # until the first clerk writes its call (and waits for SQLite)
    others = [threading.Thread(target=press, args=(c2, before[c2])),
              threading.Thread(target=press, args=(c3, before[c2])),  # an old screen
              threading.Thread(target=press, args=(c4, before[c4]))]
    for t in others:
        t.start()
    while len(group._queued) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(group._queued) == 3, "the three clerks did not queue behind the first"
    db.session.rollback()  # let the first call be written; the three follow together
    for t in (first, *others):
        t.join(30)

    assert isinstance(results[c3], InvalidTransition)
    called = [results[c1], results[c2], results[c4]]
    assert all(isinstance(tid, int) for tid in called) and len(set(called)) == 3
    db.session.rollback()
    current = {c.id: rules.current_ticket(db.session, c) for c in
               db.session.scalars(select(Counter).where(Counter.id.in_([c1, c2, c3, c4])))}
    assert current[c3].id == before[c3]  # nothing was done at the clerk's counter
    assert {current[c].id for c in (c1, c2, c4)} == set(called)


def test_calls_made_together_are_made_as_one_after_the_other(any_app):
    """``call_next_many`` (the calls of clerks who pressed at once, one transaction): the same
    counter twice finishes its first call's ticket and calls another; a counter whose clerk
    saw an old ticket, and one on a break, are refused and keep what they had; when the
    queue runs dry the last call is told nobody waits, and its counter keeps its ticket.
    The log replays to the state the calls left."""
    from kiosk.extensions import db
    from kiosk.services.replay import current_views, replay_office

    c1, c2, c3, c4, c5 = _eight_counters_and_waiting(6)[:5]
    counters = {c.id: c for c in db.session.scalars(select(Counter))}
    serving = {cid: rules.call_next(db.session, counters[cid]).id for cid in (c2, c3, c5)}
    rules.start_break(db.session, counters[c4], "short")
    db.session.commit()
    begin_write(db.session)
    calls = [
        rules.NextCall(counters[c1]),  # the 4th ticket
        rules.NextCall(counters[c1]),  # finishes the 4th, calls the 5th
        rules.NextCall(counters[c2], seen=serving[c3]),  # an old screen: refused
        rules.NextCall(counters[c4]),  # on a break: refused
        rules.NextCall(counters[c3], seen=serving[c3], outcome="referred"),  # the 6th
        rules.NextCall(counters[c5]),  # nobody left
    ]
    rules.call_next_many(db.session, calls)
    db.session.commit()

    assert [type(call.error).__name__ if call.error else None for call in calls] == [
        None, None, "InvalidTransition", "InvalidTransition", None, "QueueEmpty"]
    first, second, sixth = calls[0].ticket_id, calls[1].ticket_id, calls[4].ticket_id
    assert len({first, second, sixth, *serving.values()}) == 6
    tickets = {t.id: t for t in db.session.scalars(select(Ticket))}
    assert tickets[first].status == TicketStatus.DONE and tickets[first].counter_id == c1
    assert tickets[serving[c3]].outcome == "referred"
    current = {cid: rules.current_ticket(db.session, counters[cid]) for cid in counters}
    assert {cid: t.id for cid, t in current.items() if t} == {
        c1: second, c2: serving[c2], c3: sixth, c5: serving[c5]}
    office_id = counters[c1].office_id
    replayed, actual = replay_office(db.session, office_id), current_views(db.session, office_id)
    assert {i: v.key() for i, v in replayed.items()} == {i: v.key() for i, v in actual.items()}


@pytest.mark.parametrize("together", [False, True])
def test_call_next_plans_its_claim_once_with_statistics_on_postgresql(pg_app, together):
    """Once PostgreSQL has statistics of the tickets (autovacuum gathers them), it planned
    every claim the driver had prepared anew, for its values, which cost more than the claim
    itself: claims, alone or in a group, use the plan made once per connection."""
    from sqlalchemy import text

    from kiosk.extensions import db

    factory = Factory(db.session)
    office = factory.office(counters=2, services=(("BIRTH", "A"),))
    birth = factory.service(office, "BIRTH")
    for _ in range(400):
        rules.issue_ticket(db.session, office, birth.id)
    db.session.commit()
    db.session.execute(text("ANALYZE ticket"))
    c1, c2 = office.counters
    for _ in range(12):  # the driver prepares a statement on its 5th run
        if together:
            calls = [rules.NextCall(c1), rules.NextCall(c2)]
            rules.call_next_many(db.session, calls)
            assert all(call.ticket_id for call in calls)
        else:
            rules.call_next(db.session, c1)
    plans = db.session.execute(text(
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
        " WHERE statement LIKE '%WITH pick AS%' OR statement LIKE '%ticket.queued_at, ticket.id%'"
    )).all()
    assert len(plans) >= 2 and all(generic > 0 and custom == 0 for generic, custom in plans), plans


def test_calls_made_together_pass_over_a_ticket_another_clerk_holds(pg_app):
    """On PostgreSQL the calls of a group claim their tickets together (one statement): a
    ticket that another clerk's transaction holds is passed over, each call gets a ticket of
    its own, and the call left without one (the one whose pick was the held ticket: it picks
    again after the others) is told that nobody waits and changes nothing."""
    from kiosk.extensions import db

    c1, c2, c3 = _eight_counters_and_waiting(3)[:3]
    oldest, second, third = db.session.scalars(select(Ticket.id).order_by(Ticket.id)).all()
    with db.engine.connect() as other_clerk:  # holds the oldest ticket, as a claim would
        other_clerk.execute(select(Ticket.id).where(Ticket.id == oldest).with_for_update())
        counters = {c.id: c for c in db.session.scalars(select(Counter))}
        calls = [rules.NextCall(counters[cid]) for cid in (c1, c2, c3)]
        rules.call_next_many(db.session, calls)
        db.session.commit()
        other_clerk.rollback()
    assert [call.ticket_id for call in calls] == [None, second, third]
    assert isinstance(calls[0].error, QueueEmpty)
    db.session.expire_all()
    assert db.session.get(Ticket, oldest).status == TicketStatus.WAITING
    assert rules.current_ticket(db.session, counters[c1]) is None


def test_calls_made_together_at_counters_of_different_services_get_their_own(any_app):
    """A group of calls at counters of different matrix rows (their claims differ in shape,
    and on PostgreSQL go as several runs of one pipeline): each counter gets the oldest
    ticket of its own services, a counter whose services nobody waits for is told so in its
    place, and the calls after it still get theirs."""
    from kiosk.extensions import db

    factory = Factory(db.session)
    office = factory.office(counters=5, services=(("BIRTH", "A"), ("TAX", "E"), ("BUILD", "K")))
    birth, tax, build = (factory.service(office, code) for code in ("BIRTH", "TAX", "BUILD"))
    c1, c2, c3, c4, c5 = sorted(office.counters, key=lambda c: c.number)
    factory.serve_only(c1, tax)
    factory.serve_only(c2, build)  # nobody waits for it
    factory.serve_only(c3, tax, birth)
    factory.serve_only(c5, tax)
    issued = {}
    for service in (birth, tax, birth, tax, tax, birth):
        issued.setdefault(service.code, []).append(
            rules.issue_ticket(db.session, office, service.id).id)
    db.session.commit()
    begin_write(db.session)
    calls = [rules.NextCall(c) for c in (c1, c2, c3, c4, c5)]
    rules.call_next_many(db.session, calls)
    db.session.commit()

    assert [call.ticket_id for call in calls] == [
        issued["TAX"][0], None, issued["TAX"][1], issued["BIRTH"][0], issued["TAX"][2]]
    assert isinstance(calls[1].error, QueueEmpty)
    assert rules.current_ticket(db.session, c2) is None


def test_a_group_of_calls_logs_each_ticket_finished_and_called_with_clerk_and_outcome(any_app):
    """Calling next finishes the counter's ticket with the clerk's outcome and logs both
    changes (on PostgreSQL the claim writes them itself): "finished" (automatic, with the
    outcome) before "called", each with the counter, the clerk and the time of the call. A
    call that finds nobody waiting finishes nothing and logs nothing."""
    from kiosk.extensions import db

    factory = Factory(db.session)
    office = factory.office(counters=2, services=(("BIRTH", "A"),))
    birth = factory.service(office, "BIRTH")
    c1, c2 = sorted(office.counters, key=lambda c: c.number)
    ana, besnik = factory.user("ana", office=office), factory.user("besnik", office=office)
    first, second, third = (rules.issue_ticket(db.session, office, birth.id).id for _ in "123")
    db.session.commit()
    begin_write(db.session)
    rules.call_next_many(db.session, [rules.NextCall(c1, clerk=ana, now=at(9)),
                                      rules.NextCall(c2, clerk=besnik, now=at(9))])
    db.session.commit()
    begin_write(db.session)
    calls = [rules.NextCall(c1, clerk=ana, now=at(9, 5), outcome="referred"),
             rules.NextCall(c2, clerk=besnik, now=at(9, 5))]
    rules.call_next_many(db.session, calls)
    db.session.commit()

    assert [call.ticket_id for call in calls] == [third, None]
    assert isinstance(calls[1].error, QueueEmpty)
    log = [(e.ticket_id, e.kind, e.status, e.counter_id, e.actor_id, e.at, e.data)
           for e in db.session.scalars(select(TicketEvent).where(TicketEvent.kind != "issued")
                                       .order_by(TicketEvent.id))]
    assert log == [
        (first, "called", "called", c1.id, ana.id, at(9), {}),
        (second, "called", "called", c2.id, besnik.id, at(9), {}),
        (first, "finished", "done", c1.id, ana.id, at(9, 5),
         {"outcome": "referred", "auto": True}),
        (third, "called", "called", c1.id, ana.id, at(9, 5), {}),
    ]
    tickets = {t.id: t for t in db.session.scalars(select(Ticket))}
    assert (tickets[first].status, tickets[first].outcome) == ("done", "referred")
    assert tickets[first].finished_at == at(9, 5)
    assert (tickets[second].status, tickets[second].counter_id) == ("called", c2.id)
    assert (tickets[third].status, tickets[third].called_at) == ("called", at(9, 5))


def test_a_claim_made_again_after_another_clerk_let_go_finishes_and_logs_in_its_turn(
        pg_app, monkeypatch):
    """Another clerk's transaction holds the only ticket a counter may call, and lets it go
    just after the group's claims: the claim made again takes it, finishes what the counter
    served and logs both, after the calls that took their tickets first."""
    from kiosk.extensions import db

    factory = Factory(db.session)
    office = factory.office(counters=2, services=(("BIRTH", "A"), ("TAX", "E")))
    birth, tax = factory.service(office, "BIRTH"), factory.service(office, "TAX")
    c1, c2 = sorted(office.counters, key=lambda c: c.number)
    factory.serve_only(c1, birth)
    factory.serve_only(c2, tax)
    served = rules.issue_ticket(db.session, office, birth.id).id
    rules.call_next(db.session, c1, now=at(9))
    held = rules.issue_ticket(db.session, office, birth.id).id
    taxed = rules.issue_ticket(db.session, office, tax.id).id
    db.session.commit()
    other_clerk = db.engine.connect()
    other_clerk.execute(select(Ticket.id).where(Ticket.id == held).with_for_update())

    claim_and_record = rules._claim_and_record

    def claims_then_let_go(*args):  # the other clerk lets go once the claims are written
        claimed = claim_and_record(*args)
        if other_clerk.in_transaction():
            other_clerk.rollback()
        return claimed

    monkeypatch.setattr(rules, "_claim_and_record", claims_then_let_go)
    try:
        begin_write(db.session)
        calls = [rules.NextCall(c1, now=at(9, 5)), rules.NextCall(c2, now=at(9, 5))]
        rules.call_next_many(db.session, calls)
        db.session.commit()
    finally:
        other_clerk.close()

    assert [call.ticket_id for call in calls] == [held, taxed]
    log = [(e.ticket_id, e.kind, e.counter_id) for e in db.session.scalars(
        select(TicketEvent).where(TicketEvent.at == at(9, 5)).order_by(TicketEvent.id))]
    assert log == [(taxed, "called", c2.id), (served, "finished", c1.id), (held, "called", c1.id)]
    assert db.session.get(Ticket, served).status == "done"


def test_a_group_whose_claims_fail_changes_nothing_and_the_connection_goes_on(pg_app):
    """A claim of the pipeline fails (here a time without a zone, refused before it is
    sent): the error reaches the caller, and after the rollback nothing was claimed and the
    same session calls again."""
    from kiosk.extensions import db

    c1, c2 = _eight_counters_and_waiting(3)[:2]
    counters = {c.id: c for c in db.session.scalars(select(Counter))}
    naive = dt.datetime(2026, 12, 7, 9, 0)
    with pytest.raises(ValueError, match="naive"):
        rules.call_next_many(db.session, [rules.NextCall(counters[c1]),
                                          rules.NextCall(counters[c2], now=naive)])
    db.session.rollback()
    assert db.session.scalar(select(func.count()).where(
        Ticket.status == TicketStatus.WAITING)) == 3
    calls = [rules.NextCall(counters[c1]), rules.NextCall(counters[c2])]
    rules.call_next_many(db.session, calls)
    db.session.commit()
    assert all(call.ticket_id for call in calls) and calls[0].ticket_id != calls[1].ticket_id


@pytest.mark.parametrize("policy", ["strict", "every_n"])
def test_calls_made_together_follow_the_priority_policy_as_calls_one_by_one(any_app, policy):
    """With "one priority call in every 2", the calls of one batch count each other: the
    batch calls the same tickets, in the same order, as the same calls made one by one."""
    from kiosk.extensions import db

    factory = Factory(db.session)
    called = {}
    for way, slug in (("one by one", "one"), ("together", "together")):
        office = factory.office(slug, counters=6, services=(("BIRTH", "A"),))
        office.priority_policy, office.priority_every = policy, 2
        birth = factory.service(office, "BIRTH")
        for priority in (False, True, False, False, True, True, False):
            rules.issue_ticket(db.session, office, birth.id, priority=priority)
        counters = sorted(office.counters, key=lambda c: c.number)
        if way == "one by one":
            tickets = [rules.call_next(db.session, c) for c in counters]
        else:
            calls = [rules.NextCall(c) for c in counters]
            rules.call_next_many(db.session, calls)
            tickets = [db.session.get(Ticket, call.ticket_id) for call in calls]
        called[way] = [(t.number, t.priority) for t in tickets]
    assert called["together"] == called["one by one"]
    priorities = [priority for _, priority in called["together"]]
    assert priorities == ([True, True, True, False, False, False] if policy == "strict"
                          else [True, False, True, False, True, False])


def test_concurrent_issuing_gives_unique_gap_free_numbers(any_app):
    from kiosk.extensions import db

    factory = Factory(db.session)
    office = factory.office(services=(("BIRTH", "A"),))
    office_id, service_id = office.id, factory.service(office, "BIRTH").id
    db.session.commit()
    engine = db.engine

    def kiosk(_):
        return [
            _in_session(
                engine,
                lambda s: rules.issue_ticket(s, s.get(Office, office_id), service_id).number,
            )
            for _ in range(25)
        ]

    with ThreadPoolExecutor(8) as pool:
        numbers = sorted(n for r in pool.map(kiosk, range(8)) for n in r)
    assert numbers == list(range(1, 201))
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 200


def test_many_clerks_calling_transferring_and_finishing_at_once(any_app):
    """Eight clerks work a queue at once: every ticket ends exactly once, none is lost, and
    the log replays to the final state."""
    import random

    from kiosk.extensions import db
    from kiosk.services.errors import KioskError
    from kiosk.services.replay import current_views, replay_office

    factory = Factory(db.session)
    office = factory.office(counters=8, services=(("BIRTH", "A"), ("TAX", "E")))
    services = [o.service_id for o in office.services]
    for i in range(160):
        rules.issue_ticket(db.session, office, services[i % 2])
    db.session.commit()
    office_id, engine = office.id, db.engine
    counter_ids = [c.id for c in office.counters]

    def clerk(counter_id: int) -> int:
        rnd, done = random.Random(counter_id), 0
        for _ in range(400):
            def step(session):
                counter = session.get(Counter, counter_id)
                current = rules.current_ticket(session, counter)
                if current is None:
                    return rules.call_next(session, counter)
                roll = rnd.random()
                if roll < 0.15 and current.transfers == 0:
                    return rules.transfer(session, counter, current.id,
                                          service_id=rnd.choice(services),
                                          position=rnd.choice(["front", "end", "age"]))
                if roll < 0.25:
                    return rules.recall(session, counter, current.id)
                return rules.finish(session, counter, current.id)
            try:
                _in_session(engine, step)
                done += 1
            except QueueEmpty:
                return done
            except KioskError:
                continue
        return done

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(clerk, counter_ids))
    db.session.rollback()
    statuses = db.session.execute(
        select(Ticket.status, func.count()).where(Ticket.office_id == office_id)
        .group_by(Ticket.status)
    ).all()
    assert dict(statuses) == {"done": 160}
    finished = db.session.execute(
        select(TicketEvent.ticket_id, func.count())
        .where(TicketEvent.kind == "finished").group_by(TicketEvent.ticket_id)
    ).all()
    assert len(finished) == 160 and {n for _, n in finished} == {1}
    replayed = replay_office(db.session, office_id)
    assert {k: v.key() for k, v in replayed.items()} == {
        k: v.key() for k, v in current_views(db.session, office_id).items()
    }
    db.session.rollback()


def test_call_next_refuses_when_the_counter_has_another_ticket_than_the_clerk_saw(
    db, factory, office
):
    birth = factory.service(office, "BIRTH")
    first, second = (rules.issue_ticket(db.session, office, birth.id) for _ in range(2))
    counter = factory.counter(office)
    assert rules.call_next(db.session, counter, seen=None).id == first.id
    db.session.commit()
    with pytest.raises(InvalidTransition):
        rules.call_next(db.session, counter, seen=None)  # a second click of the same page
    db.session.rollback()
    assert (first.status, second.status) == (TicketStatus.CALLED, TicketStatus.WAITING)
    called = rules.call_next(db.session, counter, seen=first.id, outcome="referred")
    assert called.id == second.id and (first.status, first.outcome) == ("done", "referred")


def test_only_the_clerk_who_holds_a_counter_acts_there(db, factory, office):
    counter = office.counters[0]
    ana, bojana = factory.user("ana", office=office), factory.user("bojana", office=office)
    rules.check_holder(db.session, counter, ana)  # a closed counter is nobody's
    rules.open_counter(db.session, counter, clerk=ana)
    rules.check_holder(db.session, counter, ana)
    rules.open_counter(db.session, counter, clerk=bojana)  # she takes it over
    assert rules.holder_instead_of(db.session, counter, ana) == bojana
    with pytest.raises(CounterTaken) as refused:
        rules.check_holder(db.session, counter, ana)
    assert refused.value.params == {"name": "Bojana"}
    rules.start_break(db.session, counter, "short", clerk=bojana)
    with pytest.raises(CounterTaken):  # paused, it is still hers
        rules.check_holder(db.session, counter, ana)
    rules.end_break(db.session, counter, clerk=bojana)
    rules.close_counter(db.session, counter, clerk=bojana)
    assert rules.holder_instead_of(db.session, counter, ana) is None


def test_a_pick_lost_to_another_process_is_made_again_without_holding_what_it_skips(pg_app):
    """Two server processes call at once while a third holds the oldest priority ticket.
    Each loses its first pick and picks again; the one still writing holds only the ticket
    it took, so the other gets the next waiting ticket, not "nobody waits"."""
    from kiosk.extensions import db

    factory = Factory(db.session)
    office = factory.office(counters=3, services=(("BIRTH", "A"),))
    birth = factory.service(office, "BIRTH")
    p1, p2 = (rules.issue_ticket(db.session, office, birth.id, priority=True).id for _ in "12")
    t1 = rules.issue_ticket(db.session, office, birth.id).id
    c1, c2 = (c.id for c in sorted(office.counters, key=lambda c: c.number)[:2])
    db.session.commit()
    holder = db.engine.connect()
    holder.execute(select(Ticket.id).where(Ticket.id == p1).with_for_update())
    first, second = Session(db.engine), Session(db.engine)
    try:
        got_first = rules.call_next(first, first.get(Counter, c1)).id  # not committed yet
        got_second = rules.call_next(second, second.get(Counter, c2)).id
        first.commit()
        second.commit()
    finally:
        holder.rollback()
        for connection in (holder, first, second):
            connection.close()
    assert (got_first, got_second) == (p2, t1)


def test_call_next_leaves_the_planner_as_it_found_it(pg_app):
    """Call next's statements are planned once per connection (plan_cache_mode); whatever
    the call's outcome, the rest of the transaction is planned as usual."""
    from sqlalchemy import text

    from kiosk.extensions import db

    factory = Factory(db.session)
    office = factory.office(counters=1, services=(("BIRTH", "A"),))
    birth = factory.service(office, "BIRTH")
    counter = office.counters[0]
    db.session.commit()
    with pytest.raises(QueueEmpty):
        rules.call_next(db.session, counter)
    assert db.session.scalar(text("SHOW plan_cache_mode")) == "auto"
    ticket = rules.issue_ticket(db.session, office, birth.id)
    rules.call_ticket(db.session, counter, ticket.id)
    assert db.session.scalar(text("SHOW plan_cache_mode")) == "auto"
    db.session.rollback()


def test_a_group_that_cannot_reach_the_database_tells_its_clerk_and_lets_the_next_write(
        pg_app, monkeypatch):
    """The groups' connection cannot be had (here its engine cannot be made): the clerk is
    told, and the next clerk's call is written once it can, instead of waiting for a writer
    that is gone."""
    from kiosk.extensions import db
    from kiosk.services.call_group import CallGroup

    factory = Factory(db.session)
    office = factory.office(counters=1, services=(("BIRTH", "A"),))
    ticket = rules.issue_ticket(db.session, office, factory.service(office, "BIRTH").id)
    counter_id, ticket_id = office.counters[0].id, ticket.id
    db.session.commit()
    group = CallGroup(db.engine)
    writer_engine = group.writer_engine

    def unreachable():
        raise OSError("could not connect")

    monkeypatch.setattr(group, "writer_engine", unreachable)
    with pytest.raises(OSError):
        group.call_next(counter_id)
    monkeypatch.setattr(group, "writer_engine", writer_engine)
    assert group.call_next(counter_id) == ticket_id
    group.dispose()
