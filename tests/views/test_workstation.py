"""The clerk's full workstation over HTTP: transfer, hold, breaks, came back, desk tickets."""

import datetime as dt
import re

import pytest

from kiosk.models import CounterStatus, Ticket, TicketStatus
from kiosk.services import queue as rules
from kiosk.services.hours import validate_week
from tests.factories import csrf_token

HX = {"HX-Request": "true"}


@pytest.fixture
def desk(client, auth, clerk, office, factory, db):
    """Logged in at counter 1 with two waiting tickets; returns (client, base url, tickets)."""
    tickets = [
        rules.issue_ticket(db.session, office, factory.service(office, "BIRTH").id)
        for _ in range(2)
    ]
    db.session.commit()
    auth.login()
    return client, f"/clerk/counters/{office.counters[0].id}", [t.id for t in tickets]


def post(client, url, data=None):
    token = csrf_token(client, "/clerk/")
    return client.post(url, data=data or {}, headers={**HX, "X-CSRFToken": token})


def reload(db, ticket_id):
    db.session.rollback()
    return db.session.get(Ticket, ticket_id)


def test_choosing_a_counter_opens_it_in_the_clerks_name(desk, db, office, clerk):
    client, base, _ = desk
    response = post(client, f"{base}/open")
    assert response.status_code == 204 and response.headers["HX-Redirect"].endswith(base)
    db.session.rollback()
    assert (office.counters[0].status, office.counters[0].clerk_id) == ("open", clerk.id)


def test_the_workstation_fragment_replaces_itself_with_every_action(desk):
    client, base, _ = desk
    html = post(client, f"{base}/next").get_data(as_text=True)
    assert html.lstrip().startswith('<div id="workstation"') and "<html" not in html
    assert "A001" in html and "Next in line" in html or "A002" in html


def test_transfer_to_another_service_at_the_front(desk, db, office, factory):
    client, base, (first, _) = desk
    post(client, f"{base}/next")
    tax = factory.service(office, "TAX").id
    response = post(
        client, f"{base}/tickets/{first}/transfer", {"service": tax, "position": "front"}
    )
    assert response.status_code == 200
    ticket = reload(db, first)
    assert (ticket.status, ticket.service_id, ticket.transfers) == ("waiting", tax, 1)


@pytest.mark.parametrize("data", [{}, {"service": "abc"}, {"service": "1", "position": "up"}])
def test_transfer_with_bad_input_is_refused_and_changes_nothing(desk, db, data):
    client, base, (first, _) = desk
    post(client, f"{base}/next")
    response = post(client, f"{base}/tickets/{first}/transfer", data)
    assert response.status_code == 400
    assert reload(db, first).status == TicketStatus.CALLED


def test_hold_resume_and_finish_with_an_outcome(desk, db):
    client, base, (first, _) = desk
    post(client, f"{base}/next")
    post(client, f"{base}/tickets/{first}/park")
    assert reload(db, first).status == TicketStatus.PARKED
    post(client, f"{base}/tickets/{first}/resume")
    post(client, f"{base}/tickets/{first}/finish", {"outcome": "referred"})
    ticket = reload(db, first)
    assert (ticket.status, ticket.outcome) == ("done", "referred")


def test_break_blocks_calls_with_a_clear_message_until_it_ends(desk, db, office):
    client, base, _ = desk
    post(client, f"{base}/open")
    assert post(client, f"{base}/break", {"reason": "lunch"}).status_code == 200
    refused = post(client, f"{base}/next")
    assert refused.status_code == 409 and refused.headers["HX-Retarget"] == "#alerts"
    post(client, f"{base}/end-break")
    assert post(client, f"{base}/next").status_code == 200
    db.session.rollback()
    assert office.counters[0].status == CounterStatus.OPEN


def test_a_no_show_who_comes_back_gets_the_old_place(desk, db):
    client, base, (first, second) = desk
    post(client, f"{base}/next")
    post(client, f"{base}/tickets/{first}/no-show")
    html = post(client, f"{base}/tickets/{first}/return").get_data(as_text=True)
    assert reload(db, first).status == TicketStatus.WAITING
    assert "A001" in html


def test_call_a_particular_ticket(desk, db):
    client, base, (_, second) = desk
    post(client, f"{base}/tickets/{second}/call")
    assert reload(db, second).status == TicketStatus.CALLED


