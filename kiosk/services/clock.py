"""Business dates in an office's own time zone."""

import datetime as dt
from zoneinfo import ZoneInfo


def business_date(now: dt.datetime, timezone: str, reset_time: dt.time = dt.time(0)) -> dt.date:
    """The business day a moment belongs to: the office's local date, shifted by the reset time.

    With a reset at 03:00, a ticket issued at 01:30 local time still belongs to the day before.
    """
    local = now.astimezone(ZoneInfo(timezone))
    shift = dt.timedelta(hours=reset_time.hour, minutes=reset_time.minute)
    return (local - shift).date()


def local_now(now: dt.datetime, timezone: str) -> dt.datetime:
    """The moment in the office's local time."""
    return now.astimezone(ZoneInfo(timezone))
