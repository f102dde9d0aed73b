"""Clerks of one process who press "call next" at the same moment share one write transaction.

Twenty clerks pressing at once made twenty transactions, one after the other (SQLite has one
writer; on PostgreSQL the calls meet on the same rows), and the last clerk waited for nineteen
BEGINs, COMMITs and hand-overs between threads. Here the first clerk to arrive waits while
others keep arriving (``_gather``) and writes their calls with its own; those who arrive
while it writes queue, and the first of them then writes all the queued calls in one
transaction ("flat combining"), reading their counters, with their clerks, in one query, and
making the calls with ``queue.call_next_many``, which shares their statements. One clerk's
error (a second click, a counter on a break, nobody waiting) reaches that clerk only: a call
that fails changes nothing, and the others go on.

Used by the clerk's "call next" (``kiosk.views.clerk``); the rules are ``queue.call_next_many``'s.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import weakref

from sqlalchemy import Engine, bindparam, create_engine, select
from sqlalchemy.orm import Session, defer, joinedload, undefer

from ..database import begin_write
from ..models import Counter, Office, User, utcnow
from . import queue as rules
from .errors import N_, KioskError, NotFound

log = logging.getLogger(__name__)

WAIT_TIMEOUT = 120  # seconds a clerk waits for the writing clerk before giving up with an error
GATHER_STEP = 0.0002  # seconds: the first clerk waits while others keep joining (see _gather)
GATHER_STEPS = 10


class _Call:
    """One clerk's press: what to do, and (once written) the ticket called or the error."""

    __slots__ = ("counter_id", "clerk_id", "outcome", "seen", "now", "woken", "written",
                 "ticket_id", "error")

    def __init__(self, counter_id, clerk_id, outcome, seen, now):
        self.counter_id, self.clerk_id, self.outcome, self.seen, self.now = (
            counter_id, clerk_id, outcome, seen, now)
        self.woken = threading.Event()  # written, or handed the writer's turn
        self.written = False
        self.ticket_id: int | None = None
        self.error: Exception | None = None