def test_a_clerk_issues_a_priority_ticket_for_the_citizen_at_the_desk(desk, db, office, factory):
    client, base, _ = desk
    response = post(
        client, f"{base}/tickets", {"service": factory.service(office, "TAX").id, "priority": "1"}
    )
    assert response.status_code == 200 and "E001" in response.get_data(as_text=True)
    # the form stays open for the next citizen at the desk; other actions close it
    assert '<details class="card ws-more"' in (html := response.get_data(as_text=True))
    assert re.search(r'<details class="card ws-more"[^>]* open>', html)
    assert not re.search(r'<details class="card ws-more"[^>]* open>',
                         post(client, f"{base}/next").get_data(as_text=True))
    db.session.rollback()
    assert db.session.query(Ticket).filter_by(code="E001").one().priority is True


def test_the_kiosk_priority_mode_issues_a_priority_ticket(client, office, factory, db):
    token = csrf_token(client, "/kiosk/centar?priority=1")
    response = client.post(
        "/kiosk/centar/tickets",
        data={"service": factory.service(office, "BIRTH").id, "priority": "1", "csrf_token": token},
    )
    assert response.status_code == 201
    db.session.rollback()
    assert db.session.query(Ticket).one().priority is True


def test_the_kiosk_says_when_issuing_has_stopped(client, office, db, factory):
    office.opening_hours = validate_week({})  # every day closed
    db.session.commit()
    html = client.get("/kiosk/centar?lang=en").get_data(as_text=True)
    assert "The office is closed today." in html
    assert "priority=1" not in html  # nothing to take, so no priority button
    from kiosk import realtime
    from kiosk.services.state import office_state

    with client.application.test_request_context():  # the lobby display, in the office's mk, sq
        board = realtime.render_board(office, office_state(db.session, office), [])
    assert "Канцеларијата денес не работи." in board and "Zyra sot është e mbyllur." in board
    assert "Ве молиме земете билет" not in board
    token = csrf_token(client, "/kiosk/centar")
    response = client.post(
        "/kiosk/centar/tickets",
        data={"service": factory.service(office, "BIRTH").id, "csrf_token": token},
    )
    assert response.status_code == 409


def test_the_lobby_display_names_each_counters_state_in_its_first_two_languages(desk, db, office):
    client, base, _ = desk
    post(client, f"{base}/next")  # counter 1 serves A001; counter 2 is still closed
    from kiosk import realtime
    from kiosk.services.state import office_state

    db.session.rollback()
    with client.application.test_request_context():
        board = realtime.render_board(office, office_state(db.session, office), [])
    tiles = re.findall(r'<span class="d-counter-state">(.*?)</span>\s*</li>', board, re.S)
    assert tiles[0].strip() == "A001"
    assert '<span lang="mk" class="ml ml-1">Затворен</span>' in tiles[1]
    assert '<span lang="sq" class="ml ml-2">Mbyllur</span>' in tiles[1]


def test_live_regions_need_no_htmx_and_name_where_they_are_fetched(desk, db, office):
    # static/js/live.js applies a pushed, polled or resynced region by copying the root's
    # attributes and replacing its content, without htmx: anything in it that needed htmx would
    # stay dead. It fetches each region from its data-live-src, which must answer with it.
    client, base, _ = desk
    post(client, f"{base}/next")
    from kiosk import realtime
    from kiosk.services.state import office_state

    db.session.rollback()
    with client.application.test_request_context():
        state = office_state(db.session, office)
        regions = [realtime.render_board(office, state, [])] + [
            realtime.render_counter(office, state, row.counter) for row in state.counters
        ]
    for html in regions:
        assert not re.search(r"\shx-[a-z]+=", html), html
        region_id = re.search(r'\sid="([^"]+)"', html).group(1)
        source = re.search(r'\sdata-live-src="([^"]+)"', html).group(1)
        fetched = client.get(source)
        assert fetched.status_code == 200
        assert re.search(r'\sid="([^"]+)"', fetched.get_data(as_text=True)).group(1) == region_id


