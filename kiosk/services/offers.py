"""What the lobby kiosk offers: an office's services today, grouped and ranked; a ticket's place.

Framework-free read models for the kiosk's screens (the session is passed in, nothing is
written). A service appears at a kiosk only when its offer at that office is active and the
service ``is_offered`` on the office's local date (published, within its validity).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, contains_eager, selectinload

from ..models import (
    Category,
    Counter,
    CounterService,
    LifeEvent,
    Office,
    OfficeService,
    Service,
    Ticket,
    TicketStatus,
    utcnow,
)
from .catalogue import is_offered
from .clock import local_now
from .errors import NotFound, ServiceUnavailable

POPULAR_DAYS = 30
POPULAR_LIMIT = 6


def office_today(office: Office, now: dt.datetime | None = None) -> dt.date:
    """The office's local date (services are offered by the calendar of the office)."""
    return local_now(now or utcnow(), office.timezone).date()


def offers_today(session: Session, office: Office, today: dt.date) -> list[OfficeService]:
    """The office's active offers whose service is offered today, in the kiosk's order."""
    rows = session.scalars(
        select(OfficeService)
        .join(OfficeService.service)
        .options(
            contains_eager(OfficeService.service).selectinload(Service.categories),
            contains_eager(OfficeService.service).selectinload(Service.life_events),
            selectinload(OfficeService.queue),
        )
        .where(
            OfficeService.office_id == office.id,
            OfficeService.active.is_(True),
            Service.status == "published",
        )
        .order_by(OfficeService.position, OfficeService.id)
    ).all()
    return [o for o in rows if is_offered(o.service, today)]


def offer_today(session: Session, office: Office, service_id: int, today: dt.date) -> OfficeService:
    """The office's offer of this service, if citizens may take it today; else a domain error."""
    offer = session.scalar(
        select(OfficeService)
        .join(OfficeService.service)
        .where(
            OfficeService.office_id == office.id,
            OfficeService.service_id == service_id,
            OfficeService.active.is_(True),
        )
    )
    if offer is None:
        raise ServiceUnavailable()
    if not is_offered(offer.service, today):
        raise ServiceUnavailable()
    return offer


def most_used(
    session: Session,
    office: Office,
    offers: Sequence[OfficeService],
    *,
    now: dt.datetime | None = None,
    limit: int = POPULAR_LIMIT,
) -> list[OfficeService]:
    """The offers most asked for here (tickets of the last 30 days), then by button order."""
    since = (now or utcnow()) - dt.timedelta(days=POPULAR_DAYS)
    counts = dict(
        session.execute(
            select(Ticket.service_id, func.count())
            .where(Ticket.office_id == office.id, Ticket.issued_at >= since)
            .group_by(Ticket.service_id)
        ).all()
    )
    order = {o.id: i for i, o in enumerate(offers)}
    ranked = sorted(offers, key=lambda o: (-counts.get(o.service_id, 0), order[o.id]))
    return ranked[:limit]


def counters_for(session: Session, office: Office, service_id: int) -> list[Counter]:
    """The office's active counters that serve the service (a counter without a row: all)."""
    rows = session.execute(
        select(CounterService.counter_id, CounterService.service_id)
        .join(Counter, Counter.id == CounterService.counter_id)
        .where(Counter.office_id == office.id)
    ).all()
    limited: dict[int, set[int]] = {}
    for counter_id, sid in rows:
        limited.setdefault(counter_id, set()).add(sid)
    return [
        c for c in office.counters
        if c.active and (c.id not in limited or service_id in limited[c.id])
    ]  # fmt: skip


@dataclass(frozen=True)
class Group:
    """A category or life event with the offers in it that the office has today."""

    kind: str  # "category" or "life_event"
    row: Category | LifeEvent
    offers: list[OfficeService]


def groups(offers: Sequence[OfficeService], kind: str) -> list[Group]:
    """The categories (or life events) that hold at least one of these offers, in their order."""
    found: dict[int, Group] = {}
    for offer in offers:
        rows = offer.service.categories if kind == "category" else offer.service.life_events
        for row in rows:
            found.setdefault(row.id, Group(kind, row, []))
            found[row.id].offers.append(offer)
    return sorted(found.values(), key=lambda g: (g.row.position, g.row.code))


def group(offers: Sequence[OfficeService], kind: str, code: str) -> Group:
    """One category or life event by its code, with today's offers in it; else NotFound."""
    for g in groups(offers, kind):
        if g.row.code == code:
            return g
    raise NotFound()


@dataclass(frozen=True)
class TicketPlace:
    """Where a ticket stands, as its holder's phone shows it (nothing personal)."""

    ticket: Ticket
    status: str  # "waiting", "called", "parked", "missed" (a no-show) or "finished"
    ahead: int
    counter: Counter | None
    wait_low: int | None  # seconds
    wait_high: int | None


def ticket_by_token(session: Session, token: str) -> Ticket:
    """The ticket with this random token, or NotFound (tokens are never listed)."""
    if not token or len(token) > 64:
        raise NotFound()
    ticket = session.scalar(select(Ticket).where(Ticket.token == token))
    if ticket is None:
        raise NotFound()
    return ticket


def ticket_place(session: Session, ticket: Ticket, now: dt.datetime | None = None) -> TicketPlace:
    """The ticket's status, the people ahead and the expected wait (a range, in seconds)."""
    from .estimates import estimate_wait
    from .state import people_ahead

    now = now or utcnow()
    if ticket.status == TicketStatus.WAITING:
        ahead = people_ahead(session, ticket)
        estimate = estimate_wait(session, ticket, ahead, now)
        return TicketPlace(ticket, "waiting", ahead, None, estimate.low, estimate.high)
    if ticket.status in (TicketStatus.CALLED, TicketStatus.PARKED):
        return TicketPlace(ticket, str(ticket.status), 0, ticket.counter, None, None)
    if ticket.status == TicketStatus.NO_SHOW:
        return TicketPlace(ticket, "missed", 0, ticket.counter, None, None)
    return TicketPlace(ticket, "finished", 0, None, None, None)
