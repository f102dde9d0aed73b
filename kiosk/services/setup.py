"""Office setup: offices, opening hours, special days, counters, queues and the service x
counter matrix.

Each function takes plain data (strings as a form sends them, dicts for text in several
languages), checks every field before it changes anything, raises ``FieldErrors`` naming each
wrong field, and records the change in the audit trail with its before and after. Functions
flush; the caller commits.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import (
    Counter,
    CounterService,
    Office,
    OfficeService,
    Organisation,
    Queue,
    SpecialDay,
    Ticket,
    TicketStatus,
    User,
    utcnow,
)
from . import audit
from .clock import local_now
from .errors import N_, InvalidInput, KioskError, NotFound
from .hours import WEEKDAYS, open_minutes, parse_time, validate_spans

# Content languages an office may speak besides the interface languages: Turkish and Romani
# are official in some Macedonian municipalities (Romani has no CLDR locale, only text).
EXTRA_CONTENT_LANGUAGES = ("tr", "rom")

PRIORITY_POLICIES = ("strict", "every_n")
PREFERENCES = (1, 2, 3)  # the matrix: 1 = this counter serves the service first

# Limits of free text, in characters: long enough for any real name, short enough for a sign.
NAME_MAX = 120
ADDRESS_MAX = 200
NOTE_MAX = 200
ORGANISATION_MAX = 120

# Ranges of the numeric settings, (lowest, highest) inclusive.
STOP_ISSUING_RANGE = (0, 120)
NO_SHOW_GRACE_RANGE = (0, 120)
WAIT_TARGET_RANGE = (1, 240)
PRIORITY_EVERY_RANGE = (2, 10)
COUNTER_NUMBER_RANGE = (1, 999)
TICKET_NUMBER_RANGE = (1, 999)  # three digits on the ticket

# Queue prefixes: letters that look and sound the same in Cyrillic and Latin.
RECOMMENDED_PREFIXES = ("A", "E", "K", "M", "T")
# Latin capitals drawn like a Cyrillic letter that is read as another sound.
FALSE_FRIENDS = {
    "B": ("В", "V"),
    "H": ("Н", "N"),
    "P": ("Р", "R"),
    "C": ("С", "S"),
    "X": ("Х", "H"),
    "Y": ("У", "U"),
}
# Letters mistaken for digits on a printed ticket.
DIGIT_LIKE = {"O": "0", "I": "1"}
# A Cyrillic keyboard types these: the same shape as a Latin capital, so take the Latin one
# (the administrator cannot see the difference, a ticket code must not depend on it).
CYRILLIC_TO_LATIN = {
    "А": "A", "Е": "E", "К": "K", "М": "M", "Т": "T",
    "В": "B", "Н": "H", "Р": "P", "С": "C", "Х": "X", "У": "Y", "О": "O", "І": "I",
}  # fmt: skip

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


# ------------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class Problem:
    """What is wrong with one field: a gettext message id and the values that fill it."""

    message: str
    params: dict = field(default_factory=dict)


class FieldErrors(InvalidInput):
    """Some fields are wrong; ``errors`` maps each field name to its ``Problem``."""

    message = N_("Some answers need correcting.")
    status = 422

    def __init__(self, errors: Mapping[str, Problem]):
        self.errors = dict(errors)
        super().__init__()


class _Checks:
    """Collects the problems of a whole form, so that the user sees them all at once."""

    def __init__(self) -> None:
        self.errors: dict[str, Problem] = {}

    def fail(self, name: str, message: str, **params: Any) -> None:
        self.errors.setdefault(name, Problem(message, params))

    def ok(self, name: str) -> bool:
        return name not in self.errors

    def raise_if_any(self) -> None:
        if self.errors:
            raise FieldErrors(self.errors)

    def text(self, name: str, value: Any, limit: int, *, required: str | None = None) -> str:
        """Clean one line of text: control characters out, trimmed, length checked."""
        text = clean_text(value)
        if not text and required:
            self.fail(name, required)
        elif len(text) > limit:
            self.fail(name, N_("Use at most %(max)d characters."), max=limit)
        return text

    def number(self, name: str, value: Any, bounds: tuple[int, int]) -> int | None:
        """A whole number within bounds, or None (and a problem) when it is not one."""
        text = clean_text(value)
        number = int(text) if re.fullmatch(r"[+-]?[0-9]{1,6}", text) else None
        if number is None or not bounds[0] <= number <= bounds[1]:
            self.fail(
                name,
                N_("Enter a whole number from %(low)d to %(high)d."),
                low=bounds[0],
                high=bounds[1],
            )
            return None
        return number

    def texts(
        self,
        name: str,
        values: Any,
        languages: Iterable[str],
        limit: int,
        *,
        required_first: str | None = None,
        keep: Mapping[str, str] | None = None,
    ) -> dict[str, str]:
        """Text in several languages, as ``{"mk": ..., "sq": ...}``; empty ones are left out.

        Translations in languages the form did not show (``keep``) are kept, not lost.
        """
        values = values if isinstance(values, Mapping) else {}
        languages = list(languages)
        result = {k: v for k, v in (keep or {}).items() if k not in languages and v}
        for index, lang in enumerate(languages):
            required = required_first if index == 0 else None
            text = self.text(f"{name}-{lang}", values.get(lang), limit, required=required)
            if text:
                result[lang] = text
        return result


def clean_text(value: Any) -> str:
    """One line of user text: NFC, no control characters (PostgreSQL refuses NUL), trimmed."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    return _CONTROL.sub("", text.replace("\n", " ").replace("\t", " ")).strip()


