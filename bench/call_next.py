"""20 clerks pressing "call next" at once, through the service layer (no HTTP).

One office with --clerks counters that serve every service, each open and held by its own
clerk, --tickets tickets issued beforehand (spread over four queues). Each clerk is a thread
that calls ``CallGroup.call_next`` (kiosk/services/call_group.py) with their id, as the
clerk's view does (the counter must be theirs): calls that arrive while a transaction is
being written are written together in the next. With
--separate, each clerk opens its own Session instead, starts a write transaction
(``kiosk.database.begin_write``: BEGIN IMMEDIATE on SQLite), calls
``kiosk.services.queue.call_next`` and commits. A call's latency runs from the press to the
end of the commit that wrote it.

Two patterns, both run by default:

  loop   every clerk calls again as soon as its call is committed, until the queue is empty
         (saturation: gives the throughput; each call then waits for the other 19).
  burst  --rounds times, all clerks press at the same instant (a barrier), once each, then
         rest --pause seconds: "20 clerks at once" as a lobby would see it.

Afterwards every ticket that was called must have exactly one "called" event.

    python bench/call_next.py --db both
    python bench/call_next.py --db sqlite --writer-lock      # experiment, see README
    python bench/call_next.py --db postgres --waiting-index  # experiment, see README
    python bench/call_next.py --db both --floor              # experiment, see README
    python bench/call_next.py --db postgres --pattern burst --floor --processes
    python bench/call_next.py --db postgres --pattern burst --servers 2
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import _common as c

QUEUES = (("BENCH-A", "A"), ("BENCH-E", "E"), ("BENCH-K", "K"), ("BENCH-M", "M"))
TIME_LIMIT = 300.0  # seconds for one pattern on one database
LOCK_TIMEOUT = 30.0
MAX_FAILURES = 200  # failed calls ("database is locked") one clerk may have before giving up
# Experiment: an index in the order call_next picks (priority DESC first), waiting rows only.
WAITING_INDEX = ("CREATE INDEX ix_bench_ticket_pick"
                 " ON ticket (office_id, priority DESC, issued_at, id) WHERE status = 'waiting'")


# Experiment (--floor): the least a call can do, on the driver's own connection, no ORM and no
# SQLAlchemy: finish the counter's ticket, claim the next one (same pick as CALLABLE for a
# counter with no matrix row) and write both events. PostgreSQL: one statement, autocommit.
FLOOR_POSTGRES = """
WITH finished AS (
  UPDATE ticket SET status = 'done', finished_at = now(), outcome = 'served'
  WHERE counter_id = %(counter)s AND status = 'called' RETURNING id, office_id, status),
pick AS (
  SELECT id FROM ticket
  WHERE office_id = %(office)s AND status = 'waiting'
    AND (target_counter_id IS NULL OR target_counter_id = %(counter)s)
  ORDER BY CASE WHEN target_counter_id = %(counter)s THEN 0 ELSE 1 END, priority DESC,
           queued_at, id
  LIMIT 1 FOR UPDATE SKIP LOCKED),
called AS (
  UPDATE ticket SET status = 'called', counter_id = %(counter)s, called_at = now()
  WHERE id = (SELECT id FROM pick) AND status = 'waiting' RETURNING id, office_id, status),
events AS (
  INSERT INTO ticket_event (ticket_id, office_id, at, kind, status, counter_id, data)
  SELECT id, office_id, now(), 'finished', status, %(counter)s, '{}'::json FROM finished
  UNION ALL
  SELECT id, office_id, now(), 'called', status, %(counter)s, '{}'::json FROM called)
SELECT id FROM called
"""
# SQLite: the same as four statements in one BEGIN IMMEDIATE, behind the in-process lock.
FLOOR_SQLITE_FINISH = ("UPDATE ticket SET status = 'done', finished_at = ?, outcome = 'served'"
                       " WHERE counter_id = ? AND status = 'called'"
                       " RETURNING id, office_id, status")
FLOOR_SQLITE_CLAIM = """
UPDATE ticket SET status = 'called', counter_id = :counter, called_at = :now
WHERE id = (SELECT id FROM ticket
            WHERE office_id = :office AND status = 'waiting'
              AND (target_counter_id IS NULL OR target_counter_id = :counter)
            ORDER BY CASE WHEN target_counter_id = :counter THEN 0 ELSE 1 END, priority DESC,
                     queued_at, id
            LIMIT 1)
  AND status = 'waiting'
