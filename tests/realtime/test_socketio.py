"""Live updates: who may join which room, and what reaches it after a change.

Displays authenticate as paired devices (their token in a cookie or in ``auth``); staff who
are logged in may preview; nobody else joins a display, counter or clerk room.
"""

import pytest
from flask import g

from kiosk.services import queue as rules
from tests.displays.helpers import events, paired_device, use_device
from tests.factories import csrf_token


@pytest.fixture
def offices(factory, db):
    centar = factory.office("centar")
    drachevo = factory.office("drachevo", services=(("PARK", "K"),))
    factory.user("clerk", office=centar)
    factory.user("boss", password="admin-password-1", role="admin")
    db.session.commit()
    return centar, drachevo


@pytest.fixture
def display(socket_client, offices, db):
    """A paired lobby display of centar, connected with its token."""
    device, token = paired_device(db, offices[0])
    return socket_client("centar", token=token)


def take_ticket(client, office, service_id):
    token = csrf_token(client, f"/kiosk/{office.slug}")
    return client.post(
        f"/kiosk/{office.slug}/tickets", data={"service": service_id, "csrf_token": token}
    )


def call_next(client, counter):
    token = csrf_token(client, "/clerk/")
    return client.post(f"/clerk/counters/{counter.id}/next", headers={"X-CSRFToken": token})


def test_a_display_receives_the_rendered_board_after_a_ticket_is_issued(
    client, display, offices, factory
):
    centar, _ = offices
    assert display.is_connected()
    take_ticket(client, centar, factory.service(centar, "BIRTH").id)
    states = events(display, "state")
    assert len(states) == 1
    assert 'id="board"' in states[0]["html"] and states[0]["version"] > 0
    assert states[0]["calls"] == []  # an issued ticket is not a call


def test_a_call_reaches_the_right_office_only(client, auth, socket_client, offices, factory, db):
    centar, drachevo = offices
    rules.issue_ticket(db.session, centar, factory.service(centar, "BIRTH").id)
    db.session.commit()
    _, here_token = paired_device(db, centar)
    _, there_token = paired_device(db, drachevo)
    here = socket_client("centar", token=here_token)
    elsewhere = socket_client("drachevo", token=there_token)
    auth.login()
    call_next(client, centar.counters[0])
    states = events(here, "state")
    assert states and "A001" in states[-1]["html"]
    assert events(elsewhere, "state") == []


def test_the_push_lists_the_call_to_announce_with_its_audio_in_the_office_order(
    client, auth, display, offices, factory, db
):
    centar, _ = offices
    rules.issue_ticket(db.session, centar, factory.service(centar, "BIRTH").id)
    db.session.commit()
    auth.login()
    call_next(client, centar.counters[1])
    (call,) = events(display, "state")[-1]["calls"]
    assert call["code"] == "A001" and call["spoken"] == "A 1" and call["counter"] == 2
    assert call["kind"] == "called" and call["id"] > 0 and 0 <= call["age"] < 5
    assert [c["lang"] for c in call["clips"]] == ["mk", "sq", "en"]
    assert [c["text"] for c in call["clips"]] == [
        "А 1, шалтер 2",
        "A 1, sporteli 2",
        "A 1, counter 2",
    ]
    assert all(c["url"].startswith("/display/speech/") for c in call["clips"])


def test_a_recall_is_announced_again_with_a_new_event(client, auth, display, offices, factory, db):
    centar, _ = offices
    ticket = rules.issue_ticket(db.session, centar, factory.service(centar, "BIRTH").id)
    db.session.commit()
    auth.login()
    counter = centar.counters[0]
    call_next(client, counter)
    first = events(display, "state")[-1]["calls"][-1]
    client.post(
        f"/clerk/counters/{counter.id}/tickets/{ticket.id}/recall",
        headers={"X-CSRFToken": csrf_token(client, "/clerk/")},
    )
    again = events(display, "state")[-1]["calls"][-1]
    assert again["kind"] == "recalled" and again["id"] > first["id"] and again["code"] == "A001"


def test_versions_grow_with_every_change(client, display, offices, factory):
    centar, _ = offices
    for _ in range(3):
        take_ticket(client, centar, factory.service(centar, "BIRTH").id)
    versions = [s["version"] for s in events(display, "state")]
    assert versions == sorted(versions) and len(set(versions)) == 3


def test_a_device_cookie_opens_the_display_room(client, socket_client, offices, db, factory):
    _, token = paired_device(db, offices[0])
    use_device(client, token)  # the handshake carries the cookie, as a browser's does
    sc = socket_client("centar")
    assert sc.is_connected()
    take_ticket(client, offices[0], factory.service(offices[0], "BIRTH").id)
    assert events(sc, "state")


def test_a_logged_in_clerk_gets_queue_signals(client, auth, socket_client, offices, factory):
    centar, _ = offices
    auth.login()
    clerk_screen = socket_client("centar", view="clerk")
    assert clerk_screen.is_connected()
    take_ticket(client, centar, factory.service(centar, "BIRTH").id)
    assert len(events(clerk_screen, "queue")) == 1


def test_an_anonymous_client_cannot_join_the_clerk_room(socket_client, offices):
    assert not socket_client("centar", view="clerk").is_connected()


def test_a_clerk_of_another_office_cannot_join_its_clerk_room(
    client, auth, socket_client, offices, factory, db
):
    _, drachevo = offices
    factory.user("besnik", office=drachevo)
    db.session.commit()
    auth.login("besnik")
    assert not socket_client("centar", view="clerk").is_connected()
    assert socket_client("drachevo", view="clerk").is_connected()


# ------------------------------------------------------------------------------- refusals