def _flag(value: Any) -> bool:
    """A checkbox: present and not "0"/"false"/"off" means ticked."""
    if isinstance(value, bool):
        return value
    return clean_text(value).lower() not in ("", "0", "false", "off", "no")


def _snapshot(obj: Any) -> dict:
    # JSON columns hold dicts and lists: copy them so that "before" cannot change afterwards.
    return copy.deepcopy(audit.snapshot(obj))


# ------------------------------------------------------------------------------- offices


def content_languages(interface_languages: Iterable[str]) -> list[str]:
    """The languages an office may choose: the interface languages, then Turkish and Romani."""
    result = list(dict.fromkeys(interface_languages))
    return result + [lang for lang in EXTRA_CONTENT_LANGUAGES if lang not in result]


@cache
def _timezones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_timezone(name: str) -> bool:
    """Whether the IANA database knows this zone (Europe/Skopje, Europe/Sofia, ...)."""
    return name in _timezones()


def _check_office(
    session: Session, data: Mapping[str, Any], allowed: list[str], office: Office | None
) -> tuple[_Checks, dict[str, Any]]:
    checks = _Checks()
    values: dict[str, Any] = {}

    slug = clean_text(data.get("slug")).lower()
    if not slug:
        checks.fail("slug", N_("Enter the short name used in addresses, such as centar."))
    elif len(slug) > 64 or not _SLUG.match(slug):
        checks.fail(
            "slug",
            N_("Use lowercase letters a-z, digits and single hyphens only, such as kisela-voda."),
        )
    else:
        taken = session.scalar(
            select(Office.id).where(Office.slug == slug, Office.id != (office.id if office else -1))
        )
        if taken is not None:
            checks.fail("slug", N_("Another office already uses %(slug)s."), slug=slug)
    values["slug"] = slug

    raw_languages = data.get("languages") or []
    if isinstance(raw_languages, str):
        raw_languages = raw_languages.split(",")
    languages = [clean_text(x) for x in raw_languages if clean_text(x)]
    if not languages:
        checks.fail("languages", N_("Choose at least one language."))
    elif any(lang not in allowed for lang in languages):
        checks.fail("languages", N_("Choose the languages from the list."))
    elif len(set(languages)) != len(languages):
        checks.fail("languages", N_("Choose each language only once."))
    values["languages"] = languages

    # Names are asked in the office's languages; the first one is required.
    shown = languages if checks.ok("languages") else (office.languages if office else [])
    values["name"] = checks.texts(
        "name",
        data.get("name"),
        shown,
        NAME_MAX,
        required_first=N_("Enter the name in the office's first language."),
        keep=office.name if office else None,
    )
    values["address"] = checks.texts(
        "address", data.get("address"), shown, ADDRESS_MAX, keep=office.address if office else None
    )

    timezone = clean_text(data.get("timezone"))
    if not is_timezone(timezone):
        checks.fail("timezone", N_("Choose a time zone such as Europe/Skopje or Europe/Sofia."))
    values["timezone"] = timezone

    policy = clean_text(data.get("priority_policy"))
    if policy not in PRIORITY_POLICIES:
        checks.fail("priority_policy", N_("Choose how priority tickets are called."))
    values["priority_policy"] = policy
    if policy == "every_n":
        values["priority_every"] = checks.number(
            "priority_every", data.get("priority_every"), PRIORITY_EVERY_RANGE
        )
    else:
        # The strict policy does not use N: keep a valid one for later, ignore anything else.
        every = _Checks().number("priority_every", data.get("priority_every"), PRIORITY_EVERY_RANGE)
        if every is not None:
            values["priority_every"] = every
    values["stop_issuing_minutes"] = checks.number(
        "stop_issuing_minutes", data.get("stop_issuing_minutes"), STOP_ISSUING_RANGE
    )
    if (office is not None and checks.ok("stop_issuing_minutes")
            and values["stop_issuing_minutes"] != office.stop_issuing_minutes):  # as it was: kept
        shortest = _shortest_day(office)
        if shortest is not None and values["stop_issuing_minutes"] >= shortest:
            checks.fail("stop_issuing_minutes", _NEVER_ISSUES_MARGIN, minutes=shortest)
    values["wait_target_minutes"] = checks.number(
        "wait_target_minutes", data.get("wait_target_minutes"), WAIT_TARGET_RANGE
    )
    values["no_show_grace_minutes"] = checks.number(
        "no_show_grace_minutes", data.get("no_show_grace_minutes"), NO_SHOW_GRACE_RANGE
    )
    values["active"] = (
        _flag(data["active"]) if "active" in data else (office.active if office else True)
    )
    return checks, values


