"""Play realistic office days through the service layer and print how the queue did.

A town-hall day: about 300 citizens between 08:00 and 16:00 with a mid-morning peak, nine
counters (the demo's six with their service x counter matrix, plus three that serve
everything), the demo services in a realistic mix with their usual durations (log-normal
spread), staggered 30-minute breaks around noon, and 3 % no-shows. Day 1 gives the estimator
its first data; the figures that matter are those of the following days.

Prints per day: waits (p50 / p90 / max), the share served within the office's wait target,
and how often the quoted range held the actual wait (with its mean error).

    .venv/bin/python bench/simulate_day.py [--days 3] [--citizens 300] [--seed 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import heapq
import random
import statistics
import sys
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from kiosk import create_app  # noqa: E402
from kiosk.extensions import db  # noqa: E402
from kiosk.models import Counter, Office, Ticket, TicketStatus  # noqa: E402
from kiosk.services import estimates  # noqa: E402
from kiosk.services import queue as rules  # noqa: E402
from kiosk.services.errors import QueueEmpty  # noqa: E402

ZONE = ZoneInfo("Europe/Skopje")
# Arrivals per half hour from 08:00 to 15:30 (relative weights): a mid-morning peak.
ARRIVAL_PROFILE = [4, 7, 10, 12, 13, 12, 10, 8, 7, 6, 6, 5, 5, 4, 3, 2]
NO_SHOW_RATE = 0.03
NO_SHOW_WAIT = dt.timedelta(seconds=90)


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), ZONE).astimezone(dt.UTC)


def build(app) -> tuple[int, list[int], dict[int, float]]:
    """The demo's town hall grown to nine counters; returns office id, counters, service mix."""
    from flask_migrate import upgrade

    from kiosk.demo import load_demo

    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        load_demo(db.session)
        office = db.session.scalar(select(Office).filter_by(slug="centar"))
        for number in (7, 8, 9):
            db.session.add(Counter(office=office, number=number, name={"en": f"Counter {number}"}))
        db.session.commit()
        counters = [c.id for c in office.counters]
        # What the kiosk offers: active at this office and published (the demo keeps drafts).
        offers = [o for o in office.services if o.active and o.service.status == "published"]
        # A realistic mix: the most used services (first buttons) far more often (Zipf-like).
        mix = {o.service_id: 1 / (rank + 1) ** 0.9 for rank, o in enumerate(offers)}
        return office.id, counters, mix


def simulate_day(engine, office_id, counter_ids, mix, day, citizens, rnd) -> list[int]:
    """One day of arrivals, calls, breaks and finishes; returns the ids of its tickets."""
    events: list[tuple[dt.datetime, int, str, int]] = []
    seq = 0

    def push(when, kind, ref=0):
        nonlocal seq
        seq += 1
        heapq.heappush(events, (when, seq, kind, ref))

    weights = [w / sum(ARRIVAL_PROFILE) for w in ARRIVAL_PROFILE]
    for _ in range(citizens):
        slot = rnd.choices(range(len(weights)), weights)[0]
        push(local(day, 8) + dt.timedelta(minutes=30 * slot + rnd.uniform(0, 30)), "arrive")
    for i, cid in enumerate(counter_ids):
        push(local(day, 8), "open", cid)
        start = local(day, 11, 30) + dt.timedelta(minutes=15 * (i % 4))
        push(start, "break", cid)
        push(start + dt.timedelta(minutes=30), "end_break", cid)

    services, service_weights = list(mix), list(mix.values())
    idle: set[int] = set()
    on_break: set[int] = set()
    issued: list[int] = []

    def step(now, fn):
        with Session(engine, expire_on_commit=False) as session:
            result = fn(session)
            session.commit()
            return result

    def try_call(cid, now):
        def call(session):
            counter = session.get(Counter, cid)
            ticket = rules.call_next(session, counter, now=now)
            return ticket.id, ticket.service.average_minutes

        try:
            ticket_id, minutes = step(now, call)
        except QueueEmpty:
            idle.add(cid)
            return
        idle.discard(cid)
        if rnd.random() < NO_SHOW_RATE:
            push(now + NO_SHOW_WAIT, "no_show", cid * 1_000_000 + ticket_id)
        else:
            duration = minutes * 60 * rnd.lognormvariate(0, 0.45)
            push(now + dt.timedelta(seconds=duration), "done", cid * 1_000_000 + ticket_id)

    while events:
        now, _, kind, ref = heapq.heappop(events)
        if kind == "arrive":
            estimates.clear_cache()  # the bench's clock runs faster than the cache's
            service_id = rnd.choices(services, service_weights)[0]
            issued.append(
                step(
                    now,
                    lambda s, sid=service_id, now=now: (
                        rules.issue_ticket(s, s.get(Office, office_id), sid, now=now).id
                    ),
                )
            )
            for cid in sorted(idle):
                try_call(cid, now)
                if cid in idle:
                    break
        elif kind == "open":
            step(
                now,
                lambda s, c=ref, now=now: rules.open_counter(
                    s, s.get(Counter, c), clerk=None, now=now
                ),
            )
            try_call(ref, now)
        elif kind in ("done", "no_show"):
            cid, ticket_id = divmod(ref, 1_000_000)
            action = rules.finish if kind == "done" else rules.mark_no_show
            step(
                now,
                lambda s, c=cid, t=ticket_id, a=action, now=now: a(
                    s, s.get(Counter, c), t, now=now
                ),
            )
            if cid in on_break:
                continue
            try_call(cid, now)
        elif kind == "break":

            def start_break(session, c=ref, now=now):
                counter = session.get(Counter, c)
                if rules.current_ticket(session, counter) is not None:
                    return False
                rules.start_break(session, counter, "lunch", now=now)
                return True

            if step(now, start_break):
                on_break.add(ref)
                idle.discard(ref)
            else:  # busy: take the break after this citizen
                push(now + dt.timedelta(minutes=2), "break", ref)
        elif kind == "end_break":
            if ref in on_break:
                step(now, lambda s, c=ref, now=now: rules.end_break(s, s.get(Counter, c), now=now))
                on_break.discard(ref)
                try_call(ref, now)
            else:
                push(now + dt.timedelta(minutes=2), "end_break", ref)
    return issued


