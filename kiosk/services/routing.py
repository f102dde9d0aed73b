"""Which waiting tickets a counter may call, and in which order.

- A counter serves the services of its row in the service x counter matrix, best preference
  first; a counter with no row serves every service of its office.
- A ticket transferred to a particular counter waits for that counter only, and comes first
  there.
- Priority tickets come first (policy "strict"), or get one call in every N ("every_n").
- Then the oldest in the queue: ``queued_at``, which a transfer may move to the front or end.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, case, or_, select
from sqlalchemy.orm import Session

from ..models import Counter, CounterService, Office, Ticket, TicketEvent, TicketStatus


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


def callable_filter(counter: Counter, prefs: dict[int, int] | None):
    """The waiting tickets this counter may call: its services, or sent to it by a transfer."""
    mine = Ticket.target_counter_id == counter.id
    cond = and_(
        Ticket.office_id == counter.office_id,
        Ticket.status == TicketStatus.WAITING,
        or_(Ticket.target_counter_id.is_(None), mine),
    )
    if prefs is not None:
        cond = and_(cond, or_(Ticket.service_id.in_(list(prefs)), mine))
    return cond


def call_order(counter: Counter, prefs: dict[int, int] | None, priority_first: bool) -> list:
    """ORDER BY terms for calling: sent here first, priority by policy, preference, oldest."""
    order = [
        case((Ticket.target_counter_id == counter.id, 0), else_=1),
        Ticket.priority.desc() if priority_first else Ticket.priority.asc(),
    ]
    if prefs:
        order.append(case(prefs, value=Ticket.service_id, else_=99))
    order += [Ticket.queued_at, Ticket.id]
    return order


def priority_turn(session: Session, office: Office, now: dt.datetime) -> bool:
    """Whether a priority ticket goes first on this call, by the office's priority policy.

    "every_n": one call in every N is a priority call, when a priority ticket waits. It is
    the priority ticket's turn when none of the office's last N-1 calls today was one.
    """
    if office.priority_policy != "every_n" or office.priority_every < 2:
        return True
    since = now - dt.timedelta(hours=16)
    recent = session.scalars(
        select(Ticket.priority)
        .join(TicketEvent, TicketEvent.ticket_id == Ticket.id)
        .where(
            TicketEvent.office_id == office.id,
            TicketEvent.kind == "called",
            TicketEvent.at >= since,
        )
        .order_by(TicketEvent.id.desc())
        .limit(office.priority_every - 1)
    ).all()
    return not any(recent)
