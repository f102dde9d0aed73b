"""Paired screens without passwords: a browser shows a one-time code, an administrator enters
it, and from then on the browser's random token (kept in a cookie) opens its office's screen.

Only the SHA-256 hash of a token is stored. A code is short, lives for ``PAIRING_TTL`` and is
typed by a person, so it uses letters and digits that cannot be mistaken for each other (and a
Cyrillic keyboard's look-alikes are read as the Latin letters). Every pairing, change and
revocation is recorded in the audit trail.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session

from ..models import Counter, Device, DeviceKind, Office, User, utcnow
from . import audit
from .errors import N_, KioskError
from .setup import FieldErrors, Problem, clean_text

PAIRING_TTL = dt.timedelta(minutes=15)
# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: a code is read off a screen across a room and typed.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6
MAX_PENDING = 500  # unpaired devices at once; beyond, new screens wait (a flood of requests)
FORGET_UNPAIRED_AFTER = dt.timedelta(days=1)
SEEN_EVERY = dt.timedelta(minutes=5)  # last_seen_at is written at most this often

KINDS = (DeviceKind.DISPLAY, DeviceKind.COUNTER_DISPLAY, DeviceKind.KIOSK)
KIND_NAMES = {
    DeviceKind.DISPLAY: N_("Lobby display"),
    DeviceKind.COUNTER_DISPLAY: N_("Counter display"),
    DeviceKind.KIOSK: N_("Kiosk"),
}
LAYOUTS = ("auto", "landscape", "portrait")
LAYOUT_NAMES = {
    "auto": N_("Follow the screen"),
    "landscape": N_("Landscape"),
    "portrait": N_("Portrait"),
}
DEFAULT_SETTINGS = {"layout": "auto", "volume": 80, "speech": True}
NAME_MAX = 120

_LOOK_ALIKES = dict(zip("АВЕКМНРСТХУ", "ABEKMHPCTXY", strict=True))


class PairingFull(KioskError):
    message = N_("Too many screens are waiting to be paired. Try again in a few minutes.")
    status = 503


def hash_token(token: str) -> str:
    """The stored form of a device token."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str | None) -> str:
    """A code as the screen shows it: two groups of three ("KX4 93P")."""
    if not code:
        return ""
    half = len(code) // 2
    return f"{code[:half]} {code[half:]}"


def normalise_code(text: Any) -> str:
    """What an administrator typed, as a code: capitals, no spaces or dashes, Latin letters."""
    text = clean_text(text).upper()
    return "".join(_LOOK_ALIKES.get(ch, ch) for ch in text if ch not in " -_.")


def settings_of(device: Device) -> dict:
    """The device's settings with the defaults filled in."""
    return {**DEFAULT_SETTINGS, **(device.settings or {})}


def _unique_code(session: Session) -> str:
    for _ in range(20):
        code = new_code()
        if session.scalar(select(Device.id).where(Device.pairing_code == code)) is None:
            return code
    raise PairingFull()  # 20 collisions in a row: the code space is crowded


def start_pairing(session: Session, *, now: dt.datetime | None = None) -> tuple[Device, str]:
    """Make an unpaired device with a fresh code; return it and its token (for the cookie)."""
    now = now or utcnow()
    # Forget screens that showed a code long ago and were never paired.
    session.execute(
        delete(Device).where(
            Device.paired_at.is_(None),
            Device.pairing_expires_at < now - FORGET_UNPAIRED_AFTER,
        )
    )
    pending = session.scalar(
        select(func.count())
        .select_from(Device)
        .where(Device.paired_at.is_(None), Device.pairing_expires_at >= now)
    )
    if pending >= MAX_PENDING:
        raise PairingFull()
    token = secrets.token_urlsafe(32)
    device = Device(
        kind=DeviceKind.DISPLAY,
        token_hash=hash_token(token),
        pairing_code=_unique_code(session),
        pairing_expires_at=now + PAIRING_TTL,
        settings={},
        created_at=now,
    )
    session.add(device)
    session.flush()
    return device, token


