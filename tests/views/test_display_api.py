"""The lobby display and the JSON API."""

import pytest

from kiosk.services import queue as rules


def test_display_page_shows_the_board(client, office, clerk, auth):
    auth.login()  # staff may preview a display; screens are paired (tests/displays)
    html = client.get("/display/centar").get_data(as_text=True)
    assert 'id="board"' in html and 'data-live-view="display"' in html
    assert "socket.io-4.8.3.min.js" in html and "htmx-2.0.11.min.js" in html


def test_display_board_fragment_shows_the_latest_call(client, office, factory, db, clerk, auth):
    auth.login()
    rules.issue_ticket(db.session, office, factory.service(office, "BIRTH").id)
    rules.call_next(db.session, office.counters[1])
    db.session.commit()
    html = client.get("/display/centar/board", headers={"HX-Request": "true"}).get_data(
        as_text=True
    )
    assert "<html" not in html
    assert 'class="d-call-number"' in html and "A001" in html
    # the only call is the current one: the "last calls" list does not claim there was none
    assert "Претходните повикувања се наведени тука." in html
    assert "Денес сè уште нема повикувања." not in html


def test_a_board_before_the_first_call_says_so(client, office, clerk, auth):
    auth.login()
    html = client.get("/display/centar/board", headers={"HX-Request": "true"}).get_data(
        as_text=True
    )
    assert "Денес сè уште нема повикувања." in html


def test_api_lists_offices(client, office):
    data = client.get("/api/v1/offices").get_json()
    assert [o["slug"] for o in data["offices"]] == ["centar"]
    assert data["offices"][0]["languages"] == ["mk", "sq", "en"]


def test_api_issues_a_ticket_and_state_shows_it(client, office):
    response = client.post("/api/v1/offices/centar/tickets", json={"service": "BIRTH"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["code"] == "A001" and body["people_ahead"] == 0 and len(body["token"]) >= 16
    state = client.get("/api/v1/offices/centar/state").get_json()
    assert state["waiting"] == 1
    assert {s["code"]: s["waiting"] for s in state["services"]} == {"BIRTH": 1, "TAX": 0}


@pytest.mark.parametrize(
    "payload, status",
    [
        (None, 400),
        ("not json", 400),
        ([], 400),
        ({}, 400),
        ({"service": 12}, 400),
        ({"service": "BIRTH", "priority": "yes"}, 400),
        ({"service": "NOPE"}, 404),
    ],
)
def test_api_bad_input_gets_a_json_error(client, office, payload, status):
    if payload is None:
        response = client.post(
            "/api/v1/offices/centar/tickets", data="{broken", content_type="application/json"
        )
    else:
        response = client.post("/api/v1/offices/centar/tickets", json=payload)
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["message"] and error["code"]


def test_api_unknown_office_is_a_json_404(client, office):
    response = client.get("/api/v1/offices/nowhere/state")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "http_404"


def test_api_errors_follow_the_requested_language(client, office):
    response = client.post(
        "/api/v1/offices/centar/tickets",
        json={"service": "NOPE"},
        headers={"Accept-Language": "en"},
    )
    assert "not offered" in response.get_json()["error"]["message"]


def test_a_board_with_many_services_waiting_sums_those_it_has_no_room_for(
    client, factory, db, auth
):
    """Landscape has room for two rows of the waiting list: with more than four services
    waiting, three are named and the fourth place sums the rest; portrait names eight, then
    sums the rest (the stylesheet shows one or the other)."""
    import re

    codes = [(f"S{i}", "AEKMTX"[i % 6]) for i in range(10)]
    office = factory.office("lobby", services=tuple(codes))
    for i, (code, _) in enumerate(codes):
        for _ in range(i + 1):  # S0: 1 waiting, S1: 2, ... S9: 10
            rules.issue_ticket(db.session, office, factory.service(office, code).id)
    factory.user("manager", role="admin")
    db.session.commit()
    auth.login("manager")
    html = client.get("/display/lobby/board", headers={"HX-Request": "true"}).get_data(
        as_text=True)
    assert 'class="d-waiting-list d-waiting-many"' in html
    assert len(re.findall(r'<li class="d-waiting-item">', html)) == 8
    assert re.search(r'd-waiting-more-short">\+ (\d+)<', html).group(1) == str(sum(range(4, 11)))
    assert re.search(r'd-waiting-more-long">\+ (\d+)<', html).group(1) == str(9 + 10)
