"""Read models: what displays, clerks, kiosks and the API show about an office's queues."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, contains_eager, joinedload

from ..models import (
    Counter,
    Office,
    OfficeService,
    Service,
    Ticket,
    TicketEvent,
    TicketStatus,
    utcnow,
)
from .catalogue import is_offered
from .clock import local_now
from .hours import IssuingState, issuing_state
from .routing import preferences, waiting_filter

RECENT_CALLS = 8
# What queue screens show of a service: its names and whether it is offered. Its catalogue
# text (descriptions, documents as JSON) stays unloaded on every push of a board.
QUEUE_FACING = (
    Service.code,
    Service.name,
    Service.short_name,
    Service.icon,
    Service.status,
    Service.valid_from,
    Service.valid_to,
)


@dataclass(frozen=True)
class CounterNow:
    counter: Counter
    ticket: Ticket | None


@dataclass(frozen=True)
class Call:
    event_id: int
    at: dt.datetime
    kind: str  # "called" or "recalled"
    ticket: Ticket
    counter: Counter


@dataclass(frozen=True)
class ServiceWaiting:
    offer: OfficeService
    waiting: int
    oldest: dt.datetime | None


@dataclass
class OfficeState:
    office: Office
    version: int  # the office's latest event id: grows with every change, across processes
    counters: list[CounterNow]
    calls: list[Call]
    services: list[ServiceWaiting]
    now: dt.datetime = field(default_factory=utcnow)

    @property
    def waiting(self) -> int:
        return sum(s.waiting for s in self.services)

    @property
    def latest_call(self) -> Call | None:
        return self.calls[0] if self.calls else None

    @property
    def issuing(self) -> IssuingState:
        """Whether the office's kiosks issue tickets now (the displays say so when not)."""
        return issuing_state(self.office, self.now)


def office_version(session: Session, office_id: int) -> int:
    """The id of the office's latest ticket event, or 0: a version number for its state."""
    return session.scalar(
        select(func.coalesce(func.max(TicketEvent.id), 0)).where(TicketEvent.office_id == office_id)
    )


def office_state(
    session: Session,
    office: Office,
    *,
    now: dt.datetime | None = None,
    waiting_only: bool = False,
) -> OfficeState:
    """Now serving at each counter, the latest calls and the waiting per service.

    ``waiting_only``: only the services somebody waits for (what the displays show; the
    pusher renders the board after every change, so it loads no more than it needs)."""
    version = office_version(session, office.id)
    serving = {
        t.counter_id: t
        for t in session.scalars(
            select(Ticket)
            .options(joinedload(Ticket.service).load_only(*QUEUE_FACING))
            .where(Ticket.office_id == office.id, Ticket.status == TicketStatus.CALLED)
        )
    }
    counters = [
        CounterNow(c, serving.get(c.id)) for c in office.counters if c.active or c.id in serving
    ]
    return OfficeState(
        office=office,
        version=version,
        counters=counters,
        calls=recent_calls(session, office),
        services=waiting_by_service(session, office, waiting_only=waiting_only),
        now=now or utcnow(),
    )


def recent_calls(session: Session, office: Office, limit: int = RECENT_CALLS) -> list[Call]:
    """The latest calls at the office, newest first; a ticket called again appears once."""
    rows = session.execute(
        select(TicketEvent, Ticket, Counter)
        .join(Ticket, TicketEvent.ticket_id == Ticket.id)
        .join(Counter, TicketEvent.counter_id == Counter.id)
        .options(joinedload(Ticket.service).load_only(*QUEUE_FACING))
        .where(
            TicketEvent.office_id == office.id,
            TicketEvent.kind.in_(("called", "recalled")),
            TicketEvent.at >= utcnow() - dt.timedelta(hours=16),
        )
        .order_by(TicketEvent.id.desc())
        .limit(limit * 3)
    ).all()
    calls, seen = [], set()
    for event, ticket, counter in rows:
        if ticket.id in seen:
            continue
        seen.add(ticket.id)
        calls.append(Call(event.id, event.at, event.kind, ticket, counter))
        if len(calls) == limit:
            break
    return calls