def refresh_code(session: Session, device: Device, *, now: dt.datetime | None = None) -> bool:
    """Give an unpaired device a new code when its code has expired; whether it did."""
    now = now or utcnow()
    if device.paired_at is not None or device.revoked_at is not None:
        return False
    if device.pairing_code and device.pairing_expires_at and device.pairing_expires_at > now:
        return False
    device.pairing_code = _unique_code(session)
    device.pairing_expires_at = now + PAIRING_TTL
    session.flush()
    return True


def device_for_token(session: Session, token: Any) -> Device | None:
    """The device a token belongs to (paired, waiting or revoked), or None."""
    if not isinstance(token, str) or not 16 <= len(token) <= 128:
        return None
    return session.scalar(select(Device).where(Device.token_hash == hash_token(token)))


def may_show(device: Device | None, office: Office) -> bool:
    """Whether a device may show this office's screens (paired to it and not revoked)."""
    return device is not None and device.is_paired and device.office_id == office.id


def seen_long_ago(device: Device, *, now: dt.datetime | None = None) -> bool:
    """Whether ``last_seen_at`` is old enough to be written again (at most every 5 minutes)."""
    now = now or utcnow()
    return device.last_seen_at is None or now - device.last_seen_at >= SEEN_EVERY


def mark_seen(session: Session, device_id: int, *, now: dt.datetime | None = None) -> None:
    """Write that the device was seen now (one UPDATE, without loading the row again)."""
    session.execute(
        sql_update(Device).where(Device.id == device_id).values(last_seen_at=now or utcnow())
    )


def is_online(device: Device, *, now: dt.datetime | None = None) -> bool:
    """Whether the device was seen lately (displays check in at least once a minute)."""
    now = now or utcnow()
    return device.last_seen_at is not None and now - device.last_seen_at < 2 * SEEN_EVERY


def check_settings(values: Mapping[str, Any], *, office: Office | None, errors: dict) -> dict:
    """Layout, volume and speech from a form, with problems added to ``errors``."""
    layout = clean_text(values.get("layout")) or "auto"
    if layout not in LAYOUTS:
        errors["layout"] = Problem(N_("Choose a layout from the list."))
    volume_text = clean_text(values.get("volume"))
    volume = int(volume_text) if volume_text.isdigit() else -1
    if not 0 <= volume <= 100:
        errors["volume"] = Problem(
            N_("Enter a whole number from %(low)d to %(high)d."), {"low": 0, "high": 100}
        )
    speech = values.get("speech")
    if not isinstance(speech, bool):
        speech = clean_text(speech).lower() not in ("", "0", "false", "off", "no")
    return {"layout": layout, "volume": max(0, volume), "speech": speech}


def _check(
    session: Session, values: Mapping[str, Any], errors: dict
) -> tuple[str, Office | None, Counter | None, str, dict]:
    kind = clean_text(values.get("kind"))
    if kind not in KINDS:
        errors["kind"] = Problem(N_("Choose what kind of screen this is."))
    office = None
    office_id = clean_text(values.get("office"))
    if office_id.isdigit():
        office = session.get(Office, int(office_id))
    if office is None:
        errors["office"] = Problem(N_("Choose the office this screen is in."))
    counter = None
    counter_text = clean_text(values.get("counter"))
    if kind == DeviceKind.COUNTER_DISPLAY and office is not None:
        if counter_text.isdigit():
            counter = session.scalar(
                select(Counter).where(
                    Counter.office_id == office.id, Counter.number == int(counter_text)
                )
            )
        if counter is None:
            errors["counter"] = Problem(N_("Choose the counter this screen hangs above."))
    name = clean_text(values.get("name"))
    if len(name) > NAME_MAX:
        errors["name"] = Problem(N_("Use at most %(max)d characters."), {"max": NAME_MAX})
    settings = check_settings(values, office=office, errors=errors)
    return kind, office, counter, name, settings