def create_office(
    session: Session,
    data: Mapping[str, Any],
    *,
    actor: User | None,
    organisation: Organisation | None,
    allowed_languages: Iterable[str],
) -> Office:
    """Open a new office. With no municipality yet, ``data["organisation"]`` names one."""
    checks, values = _check_office(session, data, list(allowed_languages), None)
    org_name = ""
    if organisation is None:
        org_name = checks.text(
            "organisation",
            data.get("organisation"),
            ORGANISATION_MAX,
            required=N_("Enter the name of the municipality that runs the office."),
        )
    checks.raise_if_any()
    if organisation is None:
        organisation = Organisation(slug=values["slug"], name={values["languages"][0]: org_name})
        session.add(organisation)
        session.flush()
        audit.record(
            session,
            actor=actor,
            entity="organisation",
            entity_id=organisation.id,
            action="create",
            after=_snapshot(organisation),
        )
    office = Office(organisation=organisation, opening_hours={}, **values)
    session.add(office)
    session.flush()
    audit.record(
        session,
        actor=actor,
        entity="office",
        entity_id=office.id,
        action="create",
        after=_snapshot(office),
    )
    return office


def update_office(
    session: Session,
    office: Office,
    data: Mapping[str, Any],
    *,
    actor: User | None,
    allowed_languages: Iterable[str],
) -> Office:
    """Change an office's general settings: names, languages, time zone, policies."""
    allowed = list(dict.fromkeys([*allowed_languages, *office.languages]))
    checks, values = _check_office(session, data, allowed, office)
    checks.raise_if_any()
    before = _snapshot(office)
    for name, value in values.items():
        setattr(office, name, value)
    session.flush()
    audit.record(
        session,
        actor=actor,
        entity="office",
        entity_id=office.id,
        action="update",
        before=before,
        after=_snapshot(office),
    )
    return office


# ------------------------------------------------------------------------------- hours


def _check_spans(checks: _Checks, name: str, spans: Any) -> list[list[str]]:
    """One day's spans: blank rows dropped, sorted by opening time, then validate_spans."""
    rows = []
    for span in spans or []:
        start, end = (clean_text(x) for x in (list(span) + ["", ""])[:2])
        if start or end:
            rows.append([start, end])
    try:
        rows.sort(key=lambda row: parse_time(row[0]))
    except InvalidInput:
        pass  # validate_spans names the wrong time below
    try:
        return validate_spans(rows)
    except InvalidInput as err:
        checks.fail(name, err.message, **err.params)
        return rows


# A day must leave time to issue tickets: the kiosk stops issuing stop_issuing_minutes before
# closing, so a day no longer than that would show "issuing has stopped" from its opening.
_NEVER_ISSUES_DAY = N_(
    "Tickets could not be issued on this day: it is open for %(open)d minutes, and issuing"
    " stops %(stop)d minutes before closing. Make the day longer, or mark it as closed.")