@pytest.mark.parametrize(
    "reason, says",
    [
        ("not_yet", "Tickets are issued from 08:30 today."),  # not "no more tickets today"
        ("stopped", "No more tickets are issued today."),
        ("closed", "The office is closed today."),
    ],
)
def test_the_kiosk_says_why_no_ticket_is_issued(app, office, reason, says):
    from flask import render_template_string

    from kiosk.services.hours import IssuingState

    opens = dt.datetime(2026, 12, 7, 7, 30, tzinfo=dt.UTC)  # 08:30 in Skopje
    state = IssuingState(open=False, reason=reason, reopens=opens)
    with app.test_request_context("/?lang=en"):
        text = render_template_string(
            '{% from "components/macros.html" import not_issuing %}'
            '{{ not_issuing(s, office, "en") }}',
            s=state, office=office,
        )
    assert text == says


def test_the_ticket_shows_the_quoted_wait(client, office, factory, db):
    birth = factory.service(office, "BIRTH").id
    for _ in range(6):
        rules.issue_ticket(db.session, office, birth, now=dt.datetime.now(dt.UTC))
    db.session.commit()
    token = csrf_token(client, "/kiosk/centar")
    html = client.post(
        "/kiosk/centar/tickets", data={"service": birth, "csrf_token": token, "lang": "en"}
    ).get_data(as_text=True)
    assert "Expected wait" in html


def test_a_second_click_on_call_next_is_refused_and_nobody_is_skipped(desk, db):
    client, base, (first, second) = desk
    # both clicks left the page while the desk was empty ("seen" is the ticket shown: none)
    assert post(client, f"{base}/next", {"seen": ""}).status_code == 200
    refused = post(client, f"{base}/next", {"seen": ""})
    assert refused.status_code == 409 and refused.headers["HX-Retarget"] == "#alerts"
    assert "has changed meanwhile" in refused.get_data(as_text=True)
    assert reload(db, first).status == TicketStatus.CALLED  # still at the desk, not finished
    assert reload(db, second).status == TicketStatus.WAITING
    # the page now shows A001: its next click finishes A001 and calls A002
    assert post(client, f"{base}/next", {"seen": str(first)}).status_code == 200
    assert (reload(db, first).status, reload(db, second).status) == ("done", "called")


def test_finish_and_call_next_keeps_the_outcome_chosen(desk, db):
    client, base, (first, _) = desk
    post(client, f"{base}/next")
    html = post(client, f"{base}/next", {"seen": str(first), "outcome": "incomplete_documents"})
    assert html.status_code == 200
    ticket = reload(db, first)
    assert (ticket.status, ticket.outcome) == ("done", "incomplete_documents")
    bad = post(client, f"{base}/next", {"outcome": "vanished"})
    assert bad.status_code == 400


def test_the_workstation_sends_the_ticket_it_shows_and_the_outcome_with_call_next(desk, db):
    client, base, (first, _) = desk
    html = post(client, f"{base}/next").get_data(as_text=True)
    assert f'hx-vals=\'{{"seen": {first}}}\' hx-include="#outcome"' in html
    # while serving, no break can be started (the button says why)
    assert 'data-dialog="break-dialog"\n                disabled' in html


def test_a_held_ticket_cannot_be_resumed_during_a_break_nor_the_counter_closed(desk, db):
    client, base, (first, _) = desk
    post(client, f"{base}/next")
    post(client, f"{base}/tickets/{first}/park")
    post(client, f"{base}/break", {"reason": "lunch"})
    refused = post(client, f"{base}/tickets/{first}/resume")
    assert refused.status_code == 409 and "break" in refused.get_data(as_text=True)
    assert reload(db, first).status == TicketStatus.PARKED
    post(client, f"{base}/end-break")
    refused = post(client, f"{base}/close")
    assert refused.status_code == 409 and "on hold" in refused.get_data(as_text=True)
    assert reload(db, first).status == TicketStatus.PARKED


def test_no_transfer_to_a_closed_counter(desk, db, office):
    client, base, (first, _) = desk
    post(client, f"{base}/next")
    closed = office.counters[1]
    assert closed.status == CounterStatus.CLOSED
    html = client.get(base).get_data(as_text=True)
    assert f'<option value="{closed.id}" disabled>' in html
    refused = post(client, f"{base}/tickets/{first}/transfer", {"counter": str(closed.id)})
    assert refused.status_code == 409 and "closed" in refused.get_data(as_text=True)
    assert reload(db, first).status == TicketStatus.CALLED


