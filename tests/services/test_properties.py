"""Property-based: random sequences of actions by several clerks never break the queue.

A ticket is never at two counters, never called after it is finished, none is lost, and
replaying the event log gives exactly the current state.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.models import CounterService, Ticket, TicketStatus
from kiosk.services import queue as rules
from kiosk.services.errors import KioskError, QueueEmpty
from kiosk.services.replay import current_views, replay_office

ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "issue",
                "issue_priority",
                "next",
                "call",
                "recall",
                "no_show",
                "return",
                "finish",
                "park",
                "resume",
                "transfer",
                "break",
                "end_break",
            ]
        ),
        st.integers(0, 2),  # which counter acts
        st.integers(0, 50),  # which ticket or service, modulo what exists
        st.sampled_from(["front", "end", "age"]),
    ),
    min_size=1,
    max_size=60,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(actions=ACTIONS)
def test_random_clerk_actions_keep_the_queue_consistent(app, db, actions):
    from tests.factories import Factory

    for table in reversed(db.metadata.sorted_tables):  # a clean slate per example
        db.session.execute(table.delete())
    factory = Factory(db.session)
    factory._org = None
    office = factory.office(counters=3, services=(("BIRTH", "A"), ("TAX", "E")))
    office.no_show_grace_minutes = 5
    factory.serve_only(factory.counter(office, 3), factory.service(office, "TAX"))
    services = [o.service_id for o in office.services]
    counters = list(office.counters)
    now = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
    finished_ids: set[int] = set()

    for action, who, n, position in actions:
        now += dt.timedelta(minutes=1)
        counter = counters[who]
        tickets = db.session.query(Ticket).order_by(Ticket.id).all()
        ticket = tickets[n % len(tickets)] if tickets else None
        try:
            with db.session.begin_nested():  # a refused action changes nothing, as in a view
                if action in ("issue", "issue_priority"):
                    rules.issue_ticket(
                        db.session,
                        office,
                        services[n % 2],
                        now=now,
                        priority=action == "issue_priority",
                    )
                elif action == "next":
                    called = rules.call_next(db.session, counter, now=now)
                    assert called.id not in finished_ids, "a finished ticket was called again"
                elif ticket is None:
                    pass
                elif action == "call":
                    rules.call_ticket(db.session, counter, ticket.id, now=now)
                elif action == "recall":
                    rules.recall(db.session, counter, ticket.id, now=now)
                elif action == "no_show":
                    rules.mark_no_show(db.session, counter, ticket.id, now=now)
                elif action == "return":
                    rules.return_no_show(db.session, office, ticket.id, now=now)
                elif action == "finish":
                    rules.finish(db.session, counter, ticket.id, now=now)
                elif action == "park":
                    rules.park(db.session, counter, ticket.id, now=now)
                elif action == "resume":
                    rules.resume(db.session, counter, ticket.id, now=now)
                elif action == "transfer":
                    rules.transfer(
                        db.session,
                        counter,
                        ticket.id,
                        service_id=services[n % 2],
                        to_counter_id=counters[n % 3].id if n % 4 == 0 else None,
                        position=position,
                        now=now,
                    )
                elif action == "break":
                    rules.start_break(db.session, counter, "short", now=now)
                elif action == "end_break":
                    rules.end_break(db.session, counter, now=now)
        except KioskError:
            pass
        finished_ids |= {
            t.id
            for t in db.session.query(Ticket)
            .filter(Ticket.status.in_([TicketStatus.DONE, TicketStatus.CANCELLED]))
            .all()
        }

        # Invariants after every step.
        serving = db.session.query(Ticket).filter(Ticket.status == TicketStatus.CALLED).all()
        per_counter = [t.counter_id for t in serving]
        assert len(per_counter) == len(set(per_counter)), "two tickets called at one counter"
        assert all(t.counter_id is not None for t in serving)
        waiting = db.session.query(Ticket).filter(Ticket.status == TicketStatus.WAITING).all()
        assert all(t.counter_id is None for t in waiting), "a waiting ticket sits at a counter"

    db.session.flush()
    replayed = replay_office(db.session, office.id)
    actual = current_views(db.session, office.id)
    assert set(replayed) == set(actual), "a ticket is missing from the log"
    for ticket_id, view in actual.items():
        assert replayed[ticket_id].key() == view.key(), (ticket_id, replayed[ticket_id].history)
    db.session.rollback()


A_WAITING_TICKET = st.tuples(
    st.integers(0, 2),  # which service
    st.booleans(),  # priority
    st.integers(0, 3),  # sent to counter 1..3 by a transfer (0: to none)
    st.integers(0, 20),  # queue position: minutes after nine (ties happen)
)
WAITING = st.lists(A_WAITING_TICKET, max_size=25)
MATRIX = st.dictionaries(st.integers(0, 2), st.integers(1, 3), max_size=3)  # service: pref


def _issue_waiting(db, office, services, counters, waiting, nine) -> None:
    """Issue ``waiting`` (WAITING's tuples) at nine, each moved to its queue position and
    sent to its counter."""
    for service, priority, sent_to, minute in waiting:
        ticket = rules.issue_ticket(db.session, office, services[service].id, now=nine,
                                    priority=priority)
        ticket.queued_at = nine + dt.timedelta(minutes=minute)
        ticket.target_counter_id = counters[sent_to - 1].id if sent_to else None
    db.session.flush()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(waiting=WAITING, matrix=MATRIX, every_n=st.sampled_from([0, 2, 3]))
def test_call_next_calls_the_first_ticket_of_the_clerks_list(app, db, waiting, matrix, every_n):
    """Call next picks from a few tickets read line by line (routing.Candidates) instead of
    sorting the queue; it must call exactly the ticket the clerk's list (``CALLABLE`` in
    ``call_order``) shows first, call after call, whatever the matrix, the priorities, the
    tickets sent to counters, the ties in queue position and the priority policy."""
    from sqlalchemy import select

    from kiosk.services.routing import CALLABLE, call_order, priority_turn, routing_params
    from tests.factories import Factory

    for table in reversed(db.metadata.sorted_tables):  # a clean slate per example
        db.session.execute(table.delete())
    factory = Factory(db.session)
    factory._org = None
    office = factory.office(counters=3, services=(("BIRTH", "A"), ("TAX", "E"), ("BUILD", "K")))
    office.priority_policy, office.priority_every = ("every_n", every_n) if every_n else (
        "strict", 3)
    services = [factory.service(office, code) for code in ("BIRTH", "TAX", "BUILD")]
    counters = sorted(office.counters, key=lambda c: c.number)
    counter = counters[0]
    for service, preference in sorted(matrix.items(), key=lambda item: item[1]):
        db.session.add(CounterService(counter_id=counter.id, service_id=services[service].id,
                                      preference=preference))
    db.session.flush()
    db.session.expire(counter, ["matrix_row"])
    nine = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
    _issue_waiting(db, office, services, counters, waiting, nine)

    now = nine + dt.timedelta(hours=1)
    for _ in range(len(waiting) + 1):
        now += dt.timedelta(minutes=1)
        listed = db.session.scalars(
            select(Ticket.id)
            .where(CALLABLE)
            .order_by(*call_order(priority_turn(db.session, office, now))),
            routing_params(counter),
        ).first()
        try:
            called = rules.call_next(db.session, counter, now=now).id
        except QueueEmpty:
            called = None
        assert called == listed
        if called is None:
            break
    db.session.rollback()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(waiting=st.lists(A_WAITING_TICKET, min_size=4, max_size=25),
       matrices=st.lists(MATRIX, min_size=3, max_size=3),
       presses=st.lists(st.integers(0, 2), min_size=2, max_size=8),
       every_n=st.sampled_from([0, 2]))
def test_calls_made_together_call_what_the_same_calls_one_by_one_call(
        app, db, waiting, matrices, presses, every_n):
    """Clerks who press at the same moment are called together (``call_next_many``: the
    tickets they may take are read once, and each call's is picked among them after the
    picks before it). Whatever the counters' matrix rows, the tickets sent to counters, the
    priorities, the ties and the order of the presses (a counter pressing twice among them),
    the batch calls the very tickets, in the same order, that the same calls made one by one
    call in a twin office."""
    from tests.factories import Factory

    for table in reversed(db.metadata.sorted_tables):  # a clean slate per example
        db.session.execute(table.delete())
    factory = Factory(db.session)
    factory._org = None
    nine = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
    now = nine + dt.timedelta(hours=1)
    called = {}
    for way in ("one by one", "together"):
        office = factory.office(way.replace(" ", "-"), counters=3,
                                services=(("BIRTH", "A"), ("TAX", "E"), ("BUILD", "K")))
        office.priority_policy, office.priority_every = ("every_n", every_n) if every_n else (
            "strict", 3)
        services = [factory.service(office, code) for code in ("BIRTH", "TAX", "BUILD")]
        counters = sorted(office.counters, key=lambda c: c.number)
        for counter, matrix in zip(counters, matrices, strict=True):
            for service, preference in matrix.items():
                db.session.add(CounterService(counter_id=counter.id,
                                              service_id=services[service].id,
                                              preference=preference))
        db.session.flush()
        for counter in counters:
            db.session.expire(counter, ["matrix_row"])
        _issue_waiting(db, office, services, counters, waiting, nine)
        if way == "one by one":
            tickets = []
            for press in presses:
                try:
                    tickets.append(rules.call_next(db.session, counters[press], now=now))
                except QueueEmpty:
                    tickets.append(None)
        else:
            calls = [rules.NextCall(counters[press], now=now) for press in presses]
            rules.call_next_many(db.session, calls)
            tickets = [db.session.get(Ticket, call.ticket_id) if call.ticket_id else None
                       for call in calls]
        called[way] = [ticket.code if ticket else None for ticket in tickets]
    assert called["together"] == called["one by one"]
    db.session.rollback()
