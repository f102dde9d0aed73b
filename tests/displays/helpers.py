"""Helpers for tests of paired screens: pair a device through the service, give a test client
its cookie, read Socket.IO events."""

from __future__ import annotations

from kiosk.models import Device, Office
from kiosk.realtime import DEVICE_COOKIE
from kiosk.services import devices as device_rules

TEST_DOMAIN = "kiosk.test"  # SERVER_NAME of the test app (tests/conftest.py)


def paired_device(
    db, office: Office, *, kind: str = "display", counter: int | None = None, **settings
) -> tuple[Device, str]:
    """A device paired with the office (as an administrator would), committed; and its token."""
    device, token = device_rules.start_pairing(db.session)
    values = {
        "code": device.pairing_code,
        "kind": kind,
        "office": str(office.id),
        "counter": str(counter or ""),
        "name": f"{kind} at {office.slug}",
        "layout": settings.get("layout", "auto"),
        "volume": str(settings.get("volume", 80)),
        "speech": "1" if settings.get("speech", True) else "",
    }
    device_rules.pair(db.session, values, actor=None)
    db.session.commit()
    return device, token


def use_device(client, token: str | None) -> None:
    """Make a test client send this device token (the cookie a paired screen keeps)."""
    if token is None:
        client.delete_cookie(DEVICE_COOKIE, domain=TEST_DOMAIN)
    else:
        client.set_cookie(DEVICE_COOKIE, token, domain=TEST_DOMAIN)


def events(sc, name: str) -> list:
    """The payloads of the events of this name a Socket.IO test client has received."""
    return [e["args"][0] for e in sc.get_received() if e["name"] == name]