def test_an_unpaired_browser_cannot_pose_as_a_display(socket_client, offices):
    assert not socket_client("centar").is_connected()
    assert not socket_client("centar", view="counter", counter=1).is_connected()


def test_a_screen_still_showing_its_code_is_refused(socket_client, offices, db):
    from kiosk.services import devices as device_rules

    _, token = device_rules.start_pairing(db.session)
    db.session.commit()
    assert not socket_client("centar", token=token).is_connected()
    assert socket_client(None, view="pairing", token=token).is_connected()


def test_a_made_up_token_is_refused(socket_client, offices):
    assert not socket_client("centar", token="x" * 43).is_connected()


def test_a_display_of_one_office_cannot_receive_another_offices_events(socket_client, offices, db):
    _, token = paired_device(db, offices[1])  # paired to drachevo
    assert not socket_client("centar", token=token).is_connected()
    assert socket_client("drachevo", token=token).is_connected()


def test_a_revoked_device_is_refused(socket_client, offices, db):
    from kiosk.services import devices as device_rules

    device, token = paired_device(db, offices[0])
    device_rules.revoke(db.session, device, actor=None)
    db.session.commit()
    assert not socket_client("centar", token=token).is_connected()


def test_revoking_disconnects_the_screen_at_once(
    app, client, auth, socket_client, offices, db, factory
):
    device, token = paired_device(db, offices[0])
    screen = socket_client("centar", token=token)
    assert screen.is_connected()
    admin = app.test_client()
    from tests.conftest import AuthActions

    AuthActions(admin).login("boss", "admin-password-1")
    response = admin.post(
        f"/admin/devices/{device.id}/revoke",
        data={"csrf_token": csrf_token(admin, "/admin/devices")},
    )
    assert response.status_code == 303
    assert not screen.is_connected()
    # The test's app context outlives the admin's request: forget its session and its user.
    db.session.rollback()
    g.pop("_login_user", None)
    assert not socket_client("centar", token=token).is_connected()


@pytest.mark.parametrize(
    "auth_data",
    [
        {"office": "nowhere", "view": "display"},
        {"office": "centar", "view": "admin"},
        {"office": 12, "view": "display"},
        {"office": "centar", "view": "counter", "counter": "1"},
        {"view": "pairing"},
        {},
    ],
)
def test_bad_connection_requests_are_refused(app, client, offices, auth_data):
    from kiosk.extensions import socketio

    sc = socketio.test_client(app, auth=auth_data, flask_test_client=client)
    assert not sc.is_connected()


def test_a_connection_without_auth_is_refused(app, client, offices):
    from kiosk.extensions import socketio

    assert not socketio.test_client(app, flask_test_client=client).is_connected()


# ------------------------------------------------------------------------------- staff previews


def test_staff_may_preview_their_offices_display(client, auth, socket_client, offices):
    auth.login()  # a clerk of centar
    assert socket_client("centar").is_connected()
    assert not socket_client("drachevo").is_connected()


def test_an_administrator_may_preview_any_display(client, auth, socket_client, offices):
    auth.login("boss", "admin-password-1")
    assert socket_client("centar").is_connected()
    assert socket_client("drachevo", view="counter", counter=1).is_connected()


# ------------------------------------------------------------------------------- other rooms


def test_a_counter_display_receives_its_own_counters_panel(
    client, auth, socket_client, offices, factory, db
):
    centar, _ = offices
    rules.issue_ticket(db.session, centar, factory.service(centar, "BIRTH").id)
    db.session.commit()
    _, token_1 = paired_device(db, centar, kind="counter_display", counter=1)
    _, token_2 = paired_device(db, centar, kind="counter_display", counter=2)
    one = socket_client("centar", view="counter", counter=1, token=token_1)
    two = socket_client("centar", view="counter", counter=2, token=token_2)
    auth.login()
    call_next(client, centar.counters[0])
    panel_1 = events(one, "counter")[-1]["html"]
    panel_2 = events(two, "counter")[-1]["html"]
    assert 'id="counter-panel"' in panel_1 and "A001" in panel_1
    assert "A001" not in panel_2
    assert events(one, "state") == []  # no board for a counter screen


def test_a_screen_waiting_for_its_code_hears_when_it_is_paired(app, socket_client, offices, db):
    from kiosk.services import devices as device_rules
    from tests.conftest import AuthActions

    device, token = device_rules.start_pairing(db.session)
    db.session.commit()
    waiting = socket_client(None, view="pairing", token=token)
    admin = app.test_client()
    AuthActions(admin).login("boss", "admin-password-1")
    admin.post(
        "/admin/devices",
        data={
            "csrf_token": csrf_token(admin, "/admin/devices"),
            "code": device.pairing_code,
            "kind": "display",
            "office": str(offices[0].id),
            "layout": "auto",
            "volume": "70",
            "speech": "1",
        },
    )
    (paired,) = events(waiting, "paired")
    assert paired["url"].endswith("/display/centar")


def test_kiosks_join_the_public_room_and_hear_of_new_announcements(
    app, socket_client, display, offices
):
    from tests.conftest import AuthActions

    kiosk = socket_client("centar", view="kiosk")
    assert kiosk.is_connected()
    admin = app.test_client()
    AuthActions(admin).login("boss", "admin-password-1")
    admin.post(
        "/admin/announcements",
        data={
            "csrf_token": csrf_token(admin, "/admin/announcements/new"),
            "office": "all",
            "title-mk": "Нов работен ден",
            "title-en": "New opening hours",
        },
    )
    assert events(kiosk, "announcements") == [{}]
    (pushed,) = events(display, "announcements")
    assert "Нов работен ден" in pushed["html"] and 'id="notices"' in pushed["html"]