_NEVER_ISSUES_MARGIN = N_(
    "The office's shortest day is open for %(minutes)d minutes: tickets could not be issued"
    " that day. Stop issuing fewer minutes before closing, or lengthen that day first.")


def _check_issuing(checks: _Checks, name: str, spans: list, office: Office) -> None:
    """Refuse an open day on which issuing would stop before it starts."""
    stop, length = office.stop_issuing_minutes or 0, open_minutes(spans)
    if spans and length <= stop:
        checks.fail(name, _NEVER_ISSUES_DAY, open=length, stop=stop)


def _shortest_day(office: Office) -> int | None:
    """Minutes of the office's shortest open day: a weekday, or a special day from today
    on (None: no hours are kept)."""
    today = local_now(utcnow(), office.timezone).date()
    days = [spans for spans in (office.opening_hours or {}).values() if spans]
    days += [special.hours for special in office.special_days
             if special.date >= today and special.hours]
    return min((open_minutes(spans) for spans in days), default=None)


def update_opening_hours(
    session: Session, office: Office, week: Mapping[str, Any] | None, *, actor: User | None
) -> Office:
    """Set the week's opening hours: several spans a day, the gaps between them are breaks.

    ``None`` removes the opening hours: the office is then never closed (a 24-hour centre).
    A week without a single open day is refused: that is what switching the office off is for.
    """
    checks = _Checks()
    if week is None:
        hours: dict = {}
    else:
        if set(week) - set(WEEKDAYS):
            raise InvalidInput(N_("Opening hours must name the days mon to sun."))
        hours = {day: _check_spans(checks, f"hours-{day}", week.get(day)) for day in WEEKDAYS}
        for day, spans in hours.items():
            if checks.ok(f"hours-{day}"):
                _check_issuing(checks, f"hours-{day}", spans, office)
        if not checks.errors and not any(hours.values()):
            checks.fail(
                "mode",
                N_("Every day is closed. Add opening hours, or choose to issue tickets at "
                   "any time."),
            )  # fmt: skip
    checks.raise_if_any()
    before = _snapshot(office)
    office.opening_hours = hours
    session.flush()
    audit.record(
        session,
        actor=actor,
        entity="office",
        entity_id=office.id,
        action="update",
        before=before,
        after=_snapshot(office),
    )
    return office


def save_special_day(
    session: Session,
    office: Office,
    data: Mapping[str, Any],
    *,
    actor: User | None,
    changing: SpecialDay | None = None,
) -> SpecialDay:
    """Add a special day, or change one (``changing``: other hours, or closed; on its date,
    or on another, to which it then moves). A date holds one special day: adding one on a
    date that has one, or moving one there, is refused, never a silent overwrite."""
    checks = _Checks()
    day = None
    raw = clean_text(data.get("date"))
    if not raw:
        checks.fail("date", N_("Enter the date."))
    else:
        try:
            day = dt.date.fromisoformat(raw)
        except ValueError:
            checks.fail("date", N_("Enter a date such as 2026-12-24."))
    closed = _flag(data.get("closed"))
    spans = [] if closed else _check_spans(checks, "hours", data.get("hours"))
    if not closed and checks.ok("hours") and not spans:
        checks.fail("hours", N_("Enter the hours of this day, or mark it as closed."))
    if checks.ok("hours"):
        _check_issuing(checks, "hours", spans, office)
    note = checks.texts("note", data.get("note"), office.languages, NOTE_MAX)
    special = day and session.scalar(
        select(SpecialDay).where(SpecialDay.office_id == office.id, SpecialDay.date == day)
    )
    if special is not None and special is not changing:
        checks.fail("date", N_("There is already a special day on this date: change that one"
                               " instead."))
    checks.raise_if_any()

    special = changing
    before = _snapshot(special) if special is not None else None
    if special is None:
        special = SpecialDay(office=office, date=day)
        session.add(special)
    special.date = day
    special.hours = spans
    special.note = {
        **{k: v for k, v in (special.note or {}).items() if k not in office.languages},
        **note,
    }
    session.flush()
    audit.record(
        session,
        actor=actor,
        entity="special_day",
        entity_id=special.id,
        action="create" if before is None else "update",
        before=before,
        after=_snapshot(special),
    )
    return special


