"""Waiting-time estimates, learned from the office's own recent days, shown as a range.

expected wait = people ahead x the service's usual minutes at this hour / counters serving it.
The range around it comes from how far actual waits fell from the expected ones lately (the
5th to 90th percentile of actual/expected); with little history the range is wide.
Every ticket keeps the range it was quoted, so quoted against actual can be reported.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
import time
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..models import (
    Counter,
    CounterService,
    CounterStatus,
    Office,
    Service,
    Ticket,
    TicketEvent,
    TicketStatus,
)

HISTORY_DAYS = 28
HISTORY_ROWS = 600
MIN_SAMPLES = 8  # service times needed before the hour-of-day figure is trusted
MIN_CALIBRATION = 30  # quoted/actual pairs needed before the range is learned
CACHE_SECONDS = 120
ROUND = 5 * 60  # ranges are shown in whole five minutes


@dataclass(frozen=True)
class WaitEstimate:
    low: int  # seconds
    high: int
    expected: int  # the point estimate the range is built around
    learned: bool  # False: a rough range from little data


_cache: dict[tuple, tuple[float, object]] = {}
_lock = threading.Lock()


def clear_cache() -> None:
    """Forget cached service times and calibrations (tests; after importing history)."""
    with _lock:
        _cache.clear()


def _cached(key: tuple, compute):
    now = time.monotonic()
    with _lock:
        hit = _cache.get(key)
        if hit and now - hit[0] < CACHE_SECONDS:
            return hit[1]
    value = compute()
    with _lock:
        _cache[key] = (now, value)
    return value


def service_seconds(session: Session, office: Office, service: Service, now: dt.datetime) -> float:
    """The usual service time for this service at this hour of day, in seconds."""
    zone = ZoneInfo(office.timezone)
    hour = now.astimezone(zone).hour

    def compute():
        rows = session.execute(
            select(Ticket.called_at, Ticket.finished_at)
            .where(
                Ticket.office_id == office.id,
                Ticket.service_id == service.id,
                Ticket.status == TicketStatus.DONE,
                Ticket.finished_at >= now - dt.timedelta(days=HISTORY_DAYS),
                Ticket.called_at.is_not(None),
            )
            .order_by(Ticket.finished_at.desc())
            .limit(HISTORY_ROWS)
        ).all()
        samples = [(c, (f - c).total_seconds()) for c, f in rows if f > c]
        near = [s for c, s in samples if abs(c.astimezone(zone).hour - hour) <= 1]
        chosen = near if len(near) >= MIN_SAMPLES else [s for _, s in samples]
        if len(chosen) >= MIN_SAMPLES:
            chosen.sort()
            return chosen[len(chosen) // 2] * 0.5 + sum(chosen) / len(chosen) * 0.5
        return float(service.average_minutes * 60)

    return _cached((str(session.get_bind().url), "svc", office.id, service.id, hour), compute)


def calibration(session: Session, office: Office, now: dt.datetime) -> tuple[float, float] | None:
    """The 5th and 90th percentile of actual wait / expected wait over recent tickets, or
    None with little data. The expected wait is what the issue event recorded."""

    def compute():
        rows = session.execute(
            select(TicketEvent.data, Ticket.issued_at, Ticket.called_at)
            .join(Ticket, Ticket.id == TicketEvent.ticket_id)
            .where(
                TicketEvent.office_id == office.id,
                TicketEvent.kind == "issued",
                TicketEvent.at >= now - dt.timedelta(days=HISTORY_DAYS),
                Ticket.called_at.is_not(None),
                Ticket.transfers == 0,
            )
            .order_by(TicketEvent.id.desc())
            .limit(HISTORY_ROWS)
        ).all()
        ratios = []
        for data, issued, called in rows:
            expected = (data or {}).get("expected")
            if expected and expected >= 120:  # very short expectations say little
                ratios.append((called - issued).total_seconds() / expected)
        if len(ratios) < MIN_CALIBRATION:
            return None
        ratios.sort()
        return ratios[int(len(ratios) * 0.05)], ratios[min(len(ratios) - 1,
                                                            int(len(ratios) * 0.90))]

    return _cached((str(session.get_bind().url), "cal", office.id), compute)


def serving_counters(session: Session, office: Office, service_id: int) -> int:
    """How many counters serve this service now (open ones; else the active ones)."""
    matrix = select(CounterService.counter_id).where(CounterService.service_id == service_id)
    with_rows = select(CounterService.counter_id)
    serves = or_(Counter.id.in_(matrix), Counter.id.not_in(with_rows))
    base = (
        select(func.count())
        .select_from(Counter)
        .where(Counter.office_id == office.id, Counter.active.is_(True), serves)
    )
    open_now = session.scalar(base.where(Counter.status == CounterStatus.OPEN))
    return open_now or session.scalar(base) or 1


def estimate_wait(session: Session, ticket: Ticket, ahead: int, now: dt.datetime) -> WaitEstimate:
    """The range quoted to a citizen who has ``ahead`` people before them."""
    office, service = ticket.office, ticket.service
    per_person = service_seconds(session, office, service, now)
    counters = serving_counters(session, office, ticket.service_id)
    # Those ahead, plus on average half a service for a counter to come free.
    expected = (ahead + 0.5) * per_person / counters
    cal = calibration(session, office, now)
    if cal is not None:
        low, high = expected * cal[0], expected * cal[1] + 60
        learned = True
    else:
        low, high = expected * 0.5, expected * 1.6 + ROUND
        learned = False
    low = int(math.floor(low / ROUND) * ROUND)
    high = max(int(math.ceil(high / ROUND) * ROUND), low + ROUND)
    return WaitEstimate(low, high, int(expected), learned)
