"""The office's information board: council decisions, notices and announcements."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import I18nText, UTCDateTime, utcnow


class Announcement(db.Model):
    """A notice shown on displays and kiosks of one office, or of all offices when none."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"))  # None = all offices
    title: Mapped[dict] = mapped_column(I18nText, default=dict)
    body: Mapped[dict] = mapped_column(I18nText, default=dict)
    publish_from: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    publish_to: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    pinned: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
