"""The information board: notices that administrators publish to the displays and kiosks of
one office or of all offices, in several languages, between two moments, some pinned on top.

Text is stored as typed (only control characters are removed); the templates escape it.
Every change is recorded in the audit trail with its before and after.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..models import Announcement, Office, Organisation, User, utcnow
from . import audit
from .errors import N_
from .setup import FieldErrors, Problem, clean_text

TITLE_MAX = 160
BODY_MAX = 2000
SHOWN_MAX = 12  # a display or kiosk shows at most this many at once
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # every control character but \t and \n
_LOCAL = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}$")

ALL_OFFICES = "all"


def clean_body(value: Any) -> str:
    """Several lines of text: NFC, no control characters, tidy line ends, trimmed."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text.replace("\t", " "))
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def parse_local(text: str, timezone: str) -> dt.datetime | None:
    """A local "YYYY-MM-DDTHH:MM" (an <input type=datetime-local>) as an aware UTC moment."""
    if not _LOCAL.match(text):
        return None
    try:
        local = dt.datetime.fromisoformat(text.replace(" ", "T"))
    except ValueError:
        return None
    return local.replace(tzinfo=ZoneInfo(timezone)).astimezone(dt.UTC)


def format_local(moment: dt.datetime | None, timezone: str) -> str:
    """An aware moment as the value of an <input type=datetime-local>."""
    if moment is None:
        return ""
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%dT%H:%M")


def status(announcement: Announcement, now: dt.datetime | None = None) -> str:
    """ "scheduled", "live" or "ended"."""
    now = now or utcnow()
    if announcement.publish_from > now:
        return "scheduled"
    if announcement.publish_to is not None and announcement.publish_to <= now:
        return "ended"
    return "live"


def visible(
    session: Session, office: Office, *, now: dt.datetime | None = None, limit: int = SHOWN_MAX
) -> list[Announcement]:
    """What the office's screens show now: its own notices and those for all offices,
    pinned first, then the newest."""
    now = now or utcnow()
    return list(
        session.scalars(
            select(Announcement)
            .where(
                Announcement.organisation_id == office.organisation_id,
                or_(Announcement.office_id == office.id, Announcement.office_id.is_(None)),
                Announcement.publish_from <= now,
                or_(Announcement.publish_to.is_(None), Announcement.publish_to > now),
            )
            .order_by(
                Announcement.pinned.desc(), Announcement.publish_from.desc(), Announcement.id.desc()
            )
            .limit(limit)
        )
    )


def for_admin(session: Session) -> list[Announcement]:
    """Every announcement, pinned first, then the newest."""
    return list(
        session.scalars(
            select(Announcement).order_by(
                Announcement.pinned.desc(), Announcement.publish_from.desc(), Announcement.id.desc()
            )
        )
    )


def offices_reached(session: Session, *announcements: Announcement | dict | None) -> list[Office]:
    """The active offices whose screens show any of these (or showed: pass a snapshot)."""
    office_ids: set[int] = set()
    org_ids: set[int] = set()
    for a in announcements:
        if a is None:
            continue
        office_id = a["office_id"] if isinstance(a, dict) else a.office_id
        org_id = a["organisation_id"] if isinstance(a, dict) else a.organisation_id
        if office_id is None:
            org_ids.add(org_id)
        else:
            office_ids.add(office_id)
    if not office_ids and not org_ids:
        return []
    return list(
        session.scalars(
            select(Office)
            .where(
                Office.active.is_(True),
                or_(Office.id.in_(office_ids), Office.organisation_id.in_(org_ids)),
            )
            .order_by(Office.id)
        )
    )


def _snapshot(announcement: Announcement) -> dict:
    return copy.deepcopy(audit.snapshot(announcement))


def _texts(values: Mapping[str, Any], name: str, languages: Iterable[str], limit: int,
           clean, errors: dict) -> dict[str, str]:  # fmt: skip
    result = {}
    for lang in languages:
        text = clean(values.get(f"{name}-{lang}"))
        if len(text) > limit:
            errors[f"{name}-{lang}"] = Problem(
                N_("Use at most %(max)d characters."), {"max": limit}
            )
        if text:
            result[lang] = text
    return result


