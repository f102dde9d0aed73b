"""The municipality, its offices and their counters."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import I18nText, UTCDateTime, pick

if TYPE_CHECKING:
    from .catalogue import OfficeService
    from .people import User
    from .queue import Queue

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Organisation(db.Model):
    """A municipality (or another authority) that runs one or more offices."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[dict] = mapped_column(I18nText, default=dict)

    offices: Mapped[list[Office]] = relationship(back_populates="organisation")


class Office(db.Model):
    """A place where citizens are served: the town hall or a district office."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[dict] = mapped_column(I18nText, default=dict)
    address: Mapped[dict] = mapped_column(I18nText, default=dict)
    # Ordered: the first language is the primary one, shown first and announced first.
    languages: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["mk"])
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Skopje")
    # {"mon": [["08:00", "16:00"]], ..., "sun": []}: local times, several spans a day.
    opening_hours: Mapped[dict] = mapped_column(JSON, default=dict)
    # "strict": priority tickets always first; "every_n": one priority call in every n calls.
    priority_policy: Mapped[str] = mapped_column(String(16), default="strict")
    priority_every: Mapped[int] = mapped_column(default=3)
    wait_target_minutes: Mapped[int] = mapped_column(default=20)
    # The kiosk stops issuing tickets this many minutes before closing.
    stop_issuing_minutes: Mapped[int] = mapped_column(default=15)
    # A no-show may come back into the queue within this many minutes.
    no_show_grace_minutes: Mapped[int] = mapped_column(default=15)
    active: Mapped[bool] = mapped_column(default=True)

    organisation: Mapped[Organisation] = relationship(back_populates="offices")
    counters: Mapped[list[Counter]] = relationship(
        back_populates="office", order_by="Counter.number"
    )
    queues: Mapped[list[Queue]] = relationship(back_populates="office", order_by="Queue.prefix")
    services: Mapped[list[OfficeService]] = relationship(
        back_populates="office", order_by="OfficeService.position"
    )
    special_days: Mapped[list[SpecialDay]] = relationship(
        back_populates="office", order_by="SpecialDay.date", cascade="all, delete-orphan"
    )

    def display_name(self, languages=None) -> str:
        """The office's name in the first of the given languages it has."""
        return pick(self.name, languages or self.languages)

    def municipality_name(self, languages=None) -> str:
        """Its organisation's name to show beside the office's, or "" when the office's own
        name already says it ("Municipality of Kisela Voda — Service Hall")."""
        languages = languages or self.languages
        name = pick(self.organisation.name, languages)
        return "" if not name or name in self.display_name(languages) else name


class SpecialDay(db.Model):
    """A date with other hours than the week's: a holiday (no spans) or a shortened day."""

    __table_args__ = (UniqueConstraint("office_id", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    date: Mapped[dt.date] = mapped_column(Date)
    hours: Mapped[list] = mapped_column(JSON, default=list)  # [["08:00", "12:00"]]; [] = closed
    note: Mapped[dict] = mapped_column(I18nText, default=dict)

    office: Mapped[Office] = relationship(back_populates="special_days")


class CounterStatus:
    CLOSED = "closed"
    OPEN = "open"
    BREAK = "break"


class Counter(db.Model):
    """A desk where one clerk serves citizens; numbered as the signs in the hall show."""

    __table_args__ = (UniqueConstraint("office_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    number: Mapped[int]
    name: Mapped[dict] = mapped_column(I18nText, default=dict)
    # Where it is, for the citizen: {"mk": "Приземје, лево"}.
    location: Mapped[dict] = mapped_column(I18nText, default=dict)
    active: Mapped[bool] = mapped_column(default=True)
    # Who works here now and whether the counter is open, on a break or closed.
    status: Mapped[str] = mapped_column(String(16), default=CounterStatus.CLOSED)
    status_reason: Mapped[str | None] = mapped_column(String(64))
    status_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    clerk_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    office: Mapped[Office] = relationship(back_populates="counters")
    # Its row of the service x counter matrix: ``matrix_row`` (kiosk/models/catalogue.py).
    # Who holds it (read with the counters by call next's group); set clerk_id to change it.
    clerk: Mapped[User | None] = relationship(viewonly=True)


class CounterEvent(db.Model):
    """One change of a counter's state (opened, break with reason, resumed, closed): append-only."""

    id: Mapped[int] = mapped_column(primary_key=True)
    counter_id: Mapped[int] = mapped_column(ForeignKey("counter.id"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(16))  # "open", "break", "resume", "close"
    reason: Mapped[str | None] = mapped_column(String(64))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
