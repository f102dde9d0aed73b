"""Queues, tickets and the append-only log of everything that happened to a ticket."""

from __future__ import annotations

import datetime as dt
import enum
import secrets
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Date, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import I18nText, UTCDateTime, utcnow

if TYPE_CHECKING:
    from .catalogue import Service
    from .offices import Counter, Office


class Queue(db.Model):
    """A numbered line at an office: tickets A001, A002, ... restarting each business day."""

    __table_args__ = (UniqueConstraint("office_id", "prefix"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    # One letter that reads and sounds the same in Cyrillic and Latin: A, E, K, M, T.
    prefix: Mapped[str] = mapped_column(String(4))
    name: Mapped[dict] = mapped_column(I18nText, default=dict)
    number_min: Mapped[int] = mapped_column(default=1)
    number_max: Mapped[int] = mapped_column(default=999)
    # Local time at which numbering restarts; tickets issued before it belong to the day before.
    reset_time: Mapped[dt.time] = mapped_column(default=dt.time(0, 0))

    office: Mapped[Office] = relationship(back_populates="queues")


class TicketNumber(db.Model):
    """The last number issued in a queue on a business day (one row, bumped atomically)."""

    queue_id: Mapped[int] = mapped_column(ForeignKey("queue.id"), primary_key=True)
    business_date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    last: Mapped[int]


class TicketStatus(enum.StrEnum):
    WAITING = "waiting"
    CALLED = "called"  # called to a counter and being served there
    PARKED = "parked"  # put on hold at a counter (waiting for a paper, a colleague, ...)
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


OPEN_STATUSES = (TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.PARKED)


def new_token() -> str:
    """A random, unguessable token for the ticket's "follow my ticket" page."""
    return secrets.token_urlsafe(16)


class Ticket(db.Model):
    """An anonymous queue ticket: a number, a service, times and a status; nobody's name.

    The priority flag is yes or no: why someone has priority is never stored.
    """

    __table_args__ = (
        UniqueConstraint("office_id", "queue_id", "business_date", "number"),
        # call next reads the oldest waiting ticket of a priority class along this index
        Index("ix_ticket_waiting", "office_id", "status", "priority", "queued_at", "id"),
        Index("ix_ticket_counter_status", "counter_id", "status"),
        # call next's first look: the tickets sent to a counter, and only those, so that the
        # planner never walks this index for "not sent anywhere" (it did, sorting the whole
        # queue, whenever the table's statistics were older than the day's tickets)
        Index("ix_ticket_sent_to", "target_counter_id", "status",
              postgresql_where=text("target_counter_id IS NOT NULL"),
              sqlite_where=text("target_counter_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    queue_id: Mapped[int] = mapped_column(ForeignKey("queue.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    business_date: Mapped[dt.date] = mapped_column(Date)
    number: Mapped[int]
    # The printed label, e.g. "A023", kept as issued even if the queue's prefix changes later.
    code: Mapped[str] = mapped_column(String(16))
    token: Mapped[str] = mapped_column(String(32), unique=True, default=new_token)
    status: Mapped[str] = mapped_column(String(16), default=TicketStatus.WAITING)
    priority: Mapped[bool] = mapped_column(default=False)
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counter.id"))
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The calling order within a priority class: the issue time, or what a transfer set
    # ("to the front", "to the end", "by age").
    queued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    called_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    recalls: Mapped[int] = mapped_column(default=0)  # of its current call, by the counter
    transfers: Mapped[int] = mapped_column(default=0)
    # Set by a transfer to a particular counter: only that counter calls the ticket.
    target_counter_id: Mapped[int | None] = mapped_column(ForeignKey("counter.id"))
    outcome: Mapped[str | None] = mapped_column(String(32))  # how the visit ended
    # The wait quoted when the ticket was issued (seconds), to report quoted against actual.
    quoted_wait_min: Mapped[int | None]
    quoted_wait_max: Mapped[int | None]

    office: Mapped[Office] = relationship()
    queue: Mapped[Queue] = relationship()
    service: Mapped[Service] = relationship()
    counter: Mapped[Counter | None] = relationship(foreign_keys=[counter_id])

    @property
    def spoken_number(self) -> str:
        """The ticket as it is announced: prefix and number without leading zeros ("A 23")."""
        return f"{self.code.rstrip('0123456789')} {self.number}"


class TicketEvent(db.Model):
    """One transition of one ticket: append-only, never updated or deleted.

    The office, counter and clerk (actor) are the ids they had, not foreign keys: a call
    writes two events, and each key made PostgreSQL check and lock the row it names (six
    checks a call, every process's calls locking the same office row: 0.1 ms of a claim's
    0.35 on the server, 2-4 ms of a 20-call group's 22). Offices, counters and people are
    deactivated, never deleted, and the rules write ids of rows read in the same
    transaction. The ticket stays a key."""

    __table_args__ = (Index("ix_ticket_event_office_at", "office_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    office_id: Mapped[int] = mapped_column()
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # "issued", "called", "recalled", "no_show", "finished", "closed", ...
    kind: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(16))  # the ticket's status after the event
    counter_id: Mapped[int | None] = mapped_column()
    actor_id: Mapped[int | None] = mapped_column()
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    ticket: Mapped[Ticket] = relationship()