RETURNING id, office_id, status
"""
FLOOR_SQLITE_EVENT = ("INSERT INTO ticket_event (ticket_id, office_id, at, kind, status,"
                      " counter_id, data) VALUES (?, ?, ?, ?, ?, ?, '{}')")


def migrate(url: str) -> None:
    from flask_migrate import upgrade

    from kiosk import create_app
    from kiosk.extensions import db

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "DEMO_DATA": False})
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        db.session.remove()
        db.engine.dispose()


def seed(engine, clerks: int, tickets: int, slug: str, matrix: bool = False) -> list[int]:
    """An office, its counters (serving everything; with ``matrix``, every counter has a row
    of the service x counter matrix: the four services, each counter preferring another
    first), each open and held by a clerk of its own, and its waiting tickets; counter ids."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from kiosk.database import begin_write
    from kiosk.models import Organisation, User
    from kiosk.services import queue as rules
    from tests.factories import Factory

    with Session(engine, expire_on_commit=False) as session:
        begin_write(session)
        factory = Factory(session)
        factory._org = session.scalar(select(Organisation))  # one organisation for every run
        office = factory.office(slug, counters=clerks, services=QUEUES)
        services = [factory.service(office, code) for code, _ in QUEUES]
        service_ids = [service.id for service in services]
        if matrix:
            for i, counter in enumerate(office.counters):
                factory.serve_only(counter, *services[i % 4:], *services[:i % 4])
        for i in range(tickets):
            rules.issue_ticket(session, office, service_ids[i % len(service_ids)])
        for counter in office.counters:  # each open, held by its clerk
            clerk = User(username=f"{slug}-{counter.number}", password_hash="!",
                         role="clerk", office_id=office.id)
            session.add(clerk)
            session.flush()
            rules.open_counter(session, counter, clerk=clerk)
        session.commit()
        return [counter.id for counter in office.counters]


class FairLock:
    """A first-come, first-served lock: the releasing thread hands it to the longest waiter.

    ``threading.Lock`` is not fair: a clerk that just committed takes it again at once, and
    the others starve (as they do on SQLite's own busy handler, which sleeps and retries).
    """

    def __init__(self):
        self._mutex = threading.Lock()
        self._waiters: collections.deque[threading.Event] = collections.deque()
        self._held = False

    def __enter__(self):
        with self._mutex:
            if not self._held and not self._waiters:
                self._held = True
                return self
            turn = threading.Event()
            self._waiters.append(turn)
        if not turn.wait(LOCK_TIMEOUT):
            raise TimeoutError("waited too long for the writer lock")
        return self

    def __exit__(self, *exc):
        with self._mutex:
            if self._waiters:
                self._waiters.popleft().set()  # still held: ownership passes on
            else:
                self._held = False


