"""Opening hours: the week's spans, breaks between them, special days, and when to stop issuing.

``office.opening_hours`` maps "mon" ... "sun" to a list of ["HH:MM", "HH:MM"] spans in local
time; the gaps between spans are breaks. A special day replaces its weekday's spans (an empty
list: closed). An office with no opening hours at all is never closed (a 24-hour centre).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from .errors import N_, InvalidInput

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$|^24:00$")


def parse_time(text: str) -> dt.time:
    """ "08:30" -> time(8, 30); "24:00" is the end of the day. Raises InvalidInput."""
    if not isinstance(text, str) or not _HHMM.match(text.strip()):
        raise InvalidInput(N_("Times are written as HH:MM, for example 08:30."))
    if text.strip() == "24:00":
        return dt.time.max
    hour, minute = text.strip().split(":")
    return dt.time(int(hour), int(minute))


def validate_spans(spans) -> list[list[str]]:
    """Check a day's spans: HH:MM pairs, each ending after it starts, in order, not overlapping."""
    if not isinstance(spans, list):
        raise InvalidInput(N_("Opening hours must be a list of from-to times."))
    clean, last_end = [], None
    for span in spans:
        if not isinstance(span, list | tuple) or len(span) != 2:
            raise InvalidInput(N_("Opening hours must be a list of from-to times."))
        start, end = parse_time(span[0]), parse_time(span[1])
        if end <= start:
            raise InvalidInput(N_("A closing time must come after its opening time."))
        if last_end is not None and start < last_end:
            raise InvalidInput(N_("Opening hours of one day must not overlap."))
        last_end = end
        clean.append([span[0].strip(), span[1].strip()])
    return clean


def validate_week(hours) -> dict[str, list[list[str]]]:
    """Check a whole week of opening hours (missing days are closed)."""
    if not isinstance(hours, dict) or set(hours) - set(WEEKDAYS):
        raise InvalidInput(N_("Opening hours must name the days mon to sun."))
    return {day: validate_spans(hours.get(day, [])) for day in WEEKDAYS}


def open_minutes(spans) -> int:
    """Minutes from a day's first opening to its last closing (valid spans; 0 when closed)."""
    if not spans:
        return 0
    opens, closes = parse_time(spans[0][0]), parse_time(spans[-1][1])
    end = 24 * 60 if closes == dt.time.max else closes.hour * 60 + closes.minute
    return end - (opens.hour * 60 + opens.minute)


@dataclass(frozen=True)
class DayHours:
    date: dt.date
    spans: list[tuple[dt.datetime, dt.datetime]]  # aware, UTC

    @property
    def closed(self) -> bool:
        return not self.spans

    @property
    def opens(self) -> dt.datetime | None:
        return self.spans[0][0] if self.spans else None

    @property
    def closes(self) -> dt.datetime | None:
        return self.spans[-1][1] if self.spans else None


def special_day(office, day: dt.date):
    """The office's special day on this local date, or None."""
    return next((s for s in office.special_days if s.date == day), None)


def day_hours(office, day: dt.date) -> DayHours | None:
    """The office's spans on a local date as UTC moments; None when it keeps no hours that
    day (an office without opening hours issues at any time, but on its special days)."""
    special = special_day(office, day)
    if special is None and not office.opening_hours:
        return None
    spans = (
        special.hours
        if special is not None
        else office.opening_hours.get(WEEKDAYS[day.weekday()], [])
    )
    zone = ZoneInfo(office.timezone)
    result = []
    for start, end in spans:
        t0, t1 = parse_time(start), parse_time(end)
        a = dt.datetime.combine(day, t0, zone)
        b = (
            dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), zone)
            if t1 == dt.time.max
            else dt.datetime.combine(day, t1, zone)
        )
        result.append((a.astimezone(dt.UTC), b.astimezone(dt.UTC)))
    return DayHours(day, result)


@dataclass(frozen=True)
class IssuingState:
    """Whether the kiosk issues tickets now, and if not, why and until when."""

    open: bool
    reason: str | None = None  # "closed", "not_yet", "stopped", "break"
    closes: dt.datetime | None = None  # when the office closes today
    stops_at: dt.datetime | None = None  # when issuing stops today
    reopens: dt.datetime | None = None  # the next opening, when closed
    note: dict | None = None  # today's special day's note for citizens ({lang: text})


def issuing_state(office, now: dt.datetime) -> IssuingState:
    """Decide whether tickets may be issued now (opening hours minus the stop-issuing margin).

    During a break between two spans tickets are still issued: people already in the lobby
    wait for the counters to reopen.
    """
    local_day = now.astimezone(ZoneInfo(office.timezone)).date()
    state = _issuing_state(office, now, local_day)
    special = special_day(office, local_day)
    if special is not None and any((special.note or {}).values()):
        state = replace(state, note=special.note)
    return state


def _issuing_state(office, now: dt.datetime, local_day: dt.date) -> IssuingState:
    today = day_hours(office, local_day)
    if today is None:
        return IssuingState(open=True)
    margin = dt.timedelta(minutes=office.stop_issuing_minutes or 0)
    if not today.closed:
        stops_at = today.closes - margin
        if today.opens <= now < stops_at:
            in_break = not any(a <= now < b for a, b in today.spans)
            return IssuingState(
                open=True,
                reason="break" if in_break else None,
                closes=today.closes,
                stops_at=stops_at,
            )
        if now < today.opens:
            return IssuingState(
                open=False,
                reason="not_yet",
                closes=today.closes,
                stops_at=stops_at,
                reopens=today.opens,
            )
    return IssuingState(
        open=False,
        reason="closed" if today.closed else "stopped",
        closes=today.closes,
        stops_at=(today.closes - margin) if today.closes else None,
        reopens=next_opening(office, local_day + dt.timedelta(days=1)),
    )


def next_opening(office, from_day: dt.date, horizon: int = 14) -> dt.datetime | None:
    """The first opening on or after a local date, looking two weeks ahead."""
    for offset in range(horizon):
        day = from_day + dt.timedelta(days=offset)
        hours = day_hours(office, day)
        if hours is None:  # no hours that day: it issues from the day's start
            return dt.datetime.combine(day, dt.time(0), ZoneInfo(office.timezone)).astimezone(
                dt.UTC)
        if not hours.closed:
            return hours.opens
    return None
