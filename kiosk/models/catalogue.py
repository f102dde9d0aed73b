"""The service catalogue: what a citizen can come for, and where each office serves it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Column,
    Date,
    ForeignKey,
    String,
    Table,
    UniqueConstraint,
    cast,
    func,
    select,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from ..extensions import db
from .offices import Counter
from .types import I18nText, UTCDateTime, pick

if TYPE_CHECKING:
    from .offices import Office, Organisation
    from .queue import Queue


service_category = Table(
    "service_category",
    db.metadata,
    Column("service_id", ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
    Column("category_id", ForeignKey("category.id", ondelete="CASCADE"), primary_key=True),
)

service_life_event = Table(
    "service_life_event",
    db.metadata,
    Column("service_id", ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
    Column("life_event_id", ForeignKey("life_event.id", ondelete="CASCADE"), primary_key=True),
)


class Category(db.Model):
    """A theme of services: civil registry, taxes, building, social help, ..."""

    __table_args__ = (UniqueConstraint("organisation_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[dict] = mapped_column(I18nText, default=dict)
    description: Mapped[dict] = mapped_column(I18nText, default=dict)
    icon: Mapped[str] = mapped_column(String(32), default="file")
    position: Mapped[int] = mapped_column(default=0)


class LifeEvent(db.Model):
    """A moment in life that needs several services: a birth, a marriage, building a house."""

    __table_args__ = (UniqueConstraint("organisation_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[dict] = mapped_column(I18nText, default=dict)
    description: Mapped[dict] = mapped_column(I18nText, default=dict)
    icon: Mapped[str] = mapped_column(String(32), default="file")
    position: Mapped[int] = mapped_column(default=0)


class Service(db.Model):
    """A public service as the catalogue describes it, in every language the office speaks.

    Fields follow the core shared by EU CPSV-AP 3.2, the Single Digital Gateway, Bulgaria's
    IISDA register and North Macedonia's national catalogue.
    """

    __table_args__ = (UniqueConstraint("organisation_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[dict] = mapped_column(I18nText, default=dict)
    short_name: Mapped[dict] = mapped_column(I18nText, default=dict)  # for a kiosk button
    summary: Mapped[dict] = mapped_column(I18nText, default=dict)  # plain words, one sentence
    # Shown before a ticket is taken, e.g. "Bring your ID card".
    ticket_note: Mapped[dict] = mapped_column(I18nText, default=dict)
    icon: Mapped[str] = mapped_column(String(32), default="file")
    average_minutes: Mapped[int] = mapped_column(default=10)
    priority_allowed: Mapped[bool] = mapped_column(default=True)
    # "draft", "published" or "retired": only published services are offered at the kiosk.
    status: Mapped[str] = mapped_column(String(16), default="published")
    description: Mapped[dict] = mapped_column(I18nText, default=dict)
    keywords: Mapped[dict] = mapped_column(I18nText, default=dict)  # extra words for search
    authority: Mapped[dict] = mapped_column(I18nText, default=dict)  # the competent authority
    external_ids: Mapped[dict] = mapped_column(JSON, default=dict)  # {"uslugi.gov.mk": "123"}
    output: Mapped[dict] = mapped_column(I18nText, default=dict)  # the document one receives
    output_validity: Mapped[dict] = mapped_column(I18nText, default=dict)
    # [{"act": {"mk": ...}, "article": "12", "url": "..."}]
    legal_basis: Mapped[list] = mapped_column(JSON, default=list)
    # {"body": {"mk": ...}, "deadline_days": 15}
    appeal: Mapped[dict] = mapped_column(JSON, default=dict)
    # [{"tier": "normal", "duration": "P5D", "days": "working"}]: ISO 8601 durations
    processing_times: Mapped[list] = mapped_column(JSON, default=list)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Pending edits of a published service, as the editor's JSON; published on "publish".
    draft: Mapped[dict | None] = mapped_column(JSON)

    organisation: Mapped[Organisation] = relationship()
    categories: Mapped[list[Category]] = relationship(secondary=service_category)
    life_events: Mapped[list[LifeEvent]] = relationship(secondary=service_life_event)
    documents: Mapped[list[RequiredDocument]] = relationship(
        back_populates="service", order_by="RequiredDocument.position",
        cascade="all, delete-orphan",
    )
    fees: Mapped[list[Fee]] = relationship(
        back_populates="service", order_by="Fee.position", cascade="all, delete-orphan"
    )

    def label(self, languages) -> str:
        """The button label: in the first language that has a short name or a name, the short
        name if there is one (a language the reader asked for beats a shorter text)."""
        for lang in languages:
            value = (self.short_name or {}).get(lang) or (self.name or {}).get(lang)
            if value:
                return value
        return pick(self.short_name, ()) or pick(self.name, ())

    def title(self, languages) -> str:
        """The full name in the first of the given languages it has."""
        return pick(self.name, languages)


class DocumentKind:
    ORIGINAL = "original"
    COPY = "copy"
    CERTIFIED_COPY = "certified_copy"
    FORM = "form"
    PAYMENT_PROOF = "payment_proof"
    ID_DOCUMENT = "id_document"


class RequiredDocument(db.Model):
    """A paper the service needs: what kind, how many, whether always, and who brings it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[dict] = mapped_column(I18nText, default=dict)
    description: Mapped[dict] = mapped_column(I18nText, default=dict)
    kind: Mapped[str] = mapped_column(String(24), default=DocumentKind.ORIGINAL)
    mandatory: Mapped[bool] = mapped_column(default=True)
    condition: Mapped[dict] = mapped_column(I18nText, default=dict)  # "if represented by proxy"
    copies: Mapped[int] = mapped_column(default=1)
    # "по службена должност" / "служебно": the office obtains it; the citizen need not bring it.
    obtained_by_office: Mapped[bool] = mapped_column(default=False)
    form_url: Mapped[str | None] = mapped_column(String(500))

    service: Mapped[Service] = relationship(back_populates="documents")