class Clerks:
    """The clerks' threads and what they saw: latencies, ticket ids, failed calls."""

    def __init__(self, engine, counter_ids: list[int], writer_lock: bool,
                 floor_office: int | None = None):
        import sqlalchemy as sa

        from kiosk.models import Counter

        self.engine = engine
        # --floor: calls made by floor_call, on the threads' own driver connections
        self.office_id = floor_office
        self.local = threading.local()
        self.floor_lock = threading.Lock()
        self.floor_connections: list = []
        self.counter_ids = counter_ids
        with engine.connect() as conn:  # each counter's clerk, who calls there
            self.holders = dict(conn.execute(
                sa.select(Counter.id, Counter.clerk_id).where(Counter.id.in_(counter_ids))).all())
        self.lock = FairLock() if writer_lock else None
        self.group = None
        self.latencies: dict[int, list[float]] = {cid: [] for cid in counter_ids}
        self.called: dict[int, list[int]] = {cid: [] for cid in counter_ids}
        self.failed: list[tuple[float, str]] = []
        self.empty: set[int] = set()

    def call(self, counter_id: int) -> bool:
        """One call; False when the queue was empty."""
        if self.office_id is not None:
            return self.floor_call(counter_id)
        from sqlalchemy.exc import OperationalError
        from sqlalchemy.orm import Session, joinedload

        from kiosk.database import begin_write
        from kiosk.models import Counter
        from kiosk.services import queue as rules
        from kiosk.services.errors import QueueEmpty

        t0 = time.perf_counter()
        try:
            if self.group is not None:  # as the clerk's view calls
                ticket_id = self.group.call_next(counter_id,
                                                 clerk_id=self.holders[counter_id])
            else:  # --separate / --writer-lock: one transaction per call
                guard = self.lock if self.lock is not None else contextlib.nullcontext()
                with guard, Session(self.engine, expire_on_commit=False) as session:
                    begin_write(session)
                    counter = session.get(Counter, counter_id,
                                          options=[joinedload(Counter.office)])
                    ticket_id = rules.call_next_id(session, counter)
                    session.commit()
        except QueueEmpty:
            self.empty.add(counter_id)
            return False
        except OperationalError as exc:  # "database is locked": the clerk would see an error
            self.failed.append((time.perf_counter() - t0, str(exc.orig)))
            if len(self.failed) > MAX_FAILURES * len(self.counter_ids):
                raise
            return True
        self.latencies[counter_id].append(time.perf_counter() - t0)
        self.called[counter_id].append(ticket_id)
        return True

    def floor_call(self, counter_id: int) -> bool:
        """--floor: one call done with the least work possible (see FLOOR_POSTGRES)."""
        import datetime as dt

        t0 = time.perf_counter()
        conn = self.floor_connection()
        if self.engine.dialect.name == "postgresql":
            row = conn.execute(FLOOR_POSTGRES,
                               {"counter": counter_id, "office": self.office_id}).fetchone()
        else:
            now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
            with self.floor_lock:
                conn.execute("BEGIN IMMEDIATE")
                for done in conn.execute(FLOOR_SQLITE_FINISH, (now, counter_id)).fetchall():
                    conn.execute(FLOOR_SQLITE_EVENT,
                                 (done[0], done[1], now, "finished", done[2], counter_id))
                row = conn.execute(FLOOR_SQLITE_CLAIM, {"counter": counter_id, "now": now,
                                                        "office": self.office_id}).fetchone()
                if row is not None:
                    conn.execute(FLOOR_SQLITE_EVENT,
                                 (row[0], row[1], now, "called", row[2], counter_id))
                conn.execute("COMMIT")
        if row is None:
            self.empty.add(counter_id)
            return False
        self.latencies[counter_id].append(time.perf_counter() - t0)
        self.called[counter_id].append(row[0])
        return True

    def floor_connection(self):
        """This thread's own driver connection (autocommit), opened on first use."""
        conn = getattr(self.local, "conn", None)
        if conn is None:
            url = self.engine.url
            if url.get_backend_name() == "postgresql":
                import psycopg

                conn = psycopg.connect(url.set(drivername="postgresql")
                                       .render_as_string(hide_password=False), autocommit=True)
            else:
                import sqlite3

                conn = sqlite3.connect(url.database, isolation_level=None, check_same_thread=False)
                for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=10000"):
                    conn.execute(f"PRAGMA {pragma}")
            self.local.conn = conn
            self.floor_connections.append(conn)
        return conn

    def loop(self, tickets: int) -> float:
        """Every clerk calls until the queue is empty; returns the wall time."""
        start_line = threading.Barrier(len(self.counter_ids))
        deadline = time.monotonic() + TIME_LIMIT

        def clerk(counter_id: int) -> None:
            start_line.wait(30)
            for _ in range(tickets + MAX_FAILURES):
                if time.monotonic() > deadline:
                    raise TimeoutError("the clerks did not empty the queue in time")
                if not self.call(counter_id):
                    return

        return self._run(clerk)

    def burst(self, rounds: int, pause: float, start_line=None) -> float:
        """All clerks press at once, ``rounds`` times, resting ``pause`` s between rounds
        (``start_line``: a barrier shared with other processes' clerks, --servers)."""
        start_line = start_line or threading.Barrier(len(self.counter_ids))
        deadline = time.monotonic() + TIME_LIMIT

        def clerk(counter_id: int) -> None:
            for _ in range(rounds):
                if time.monotonic() > deadline:
                    raise TimeoutError("the bursts took too long")
                start_line.wait(60)
                self.call(counter_id)
                start_line.wait(60)
                if counter_id == self.counter_ids[0]:
                    time.sleep(pause)

        return self._run(clerk)

    def _run(self, clerk) -> float:
        t0 = time.perf_counter()
        with ThreadPoolExecutor(len(self.counter_ids)) as pool:
            futures = [pool.submit(clerk, cid) for cid in self.counter_ids]
            for future in futures:
                future.result()  # re-raises a clerk's exception
        return time.perf_counter() - t0