def delete_special_day(session: Session, special: SpecialDay, *, actor: User | None) -> None:
    """Remove a special day: the date keeps its weekday's hours again."""
    before = _snapshot(special)
    office = special.office
    session.delete(special)
    session.flush()
    session.expire(office, ["special_days"])
    audit.record(
        session,
        actor=actor,
        entity="special_day",
        entity_id=before["id"],
        action="delete",
        before=before,
    )


# ------------------------------------------------------------------------------- counters


def serving_ticket(session: Session, counter: Counter) -> Ticket | None:
    """A ticket the counter is serving or holding now, if any."""
    return session.scalar(
        select(Ticket)
        .where(
            Ticket.counter_id == counter.id,
            Ticket.status.in_([TicketStatus.CALLED, TicketStatus.PARKED]),
        )
        .limit(1)
    )


def _check_counter(
    session: Session, office: Office, data: Mapping[str, Any], counter: Counter | None
) -> tuple[_Checks, dict[str, Any]]:
    checks = _Checks()
    values: dict[str, Any] = {}
    number = checks.number("number", data.get("number"), COUNTER_NUMBER_RANGE)
    if number is not None:
        taken = session.scalar(
            select(Counter.id).where(
                Counter.office_id == office.id,
                Counter.number == number,
                Counter.id != (counter.id if counter else -1),
            )
        )
        if taken is not None:
            checks.fail("number", N_("Counter %(number)d already exists here."), number=number)
    values["number"] = number
    values["name"] = checks.texts(
        "name", data.get("name"), office.languages, NAME_MAX, keep=counter.name if counter else None
    )
    values["location"] = checks.texts(
        "location",
        data.get("location"),
        office.languages,
        NAME_MAX,
        keep=counter.location if counter else None,
    )
    values["active"] = (
        _flag(data["active"]) if "active" in data else (counter.active if counter else True)
    )
    if counter is not None and counter.active and not values["active"]:
        ticket = serving_ticket(session, counter)
        if ticket is not None:
            checks.fail(
                "active",
                N_(
                    "Counter %(number)d is serving ticket %(code)s. Finish or transfer it "
                    "before switching the counter off."
                ),
                number=counter.number,
                code=ticket.code,
            )
    return checks, values


def create_counter(
    session: Session, office: Office, data: Mapping[str, Any], *, actor: User | None
) -> Counter:
    """Add a counter to an office (it serves every service until the matrix says otherwise)."""
    checks, values = _check_counter(session, office, data, None)
    checks.raise_if_any()
    counter = Counter(office=office, **values)
    session.add(counter)
    session.flush()
    audit.record(
        session,
        actor=actor,
        entity="counter",
        entity_id=counter.id,
        action="create",
        after=_snapshot(counter),
    )
    return counter


def update_counter(
    session: Session, counter: Counter, data: Mapping[str, Any], *, actor: User | None
) -> Counter:
    """Change a counter's number, names, location or whether it is in use."""
    checks, values = _check_counter(session, counter.office, data, counter)
    checks.raise_if_any()
    before = _snapshot(counter)
    for name, value in values.items():
        setattr(counter, name, value)
    session.flush()
    audit.record(
        session,
        actor=actor,
        entity="counter",
        entity_id=counter.id,
        action="update",
        before=before,
        after=_snapshot(counter),
    )
    return counter


# ------------------------------------------------------------------------------- queues


def check_prefix(text: Any) -> tuple[str, Problem | None]:
    """Normalise a queue prefix (capitals, Cyrillic twins to Latin) and say what is wrong."""
    raw = clean_text(text).replace(" ", "").upper()
    prefix = "".join(CYRILLIC_TO_LATIN.get(ch, ch) for ch in raw)
    if not prefix:
        return prefix, Problem(N_("Enter a prefix: one or two capital letters, such as A."))
    if len(prefix) > 2 or not prefix.isalpha():
        return prefix, Problem(N_("A prefix is one or two capital letters, such as A or KM."))
    for ch in prefix:
        if ch in FALSE_FRIENDS:
            cyrillic, sound = FALSE_FRIENDS[ch]
            return prefix, Problem(
                N_("%(letter)s looks like the Cyrillic %(cyrillic)s, which is read as %(sound)s: "
                   "people would call the ticket by two names. Use A, E, K, M or T."),
                {"letter": ch, "cyrillic": cyrillic, "sound": sound},
            )  # fmt: skip
        if ch in DIGIT_LIKE:
            return prefix, Problem(
                N_(
                    "%(letter)s is easily mistaken for the digit %(digit)s on a ticket. "
                    "Use A, E, K, M or T."
                ),
                {"letter": ch, "digit": DIGIT_LIKE[ch]},
            )
        if not ("A" <= ch <= "Z"):
            return prefix, Problem(
                N_(
                    "%(letter)s is not a Latin letter, so half of the visitors could not read "
                    "it. Use A, E, K, M or T, which read the same in Cyrillic and Latin."
                ),
                {"letter": ch},
            )
    return prefix, None


