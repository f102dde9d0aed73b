"""The queue rules: issue, call (next or a given ticket), recall, no-show and its grace, park
and resume, transfer, finish with an outcome, counter breaks, and the daily close.

Framework-free: every function takes the SQLAlchemy session and flushes; the caller commits
once. On SQLite the caller starts a write transaction first (``kiosk.database.begin_write``).
Every change of a ticket appends a ``TicketEvent``; ``replay`` rebuilds the state from them.
"""

from __future__ import annotations

import collections
import datetime as dt
import functools
import itertools
import operator

from sqlalchemy import (
    Integer,
    bindparam,
    exists,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..models import (
    OPEN_STATUSES,
    Counter,
    CounterEvent,
    CounterStatus,
    Office,
    OfficeService,
    Queue,
    Service,
    Ticket,
    TicketEvent,
    TicketNumber,
    TicketStatus,
    User,
    utcnow,
)
from .catalogue import is_offered
from .clock import business_date, local_now
from .errors import (
    N_,
    CounterTaken,
    InvalidInput,
    InvalidTransition,
    IssuingStopped,
    KioskError,
    NotFound,
    QueueEmpty,
    QueueFull,
    ServiceNotOffered,
    ServiceUnavailable,
    TicketGone,
    WrongCounter,
)
from .estimates import estimate_wait
from .hours import issuing_state
from .routing import Candidate, Candidates, PriorityTurns, locked_picks, one_of

OUTCOMES = ("served", "incomplete_documents", "referred", "other")
BREAK_REASONS = ("short", "lunch", "meeting", "technical", "other")
POSITIONS = ("end", "front", "age")
# Built once: it is on every state change. Its columns are named, so that it compiles the same
# for the session and for a psycopg pipeline (``_pipelined``).
_INSERT_EVENT = insert(TicketEvent.__table__).values(
    {column.key: bindparam(column.key, type_=column.type)
     for column in TicketEvent.__table__.columns if column.key != "id"}
).inline()
# "The caller did not say which ticket it saw at the counter": nothing to check (see call_next).
NOT_GIVEN = object()


# --- issuing -----------------------------------------------------------------------------


def issue_ticket(
    session: Session,
    office: Office,
    service_id: int,
    *,
    priority: bool = False,
    now: dt.datetime | None = None,
    check_hours: bool = True,
) -> Ticket:
    """Issue the next ticket for a service offered at the office, numbered per queue and day.

    Outside opening hours (and in the last minutes before closing) the kiosk issues nothing;
    a clerk may still issue one for a citizen already inside (``check_hours=False``). The
    wait quoted to the citizen is kept on the ticket.
    """
    now = now or utcnow()
    offer = _offer(session, office, service_id, now)
    if priority and not offer.service.priority_allowed:
        raise InvalidInput(N_("Priority tickets are not issued for this service."))
    if check_hours and not issuing_state(office, now).open:
        raise IssuingStopped()
    queue = offer.queue
    day = business_date(now, office.timezone, queue.reset_time)
    number = _next_number(session, queue, day)
    ticket = Ticket(
        office_id=office.id,
        queue_id=queue.id,
        service_id=service_id,
        business_date=day,
        number=number,
        code=f"{queue.prefix}{number:03d}",
        priority=priority,
        issued_at=now,
        queued_at=now,
        status=TicketStatus.WAITING,
    )
    session.add(ticket)
    session.flush()
    from .state import people_ahead  # state reads what this module writes

    estimate = estimate_wait(session, ticket, people_ahead(session, ticket), now)
    ticket.quoted_wait_min, ticket.quoted_wait_max = estimate.low, estimate.high
    _record(session, ticket, "issued", now=now, service_id=service_id, priority=priority,
            expected=estimate.expected)
    return ticket


def _offer(session: Session, office: Office, service_id: int, now: dt.datetime) -> OfficeService:
    """The office's offer of a service that takes tickets now (issued, or transferred to)."""
    offer = session.scalar(
        select(OfficeService)
        .join(Service)
        .where(
            OfficeService.office_id == office.id,
            OfficeService.service_id == service_id,
            OfficeService.active.is_(True),
            Service.status == "published",
        )
    )
    if offer is None:
        raise ServiceUnavailable()
    if not is_offered(offer.service, local_now(now, office.timezone).date()):
        raise ServiceNotOffered()  # retired, or outside its validity on the office's date
    return offer


def _next_number(session: Session, queue: Queue, day: dt.date) -> int:
    """Bump the queue's counter for the day in one atomic statement and return the new number.

    ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` never hands out a number twice and
    leaves no gap: if the ticket's transaction rolls back, the bump rolls back with it.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(TicketNumber).values(queue_id=queue.id, business_date=day, last=queue.number_min)
    stmt = stmt.on_conflict_do_update(
        index_elements=[TicketNumber.queue_id, TicketNumber.business_date],
        set_={"last": TicketNumber.last + 1},
    ).returning(TicketNumber.last)
    number = session.execute(stmt).scalar_one()
    if number > queue.number_max:
        raise QueueFull()
    return number


# --- calling -----------------------------------------------------------------------------


def call_next(session: Session, counter: Counter, **options) -> Ticket:
    """``call_next_id`` (same arguments), returning the ticket called."""
    ticket_id = call_next_id(session, counter, **options)
    return session.get(Ticket, ticket_id, populate_existing=True)


def call_next_id(
    session: Session,
    counter: Counter,
    *,
    clerk: User | None = None,
    now: dt.datetime | None = None,
    outcome: str = "served",
    seen: int | None | object = NOT_GIVEN,
) -> int:
    """Call the next ticket this counter serves; finish the one it was serving first, with
    ``outcome``. Returns the id of the ticket called (``call_next`` returns the ticket).

    ``seen`` is the ticket the clerk had before them when they pressed (None: none). If the
    counter's ticket is another one by now (a second click, another window), nothing is
    finished or called: ``InvalidTransition``. Nobody waiting: ``QueueEmpty``, and the
    counter keeps its ticket. A call that fails has changed nothing.

    Race-free on both databases: the ticket picked (``routing.Candidates``) is claimed by an
    ``UPDATE ... WHERE status = 'waiting'`` that on PostgreSQL also skips a row another
    transaction holds (``FOR UPDATE SKIP LOCKED``), so two clerks calling at the same instant
    never get the same one. SQLite has no row locks; there the write transaction (BEGIN
    IMMEDIATE) serialises the callers instead. The statements run on the connection, past
    the ORM (whose UPDATE ... RETURNING of a whole Ticket cost more than the rest of the
    call).
    """
    call = NextCall(counter, clerk=clerk, now=now, outcome=outcome, seen=seen)
    call_next_many(session, [call])
    if call.error is not None:
        raise call.error
    return call.ticket_id


class NextCall:
    """One counter's "call next" for ``call_next_many`` (arguments as ``call_next_id``'s),
    and what came of it: the ticket called or the error."""

    __slots__ = ("counter", "clerk", "now", "outcome", "seen", "ticket_id", "error")

    def __init__(self, counter: Counter, *, clerk: User | None = None,
                 now: dt.datetime | None = None, outcome: str = "served",
                 seen: int | None | object = NOT_GIVEN):
        self.counter, self.clerk, self.outcome, self.seen = counter, clerk, outcome, seen
        self.now = now or utcnow()
        self.ticket_id: int | None = None
        self.error: KioskError | None = None


def call_next_many(session: Session, calls: list[NextCall]) -> None:
    """``call_next_id`` for several counters (the clerks who pressed at the same moment),
    made in order, as if one after the other: each call gets its ``ticket_id`` or its
    ``error``, and a call that fails changes nothing. Every rule is checked before the
    call's claim, its first write. The calls share their statements: the counters' current
    tickets are read (and locked) in one, and the claims are made together (``_claim_all``).
    On PostgreSQL (psycopg) the claims' one statement also finishes what the counters served
    and writes both events (``_CLAIM_AND_RECORD``); on SQLite the tickets finished and the
    events are written after the claims, in one statement each.

    A claim waits for the claims before it when their outcome decides it: a second call of
    the same counter (it finishes what the first called), and every call at an office whose
    priority policy counts the last calls (``PriorityTurns.fixed``)."""
    session.flush()  # the statements below go past the ORM, which would have flushed
    # the first batch's candidates come with the current tickets, in the same round trip
    prefetched = Candidates([call.counter for call in calls], depth=len(calls))
    current = _current_tickets(session, [call.counter for call in calls], prefetched)
    records = session.get_bind().dialect.driver == "psycopg"  # the claims write the rest
    turns: dict[int, PriorityTurns] = {}
    finished, events = [], []  # for _write_finished, when the claims do not write them
    changed: set[int] = set()  # the tickets finished or called, when they do
    batch: list[tuple[NextCall, bool]] = []  # checked calls whose claims are not made yet
    in_batch, in_batch_offices = set(), set()  # their counters and offices

    def claim_batch() -> None:
        nonlocal prefetched  # for the first batch only: the others' claims change the lines
        rows = _claim_all(session, [(call, first, current[call.counter.id])
                                    for call, first in batch], record=records,
                          candidates=prefetched)
        prefetched = None
        for (call, _), row in zip(batch, rows, strict=True):
            counter, now = call.counter, call.now
            if row is None:
                call.error = QueueEmpty()
                continue
            turns[counter.office_id].called(row.priority)
            if counter.status != CounterStatus.OPEN:  # a closed counter opens when its clerk calls
                open_counter(session, counter, clerk=call.clerk, now=now)
            if records:
                changed.update(current[counter.id], [row.id])
            else:
                _finishing(current[counter.id], counter, clerk=call.clerk, now=now,
                           outcome=call.outcome, into=(finished, events))
                events.append(_event(row.id, row.office_id, row.status, "called",
                                     now=now, counter=counter, clerk=call.clerk))
            current[counter.id] = [row.id]
            call.ticket_id = row.id
        batch.clear()
        in_batch.clear()
        in_batch_offices.clear()

    for call in calls:
        counter = call.counter
        if counter.office_id not in turns:
            turns[counter.office_id] = PriorityTurns(session, counter.office, call.now)
        turn = turns[counter.office_id]
        if counter.id in in_batch or (not turn.fixed and counter.office_id in in_batch_offices):
            claim_batch()  # this claim depends on theirs
        try:
            _check_call(counter, call.outcome, call.seen, current[counter.id])
        except KioskError as exc:
            call.error = exc
            continue
        batch.append((call, turn.next()))
        in_batch.add(counter.id)
        in_batch_offices.add(counter.office_id)
    claim_batch()
    _write_finished(session, finished, events)
    _expire_held(session, changed)


def _current_tickets(session: Session, counters: list[Counter],
                     candidates: Candidates | None = None) -> dict[int, list[int]]:
    """{counter id: the ids of the tickets it is serving}, locked until the transaction ends;
    and ``candidates`` filled, read with them (one round trip on psycopg)."""
    connection = session.connection()
    postgres = connection.dialect.name == "postgresql"
    current: dict[int, list[int]] = {counter.id: [] for counter in counters}
    rows, *read = _read_all(connection, [(_current_statement(postgres),
                                          {"counters": list(current)}),
                                         *(candidates.statements(postgres) if candidates else ())])
    for ticket_id, counter_id in rows:
        current[counter_id].append(ticket_id)
    if candidates:
        candidates.fill(read)
    return current


@functools.cache
def _current_statement(postgres: bool):
    return (select(Ticket.id, Ticket.counter_id)
            .where(one_of(Ticket.counter_id, "counters", postgres),
                   Ticket.status == TicketStatus.CALLED)
            .order_by(Ticket.id)
            .with_for_update())


def _check_call(counter: Counter, outcome: str, seen, current: list[int]) -> None:
    """The rules a call must pass before it changes anything (see ``call_next_id``)."""
    _check_not_on_break(counter)
    if outcome not in OUTCOMES:
        raise InvalidInput(N_("Choose how the visit ended."))
    _check_seen(seen, current)


def _check_not_on_break(counter: Counter) -> None:
    if counter.status == CounterStatus.BREAK:
        raise InvalidTransition(N_("Your counter is on a break. End the break to call."))


def _check_seen(seen, current: list[int]) -> None:
    """The clerk saw ``seen`` at the counter (see ``call_next_id``); it serves ``current``."""
    if seen is not NOT_GIVEN and current != ([] if seen is None else [seen]):
        raise InvalidTransition(N_(
            "The ticket at your counter has changed meanwhile (a second click, or another"
            " window). Nothing was done: check the counter and try again."
        ))


def _claim_all(session: Session, claims: list[tuple[NextCall, bool, list[int]]], *,
               record: bool, candidates: Candidates | None = None) -> list:
    """Claim each counter's next ticket, for each (call, priority first, the tickets its
    counter serves), in order: the ticket's id, office, status and priority, or None when
    there was none to claim. With ``record`` (PostgreSQL through psycopg), the claims also
    finish the tickets their counters served and write both events, in the order of the
    claims (``_CLAIM_AND_RECORD``).

    The tickets the calls may take (``routing.Candidates``, or ``candidates`` read for these
    counters or more, at least as deep) are read in a few statements, one round trip on
    psycopg; each call's pick is made among them in order, and the picks are written
    together, in one statement on psycopg (a claim of its own for each call, each walking
    the lines again, made a 20-call group take 13 ms on PostgreSQL instead of 10). A claim
    writes its ticket only while it is still waiting and no other transaction holds it (SKIP
    LOCKED): only what it claims is locked. The picks lost so (another process's clerk took
    or holds the ticket: PostgreSQL only) are made again after the others, passing over the
    tickets lost; those lost again, and calls left with nothing but tickets lost, once more
    on the server, each locked as it is made (``_locked_picks``): that third try loses none.
    SQLite has one writer: there nothing is lost."""
    connection = session.connection()
    postgres = connection.dialect.name == "postgresql"
    rows: list = [None] * len(claims)
    pending = list(range(len(claims)))
    skipped: set[int] = set()  # tickets lost to other transactions
    for attempt in range(3):
        if attempt < 2:
            if candidates is None:
                candidates = Candidates([claims[i][0].counter for i in pending],
                                        depth=len(pending) + len(skipped))
                candidates.fill(_read_all(connection, candidates.statements(postgres)))
            picks = _picks(candidates, [(i, claims[i]) for i in pending], skipped)
        else:  # lost again: made on the server, each locked as it is made
            picks = _locked_picks(connection, [(i, claims[i]) for i in pending])
        if record:
            claimed = _claim_and_record(connection, [(i, claims[i], t) for i, t in picks])
        else:
            claimed = _claim_on_sqlite(connection, [(i, claims[i][0], t) for i, t in picks])
        picked = set()
        for i, ticket in picks:
            rows[i] = claimed.get(i)
            picked.add(i)
            if rows[i] is None:
                skipped.add(ticket.id)
        # then: the lost picks; after the second try also the calls left with none but the
        # tickets lost (others may let them go), so that the locked try decides
        pending = [i for i in pending if rows[i] is None and (attempt or i in picked)]
        if not pending:
            break
        candidates = None
    return rows


def _picks(candidates: Candidates, claims: list, skipped: set[int]) -> list:
    """(index, ticket) of each (index, (call, priority first, current)) that has a pick
    among the candidates but ``skipped``, each after the picks before it."""
    taken, picks = set(skipped), []
    for i, (call, priority_first, _) in claims:
        ticket = candidates.pick(call.counter, priority_first, taken)
        if ticket is not None:
            taken.add(ticket.id)
            picks.append((i, ticket))
    return picks


def _locked_picks(connection, claims: list) -> list:
    """``_picks`` made on the server, one call after the other, each ticket locked as it is
    picked and the tickets other transactions hold passed over (``routing.locked_picks``):
    the claims of these picks cannot be lost."""
    taken, picks = set(), []
    for i, (call, priority_first, _) in claims:
        for statement, params in locked_picks(call.counter, priority_first, taken):
            row = connection.execute(statement, params).first()
            if row is not None:
                ticket = Candidate(*row)
                taken.add(ticket.id)
                picks.append((i, ticket))
                break
    return picks


def _read_all(connection, statements: list) -> list[list]:
    """Every row of each (statement, parameters): in one round trip on psycopg, where they
    are planned once per connection (``_GENERIC_PLANS``)."""
    if connection.dialect.driver == "psycopg":
        return _pipelined(connection, [(_GENERIC_PLANS, {}), *statements,
                                       (_DEFAULT_PLANS, {})])[1:-1]
    return [connection.execute(statement, params).all() for statement, params in statements]


# Call next's statements are planned once per connection. The driver prepares a statement
# run five times, after which PostgreSQL plans it anew for each call's values for as long as
# it deems that cheaper than the plan made once: with the statistics autovacuum gathers, it
# did so for good for the claims (0.1-0.9 ms each, more than the claim). The plan made once
# is the one wanted (one walk along an index that stops after a few rows). Set and reset
# around the reads and around the claims' write, in the same round trips (a statement's
# plan is chosen when it runs).
_GENERIC_PLANS = text("SET LOCAL plan_cache_mode = force_generic_plan")
_DEFAULT_PLANS = text("SET LOCAL plan_cache_mode = DEFAULT")


_Claimed = collections.namedtuple("_Claimed", "id office_id status priority")
_CLAIM_BY_ID = (
    update(Ticket)
    .where(Ticket.id == bindparam("ticket"), Ticket.status == TicketStatus.WAITING)
    .values(status=TicketStatus.CALLED, counter_id=bindparam("counter"),
            target_counter_id=None, called_at=bindparam("now"), recalls=0)
)


def _claim_on_sqlite(connection, picks: list) -> dict[int, _Claimed]:
    """SQLite: claim the tickets picked, for (index, call, ticket), in one executemany
    (without the finishing and the events). The write transaction is the only writer, so
    every ticket picked is still waiting; a claim that found its ticket gone would mean
    another writer, and fails the transaction rather than call a ticket twice."""
    if not picks:
        return {}
    result = connection.execute(_CLAIM_BY_ID, [
        {"ticket": ticket.id, "counter": call.counter.id, "now": call.now}
        for _, call, ticket in picks])
    if result.rowcount != len(picks):
        raise RuntimeError("a ticket picked was taken by another writer meanwhile")
    return {i: _Claimed(ticket.id, ticket.office_id, TicketStatus.CALLED, ticket.priority)
            for i, _, ticket in picks}


# PostgreSQL: a batch's claims, the finishing of what their counters served and the events
# of both, in one statement (data-modifying WITH; every part sees the tickets as they were
# before it). A claim takes its ticket only if it is still waiting and no other transaction
# holds it; nothing is finished or logged for a counter whose claim took nothing. The events
# go in the claims' order, each counter's "finished" before its "called", as on SQLite.
_CLAIM_AND_RECORD = text("""
WITH pick AS (
  SELECT * FROM unnest(CAST(:tickets AS integer[]), CAST(:counters AS integer[]),
                       CAST(:ats AS timestamptz[]), CAST(:actors AS integer[]),
                       CAST(:outcomes AS text[]), CAST(:finished_data AS json[]),
                       CAST(:orders AS integer[]))
           AS pick (ticket, counter, at, actor, outcome, finished_data, ord)),