def report(engine, ticket_ids, target_minutes) -> dict:
    with Session(engine) as session:
        tickets = session.scalars(select(Ticket).where(Ticket.id.in_(ticket_ids))).all()
        waits, held, errors, widths = [], 0, [], []
        for t in tickets:
            if t.called_at is None:
                continue
            wait = (t.called_at - t.issued_at).total_seconds()
            waits.append(wait)
            if t.quoted_wait_min <= wait <= t.quoted_wait_max:
                held += 1
            errors.append(abs(wait - (t.quoted_wait_min + t.quoted_wait_max) / 2))
            widths.append(t.quoted_wait_max - t.quoted_wait_min)
        waits.sort()
        return {
            "tickets": len(tickets),
            "called": len(waits),
            "no_shows": sum(1 for t in tickets if t.status == TicketStatus.NO_SHOW),
            "p50": statistics.median(waits) / 60,
            "p90": waits[int(len(waits) * 0.9)] / 60,
            "max": waits[-1] / 60,
            "within_target": sum(w <= target_minutes * 60 for w in waits) / len(waits),
            "quote_held": held / len(waits),
            "quote_error": statistics.mean(errors) / 60,
            "quote_width": statistics.mean(widths) / 60,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--citizens", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rnd = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"DATABASE_URL": f"sqlite:///{tmp}/day.db", "SECRET_KEY": "bench"})
        office_id, counters, mix = build(app)
        with app.app_context():
            engine = db.engine
            target = db.session.get(Office, office_id).wait_target_minutes
            print(
                f"{len(counters)} counters, {len(mix)} services, {args.citizens} citizens a "
                f"day, wait target {target} min\n"
            )
            print(
                "day  tickets  no-shows  wait p50  p90    max    within target  "
                "quote held  quote error  range width"
            )
            first = dt.date(2026, 11, 23)  # a Monday
            for n in range(args.days):
                day = first + dt.timedelta(days=n)
                ids = simulate_day(engine, office_id, counters, mix, day, args.citizens, rnd)
                r = report(engine, ids, target)
                print(
                    f"{n + 1:>3}  {r['tickets']:>7}  {r['no_shows']:>8}  {r['p50']:>6.1f}m "
                    f"{r['p90']:>5.1f}m {r['max']:>5.1f}m  {r['within_target']:>12.0%}  "
                    f"{r['quote_held']:>10.0%}  {r['quote_error']:>10.1f}m  "
                    f"{r['quote_width']:>10.1f}m"
                )
            engine.dispose()


if __name__ == "__main__":
    main()