def _check_queue(
    session: Session, office: Office, data: Mapping[str, Any], queue: Queue | None
) -> tuple[_Checks, dict[str, Any]]:
    checks = _Checks()
    values: dict[str, Any] = {}
    prefix, problem = check_prefix(data.get("prefix"))
    if problem is not None:
        checks.fail("prefix", problem.message, **problem.params)
    else:
        taken = session.scalar(
            select(Queue.id).where(
                Queue.office_id == office.id,
                Queue.prefix == prefix,
                Queue.id != (queue.id if queue else -1),
            )
        )
        if taken is not None:
            checks.fail(
                "prefix",
                N_("Another queue of this office has the prefix %(prefix)s."),
                prefix=prefix,
            )
    values["prefix"] = prefix
    values["name"] = checks.texts(
        "name", data.get("name"), office.languages, NAME_MAX, keep=queue.name if queue else None
    )
    low = checks.number("number_min", data.get("number_min"), TICKET_NUMBER_RANGE)
    high = checks.number("number_max", data.get("number_max"), TICKET_NUMBER_RANGE)
    if low is not None and high is not None and high <= low:
        checks.fail("number_max", N_("The last number must be greater than the first."))
    values["number_min"], values["number_max"] = low, high
    text = clean_text(data.get("reset_time"))
    try:
        reset = parse_time(text)
        if reset == dt.time.max:
            raise InvalidInput(N_("Enter a time from 00:00 to 23:59."))
        values["reset_time"] = reset
    except InvalidInput as err:
        checks.fail("reset_time", err.message, **err.params)
    return checks, values


def create_queue(
    session: Session, office: Office, data: Mapping[str, Any], *, actor: User | None
) -> Queue:
    """Add a numbered queue: a prefix, a numbering range and the time numbering restarts."""
    checks, values = _check_queue(session, office, data, None)
    checks.raise_if_any()
    queue = Queue(office=office, **values)
    session.add(queue)
    session.flush()
    audit.record(
        session,
        actor=actor,
        entity="queue",
        entity_id=queue.id,
        action="create",
        after=_snapshot(queue),
    )
    return queue


def update_queue(
    session: Session, queue: Queue, data: Mapping[str, Any], *, actor: User | None
) -> Queue:
    """Change a queue; tickets already issued keep the code they were printed with."""
    checks, values = _check_queue(session, queue.office, data, queue)
    checks.raise_if_any()
    before = _snapshot(queue)
    for name, value in values.items():
        setattr(queue, name, value)
    session.flush()
    audit.record(
        session,
        actor=actor,
        entity="queue",
        entity_id=queue.id,
        action="update",
        before=before,
        after=_snapshot(queue),
    )
    return queue


class QueueInUse(KioskError):
    message = N_("This queue is still in use and cannot be deleted.")


def delete_queue(session: Session, queue: Queue, *, actor: User | None) -> None:
    """Remove a queue nobody uses yet: no service joins it and no ticket was issued in it."""
    if session.scalar(select(OfficeService.id).where(OfficeService.queue_id == queue.id).limit(1)):
        raise QueueInUse(
            N_("Services join queue %(prefix)s: move them to another queue first."),
            prefix=queue.prefix,
        )
    if session.scalar(select(Ticket.id).where(Ticket.queue_id == queue.id).limit(1)):
        raise QueueInUse(
            N_(
                "Tickets were issued in queue %(prefix)s, so it stays for the reports. "
                "Rename it instead."
            ),
            prefix=queue.prefix,
        )
    before = _snapshot(queue)
    office = queue.office
    session.delete(queue)
    session.flush()
    session.expire(office, ["queues"])
    audit.record(
        session,
        actor=actor,
        entity="queue",
        entity_id=before["id"],
        action="delete",
        before=before,
    )