claimed AS (
  UPDATE ticket SET status = 'called', counter_id = pick.counter, target_counter_id = NULL,
                    called_at = pick.at, recalls = 0
  FROM pick
  WHERE ticket.id = pick.ticket AND ticket.status = 'waiting'
    AND ticket.id IN (SELECT id FROM ticket WHERE id = ANY(CAST(:tickets AS integer[]))
                      FOR UPDATE SKIP LOCKED)
  RETURNING ticket.id, ticket.office_id, ticket.status, ticket.priority, pick.counter,
            pick.at, pick.actor, pick.outcome, pick.finished_data, pick.ord),
finished AS (
  UPDATE ticket SET status = 'done', finished_at = claimed.at, outcome = claimed.outcome
  FROM claimed
  WHERE ticket.id = ANY(CAST(:current AS integer[])) AND ticket.counter_id = claimed.counter
    AND ticket.status = 'called'
  RETURNING ticket.id, ticket.office_id, ticket.status, claimed.counter, claimed.at,
            claimed.actor, claimed.finished_data, claimed.ord),
events AS (
  INSERT INTO ticket_event (ticket_id, office_id, at, kind, status, counter_id, actor_id, data)
  SELECT id, office_id, at, kind, status, counter, actor, data FROM (
    SELECT id, office_id, at, 'finished' AS kind, status, counter, actor,
           finished_data AS data, ord, 0 AS o FROM finished
    UNION ALL
    SELECT id, office_id, at, 'called', status, counter, actor, CAST('{}' AS json), ord, 1
    FROM claimed) AS e
  ORDER BY ord, o, id)