class Fee(db.Model):
    """A fee: amount in minor units and ISO 4217 currency, per tier, with how to pay it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[dict] = mapped_column(I18nText, default=dict)
    amount_minor: Mapped[int] = mapped_column(default=0)
    currency: Mapped[str] = mapped_column(String(3), default="MKD")
    tier: Mapped[str] = mapped_column(String(16), default="normal")  # normal, fast, express
    payment_methods: Mapped[list] = mapped_column(JSON, default=list)  # ["cash", "card", "bank"]
    # {"recipient": ..., "account": ..., "revenue_code": ..., "purpose": {"mk": ...}}
    payment_slip: Mapped[dict] = mapped_column(JSON, default=dict)

    service: Mapped[Service] = relationship(back_populates="fees")


class OfficeService(db.Model):
    """A service offered at one office, and the queue its tickets join there."""

    __table_args__ = (UniqueConstraint("office_id", "service_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    queue_id: Mapped[int] = mapped_column(ForeignKey("queue.id"))
    position: Mapped[int] = mapped_column(default=0)  # order of the kiosk buttons
    active: Mapped[bool] = mapped_column(default=True)
    # Where in this office: {"mk": "Приземје, шалтери 1–2"}; floor and room as signed.
    location: Mapped[dict] = mapped_column(I18nText, default=dict)
    floor: Mapped[str | None] = mapped_column(String(16))
    room: Mapped[str | None] = mapped_column(String(16))

    office: Mapped[Office] = relationship(back_populates="services")
    service: Mapped[Service] = relationship()
    queue: Mapped[Queue] = relationship()


class CounterService(db.Model):
    """The service x counter matrix: a counter serves these services, best first.

    A counter with no row here serves every service of its office.
    """

    __table_args__ = (UniqueConstraint("counter_id", "service_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    counter_id: Mapped[int] = mapped_column(ForeignKey("counter.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    preference: Mapped[int] = mapped_column(default=1)  # 1 = serve first

    counter: Mapped[Counter] = relationship()
    service: Mapped[Service] = relationship()


# A counter's row of the matrix as text, "service id:preference" joined by commas (None: no
# row); ``routing.preferences`` reads it. Loaded when first used, or with the counter where
# asked (call next's group reads it for all its counters in their one query: the rows as
# objects, joined, cost 1-2 ms of a 20-call group on PostgreSQL).
Counter.matrix_row = column_property(
    select(func.aggregate_strings(
        cast(CounterService.service_id, String) + ":" + cast(CounterService.preference, String),
        ",",
    ))
    .where(CounterService.counter_id == Counter.id)
    .correlate_except(CounterService)
    .scalar_subquery(),
    deferred=True,
)