class CallGroup:
    """"Call next" for the threads of one process, written in groups; one per engine.

    On PostgreSQL the groups are written on a connection of their own (``writer_engine``),
    not the requests' pool: psycopg deallocates every statement a connection has prepared
    when a transaction on it is rolled back, as every read-only request's is when its session
    closes, so in the shared pool the claims were in effect never prepared, and planned anew
    for each call (a 20-call group alone: p50 16.7 ms on rotating connections, 14.4-15.9 on
    one). On SQLite the app's engine serves, whose writers queue on one in-process lock."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._own_engine: Engine | None = None  # PostgreSQL: made at the first write
        self._mutex = threading.Lock()
        self._queued: list[_Call] = []
        self._writing = False  # a clerk's thread is writing a group now

    def writer_engine(self) -> Engine:
        """The engine the groups are written with (see the class)."""
        if self.engine.dialect.name == "sqlite":
            return self.engine
        if self._own_engine is None:  # only the writing thread gets here
            self._own_engine = create_engine(self.engine.url, pool_size=1, max_overflow=1,
                                             pool_pre_ping=True)
            weakref.finalize(self, self._own_engine.dispose)
        return self._own_engine

    def dispose(self) -> None:
        """Close the groups' own connection (PostgreSQL); the next write opens it again."""
        if self._own_engine is not None:
            self._own_engine.dispose()

    def call_next(
        self,
        counter_id: int,
        *,
        clerk_id: int | None = None,
        outcome: str = "served",
        seen: int | None | object = rules.NOT_GIVEN,
        now: dt.datetime | None = None,
    ) -> int:
        """``queue.call_next`` at the counter, committed; the id of the ticket called. When
        ``clerk_id`` is given, the counter must be theirs (``queue.check_holder``), checked
        in the same transaction. Raises the call's error (a ``KioskError``) when it failed."""
        call = _Call(counter_id, clerk_id, outcome, seen, now or utcnow())
        with self._mutex:
            self._queued.append(call)
            waits = self._writing
            self._writing = True
        if waits and not call.woken.wait(WAIT_TIMEOUT):
            raise TimeoutError("the clerk writing the calls did not finish in time")
        if not call.written:  # first in, or handed the turn: write the queued calls
            # PostgreSQL: the connection is checked out (and pinged, a round trip) while the
            # others join; on SQLite that would be BEGIN IMMEDIATE, holding the writer
            session = None if self.engine.dialect.name == "sqlite" else self._begin(False)
            if not waits:  # first in: let the clerks who pressed at the same instant join
                self._gather()
            self._write_next_group(session)
        if call.error is not None:
            raise call.error
        if call.ticket_id is None:  # the writing thread was stopped before it could tell
            raise RuntimeError("the call was not written")
        return call.ticket_id

    def _gather(self) -> None:
        """Let the clerks who pressed at the same instant join the first one's group: wait
        while they keep arriving (until ``GATHER_STEP`` passes with no new call, at most
        ``GATHER_STEPS`` times). Twenty threads woken at once take a few milliseconds to
        queue; written without waiting, the first few made a group of their own and the rest
        waited for it (measured on PostgreSQL, 20 clerks: p99 34.5 ms without, 30.0 with,
        over four runs each). A lone clerk loses one step."""
        queued = len(self._queued)
        for _ in range(GATHER_STEPS):
            time.sleep(GATHER_STEP)
            with self._mutex:
                if len(self._queued) == queued:
                    return
                queued = len(self._queued)

    def _begin(self, failing: bool = True) -> Session | None:
        """A session in a write transaction on the groups' engine (``writer_engine``). When
        that fails (the database is out of reach): the error, or None if not ``failing``
        (``_write`` then tries again, and the group's clerks are told why it failed)."""
        session = None
        try:
            session = Session(self.writer_engine(), expire_on_commit=False)
            begin_write(session)
        except Exception:
            if session is not None:
                session.close()
            if failing:
                raise
            return None
        return session

    def _write_next_group(self, session: Session | None) -> None:
        """Write every queued call (this thread's among them) in one transaction on the
        session (``_begin``), hand the writer's turn to the first call queued meanwhile, and
        wake the group's clerks."""
        with self._mutex:
            group, self._queued = self._queued, []
        try:
            self._write(group, session)
        except Exception as exc:  # the transaction itself failed: none of its calls happened
            log.exception("a group of %d calls could not be written", len(group))
            for call in group:
                call.ticket_id, call.error = None, call.error or exc
        finally:
            for call in group:
                call.written = True
            with self._mutex:
                if self._queued:
                    self._queued[0].woken.set()  # not written: its turn to write the next group
                else:
                    self._writing = False
            for call in group:
                call.woken.set()

    def _write(self, group: list[_Call], session: Session | None = None) -> None:
        with session or self._begin() as session:  # rolls back on error
            counters = {c.id: c for c in session.scalars(
                _COUNTERS, {"ids": list({call.counter_id for call in group})}).unique()}
            clerks = {c.clerk.id: c.clerk for c in counters.values() if c.clerk}
            others = list({call.clerk_id for call in group} - {None} - clerks.keys())
            if others:  # clerks who hold none of the counters (yet): a clerk sitting down
                clerks.update((u.id, u) for u in session.scalars(_CLERKS, {"ids": others}))
            calls = []  # (the clerk's press, the rules' call) for the calls that may go on
            for call in group:
                try:
                    calls.append((call, _next_call(session, call, counters, clerks)))
                except KioskError as exc:  # this call only; the group goes on
                    call.error = exc
            rules.call_next_many(session, [next_call for _, next_call in calls])
            session.commit()
        for call, next_call in calls:
            call.ticket_id, call.error = next_call.ticket_id, next_call.error


# Built once (building and caching a statement costs more than a small group's calls). One
# query for the counters, their office, matrix rows and clerks (a second query for the matrix
# rows cost 1.5 ms of a 20-call group's 15 on PostgreSQL, one for the clerks 0.8), without the
# names, addresses and hours the calls do not read: their JSON was decoded again for every
# joined row (with matrix rows, reading 20 counters took 5.3 ms instead of 3.0). The matrix
# rows come as one text per counter (``Counter.matrix_row``): joined as objects, four rows per
# counter cost 3.0-4.2 ms, against 2.0-2.3 so.
_COUNTERS = (select(Counter)
             .options(defer(Counter.name), defer(Counter.location), undefer(Counter.matrix_row),
                      joinedload(Counter.office).load_only(
                          Office.id, Office.priority_policy, Office.priority_every),
                      joinedload(Counter.clerk).load_only(User.id, User.username,
                                                          User.display_name))
             .where(Counter.id.in_(bindparam("ids", expanding=True))))
_CLERKS = select(User).where(User.id.in_(bindparam("ids", expanding=True)))


def _next_call(session: Session, call: _Call, counters: dict, clerks: dict) -> rules.NextCall:
    counter = counters.get(call.counter_id)
    if counter is None:
        raise NotFound(N_("There is no such counter at this office."))
    clerk = clerks.get(call.clerk_id)
    if clerk is not None:
        rules.check_holder(session, counter, clerk)
    return rules.NextCall(counter, clerk=clerk, now=call.now, outcome=call.outcome,
                          seen=call.seen)
