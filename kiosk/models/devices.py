"""Screens paired to an office without passwords: lobby displays, counter displays, kiosks."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from .offices import Counter, Office


class DeviceKind:
    DISPLAY = "display"  # the lobby display
    COUNTER_DISPLAY = "counter_display"  # the small screen above one counter
    KIOSK = "kiosk"


class Device(db.Model):
    """A browser that shows a one-time code until an administrator pairs it with an office.

    The device keeps a random token in a cookie; only its SHA-256 hash is stored here.
    Revoking the pairing makes the token worthless at once.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), default=DeviceKind.DISPLAY)
    name: Mapped[str] = mapped_column(String(120), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Shown on the unpaired screen; cleared when paired.
    pairing_code: Mapped[str | None] = mapped_column(String(12), unique=True)
    pairing_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"))
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counter.id"))
    # {"layout": "landscape" | "portrait", "volume": 0-100, "speech": true}
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    paired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    paired_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    office: Mapped[Office | None] = relationship()
    counter: Mapped[Counter | None] = relationship()

    @property
    def is_paired(self) -> bool:
        return self.office_id is not None and self.paired_at is not None and not self.revoked_at
