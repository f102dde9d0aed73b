"""Which waiting tickets a counter may call, and in which order.

- A counter serves the services of its row in the service x counter matrix, best preference
  first; a counter with no row serves every service of its office.
- A ticket transferred to a particular counter waits for that counter only, and comes first
  there.
- Priority tickets come first (policy "strict"), or get one call in every N ("every_n").
- Then the oldest in the queue: ``queued_at``, which a transfer may move to the front or end.

``CALLABLE`` and ``call_order`` list the tickets a counter may call, in order (the clerk's
screen): SQL built once, with the counter and its office as bound parameters
(``routing_params``). Call next takes the first of that list without sorting the queue:
``Candidates`` reads the few tickets a batch of calls may take and picks each call's in the
same order.
"""

from __future__ import annotations

import collections
import datetime as dt
import functools

from sqlalchemy import Integer, all_, and_, any_, bindparam, case, exists, func, or_, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from ..models import Counter, CounterService, Office, Ticket, TicketEvent, TicketStatus

_COUNTER = bindparam("counter")  # the counter that calls
_sent_here = Ticket.target_counter_id == _COUNTER
_preference = (  # the ticket's service in the counter's matrix row; NULL when not in it
    select(CounterService.preference)
    .where(CounterService.counter_id == _COUNTER, CounterService.service_id == Ticket.service_id)
    .scalar_subquery()
)
_has_matrix_row = exists().where(CounterService.counter_id == _COUNTER)

# The waiting tickets the counter may call: its services (all of them when it has no matrix
# row), or sent to it by a transfer.
CALLABLE = and_(
    Ticket.office_id == bindparam("office"),
    Ticket.status == TicketStatus.WAITING,
    or_(Ticket.target_counter_id.is_(None), _sent_here),
    or_(~_has_matrix_row, _preference.is_not(None), _sent_here),
)


def routing_params(counter: Counter) -> dict:
    """The bound parameters of ``CALLABLE`` and ``call_order`` for this counter."""
    return {"counter": counter.id, "office": counter.office_id}


def call_order(priority_first: bool) -> tuple:
    """ORDER BY terms for calling: sent here first, priority by policy, preference, oldest."""
    return (
        case((_sent_here, 0), else_=1),
        Ticket.priority.desc() if priority_first else Ticket.priority.asc(),
        func.coalesce(_preference, 99),
        Ticket.queued_at,
        Ticket.id,
    )


Candidate = collections.namedtuple(
    "Candidate", "id office_id service_id priority queued_at target_counter_id")
_CANDIDATE_COLUMNS = (Ticket.id, Ticket.office_id, Ticket.service_id, Ticket.priority,
                      Ticket.queued_at, Ticket.target_counter_id)


def preferences(counter: Counter) -> dict[int, int]:
    """{service id: preference} of the counter's row of the matrix (``Counter.matrix_row``);
    empty when it has no row (it serves every service of its office)."""
    return dict(_parsed(counter.matrix_row))


def levels(counter: Counter) -> tuple[frozenset[int] | None, ...]:
    """The services of each preference level of the counter's matrix row, best level first;
    ``(None,)`` for a counter with no row (it serves every service of its office)."""
    return _levels(counter.matrix_row)


@functools.lru_cache(maxsize=1024)  # an office has a few distinct rows, read at every call
def _parsed(matrix_row: str | None) -> tuple[tuple[int, int], ...]:
    if not matrix_row:
        return ()
    return tuple((int(service), int(preference)) for service, preference in
                 (cell.split(":") for cell in matrix_row.split(",")))


@functools.lru_cache(maxsize=1024)
def _levels(matrix_row: str | None) -> tuple[frozenset[int] | None, ...]:
    cells = _parsed(matrix_row)
    if not cells:
        return (None,)
    return tuple(frozenset(s for s, p in cells if p == level)
                 for level in sorted({p for _, p in cells}))


class Candidates:
    """The tickets a batch of calls (counters calling together) may take, read in a few
    statements, and each call's pick among them, in ``call_order``.

    A counter's order is: the tickets sent to it; then, for each priority class in the
    policy's order and each preference level of its row, the oldest ticket (``queued_at``,
    id) of the level's services: a "line". So every ticket sent to the batch's counters and
    the first ``depth`` tickets of each line (office, services, priority) they call from hold
    every call's pick, while the calls before it in the batch take at most ``depth`` - 1 of
    them. Each line is one walk along ``ix_ticket_waiting`` that stops after ``depth`` rows,
    so a call costs the same with 10 or 2,000 tickets waiting; twenty calls share a few
    statements instead of walking the lines twenty times.

    Nothing is locked here: the claims lock what they take (``queue._claim_all``)."""

    def __init__(self, counters: list[Counter], depth: int):
        self.depth = depth
        self.counter_ids = sorted({counter.id for counter in counters})
        self.lines: dict[tuple[int, frozenset[int] | None, bool], list[Candidate]] = {}
        for counter in counters:
            for services in levels(counter):
                for priority in (True, False):
                    self.lines[(counter.office_id, services, priority)] = []
        self.sent: list[Candidate] = []

    def statements(self, postgres: bool) -> list[tuple]:
        """(statement, parameters) to read the candidates, for ``fill``."""
        reads = [(_sent_statement(postgres), {"counters": self.counter_ids})]
        for office_id, services, priority in self.lines:
            params = {"office": office_id, "priority": priority, "depth": self.depth}
            if services is not None:
                params["services"] = sorted(services)
            reads.append((_line_statement(postgres, services is not None), params))
        return reads

    def fill(self, results: list[list]) -> None:
        """Take the rows ``statements`` read, in their order."""
        sent, *lines = results
        self.sent = [Candidate(*row) for row in sent]
        for key, rows in zip(self.lines, lines, strict=True):
            self.lines[key] = [Candidate(*row) for row in rows]

    def pick(self, counter: Counter, priority_first: bool, taken: set[int]) -> Candidate | None:
        """The first ticket of the counter's ``call_order`` that is not in ``taken``."""
        sent = [t for t in self.sent if t.target_counter_id == counter.id and t.id not in taken]
        if sent:
            served = preferences(counter)
            return min(sent, key=lambda t: (t.priority != priority_first,
                                            served.get(t.service_id, 99),
                                            t.queued_at, t.id))
        for priority in (True, False) if priority_first else (False, True):
            for services in levels(counter):
                line = self.lines[(counter.office_id, services, priority)]
                first = next((t for t in line if t.id not in taken), None)
                if first is not None:
                    return first
        return None