def analyze(engine) -> None:
    """Gather PostgreSQL's statistics of the seeded tables, as autovacuum would have in an
    office by then. This machine's PostgreSQL runs with autovacuum off: without statistics
    the planner chose other plans than it does in production (see README)."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")


def print_round_trip(engine) -> None:
    """The database's round trip now (``SELECT 1``, 500 times): on PostgreSQL, with the
    machine's speed, what the figures of different runs can be compared by."""
    if engine.dialect.name != "postgresql":
        return
    import sqlalchemy as sa

    times = []
    with engine.connect() as conn:
        for _ in range(550):
            t0 = time.perf_counter()
            conn.execute(sa.text("SELECT 1")).scalar()
            times.append(time.perf_counter() - t0)
    times = times[50:]  # the first ones warm the connection up
    print(f"PostgreSQL round trip (SELECT 1 through SQLAlchemy): p50 {c.pct(times, 50) * 1e6:.0f}"
          f" µs, p99 {c.pct(times, 99) * 1e6:.0f} µs", flush=True)


def settle() -> None:
    """Keep the cycle collector off what this process holds by now, as ``python -m kiosk``
    does once started (``gc.freeze()``): a full collection over the migrated, seeded process
    stopped every clerk for 90-116 ms, and fell in a measurement by chance."""
    from kiosk.__main__ import _freeze_what_lives_on

    _freeze_what_lives_on()


def floor_office(engine, slug: str) -> int:
    import sqlalchemy as sa

    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT id FROM office WHERE slug = :slug"),
                            {"slug": slug}).scalar_one()


def verify(engine, office: str) -> tuple[int, int, int]:
    """(tickets with a "called" event, tickets called more than once, still waiting)."""
    import sqlalchemy as sa

    with engine.connect() as conn:
        counts = conn.execute(sa.text(
            "SELECT ticket_id, count(*) FROM ticket_event JOIN office ON office.id = office_id"
            " WHERE kind = 'called' AND office.slug = :slug GROUP BY ticket_id"
        ), {"slug": office}).all()
        waiting = conn.execute(sa.text(
            "SELECT count(*) FROM ticket JOIN office ON office.id = office_id"
            " WHERE status = 'waiting' AND office.slug = :slug"), {"slug": office}).scalar_one()
    return len(counts), sum(1 for _, n in counts if n != 1), waiting


def report(kind: str, pattern: str, args, clerks: Clerks, wall: float, cpu: str,
           check: tuple[int, int, int], expected_calls: int) -> bool:
    latencies = [t for lat in clerks.latencies.values() for t in lat]
    called = [tid for ids in clerks.called.values() for tid in ids]
    with_event, twice, waiting = check
    notes = (" + fair in-process writer lock" if args.writer_lock else "") + (
        ", one transaction per call" if args.separate else "") + (
        " + pick index" if args.waiting_index else "") + (
        ", every counter with a matrix row" if args.matrix else "") + (
        ", FLOOR (raw driver, no ORM: not the app)" if args.floor else "") + (
        ", each clerk a process" if args.processes else "") + (
        f", clerks spread over {args.servers} server processes" if args.servers else "")
    what = (f"loop until {args.tickets} tickets are called" if pattern == "loop"
            else f"{args.rounds} bursts, {args.pause:g} s apart")
    if args.warmup and not args.processes:  # (--servers: in each process)
        what += f" (after {args.warmup} warm-up burst{'s' if args.warmup > 1 else ''})"
    print(f"\n[{kind}{notes}] {pattern}: {len(clerks.counter_ids)} clerks, {what}")
    per_clerk = [len(lat) for lat in clerks.latencies.values()]
    print(f"  calls: {len(latencies)} in {wall:.2f} s = {len(latencies) / wall:.0f} calls/s; "
          f"calls per clerk {min(per_clerk)}..{max(per_clerk)}")
    print(f"  latency per call: {c.summary_ms(latencies)}")
    if pattern == "burst" and not args.servers:
        print(f"  {slowest_bursts(clerks)}")
    print(f"  CPU: {cpu}")
    if clerks.failed:
        reasons = sorted({reason for _, reason in clerks.failed})
        print(f"  FAILED calls: {len(clerks.failed)} ({'; '.join(reasons)}), each after "
              f"{c.summary_ms([t for t, _ in clerks.failed])}")
    ok = (not clerks.failed and len(called) == expected_calls == with_event
          and len(set(called)) == len(called) and twice == 0)
    if pattern == "loop":
        ok = ok and waiting == 0
    print(f"  called twice: {len(called) - len(set(called))} (by the clerks' results), "
          f"{twice} (by the events); tickets with a call event: {with_event}; still waiting: "
          f"{waiting} -> {'correct' if ok else 'WRONG'}")
    target = 25 if kind == "sqlite" else 15
    p99 = c.pct([t * 1000 for t in latencies], 99)
    print(f"  target p99 < {target} ms: {'met' if p99 < target else 'MISSED'} ({p99:.1f} ms)")
    return ok