def test_the_clerk_is_told_where_a_transferred_ticket_went(desk, db, office, factory):
    client, base, (first, _) = desk
    post(client, f"{base}/next")
    tax = factory.service(office, "TAX").id
    html = post(client, f"{base}/tickets/{first}/transfer", {"service": tax, "position": "end"})
    assert "A001 was sent to the queue for" in html.get_data(as_text=True)


def test_taking_over_a_colleagues_counter_is_asked_first(desk, db, office, factory):
    client, base, (first, _) = desk
    colleague = factory.user("bojana", office=office)
    rules.open_counter(db.session, office.counters[1], clerk=colleague)
    rules.call_next(db.session, office.counters[1], clerk=colleague)
    db.session.commit()
    html = client.get("/clerk/").get_data(as_text=True)
    assert "is open for Bojana, who is serving A001. Take it over?" in html
    # the clerk's own counter and closed counters open at once
    assert html.count("hx-confirm=") == 1


def test_the_timer_of_a_ticket_back_from_hold_counts_from_its_return(desk, db, office, clerk):
    """The citizen fetched a paper for 25 minutes: that is not service time."""
    client, base, (first, _) = desk
    counter = office.counters[0]
    called, back = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC), dt.datetime(
        2026, 11, 23, 9, 25, tzinfo=dt.UTC)
    rules.call_ticket(db.session, counter, first, clerk=clerk, now=called)
    rules.park(db.session, counter, first, clerk=clerk, now=called + dt.timedelta(minutes=2))
    rules.resume(db.session, counter, first, clerk=clerk, now=back)
    db.session.commit()
    page = client.get(base).get_data(as_text=True)
    assert "back from hold at 10:25" in page  # Skopje time
    assert f'data-since="{back.isoformat()}"' in page
    assert rules.serving_since(db.session, reload(db, first)) == back


def test_waits_read_in_whole_minutes_not_like_a_clock(desk, db, office, factory):
    """"0:12" beside "called at 10:05" reads like twelve minutes, or hours: a wait says "12 min"."""
    client, base, _ = desk
    rules.issue_ticket(db.session, office, factory.service(office, "TAX").id,
                       now=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=12, seconds=30))
    db.session.commit()
    page = client.get(base).get_data(as_text=True)
    assert re.search(r'data-format="\{n\} min">12 min</time>', page)  # oldest and in the list
    mk = client.get(base + "?lang=mk").get_data(as_text=True)
    assert re.search(r'data-format="\{n\} мин">12 мин</time>', mk)


def test_calling_a_ticket_from_the_list_finishes_the_current_one_with_the_chosen_outcome(
    desk, db
):
    client, base, (first, second) = desk
    html = post(client, f"{base}/next").get_data(as_text=True)
    call = re.search(rf'<button[^>]*hx-post="{base}/tickets/{second}/call"[^>]*>', html).group(0)
    assert 'hx-include="#outcome"' in call and "#workstation:drop" in call
    response = post(client, f"{base}/tickets/{second}/call",
                    {"outcome": "referred", "seen": str(first)})
    assert response.status_code == 200
    assert (reload(db, first).status, reload(db, first).outcome) == ("done", "referred")
    assert reload(db, second).status == TicketStatus.CALLED


def test_the_counters_waiting_count_leaves_out_tickets_sent_to_another_counter(
    desk, db, office, factory
):
    client, base, (first, second) = desk
    colleague = factory.user("bojana", office=office)
    rules.open_counter(db.session, office.counters[1], clerk=colleague)
    db.session.commit()
    post(client, f"{base}/next")
    post(client, f"{base}/tickets/{first}/transfer", {"counter": str(office.counters[1].id)})
    post(client, f"{base}/tickets/{first}/transfer", {})  # refused: nothing left to serve
    html = client.get(f"{base}/queue", headers=HX).get_data(as_text=True)
    assert re.search(r'id="waiting-total">\s*1\s*<', html), "A001 waits for counter 2 only"
    assert html.count('/call"') == 1 and f"/tickets/{second}/call" in html


def test_the_counters_queues_are_listed_in_the_order_it_calls_them(desk, db, office, factory):
    """Counter 1 prefers tax (queue E) to births (queue A): its screen lists E first, though
    the kiosk lists births first."""
    client, base, _ = desk
    birth, tax = factory.service(office, "BIRTH"), factory.service(office, "TAX")
    rules.issue_ticket(db.session, office, tax.id)
    factory.serve_only(office.counters[0], tax, birth)
    db.session.commit()
    html = client.get(f"{base}/queue", headers=HX).get_data(as_text=True)
    prefixes = re.findall(r'<span class="prefix">(\w+)</span>', html)
    assert prefixes[:2] == ["E", "A"], prefixes