def waiting_by_service(
    session: Session,
    office: Office,
    service_ids: list[int] | None = None,
    *,
    waiting_only: bool = False,
    counter: Counter | None = None,
) -> list[ServiceWaiting]:
    """Each active service of the office with how many wait for it and since when
    (``waiting_only``: only those with somebody waiting; ``counter``: only the tickets that
    counter may call, not those sent to another counter)."""
    condition = waiting_filter(office.id, service_ids)
    if counter is not None:
        condition = and_(condition, or_(Ticket.target_counter_id.is_(None),
                                        Ticket.target_counter_id == counter.id))
    counts = {
        sid: (n, oldest)
        for sid, n, oldest in session.execute(
            select(Ticket.service_id, func.count(), func.min(Ticket.issued_at))
            .where(condition)
            .group_by(Ticket.service_id)
        )
    }
    if waiting_only:
        if not counts:
            return []
        service_ids = list(counts) if service_ids is None else service_ids
    query = (
        select(OfficeService)
        .join(OfficeService.service)
        .options(
            contains_eager(OfficeService.service).load_only(*QUEUE_FACING),
            joinedload(OfficeService.queue),
        )
        .where(
            OfficeService.office_id == office.id,
            OfficeService.active.is_(True),
            Service.status == "published",
        )
        .order_by(OfficeService.position, OfficeService.id)
    )
    if service_ids is not None:
        query = query.where(OfficeService.service_id.in_(service_ids))
    result = []
    today = local_now(utcnow(), office.timezone).date()
    for offer in session.scalars(query):
        n, oldest = counts.get(offer.service_id, (0, None))
        if not n and (waiting_only or not is_offered(offer.service, today)):
            continue  # no longer (or not yet) offered, and nobody left waiting for it
        if oldest is not None and oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=dt.UTC)
        result.append(ServiceWaiting(offer, n, oldest))
    return result


def counter_waiting(session: Session, counter: Counter) -> list[ServiceWaiting]:
    """The waiting per service for the services this counter serves: the tickets it may
    call (those sent to another counter wait for that one). Its best preference first, as
    it calls them; within one, in the office's order."""
    served = preferences(counter)
    waiting = waiting_by_service(session, counter.office, list(served) or None, counter=counter)
    return sorted(waiting, key=lambda row: served.get(row.offer.service_id, 0))


def people_ahead(session: Session, ticket: Ticket) -> int:
    """How many waiting tickets of the same line will be called before this one: the line
    is the queue of the ticket's service now (a transfer to another service moves the ticket
    into that service's line, though it keeps its number); a ticket sent to a particular
    counter waits only behind the tickets sent there."""
    if ticket.status != TicketStatus.WAITING:
        return 0
    older = or_(
        Ticket.queued_at < ticket.queued_at,
        and_(Ticket.queued_at == ticket.queued_at, Ticket.id < ticket.id),
    )
    # Priority tickets go first: a priority ticket waits only behind older priority tickets.
    if ticket.priority:
        earlier = and_(Ticket.priority.is_(True), older)
    else:
        earlier = or_(Ticket.priority.is_(True), older)
    if ticket.target_counter_id is not None:
        same_line = Ticket.target_counter_id == ticket.target_counter_id
    else:
        line = (select(OfficeService.queue_id)
                .where(OfficeService.office_id == ticket.office_id,
                       OfficeService.service_id == ticket.service_id)
                .scalar_subquery())
        same_line = Ticket.service_id.in_(
            select(OfficeService.service_id).where(OfficeService.office_id == ticket.office_id,
                                                   OfficeService.queue_id == line))
    return session.scalar(
        select(func.count())
        .select_from(Ticket)
        .where(
            Ticket.office_id == ticket.office_id,
            Ticket.status == TicketStatus.WAITING,
            Ticket.id != ticket.id,
            same_line,
            earlier,
        )
    )