def _snapshot(device: Device) -> dict:
    data = audit.snapshot(
        device,
        ["kind", "name", "office_id", "counter_id", "settings", "paired_at", "revoked_at"],
    )
    return copy.deepcopy(data)


def pair(
    session: Session,
    values: Mapping[str, Any],
    *,
    actor: User | None,
    now: dt.datetime | None = None,
) -> Device:
    """Pair the device showing this code with an office (and a counter): kind, name, settings.

    ``values`` are the form's fields: code, kind, office (id), counter (number), name, layout,
    volume, speech. Raises ``FieldErrors`` naming every wrong field.
    """
    now = now or utcnow()
    errors: dict[str, Problem] = {}
    code = normalise_code(values.get("code"))
    device = None
    if not code:
        errors["code"] = Problem(N_("Enter the code shown on the screen."))
    else:
        device = session.scalar(
            select(Device).where(Device.pairing_code == code, Device.paired_at.is_(None))
        )
        if device is None or device.revoked_at is not None:
            errors["code"] = Problem(
                N_("No screen shows this code. Check the code on the screen and type it again.")
            )
        elif device.pairing_expires_at is None or device.pairing_expires_at <= now:
            errors["code"] = Problem(
                N_("This code has expired. The screen now shows a new one: enter that.")
            )
    kind, office, counter, name, settings = _check(session, values, errors)
    if errors:
        raise FieldErrors(errors)
    assert device is not None and office is not None
    before = _snapshot(device)
    device.kind = kind
    device.name = name
    device.office_id = office.id
    device.counter_id = counter.id if counter else None
    device.settings = settings
    device.pairing_code = None
    device.pairing_expires_at = None
    device.paired_at = now
    device.paired_by_id = actor.id if actor else None
    device.last_seen_at = None
    session.flush()
    audit.record(
        session, actor=actor, entity="device", entity_id=device.id, action="pair",
        before=before, after=_snapshot(device), now=now,
    )  # fmt: skip
    return device


def update(
    session: Session,
    device: Device,
    values: Mapping[str, Any],
    *,
    actor: User | None,
    now: dt.datetime | None = None,
) -> Device:
    """Change a paired device: its kind, office, counter, name, layout, volume or speech."""
    errors: dict[str, Problem] = {}
    kind, office, counter, name, settings = _check(session, values, errors)
    if errors:
        raise FieldErrors(errors)
    assert office is not None
    before = _snapshot(device)
    device.kind = kind
    device.name = name
    device.office_id = office.id
    device.counter_id = counter.id if counter else None
    device.settings = settings
    session.flush()
    audit.record(
        session, actor=actor, entity="device", entity_id=device.id, action="update",
        before=before, after=_snapshot(device), now=now,
    )  # fmt: skip
    return device


def revoke(
    session: Session, device: Device, *, actor: User | None, now: dt.datetime | None = None
) -> Device:
    """End a pairing: the token opens nothing any more (the screen shows a new code)."""
    if device.revoked_at is not None:
        return device
    now = now or utcnow()
    before = _snapshot(device)
    device.revoked_at = now
    device.pairing_code = None
    device.pairing_expires_at = None
    session.flush()
    audit.record(
        session, actor=actor, entity="device", entity_id=device.id, action="revoke",
        before=before, after=_snapshot(device), now=now,
    )  # fmt: skip
    return device


def paired_devices(session: Session) -> list[Device]:
    """Paired devices first by office, then the revoked ones (newest first)."""
    return list(
        session.scalars(
            select(Device)
            .where(Device.paired_at.is_not(None))
            .order_by(Device.revoked_at.is_not(None), Device.office_id, Device.kind, Device.name)
        )
    )


__all__ = ["FieldErrors", "PairingFull"]