def locked_picks(counter: Counter, priority_first: bool, taken: set[int]) -> list[tuple]:
    """PostgreSQL: (statement, parameters) that each return the first ticket of one of the
    counter's lines, in ``call_order``, passing over ``taken`` and the tickets other
    transactions hold, locked (``FOR UPDATE SKIP LOCKED``): the first that returns a row is
    the counter's pick. For a call whose pick another transaction took or holds; it locks
    nothing it does not take."""
    first = {"counter": counter.id, "office": counter.office_id, "taken": sorted(taken)}
    reads = [(_locked_sent_statement(priority_first), first)]
    for priority in (True, False) if priority_first else (False, True):
        for services in levels(counter):
            params = {"office": counter.office_id, "priority": priority, "depth": 1,
                      "taken": sorted(taken)}
            if services is not None:
                params["services"] = sorted(services)
            reads.append((_locked_line_statement(services is not None), params))
    return reads


_TAKEN = Ticket.id != all_(bindparam("taken", type_=postgresql.ARRAY(Integer)))


@functools.cache
def _locked_line_statement(by_services: bool):
    return (_line_statement(True, by_services).where(_TAKEN)
            .with_for_update(skip_locked=True))


@functools.cache
def _locked_sent_statement(priority_first: bool):
    return (select(*_CANDIDATE_COLUMNS)
            .where(Ticket.status == TicketStatus.WAITING, _sent_here, _TAKEN)
            .order_by(*call_order(priority_first)).limit(1)
            .with_for_update(skip_locked=True))


@functools.cache  # built once per shape
def _line_statement(postgres: bool, by_services: bool):
    condition = and_(
        Ticket.office_id == bindparam("office"),
        Ticket.status == TicketStatus.WAITING,
        Ticket.priority == bindparam("priority"),
        Ticket.target_counter_id.is_(None),
    )
    if by_services:
        condition = and_(condition, one_of(Ticket.service_id, "services", postgres))
    return (select(*_CANDIDATE_COLUMNS).where(condition)
            .order_by(Ticket.queued_at, Ticket.id).limit(bindparam("depth", type_=Integer)))


@functools.cache
def _sent_statement(postgres: bool):
    return select(*_CANDIDATE_COLUMNS).where(
        one_of(Ticket.target_counter_id, "counters", postgres),
        Ticket.status == TicketStatus.WAITING)


def one_of(column, name: str, postgres: bool):
    """``column`` is one of the ids the list parameter ``name`` holds: on PostgreSQL one
    array (``= ANY``), so that the statement is prepared once and can run in a psycopg
    pipeline; elsewhere an expanding ``IN``."""
    if postgres:
        return column == any_(bindparam(name, type_=postgresql.ARRAY(Integer)))
    return column.in_(bindparam(name, expanding=True))


def waiting_filter(office_id: int, service_ids: list[int] | None):
    """The SQL condition for the tickets waiting at an office, optionally for some services."""
    cond = and_(Ticket.office_id == office_id, Ticket.status == TicketStatus.WAITING)
    if service_ids is not None:
        cond = and_(cond, Ticket.service_id.in_(service_ids))
    return cond


def priority_turn(session: Session, office: Office, now: dt.datetime) -> bool:
    """Whether a priority ticket goes first on this call, by the office's priority policy."""
    return PriorityTurns(session, office, now).next()


class PriorityTurns:
    """Whose turn it is, call after call, by the office's priority policy (for a batch of
    calls at one office: the recent calls are read once, then each call is added).

    "every_n": one call in every N is a priority call, when a priority ticket waits. It is
    the priority ticket's turn when none of the office's last N-1 calls today was one.
    """

    def __init__(self, session: Session, office: Office, now: dt.datetime):
        self.every = office.priority_every if office.priority_policy == "every_n" else 0
        self.recent: list[bool] = []  # the priority flags of the last calls, newest first
        if self.every >= 2:
            since = now - dt.timedelta(hours=16)
            self.recent = list(session.scalars(
                select(Ticket.priority)
                .join(TicketEvent, TicketEvent.ticket_id == Ticket.id)
                .where(
                    TicketEvent.office_id == office.id,
                    TicketEvent.kind == "called",
                    TicketEvent.at >= since,
                )
                .order_by(TicketEvent.id.desc())
                .limit(self.every - 1)
            ))

    @property
    def fixed(self) -> bool:
        """Whether every call's turn is the same, whatever the calls before it called."""
        return self.every < 2

    def next(self) -> bool:
        """Whether priority tickets go first on the next call."""
        return self.fixed or not any(self.recent[: self.every - 1])

    def called(self, priority: bool) -> None:
        """A ticket (priority or not) was called."""
        self.recent.insert(0, priority)
