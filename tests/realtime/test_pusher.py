"""The pusher thread: kiosk bursts fold into few pushes, but a clerk's call is not held back.

The app runs with REALTIME_PUSH = "background" here (the other tests push inline), with a
long REALTIME_MIN_INTERVAL so that a push held back by it could not pass for an early one.
"""

import time

import pytest

from kiosk import realtime
from tests.displays.helpers import paired_device
from tests.factories import csrf_token

INTERVAL = 6.0  # long, so that a loaded machine cannot pass for the interval (or fail for it)


@pytest.fixture
def centar(app, factory, db):
    app.config.update(REALTIME_PUSH="background", REALTIME_MIN_INTERVAL=INTERVAL)
    # Pushers are kept per app object: never inherit one from an earlier test's app.
    realtime._pushers.pop(id(app), None)
    office = factory.office("centar")
    factory.user("clerk", office=office)
    db.session.commit()
    yield office
    realtime._pushers.pop(id(app), None)


def take_ticket(client, office, service_id):
    token = csrf_token(client, f"/kiosk/{office.slug}")
    response = client.post(
        f"/kiosk/{office.slug}/tickets", data={"service": service_id, "csrf_token": token}
    )
    assert response.status_code == 201


def wait_for_state(display, received: list, predicate, timeout: float) -> dict | None:
    """Collect the display's "state" pushes until one matches or the time is up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        received.extend(e["args"][0] for e in display.get_received() if e["name"] == "state")
        for state in received:
            if predicate(state):
                return state
        time.sleep(0.02)
    return None


def test_a_call_right_after_a_ticket_reaches_the_display_without_waiting_for_the_interval(
    client, auth, socket_client, centar, factory, db
):
    _, token = paired_device(db, centar)
    display = socket_client("centar", token=token)
    birth = factory.service(centar, "BIRTH").id
    received = []

    auth.login()  # the clerk (logging in takes a while: before the ticket, not between)
    token = csrf_token(client, "/clerk/")

    take_ticket(client, centar, birth)  # the office's first push: made at once
    assert wait_for_state(display, received, lambda s: s["calls"] == [], INTERVAL / 2)
    started = time.monotonic()
    response = client.post(
        f"/clerk/counters/{centar.counters[0].id}/next",
        headers={"X-CSRFToken": token, "HX-Request": "true"},
    )
    assert response.status_code == 200
    state = wait_for_state(
        display, received, lambda s: [c["code"] for c in s["calls"]] == ["A001"], INTERVAL
    )
    assert state is not None, "the call never reached the display"
    assert time.monotonic() - started < INTERVAL / 2, "the call waited for the interval"


def test_a_burst_of_tickets_folds_into_a_few_pushes(client, socket_client, centar, factory, db):
    _, token = paired_device(db, centar)
    display = socket_client("centar", token=token)
    birth = factory.service(centar, "BIRTH").id
    received = []
    for _ in range(6):
        take_ticket(client, centar, birth)
    # The last change always reaches the display (after the interval), and the burst costs at
    # most two renders: the first at once, the rest folded into one.
    last = wait_for_state(
        display,
        received,
        lambda s: s["html"].count("d-waiting-count") and ">6<" in s["html"],
        INTERVAL * 2,
    )
    assert last is not None, "the last change of the burst never reached the display"
    assert len(received) <= 2