def slowest_bursts(clerks: Clerks) -> str:
    """Each burst's slowest call (a clerk's n-th call is in the n-th burst): the p99 of 20
    clerks' calls is decided by the slowest bursts, so one stall of the machine shows in it
    whole. Printed as the median burst and the three slowest, by number."""
    # a tuple of 20 latencies per burst (a failed call has none: bursts then stop matching)
    rounds = zip(*clerks.latencies.values(), strict=False)
    worst = [max(burst) * 1000 for burst in rounds]
    if not worst:
        return "bursts: none"
    slowest = sorted(range(len(worst)), key=worst.__getitem__, reverse=True)[:3]
    return (f"slowest call of each burst: median {c.pct(worst, 50):.1f} ms; slowest bursts "
            + ", ".join(f"#{i + 1} {worst[i]:.1f} ms" for i in slowest))


def floor_process_clerk(counter_ids: list[int], start_line, results, dsn: str, office: int,
                        args) -> None:
    """--floor --processes: one clerk in a process of its own (no GIL shared with the others)."""
    import psycopg

    (counter,) = counter_ids
    latencies, called = [], []
    with psycopg.connect(dsn, autocommit=True) as conn:
        for _ in range(args.rounds):
            start_line.wait(60)
            t0 = time.perf_counter()
            row = conn.execute(FLOOR_POSTGRES, {"counter": counter, "office": office}).fetchone()
            latencies.append(time.perf_counter() - t0)
            if row is not None:
                called.append(row[0])
            start_line.wait(60)
            time.sleep(args.pause)
    results.put(({counter: latencies}, {counter: called}, []))


def server_clerks(counter_ids: list[int], start_line, results, url: str, args) -> None:
    """--servers: one server process, whose clerks (threads) call through its own CallGroup,
    as the clerks' requests to that process would; the other processes' clerks press at the
    same instants (``start_line`` spans them all)."""
    import sqlalchemy as sa

    from kiosk.database import configure_engine
    from kiosk.services.call_group import CallGroup

    engine = sa.create_engine(url, pool_size=len(counter_ids) + 2, max_overflow=0)
    configure_engine(engine)
    clerks = Clerks(engine, counter_ids, False)
    clerks.group = CallGroup(engine)
    settle()
    clerks.burst(args.warmup + args.rounds, args.pause, start_line)
    results.put(({cid: lat[args.warmup:] for cid, lat in clerks.latencies.items()},
                 clerks.called, clerks.failed))
    engine.dispose()


def in_processes(engine, counter_ids: list[int], shares: list[list[int]], target, *extra
                 ) -> Clerks:
    """A burst whose clerks are split into ``shares``, each share a process running
    ``target(share, start_line, results, *extra)``: every clerk presses at the same instants
    (one barrier across the processes); each process puts ({counter: latencies},
    {counter: tickets called}, failed calls). Gathered into a Clerks, as threads' would be."""
    import multiprocessing

    start_line = multiprocessing.Barrier(len(counter_ids))
    results = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=target, args=(share, start_line, results, *extra))
               for share in shares]
    for worker in workers:
        worker.start()
    clerks = Clerks(engine, counter_ids, False)
    for _ in workers:
        latencies, called, failed = results.get(timeout=TIME_LIMIT)
        clerks.latencies.update(latencies)
        clerks.called.update(called)
        clerks.failed.extend(failed)
    for worker in workers:
        worker.join(30)
    return clerks