# ------------------------------------------------------------------------------- matrix


def matrix_cells(session: Session, office: Office) -> dict[tuple[int, int], int]:
    """The office's service x counter matrix: {(counter_id, service_id): preference}."""
    rows = session.execute(
        select(CounterService.counter_id, CounterService.service_id, CounterService.preference)
        .join(Counter, Counter.id == CounterService.counter_id)
        .where(Counter.office_id == office.id)
    ).all()
    return {(c, s): p for c, s, p in rows}


def serves_all(cells: Mapping[tuple[int, int], int], counter_id: int) -> bool:
    """A counter with no cell set serves every service of its office."""
    return not any(c == counter_id for c, _ in cells)


def unserved_services(session: Session, office: Office) -> list[OfficeService]:
    """The active services no active counter serves: their tickets would wait for ever."""
    cells = matrix_cells(session, office)
    counters = [c for c in office.counters if c.active]
    if any(serves_all(cells, c.id) for c in counters):
        return []
    served = {s for (c, s) in cells if any(c == x.id for x in counters)}
    return [o for o in office.services if o.active and o.service_id not in served]


def parse_preference(value: Any) -> int | None:
    """A matrix cell from a form: "" = not served, "1" to "3" = the order of preference."""
    text = clean_text(value)
    if text in ("", "0", "-"):
        return None
    if text.isdigit() and int(text) in PREFERENCES:
        return int(text)
    raise InvalidInput(N_("Choose not served, or a preference from 1 to 3."))


def set_matrix_cell(
    session: Session,
    office: Office,
    counter_id: int,
    service_id: int,
    preference: int | None,
    *,
    actor: User | None,
) -> CounterService | None:
    """Say whether a counter serves a service, and how early: None removes the cell."""
    counter = session.get(Counter, counter_id)
    if counter is None or counter.office_id != office.id:
        raise NotFound(N_("This counter does not exist at this office."))
    if not any(o.service_id == service_id for o in office.services):
        raise NotFound(N_("This service is not offered at this office."))
    if preference is not None and preference not in PREFERENCES:
        raise InvalidInput(N_("Choose not served, or a preference from 1 to 3."))
    cell = session.scalar(
        select(CounterService).where(
            CounterService.counter_id == counter_id, CounterService.service_id == service_id
        )
    )
    session.expire(counter, ["matrix_row"])  # read again by the next call at this counter
    if cell is None and preference is None:
        return None
    if cell is None:
        cell = CounterService(counter_id=counter_id, service_id=service_id, preference=preference)
        session.add(cell)
        session.flush()
        audit.record(
            session,
            actor=actor,
            entity="counter_service",
            entity_id=cell.id,
            action="create",
            after=_snapshot(cell),
        )
        return cell
    before = _snapshot(cell)
    if preference is None:
        session.delete(cell)
        session.flush()
        audit.record(
            session,
            actor=actor,
            entity="counter_service",
            entity_id=before["id"],
            action="delete",
            before=before,
        )
        return None
    cell.preference = preference
    session.flush()
    audit.record(
        session,
        actor=actor,
        entity="counter_service",
        entity_id=cell.id,
        action="update",
        before=before,
        after=_snapshot(cell),
    )
    return cell


def set_matrix(
    session: Session,
    office: Office,
    cells: Mapping[tuple[int, int], int | None],
    *,
    actor: User | None,
) -> int:
    """Apply a whole matrix (cells left out stay as they are); returns how many changed."""
    current = matrix_cells(session, office)
    changed = 0
    for (counter_id, service_id), preference in sorted(cells.items()):
        if current.get((counter_id, service_id)) != preference:
            set_matrix_cell(session, office, counter_id, service_id, preference, actor=actor)
            changed += 1
    return changed


def counts(session: Session, office: Office) -> dict[str, int]:
    """How many counters, queues and services an office has (for the list of offices)."""
    return {
        "counters": session.scalar(
            select(func.count()).select_from(Counter).where(Counter.office_id == office.id)
        ),
        "queues": session.scalar(
            select(func.count()).select_from(Queue).where(Queue.office_id == office.id)
        ),
        "services": session.scalar(
            select(func.count())
            .select_from(OfficeService)
            .where(OfficeService.office_id == office.id)
        ),
    }