SELECT ord, id, office_id, status, priority FROM claimed
""").bindparams(
    bindparam("tickets", type_=postgresql.ARRAY(Integer)),
    bindparam("counters", type_=postgresql.ARRAY(Integer)),
    bindparam("ats", type_=postgresql.ARRAY(TicketEvent.__table__.c.at.type)),  # aware only
    bindparam("actors", type_=postgresql.ARRAY(Integer)),
    bindparam("outcomes", type_=postgresql.ARRAY(Ticket.__table__.c.outcome.type)),
    bindparam("finished_data", type_=postgresql.ARRAY(TicketEvent.__table__.c.data.type)),
    bindparam("orders", type_=postgresql.ARRAY(Integer)),
    bindparam("current", type_=postgresql.ARRAY(Integer)),
)


def _claim_and_record(connection, picks: list) -> dict[int, _Claimed]:
    """``_CLAIM_AND_RECORD`` for (index, (call, priority first, current tickets), ticket):
    {index: the ticket claimed} for the claims that took theirs."""
    if not picks:
        return {}
    calls = [claim[0] for _, claim, _ in picks]
    params = {
        "tickets": [ticket.id for _, _, ticket in picks],
        "counters": [call.counter.id for call in calls],
        "ats": [call.now for call in calls],
        "actors": [call.clerk.id if call.clerk else None for call in calls],
        "outcomes": [call.outcome for call in calls],
        "finished_data": [{"outcome": call.outcome, "auto": True}
                          for call in calls],  # as _finishing's
        "orders": [i for i, _, _ in picks],
        "current": [ticket for _, claim, _ in picks for ticket in claim[2]],
    }
    rows = _pipelined(connection, [(_GENERIC_PLANS, {}), (_CLAIM_AND_RECORD, params),
                                   (_DEFAULT_PLANS, {})])[1]
    return {row[0]: _Claimed(*row[1:]) for row in rows}


def _pipelined(connection, statements: list, *, returning: bool = True) -> list:
    """Run (statement, parameters) pairs in one psycopg pipeline on the SQLAlchemy
    connection's driver connection: sent at once, run in order, one round trip. With
    ``returning``, the list of each statement's rows, in order. Without, a run of the same
    statement goes as one ``executemany`` (its Python side costs a third of one ``execute``
    each; with rows to return, psycopg would wait for each run's results, a round trip
    each). A failed
    statement raises the driver's error, after which the transaction is to be rolled back
    (the caller's session does); a connection lost meanwhile is invalidated."""
    driver = connection.connection.driver_connection
    dialect = connection.dialect
    cursors = []
    try:
        with driver.pipeline():
            if returning:
                for statement, params in statements:
                    cursors.append(driver.cursor())
                    cursors[-1].execute(*_driver_call(statement, params, dialect))
            else:
                for statement, run in itertools.groupby(statements, key=operator.itemgetter(0)):
                    sql = _driver_sql(statement, dialect)[0]
                    many = [_driver_call(statement, params, dialect)[1] for _, params in run]
                    cursors.append(driver.cursor())
                    cursors[-1].executemany(sql, many)
        # leaving the pipeline waited for every result; an error in any statement was raised
        if not returning:
            return []
        return [cursor.fetchall() if cursor.description else [] for cursor in cursors]
    except Exception:
        if driver.broken or driver.closed:
            connection.invalidate()
        raise
    finally:
        for cursor in cursors:
            cursor.close()


def _driver_call(statement, params: dict, dialect) -> tuple[str, dict]:
    """The SQL and the driver's parameters for the statement, converted as SQLAlchemy would
    (the types' bind processors)."""
    sql, processors = _driver_sql(statement, dialect)
    if params.keys() - processors.keys():  # a value for a constant would be lost
        raise ValueError(f"not parameters of the statement: {params.keys() - processors.keys()}")
    return sql, {name: params[name] if process is None else process(params[name])
                 for name, process in processors.items()}


@functools.lru_cache(maxsize=64)  # a few shapes of statement, for the process's engine
def _driver_sql(statement, dialect):
    """The statement compiled for the dialect: its SQL, with the statement's constants
    written in (a status: a parameter each cost the driver as much as a value given each
    time), and {name: bind processor or None} of the parameters
    each execution gives."""
    compiled = statement.compile(dialect=dialect)
    sql, processors = str(compiled), {}
    for bind, name in compiled.bind_names.items():
        if bind.callable or bind.expanding or bind.literal_execute:
            raise ValueError(f"{name}: a parameter whose value is not known when compiled")
        if bind.required:
            processors[name] = (processors.get(name)
                                or bind.type.dialect_impl(dialect).bind_processor(dialect))
        else:
            sql = sql.replace(f"%({name})s",
                              compiled.render_literal_value(bind.effective_value, bind.type))
    return sql, processors


def call_ticket(
    session: Session,
    counter: Counter,
    ticket_id: int,
    *,
    clerk: User | None = None,
    now: dt.datetime | None = None,
    outcome: str = "served",
    seen: int | None | object = NOT_GIVEN,
) -> Ticket:
    """Call one particular waiting ticket to this counter, out of turn; the ticket it was
    serving is finished with ``outcome`` (``outcome`` and ``seen``: as for ``call_next``)."""
    now = now or utcnow()
    if outcome not in OUTCOMES:
        raise InvalidInput(N_("Choose how the visit ended."))
    _ready_to_call(session, counter, clerk, now)
    ticket = _locked_ticket(session, ticket_id, counter.office_id)
    if ticket.status != TicketStatus.WAITING:
        raise InvalidTransition(N_("This ticket is no longer waiting."))
    session.flush()  # _current_tickets reads past the ORM
    current = _current_tickets(session, [counter])[counter.id]
    _check_seen(seen, current)
    finished, events = [], []
    _finishing(current, counter, clerk=clerk, now=now, outcome=outcome, into=(finished, events))
    _write_finished(session, finished, events)
    ticket.status = TicketStatus.CALLED
    ticket.counter_id = counter.id
    ticket.target_counter_id = None
    ticket.called_at = now
    ticket.recalls = 0  # the recalls of this call
    _record(session, ticket, "called", counter=counter, clerk=clerk, now=now, out_of_turn=True)
    return ticket


def recall(
    session: Session,
    counter: Counter,
    ticket_id: int,
    *,
    clerk: User | None = None,
    now: dt.datetime | None = None,
) -> Ticket:
    """Announce the counter's current ticket again; the number of recalls is counted."""
    ticket = _serving_ticket(session, counter, ticket_id)
    ticket.recalls += 1
    _record(session, ticket, "recalled", counter=counter, clerk=clerk, now=now or utcnow())
    return ticket


# --- ending, holding, moving ---------------------------------------------------------------


def finish(
    session: Session,
    counter: Counter,
    ticket_id: int,
    *,
    outcome: str = "served",
    clerk: User | None = None,
    now: dt.datetime | None = None,
) -> Ticket:
    """Finish serving the counter's current ticket, with how the visit ended."""
    if outcome not in OUTCOMES:
        raise InvalidInput(N_("Choose how the visit ended."))
    ticket = _serving_ticket(session, counter, ticket_id)
    _finish(session, ticket, counter=counter, clerk=clerk, now=now or utcnow(), outcome=outcome)
    return ticket


def mark_no_show(
    session: Session,
    counter: Counter,
    ticket_id: int,
    *,
    clerk: User | None = None,
    now: dt.datetime | None = None,
) -> Ticket:
    """Record that the citizen did not come when called; they may return within the grace."""
    now = now or utcnow()
    ticket = _serving_ticket(session, counter, ticket_id)
    ticket.status = TicketStatus.NO_SHOW
    ticket.finished_at = now
    _record(session, ticket, "no_show", counter=counter, clerk=clerk, now=now)
    return ticket


def return_no_show(
    session: Session,
    office: Office,
    ticket_id: int,
    *,
    clerk: User | None = None,
    now: dt.datetime | None = None,
) -> Ticket:
    """Put a no-show back in its old place in the queue, if they came within the grace period."""
    now = now or utcnow()
    ticket = _locked_ticket(session, ticket_id, office.id)
    if ticket.status != TicketStatus.NO_SHOW:
        raise InvalidTransition(N_("Only a ticket marked as no-show can come back."))
    if now - ticket.finished_at > dt.timedelta(minutes=office.no_show_grace_minutes):
        raise InvalidTransition(N_("The grace period for this ticket has passed."))
    ticket.status = TicketStatus.WAITING
    ticket.counter_id = None
    ticket.finished_at = None
    _record(session, ticket, "returned", clerk=clerk, now=now)
    return ticket


def park(
    session: Session,
    counter: Counter,
    ticket_id: int,
    *,
    clerk: User | None = None,
    now: dt.datetime | None = None,
) -> Ticket:
    """Put the current ticket on hold at this counter (the citizen fetches a paper, ...)."""
    ticket = _serving_ticket(session, counter, ticket_id)
    ticket.status = TicketStatus.PARKED
    _record(session, ticket, "parked", counter=counter, clerk=clerk, now=now or utcnow())
    return ticket


def resume(
    session: Session,
    counter: Counter,
    ticket_id: int,
    *,
    clerk: User | None = None,
    now: dt.datetime | None = None,
) -> Ticket:
    """Take a ticket parked at this counter back up (not during a break)."""
    now = now or utcnow()
    ticket = _locked_ticket(session, ticket_id, counter.office_id)
    if ticket.status != TicketStatus.PARKED:
        raise InvalidTransition(N_("This ticket is not on hold."))
    if ticket.counter_id != counter.id:
        raise WrongCounter()
    if current_ticket(session, counter) is not None:
        raise InvalidTransition(N_("Finish or put on hold the ticket you are serving first."))
    _ready_to_call(session, counter, clerk, now)
    ticket.status = TicketStatus.CALLED
    _record(session, ticket, "resumed", counter=counter, clerk=clerk, now=now)
    return ticket


def transfer(
    session: Session,
    counter: Counter,
    ticket_id: int,
    *,
    service_id: int | None = None,
    to_counter_id: int | None = None,
    position: str = "end",
    clerk: User | None = None,
    now: dt.datetime | None = None,
) -> Ticket:
    """Send the current ticket to another service and/or counter: to the front of the queue,
    to its end, or by the ticket's age (its original issue time)."""
    now = now or utcnow()
    if position not in POSITIONS:
        raise InvalidInput(N_("Choose where in the queue the ticket goes."))
    if service_id is None and to_counter_id is None:
        raise InvalidInput(N_("Choose a service or a counter to transfer the ticket to."))
    ticket = _serving_ticket(session, counter, ticket_id, allow_parked=True)
    if service_id is not None and service_id != ticket.service_id:
        # to a service the office takes tickets for now (not a draft, not retired)
        ticket.service_id = _offer(session, counter.office, service_id, now).service_id
    if to_counter_id is not None:
        target = session.get(Counter, to_counter_id)
        if target is None or target.office_id != counter.office_id or not target.active:
            raise NotFound(N_("There is no such counter at this office."))
        if target.status == CounterStatus.CLOSED:
            raise InvalidTransition(
                N_("That counter is closed. Choose another counter, or any counter.")
            )
    if position == "front":
        first = session.scalar(
            select(func.min(Ticket.queued_at)).where(
                Ticket.office_id == counter.office_id, Ticket.status == TicketStatus.WAITING
            )
        )
        ticket.queued_at = min(first, now) - dt.timedelta(seconds=1) if first else now
    elif position == "age":
        ticket.queued_at = ticket.issued_at
    else:
        ticket.queued_at = now
    ticket.status = TicketStatus.WAITING
    ticket.counter_id = None
    ticket.target_counter_id = to_counter_id
    ticket.transfers += 1
    _record(
        session,
        ticket,
        "transferred",
        counter=counter,
        clerk=clerk,
        now=now,
        service_id=ticket.service_id,
        target_counter_id=to_counter_id,
        position=position,
    )
    return ticket


# --- counters ------------------------------------------------------------------------------


def open_counter(
    session: Session, counter: Counter, *, clerk: User | None, now: dt.datetime | None = None
) -> Counter:
    """A clerk sits down at the counter: it is open and theirs (taking over if need be)."""
    now = now or utcnow()
    if counter.status == CounterStatus.OPEN and counter.clerk_id == (clerk.id if clerk else None):
        return counter
    _set_counter(session, counter, CounterStatus.OPEN, "open", clerk=clerk, now=now)
    counter.clerk_id = clerk.id if clerk else None
    return counter


def start_break(
    session: Session,
    counter: Counter,
    reason: str,
    *,
    clerk: User | None = None,
    now: dt.datetime | None = None,
) -> Counter:
    """Put the counter on a break with a reason; it calls nobody until resumed."""
    if reason not in BREAK_REASONS:
        raise InvalidInput(N_("Choose a reason for the break."))
    if current_ticket(session, counter) is not None:
        raise InvalidTransition(N_("Finish or put on hold the ticket you are serving first."))
    _set_counter(
        session, counter, CounterStatus.BREAK, "break", clerk=clerk, now=now, reason=reason
    )
    return counter


def end_break(
    session: Session, counter: Counter, *, clerk: User | None = None, now: dt.datetime | None = None
) -> Counter:
    """Open the counter again after a break."""
    if counter.status != CounterStatus.BREAK:
        raise InvalidTransition(N_("This counter is not on a break."))
    _set_counter(session, counter, CounterStatus.OPEN, "resume", clerk=clerk, now=now)
    return counter


def close_counter(
    session: Session, counter: Counter, *, clerk: User | None = None, now: dt.datetime | None = None
) -> Counter:
    """Close the counter for the day (or until someone opens it again); nobody may be left
    at it, served or on hold."""
    if current_ticket(session, counter) is not None:
        raise InvalidTransition(N_("Finish or put on hold the ticket you are serving first."))
    if session.scalar(select(exists().where(
        Ticket.counter_id == counter.id, Ticket.status == TicketStatus.PARKED
    ))):
        raise InvalidTransition(N_("Resume or transfer the tickets on hold at this counter first."))
    _set_counter(session, counter, CounterStatus.CLOSED, "close", clerk=clerk, now=now)
    counter.clerk_id = None
    return counter


def holder_instead_of(session: Session, counter: Counter, clerk: User) -> User | None:
    """The colleague who holds this open (or paused) counter, when it is not ``clerk``."""
    if counter.status == CounterStatus.CLOSED or counter.clerk_id in (None, clerk.id):
        return None
    return session.get(User, counter.clerk_id)


def check_holder(session: Session, counter: Counter, clerk: User) -> None:
    """A clerk acts only at a counter that is theirs (or nobody's). After a colleague took it
    over, the first clerk's screen changes nothing there; they may take it back."""
    holder = holder_instead_of(session, counter, clerk)
    if holder is not None:
        raise CounterTaken(name=holder.name)


def _set_counter(session, counter, status, kind, *, clerk, now, reason=None):
    now = now or utcnow()
    counter.status = status
    counter.status_reason = reason
    counter.status_since = now
    session.add(
        CounterEvent(
            counter_id=counter.id,
            office_id=counter.office_id,
            at=now,
            kind=kind,
            reason=reason,
            actor_id=clerk.id if clerk else None,
        )
    )
    session.flush()


def _ready_to_call(session, counter: Counter, clerk, now) -> None:
    """A counter on a break calls nobody; a closed one opens when its clerk calls."""
    _check_not_on_break(counter)
    if counter.status != CounterStatus.OPEN:
        open_counter(session, counter, clerk=clerk, now=now)


# --- the day's end --------------------------------------------------------------------------


def close_day(session: Session, office: Office, *, now: dt.datetime | None = None) -> int:
    """Cancel the tickets of earlier business days still open, close the idle counters of
    those days; return how many tickets were closed."""
    now = now or utcnow()
    closed = 0
    for queue in office.queues:
        today = business_date(now, office.timezone, queue.reset_time)
        stale = session.scalars(
            select(Ticket)
            .where(
                Ticket.queue_id == queue.id,
                Ticket.business_date < today,
                Ticket.status.in_(OPEN_STATUSES),
            )
            .with_for_update()
        ).all()
        for ticket in stale:
            ticket.status = TicketStatus.CANCELLED
            ticket.finished_at = now
            _record(session, ticket, "closed", now=now, counter_id=ticket.counter_id)
            closed += 1
    if closed:
        for counter in office.counters:
            if counter.status != CounterStatus.CLOSED and current_ticket(session, counter) is None:
                _set_counter(
                    session,
                    counter,
                    CounterStatus.CLOSED,
                    "close",
                    clerk=None,
                    now=now,
                    reason="day_closed",
                )
                counter.clerk_id = None
    session.flush()
    return closed


# --- reading ---------------------------------------------------------------------------------


def current_ticket(session: Session, counter: Counter) -> Ticket | None:
    """The ticket being served at the counter now, if any."""
    return session.scalar(
        select(Ticket)
        .where(Ticket.counter_id == counter.id, Ticket.status == TicketStatus.CALLED)
        .order_by(Ticket.called_at.desc())
        .limit(1)
    )


def serving_since(session: Session, ticket: Ticket) -> dt.datetime:
    """Since when the counter has been serving this ticket: its call, or its return from
    hold (the time on hold is not service time)."""
    since = session.scalar(
        select(func.max(TicketEvent.at)).where(
            TicketEvent.ticket_id == ticket.id, TicketEvent.kind.in_(("called", "resumed"))
        )
    )
    return since or ticket.called_at


def _locked_ticket(session: Session, ticket_id: int, office_id: int) -> Ticket:
    ticket = session.get(Ticket, ticket_id, with_for_update=True, populate_existing=True)
    if ticket is None or ticket.office_id != office_id:
        raise NotFound(N_("This ticket does not exist at this office."))
    return ticket


def _serving_ticket(session, counter, ticket_id, *, allow_parked=False) -> Ticket:
    """The ticket, locked, checked to be called (or parked) at this very counter."""
    ticket = _locked_ticket(session, ticket_id, counter.office_id)
    allowed = (TicketStatus.CALLED, TicketStatus.PARKED) if allow_parked else (TicketStatus.CALLED,)
    if ticket.status not in allowed:
        if ticket.status != TicketStatus.PARKED:  # finished, or sent back to the queue
            raise TicketGone()
        raise InvalidTransition()
    if ticket.counter_id != counter.id:
        raise WrongCounter()
    return ticket


def _finish(session, ticket, *, counter, clerk, now, auto=False, outcome="served"):
    ticket.status = TicketStatus.DONE
    ticket.finished_at = now
    ticket.outcome = outcome
    extra = {"auto": True} if auto else {}
    _record(
        session, ticket, "finished", counter=counter, clerk=clerk, now=now, outcome=outcome, **extra
    )


def _finishing(ticket_ids, counter, *, clerk, now, outcome, into) -> None:
    """Finish what the counter serves (``ticket_ids``, read by ``_current_tickets``) before it
    calls another ticket: add the rows of ``_FINISH_BY_ID`` and the events to ``into``
    (finished, events), for ``_write_finished``."""
    finished, events = into
    for ticket_id in ticket_ids:
        finished.append({"ticket": ticket_id, "now": now, "outcome": outcome})
        events.append(_event(ticket_id, counter.office_id, TicketStatus.DONE, "finished",
                             now=now, counter=counter, clerk=clerk, outcome=outcome, auto=True))


def _write_finished(session: Session, finished: list[dict], events: list[dict]) -> None:
    """Write the tickets finished and the events (one statement each), past the ORM; the
    tickets the session holds are read again when next used."""
    if not finished and not events:
        return
    connection = session.connection()
    if connection.dialect.driver == "psycopg":  # both in one round trip, past SQLAlchemy's
        _pipelined(connection, [(_FINISH_BY_ID, row) for row in finished]  # executemany
                   + [(_INSERT_EVENT, event) for event in events], returning=False)
    else:
        if finished:
            connection.execute(_FINISH_BY_ID, finished)
        if events:
            connection.execute(_INSERT_EVENT, events)
    _expire_held(session, {event["ticket_id"] for event in events})


def _expire_held(session: Session, ticket_ids: set[int]) -> None:
    """Tickets changed past the ORM are read again when next used, those the session holds."""
    if not ticket_ids:
        return
    for key, held in list(session.identity_map.items()):
        if key[0] is Ticket and key[1][0] in ticket_ids:
            session.expire(held)


_FINISH_BY_ID = (  # the tickets _current_tickets read (and locked) at the counters
    update(Ticket)
    .where(Ticket.id == bindparam("ticket"), Ticket.status == TicketStatus.CALLED)
    .values(status=TicketStatus.DONE, finished_at=bindparam("now"), outcome=bindparam("outcome"))
)


def _record(session, ticket, kind, *, now, counter=None, clerk=None, counter_id=None, **data):
    """Append one event to the ticket's log: an INSERT executed at once on the session's
    connection (cheaper than an ORM object and its flush; nothing reads events back through
    the session's identity map)."""
    session.connection().execute(_INSERT_EVENT, _event(
        ticket.id, ticket.office_id, ticket.status, kind,
        now=now, counter=counter, clerk=clerk, counter_id=counter_id, **data))


def _event(ticket_id, office_id, status, kind, *, now, counter=None, clerk=None,
           counter_id=None, **data) -> dict:
    """The row of one event of a ticket's log (``status``: the ticket's, after the event)."""
    return dict(
        ticket_id=ticket_id,
        office_id=office_id,
        at=now,
        kind=kind,
        status=status,
        counter_id=counter.id if counter is not None else counter_id,
        actor_id=clerk.id if clerk is not None else None,
        data=data,
    )
