"""Pairing screens without passwords: a one-time code on the screen, an administrator enters
it, the screen opens its office's display; revoking sends it back to a new code."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from kiosk.models import AuditEntry, Device
from kiosk.realtime import DEVICE_COOKIE
from kiosk.services import devices as device_rules
from kiosk.services import queue as rules
from tests.conftest import AuthActions
from tests.displays.helpers import paired_device, use_device
from tests.factories import csrf_token

CODE = re.compile(r'id="pairing-code".*?</p>', re.S)


def shown_code(html: str) -> str:
    match = CODE.search(html)
    assert match, "no pairing code on the page"
    return re.sub(r"<[^>]+>|\s", "", match.group(0).split(">", 1)[1])


def pair(admin, code: str, office, **fields):
    data = {
        "csrf_token": csrf_token(admin, "/admin/devices"),
        "code": code,
        "kind": "display",
        "office": str(office.id),
        "counter": "",
        "name": "Hall",
        "layout": "auto",
        "volume": "70",
        "speech": "1",
    }
    data.update(fields)
    return admin.post("/admin/devices", data=data)


def test_an_unpaired_screen_shows_a_one_time_code_and_where_to_enter_it(client, office, db):
    response = client.get("/display/")
    html = response.get_data(as_text=True)
    code = shown_code(html)
    assert len(code) == 6 and set(code) <= set(device_rules.CODE_ALPHABET)
    assert "http://kiosk.test/admin/devices" in html
    assert "An administrator enters this code at" in html
    assert response.headers["Cache-Control"] == "no-store"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{DEVICE_COOKIE}=") and "HttpOnly" in cookie
    device = db.session.scalar(db.select(Device))
    assert device.pairing_code == code and not device.is_paired
    assert device.token_hash != cookie.split("=", 1)[1].split(";")[0]  # only the hash is kept


def test_the_same_screen_keeps_its_code_on_reload(client, office, db):
    first = shown_code(client.get("/display/").get_data(as_text=True))
    second = shown_code(client.get("/display/").get_data(as_text=True))
    assert first == second
    assert db.session.scalar(db.select(db.func.count()).select_from(Device)) == 1


def test_an_unpaired_browser_gets_the_pairing_screen_instead_of_the_display(client, office):
    html = client.get("/display/centar").get_data(as_text=True)
    assert 'id="pairing-code"' in html and 'id="board"' not in html
    assert client.get("/display/centar/board").status_code == 403
    assert client.get("/display/centar/announcements").status_code == 403
    assert 'id="pairing-code"' in client.get("/display/centar/counter/1").get_data(as_text=True)
    assert client.get("/display/centar/counter/1/panel").status_code == 403


def test_an_offices_unpaired_screen_speaks_that_offices_language(client, factory, db, office):
    factory.office("haskovo", services=(("ADDR", "A"),), languages=("bg", "en", "tr"))
    db.session.commit()
    html = client.get("/display/haskovo").get_data(as_text=True)
    assert '<html lang="bg"' in html and "Код за сдвояване" in html
    assert 'lang="en" class="ml ml-2 p-step"' in html  # with English under it
    assert 'id="pairing-code"' in client.get("/display/haskovo/counter/1").get_data(as_text=True)
    assert "Код за спарување" in client.get("/display/").get_data(as_text=True)  # default: mk


def test_an_administrator_pairs_the_screen_by_its_code(client, admin, office, db):
    code = shown_code(client.get("/display/").get_data(as_text=True))
    response = pair(admin, code, office)
    assert response.status_code == 303 and response.headers["Location"] == "/admin/devices"
    device = db.session.scalar(db.select(Device))
    assert device.is_paired and device.office_id == office.id and device.pairing_code is None
    assert device.settings == {"layout": "auto", "volume": 70, "speech": True}
    assert client.get("/display/").headers["Location"] == "/display/centar"
    html = client.get("/display/centar").get_data(as_text=True)
    assert 'id="board"' in html and 'data-volume="70"' in html and "Preview" not in html
    entry = db.session.scalar(db.select(AuditEntry).filter_by(entity="device"))
    assert entry.action == "pair" and entry.after["office_id"] == office.id
    assert "token_hash" not in entry.after


@pytest.mark.parametrize("typed", ["{a} {b}", "{a}-{b}", "{lower}"])
def test_the_code_may_be_typed_with_spaces_dashes_or_in_small_letters(
    client, admin, office, db, typed
):
    code = shown_code(client.get("/display/").get_data(as_text=True))
    text = typed.format(a=code[:3], b=code[3:], lower=code.lower())
    assert pair(admin, text, office).status_code == 303


def test_a_cyrillic_keyboard_types_the_same_code():
    assert device_rules.normalise_code("АКМ 3ЕТ") == "AKM3ET"


def test_a_wrong_code_is_refused_with_a_clear_message(admin, office):
    response = pair(admin, "ZZZ999", office)
    assert response.status_code == 422
    assert "No screen shows this code" in response.get_data(as_text=True)


def test_an_expired_code_is_refused_and_the_screen_shows_a_new_one(client, admin, office, db):
    code = shown_code(client.get("/display/").get_data(as_text=True))
    device = db.session.scalar(db.select(Device))
    device.pairing_expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    db.session.commit()
    response = pair(admin, code, office)
    assert response.status_code == 422 and "expired" in response.get_data(as_text=True)
    fresh = client.get("/display/pairing/status", headers={"HX-Request": "true"})
    assert shown_code(fresh.get_data(as_text=True)) != code


def test_the_pairing_screen_moves_on_once_paired(client, admin, office):
    code = shown_code(client.get("/display/").get_data(as_text=True))
    status = client.get("/display/pairing/status", headers={"HX-Request": "true"})
    assert shown_code(status.get_data(as_text=True)) == code
    pair(admin, code, office)
    moved = client.get("/display/pairing/status", headers={"HX-Request": "true"})
    assert moved.headers["HX-Redirect"] == "/display/centar"


def test_a_counter_display_needs_its_counter_and_shows_its_ticket(client, admin, office, db,
                                                                  factory):  # fmt: skip
    code = shown_code(client.get("/display/").get_data(as_text=True))
    response = pair(admin, code, office, kind="counter_display", counter="")
    assert response.status_code == 422
    assert "Choose the counter this screen hangs above" in response.get_data(as_text=True)
    assert pair(admin, code, office, kind="counter_display", counter="2").status_code == 303
    assert client.get("/display/").headers["Location"] == "/display/centar/counter/2"
    rules.issue_ticket(db.session, office, factory.service(office, "BIRTH").id)
    rules.call_next(db.session, office.counters[1])
    db.session.commit()
    html = client.get("/display/centar/counter/2").get_data(as_text=True)
    assert 'id="counter-panel"' in html and "A001" in html
    closed = client.get("/display/centar/counter/1").get_data(as_text=True)
    assert "A001" not in closed and "c-closed" in closed


def test_a_kiosk_pairing_opens_the_kiosk(client, admin, office):
    code = shown_code(client.get("/display/").get_data(as_text=True))
    pair(admin, code, office, kind="kiosk")
    assert client.get("/display/").headers["Location"] == "/kiosk/centar"


def test_a_screen_of_another_office_goes_to_its_own_display(client, factory, db, office):
    drachevo = factory.office("drachevo", services=(("PARK", "K"),))
    db.session.commit()
    _, token = paired_device(db, drachevo)
    use_device(client, token)
    assert client.get("/display/centar").headers["Location"] == "/display/drachevo"
    assert client.get("/display/centar/board").status_code == 403


def test_revoking_sends_the_screen_back_to_a_new_code(client, admin, office, db):
    device, token = paired_device(db, office)
    use_device(client, token)
    assert 'id="board"' in client.get("/display/centar").get_data(as_text=True)
    response = admin.post(
        f"/admin/devices/{device.id}/revoke",
        data={"csrf_token": csrf_token(admin, "/admin/devices")},
    )
    assert response.status_code == 303
    html = client.get("/display/centar").get_data(as_text=True)
    assert 'id="pairing-code"' in html and 'id="board"' not in html
    assert client.get("/display/centar/board").status_code == 403
    db.session.expire_all()
    assert db.session.get(Device, device.id).revoked_at is not None
    actions = [
        e.action for e in db.session.scalars(db.select(AuditEntry).filter_by(entity="device"))
    ]
    assert actions == ["pair", "revoke"]


def test_an_administrator_changes_a_screens_settings(client, admin, office, db):
    device, token = paired_device(db, office)
    response = admin.post(
        f"/admin/devices/{device.id}",
        data={
            "csrf_token": csrf_token(admin, f"/admin/devices/{device.id}"),
            "kind": "display", "office": str(office.id), "name": "Hall, left",
            "layout": "portrait", "volume": "35",
        },
    )  # fmt: skip
    assert response.status_code == 303
    use_device(client, token)
    html = client.get("/display/centar").get_data(as_text=True)
    assert "layout-portrait" in html and 'data-volume="35"' in html and 'data-speech="off"' in html
    entry = db.session.scalars(db.select(AuditEntry).filter_by(action="update")).one()
    assert entry.before["settings"]["volume"] == 80 and entry.after["settings"]["volume"] == 35


@pytest.mark.parametrize("volume", ["-1", "101", "loud", ""])
def test_a_volume_out_of_range_is_refused(admin, office, db, volume):
    device, _ = paired_device(db, office)
    response = admin.post(
        f"/admin/devices/{device.id}",
        data={"csrf_token": csrf_token(admin, "/admin/devices"), "kind": "display",
              "office": str(office.id), "layout": "auto", "volume": volume},
    )  # fmt: skip
    assert response.status_code == 422
    assert "Enter a whole number from 0 to 100" in response.get_data(as_text=True)


def test_staff_may_preview_a_display(app, client, factory, db, office):
    factory.user("clerk", office=office)
    db.session.commit()
    AuthActions(client).login()
    html = client.get("/display/centar?layout=portrait").get_data(as_text=True)
    assert 'id="board"' in html and "layout-portrait" in html
    assert "Преглед" in html  # "Preview", in the office's first language like the whole board
    assert client.get("/display/centar/board").status_code == 200


def test_a_clerk_of_another_office_cannot_preview(client, factory, db, office):
    drachevo = factory.office("drachevo", services=(("PARK", "K"),))
    factory.user("besnik", office=drachevo)
    db.session.commit()
    AuthActions(client).login("besnik")
    assert 'id="board"' not in client.get("/display/centar").get_data(as_text=True)
    assert client.get("/display/centar/board").status_code == 403


def test_only_administrators_manage_screens(client, factory, db, office):
    assert client.get("/admin/devices").status_code == 302  # to the login
    factory.user("clerk", office=office)
    db.session.commit()
    AuthActions(client).login()
    assert client.get("/admin/devices").status_code == 403
    assert client.post("/admin/devices", data={"code": "X"}).status_code in (400, 403)


def test_the_device_list_shows_paired_screens_and_prefills_a_scanned_code(admin, office, db):
    paired_device(db, office)
    html = admin.get("/admin/devices?code=kx4-93p").get_data(as_text=True)
    assert "display at centar" in html and 'value="KX493P"' in html


def test_old_unpaired_screens_are_forgotten(office, db):
    old, _ = device_rules.start_pairing(db.session)
    old.pairing_expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    db.session.commit()
    device_rules.start_pairing(db.session)
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(Device)) == 1


def test_a_flood_of_new_screens_is_stopped(office, db, monkeypatch):
    monkeypatch.setattr(device_rules, "MAX_PENDING", 2)
    device_rules.start_pairing(db.session)
    device_rules.start_pairing(db.session)
    with pytest.raises(device_rules.PairingFull):
        device_rules.start_pairing(db.session)


def test_a_paired_screen_is_noted_as_seen(client, office, db):
    device, token = paired_device(db, office)
    assert device.last_seen_at is None
    use_device(client, token)
    client.get("/display/centar")
    db.session.expire_all()
    assert db.session.get(Device, device.id).last_seen_at is not None