def test_a_draft_service_is_neither_offered_at_the_desk_nor_a_transfer_target(
    desk, db, office, factory
):
    client, base, (first, _) = desk
    tax = factory.service(office, "TAX")
    tax.status = "draft"
    db.session.commit()
    post(client, f"{base}/next")
    html = client.get(base).get_data(as_text=True)
    for select in ("issue-service", "transfer-service"):
        options = re.search(rf'<select id="{select}".*?</select>', html, re.S).group(0)
        assert f'<option value="{tax.id}"' not in options
        assert f'<option value="{factory.service(office, "BIRTH").id}"' in options
    refused = post(client, f"{base}/tickets/{first}/transfer", {"service": str(tax.id)})
    assert refused.status_code == 404
    assert "This service is not offered at this office." in refused.get_data(as_text=True)
    assert reload(db, first).status == TicketStatus.CALLED
    # the ticket's own service, no longer offered, stays the transfer's choice (not another)
    birth = factory.service(office, "BIRTH")
    birth.status = "draft"
    db.session.commit()
    html = client.get(base).get_data(as_text=True)
    transfer = re.search(r'<select id="transfer-service".*?</select>', html, re.S).group(0)
    assert re.search(rf'<option value="{birth.id}" selected>', transfer)
    issue = re.search(r'<select id="issue-service".*?</select>', html, re.S).group(0)
    assert f'<option value="{birth.id}"' not in issue


def test_finishing_from_a_stale_window_says_the_ticket_was_finished_meanwhile(desk, db):
    client, base, (first, _) = desk
    post(client, f"{base}/next")
    assert post(client, f"{base}/tickets/{first}/finish").status_code == 200  # another window
    stale = post(client, f"{base}/tickets/{first}/finish", {"outcome": "referred"})
    assert stale.status_code == 409
    assert "no longer being served here" in stale.get_data(as_text=True)
    assert (reload(db, first).status, reload(db, first).outcome) == ("done", "served")


def test_the_transfer_dialogs_counters_are_read_again_when_it_opens(desk, db, office, factory):
    client, base, _ = desk
    other = office.counters[1]
    url = f"{base}/transfer-counters"
    html = client.get(url, headers=HX).get_data(as_text=True)
    assert f'<option value="{other.id}" disabled>' in html and "Closed" in html
    rules.open_counter(db.session, other, clerk=factory.user("bojana", office=office))
    db.session.commit()
    html = client.get(url, headers=HX).get_data(as_text=True)
    assert f'<option value="{other.id}" >Counter 2 · Open</option>' in html
    assert "<html" not in html and f'value="{office.counters[0].id}"' not in html
    client.post("/logout", headers={"X-CSRFToken": csrf_token(client, "/clerk/")})
    assert client.get(url).status_code == 302  # to the login


def test_a_holiday_tells_citizens_its_note_and_when_tickets_are_issued_again(
    client, office, db, auth, factory
):
    """A special day's note for citizens shows on the kiosk and on the lobby display, with
    when tickets are issued again (the display said only that none are issued)."""
    from kiosk.models import SpecialDay
    from kiosk.services.clock import local_now

    today = local_now(rules.utcnow(), office.timezone).date()
    office.special_days.append(SpecialDay(date=today, hours=[],
                                          note={"mk": "Државен празник", "en": "Public holiday"}))
    db.session.commit()
    kiosk = client.get("/kiosk/centar?lang=en").get_data(as_text=True)
    assert "The office is closed today." in kiosk and "Public holiday" in kiosk
    assert "Tickets are issued again from" in kiosk
    factory.user("manager", role="admin")
    db.session.commit()
    auth.login("manager")
    board = client.get("/display/centar/board", headers=HX).get_data(as_text=True)
    idle = re.search(r'<div class="d-idle">.*?</p>', board, re.S).group(0)
    more = '<br><small class="d-idle-more">'
    assert (f"Канцеларијата денес не работи.{more}Државен празник</small>{more}"
            "Билетите повторно ќе се издаваат од ") in idle  # the office's first language
    assert f"Zyra sot është e mbyllur.{more}Biletat lëshohen përsëri nga " in idle  # no sq note