def save(
    session: Session,
    announcement: Announcement | None,
    values: Mapping[str, Any],
    *,
    languages: list[str],
    default_timezone: str,
    actor: User | None,
    now: dt.datetime | None = None,
) -> tuple[Announcement, dict | None]:
    """Create (``announcement`` None) or change an announcement from a form's fields.

    Fields: ``title-<lang>``, ``body-<lang>`` for each of ``languages``, ``office`` (an office
    id, or "all" for every office), ``publish_from`` and ``publish_to`` (local date and time
    in the office's zone; ``publish_from`` empty means now), ``pinned``. Raises
    ``FieldErrors``. Returns the announcement and its snapshot from before the change.
    """
    now = now or utcnow()
    errors: dict[str, Problem] = {}
    office_value = clean_text(values.get("office"))
    office = None
    if office_value != ALL_OFFICES:
        office = session.get(Office, int(office_value)) if office_value.isdigit() else None
        if office is None:
            errors["office"] = Problem(N_("Choose an office, or all offices."))
    titles = _texts(values, "title", languages, TITLE_MAX, clean_text, errors)
    bodies = _texts(values, "body", languages, BODY_MAX, clean_body, errors)
    if not titles and languages:
        errors.setdefault(
            f"title-{languages[0]}", Problem(N_("Enter a title in at least one language."))
        )
    for lang in bodies:
        if lang not in titles:
            errors.setdefault(f"title-{lang}", Problem(N_("Enter the title in this language too.")))
    timezone = office.timezone if office else default_timezone
    start_text = clean_text(values.get("publish_from"))
    end_text = clean_text(values.get("publish_to"))
    start = parse_local(start_text, timezone) if start_text else None
    end = parse_local(end_text, timezone) if end_text else None
    if start_text and start is None:
        errors["publish_from"] = Problem(N_("Enter a date and time, for example 2026-03-01 08:00."))
    if end_text and end is None:
        errors["publish_to"] = Problem(N_("Enter a date and time, for example 2026-03-01 08:00."))
    if start is None and announcement is not None and not start_text:
        start = announcement.publish_from
    start = start or now
    if end is not None and end <= start:
        errors["publish_to"] = Problem(N_("The end must come after the start."))
    if errors:
        raise FieldErrors(errors)

    before = _snapshot(announcement) if announcement is not None else None
    organisation_id = office.organisation_id if office else _organisation_id(session, actor)
    if announcement is None:
        announcement = Announcement(
            organisation_id=organisation_id,
            created_at=now,
            created_by_id=actor.id if actor else None,
        )
        session.add(announcement)
    # Translations in languages the form did not show are kept.
    keep = [lang for lang in (announcement.title or {}) if lang not in languages]
    announcement.title = {**{k: announcement.title[k] for k in keep}, **titles}
    keep = [lang for lang in (announcement.body or {}) if lang not in languages]
    announcement.body = {**{k: announcement.body[k] for k in keep}, **bodies}
    announcement.organisation_id = organisation_id
    announcement.office_id = office.id if office else None
    announcement.publish_from = start
    announcement.publish_to = end
    announcement.pinned = _flag(values.get("pinned"))
    announcement.updated_at = now
    session.flush()
    audit.record(
        session,
        actor=actor,
        entity="announcement",
        entity_id=announcement.id,
        action="create" if before is None else "update",
        before=before,
        after=_snapshot(announcement),
        now=now,
    )
    return announcement, before


def remove(
    session: Session, announcement: Announcement, *, actor: User | None,
    now: dt.datetime | None = None,
) -> dict:  # fmt: skip
    """Delete an announcement; return its snapshot (to tell the screens that showed it)."""
    before = _snapshot(announcement)
    session.delete(announcement)
    session.flush()
    audit.record(
        session, actor=actor, entity="announcement", entity_id=before["id"], action="delete",
        before=before, after=None, now=now,
    )  # fmt: skip
    return before


def _flag(value: Any) -> bool:
    """A checkbox: True, or a ticked box's value; unticked boxes send nothing."""
    if isinstance(value, bool):
        return value
    return clean_text(value).lower() not in ("", "0", "false", "off", "no")


def _organisation_id(session: Session, actor: User | None) -> int:
    """The organisation of an announcement for all offices: the actor's office's, or the first."""
    if actor is not None and actor.office_id is not None:
        office = session.get(Office, actor.office_id)
        if office is not None:
            return office.organisation_id
    org_id = session.scalar(select(Organisation.id).order_by(Organisation.id))
    if org_id is None:
        raise FieldErrors({"office": Problem(N_("Set up an office first."))})
    return org_id
