"""Which waiting tickets a counter may call, and in which order.

- A counter serves the services of its row in the service x counter matrix, best preference
  first; a counter with no row serves every service of its office.
- A ticket transferred to a particular counter waits for that counter only, and comes first
  there.
- Priority tickets come first (policy "strict"), or get one call in every N ("every_n").
- Then the oldest in the queue: ``queued_at``, which a transfer may move to the front or end.

The condition and the order are SQL built once, with the counter and its office as bound
parameters (``routing_params``): "call next" runs on every clerk's click, and building and
hashing a statement cost more than running it. ``CALLABLE`` and ``call_order`` list the
tickets a counter may call, in order (the clerk's screen); call next's own pick
(``next_pick``) finds the first of that list without sorting the whole queue.
"""

from __future__ import annotations

import datetime as dt
import functools

from sqlalchemy import and_, bindparam, case, exists, func, or_, select
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


@functools.cache  # one statement per shape: built once, and its cache key computed once
def next_pick(priority_first: bool, preference_levels: int):
    """The id of the first ticket of ``call_order`` among ``CALLABLE``, as a scalar subquery
    (locked, skipping rows other transactions hold), for a counter whose matrix row has that
    many preference levels (0: it has no row and serves everything). Parameters:
    ``next_pick_params``.

    The order is walked level by level instead of sorted: the tickets sent to this counter;
    then, for each priority class in the policy's order and each preference level, the oldest
    ticket, one read along ``ix_ticket_waiting`` that stops at the first row it finds. So a
    call costs the same with 10 or 2,000 tickets waiting (sorting them all took 1-2 ms at
    1,000, on every call).
    """
    picks = [_first(and_(Ticket.status == TicketStatus.WAITING, _sent_here),
                    call_order(priority_first))]
    for priority in (True, False) if priority_first else (False, True):
        for level in range(preference_levels) if preference_levels else (None,):
            oldest = and_(
                Ticket.office_id == bindparam("office"),
                Ticket.status == TicketStatus.WAITING,
                Ticket.priority == priority,
                Ticket.target_counter_id.is_(None),
            )
            if level is not None:  # the services of this preference in the counter's row
                oldest = and_(oldest, _preference == bindparam(f"level_{level}"))
            picks.append(_first(oldest, (Ticket.queued_at, Ticket.id)))
    return func.coalesce(*picks)


def _first(condition, order):
    return (select(Ticket.id).where(condition).order_by(*order).limit(1)
            .with_for_update(skip_locked=True).scalar_subquery())


def next_pick_params(counter: Counter) -> tuple[int, dict]:
    """The preference levels of the counter's matrix row and ``next_pick``'s parameters."""
    params = routing_params(counter)
    levels = sorted({row.preference for row in counter.matrix})
    params.update((f"level_{i}", preference) for i, preference in enumerate(levels))
    return len(levels), params


def served_preferences(session: Session, counter: Counter) -> dict[int, int] | None:
    """{service_id: preference} for the counter's matrix row, or None when it serves all."""
    rows = session.execute(
        select(CounterService.service_id, CounterService.preference).where(
            CounterService.counter_id == counter.id
        )
    ).all()
    return {service_id: preference for service_id, preference in rows} or None


def served_service_ids(session: Session, counter: Counter) -> list[int] | None:
    """The services this counter serves, best first, or None when it serves all of them."""
    prefs = served_preferences(session, counter)
    return sorted(prefs, key=prefs.get) if prefs else None


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