def bench(kind: str, args) -> bool:
    import sqlalchemy as sa

    from kiosk.database import configure_engine

    ok = True
    database = c.fresh_postgres() if kind == "postgres" else c.fresh_sqlite()
    with database as url:
        migrate(url)
        engine = sa.create_engine(url, pool_size=args.clerks + 2, max_overflow=0)
        configure_engine(engine)
        if args.waiting_index:
            with engine.begin() as conn:
                conn.exec_driver_sql(WAITING_INDEX)
        try:
            for pattern in args.patterns:
                slug = f"bench-{pattern}"
                warmup = 0 if args.processes else args.warmup
                tickets = (args.tickets if pattern == "loop"
                           else args.clerks * (args.rounds + warmup) + 10)
                counter_ids = seed(engine, args.clerks, tickets, slug, args.matrix)
                analyze(engine)
                c.print_background_load()
                print_round_trip(engine)
                clerks = Clerks(engine, counter_ids, args.writer_lock,
                                floor_office(engine, slug) if args.floor else None)
                if not (args.separate or args.writer_lock or args.floor):
                    from kiosk.services.call_group import CallGroup
                    clerks.group = CallGroup(engine)
                if warmup and not args.servers:  # not counted: the first calls open
                    clerks.burst(warmup, args.pause)  # connections, plan statements, fill caches
                    for latencies in clerks.latencies.values():
                        latencies.clear()
                settle()
                cpu0, other = time.process_time(), c.OtherWork().start()
                if args.processes:
                    t0 = time.perf_counter()
                    dsn = (engine.url.set(drivername="postgresql")
                           .render_as_string(hide_password=False))
                    clerks = in_processes(engine, counter_ids, [[cid] for cid in counter_ids],
                                          floor_process_clerk, dsn, clerks.office_id, args)
                    wall = time.perf_counter() - t0
                    expected = args.clerks * args.rounds
                elif args.servers:
                    t0 = time.perf_counter()
                    url = engine.url.render_as_string(hide_password=False)
                    shares = [counter_ids[i::args.servers] for i in range(args.servers)]
                    clerks = in_processes(engine, counter_ids, shares, server_clerks, url, args)
                    wall = time.perf_counter() - t0
                    expected = args.clerks * (args.rounds + warmup)
                elif pattern == "loop":
                    wall = clerks.loop(tickets)
                    expected = tickets
                else:
                    wall = clerks.burst(args.rounds, args.pause)
                    expected = args.clerks * (args.rounds + warmup)
                cpu = (f"bench process {(time.process_time() - cpu0) / wall * 100:.0f}% of one "
                       f"core; {other.describe()}")
                for conn in clerks.floor_connections:
                    conn.close()
                ok &= report(kind, pattern, args, clerks, wall, cpu, verify(engine, slug),
                             expected)
        finally:
            engine.dispose()
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--pattern", choices=["loop", "burst", "both"], default="both")
    parser.add_argument("--clerks", type=int, default=20)
    parser.add_argument("--tickets", type=int, default=2000, help="tickets for the loop")
    parser.add_argument("--rounds", type=int, default=50, help="bursts")
    parser.add_argument("--pause", type=float, default=0.2, help="seconds between bursts")
    parser.add_argument("--warmup", type=int, default=1,
                        help="bursts before the measure, not counted (0: none)")
    parser.add_argument("--matrix", action="store_true",
                        help="every counter serves the four services by its own preferences")
    parser.add_argument("--writer-lock", action="store_true",
                        help="experiment: serialise write transactions on a fair in-process lock")
    parser.add_argument("--separate", action="store_true",
                        help="one transaction per call, not the app's calls group")
    parser.add_argument("--floor", action="store_true",
                        help="experiment: the least a call can do (raw driver, no ORM)")
    parser.add_argument("--processes", action="store_true",
                        help="with --floor on postgres, burst only: each clerk in its own process")
    parser.add_argument("--servers", type=int, default=0,
                        help="burst only: the clerks spread over this many server processes,"
                             " each with its own calls group")
    parser.add_argument("--waiting-index", action="store_true",
                        help="experiment: add a partial index in call_next's pick order")
    args = parser.parse_args()
    if not 1 <= args.clerks <= 100 or not 1 <= args.tickets <= 3996:
        parser.error("--clerks must be 1..100 and --tickets 1..3996 (4 queues of 999)")
    if not 1 <= args.rounds <= 500 or not 0 <= args.pause <= 10:
        parser.error("--rounds must be 1..500 and --pause 0..10")
    if not 0 <= args.warmup <= 10:
        parser.error("--warmup must be 0..10")
    if args.clerks * (args.rounds + args.warmup) + 10 > 3996:
        parser.error("--clerks x (--rounds + --warmup) must stay under 3986 (4 queues of 999)")
    if args.processes and (not args.floor or args.db != "postgres" or args.pattern != "burst"):
        parser.error("--processes goes with --floor --db postgres --pattern burst")
    if args.servers and (args.pattern != "burst" or args.floor or args.separate
                         or args.writer_lock or not 1 <= args.servers <= args.clerks):
        parser.error("--servers (1..--clerks) goes with --pattern burst, as the app calls")
    args.patterns = ["loop", "burst"] if args.pattern == "both" else [args.pattern]
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    ok = all([bench(kind, args) for kind in kinds])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
