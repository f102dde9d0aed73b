"""The clerk's workstation: login, roles, actions, conflicts, CSRF."""

import pytest

from kiosk.models import TicketStatus
from kiosk.services import queue as rules
from tests.factories import csrf_token

HX = {"HX-Request": "true"}


@pytest.fixture
def logged_in(client, auth, clerk):
    response = auth.login()
    assert response.status_code == 302
    return client


def post(client, url, headers=HX):
    token = csrf_token(client, "/clerk/")
    return client.post(url, headers={**headers, "X-CSRFToken": token})


def issue(db, office, factory, n=1, code="BIRTH"):
    tickets = [
        rules.issue_ticket(db.session, office, factory.service(office, code).id) for _ in range(n)
    ]
    db.session.commit()
    return tickets


def test_clerk_pages_need_a_login(client, office):
    response = client.get("/clerk/")
    assert response.status_code == 302 and "/login" in response.location


def test_wrong_password_is_refused_with_a_message(client, clerk, auth):
    response = auth.login(password="wrong-password")
    assert response.status_code == 422
    assert "error-summary" in response.get_data(as_text=True)


def test_login_without_csrf_token_is_refused(client, clerk):
    response = client.post("/login", data={"username": "clerk", "password": "clerk-password-1"})
    assert response.status_code == 400
    assert client.get("/clerk/").status_code == 302  # still logged out


def test_login_ignores_a_foreign_next_url(client, clerk):
    token = csrf_token(client, "/login")
    response = client.post(
        "/login?next=https://evil.example/",
        data={"username": "clerk", "password": "clerk-password-1", "csrf_token": token},
    )
    assert response.status_code == 302 and "evil" not in response.location


def test_a_disabled_account_cannot_log_in(client, clerk, auth, db):
    clerk.active = False
    db.session.commit()
    assert auth.login().status_code == 422


def test_counter_list_shows_the_clerks_office(logged_in, office):
    html = logged_in.get("/clerk/").get_data(as_text=True)
    assert "Office centar" in html
    assert f"/clerk/counters/{office.counters[0].id}/open" in html


def test_workstation_page_and_fragments(logged_in, office):
    cid = office.counters[0].id
    page = logged_in.get(f"/clerk/counters/{cid}").get_data(as_text=True)
    assert "<html" in page and 'id="workstation"' in page and 'id="queue"' in page
    fragment = logged_in.get(f"/clerk/counters/{cid}/queue", headers=HX).get_data(as_text=True)
    assert "<html" not in fragment and fragment.lstrip().startswith('<section id="queue"')


def test_call_next_then_finish(logged_in, office, factory, db):
    issue(db, office, factory, 2)
    cid = office.counters[0].id
    response = post(logged_in, f"/clerk/counters/{cid}/next")
    assert response.status_code == 200
    assert "A001" in response.get_data(as_text=True)
    assert response.headers["HX-Trigger"] == "queue-changed"
    ticket_id = rules.current_ticket(db.session, office.counters[0]).id
    response = post(logged_in, f"/clerk/counters/{cid}/tickets/{ticket_id}/finish")
    assert response.status_code == 200
    db.session.rollback()
    assert rules.current_ticket(db.session, office.counters[0]) is None


def test_recall_and_no_show(logged_in, office, factory, db):
    issue(db, office, factory)
    cid = office.counters[0].id
    post(logged_in, f"/clerk/counters/{cid}/next")
    ticket = rules.current_ticket(db.session, office.counters[0])
    html = post(logged_in, f"/clerk/counters/{cid}/tickets/{ticket.id}/recall").get_data(
        as_text=True
    )
    assert "A001" in html
    post(logged_in, f"/clerk/counters/{cid}/tickets/{ticket.id}/no-show")
    db.session.rollback()
    assert db.session.get(type(ticket), ticket.id).status == TicketStatus.NO_SHOW


def test_call_next_on_empty_queue_says_nobody_is_waiting(logged_in, office):
    response = post(logged_in, f"/clerk/counters/{office.counters[0].id}/next")
    assert response.status_code == 409
    assert response.headers["HX-Retarget"] == "#alerts"


def test_finishing_a_ticket_twice_gives_a_clear_conflict(logged_in, office, factory, db):
    issue(db, office, factory)
    cid = office.counters[0].id
    post(logged_in, f"/clerk/counters/{cid}/next")
    tid = rules.current_ticket(db.session, office.counters[0]).id
    assert post(logged_in, f"/clerk/counters/{cid}/tickets/{tid}/finish").status_code == 200
    assert post(logged_in, f"/clerk/counters/{cid}/tickets/{tid}/finish").status_code == 409


def test_a_clerk_cannot_finish_another_counters_ticket(logged_in, office, factory, db):
    issue(db, office, factory)
    c1, c2 = office.counters[0].id, office.counters[1].id
    post(logged_in, f"/clerk/counters/{c1}/next")
    tid = rules.current_ticket(db.session, office.counters[0]).id
    assert post(logged_in, f"/clerk/counters/{c2}/tickets/{tid}/finish").status_code == 409


def test_unknown_action_and_counter_are_404(logged_in, office, factory, db):
    issue(db, office, factory)
    cid = office.counters[0].id
    assert post(logged_in, f"/clerk/counters/{cid}/tickets/1/explode").status_code == 404
    assert post(logged_in, "/clerk/counters/999/next").status_code == 404


def test_a_clerk_of_another_office_is_forbidden(client, auth, factory, db, office):
    other = factory.office("drachevo", services=(("PARK", "K"),))
    factory.user("besnik", office=other)
    db.session.commit()
    auth.login("besnik")
    assert client.get(f"/clerk/counters/{office.counters[0].id}").status_code == 403
    assert "Office centar" not in client.get("/clerk/").get_data(as_text=True)


def test_action_without_csrf_token_is_refused(logged_in, office, factory, db):
    issue(db, office, factory)
    response = logged_in.post(f"/clerk/counters/{office.counters[0].id}/next", headers=HX)
    assert response.status_code == 400
    db.session.rollback()
    assert rules.current_ticket(db.session, office.counters[0]) is None


def test_clerks_cannot_open_the_admin_pages(logged_in):
    assert logged_in.get("/admin/").status_code == 403


def test_admin_sees_the_dashboard(client, auth, factory, db, office):
    factory.user("boss", role="admin")
    db.session.commit()
    auth.login("boss")
    html = client.get("/admin/").get_data(as_text=True)
    assert "Office centar" in html


def test_logout_ends_the_session(logged_in, auth):
    auth.logout()
    assert logged_in.get("/clerk/").status_code == 302


def test_a_clerk_whose_counter_was_taken_over_changes_nothing_there(
    logged_in, office, factory, db
):
    """Bojana took counter 1 over (from the counter list) while the clerk's page was open:
    his stale screen calls nobody, finishes nothing and says who holds the counter now."""
    issue(db, office, factory, 2)
    counter = office.counters[0]
    cid = counter.id
    post(logged_in, f"/clerk/counters/{cid}/next")
    serving = rules.current_ticket(db.session, counter)
    bojana = factory.user("bojana", office=office)
    rules.open_counter(db.session, counter, clerk=bojana)
    db.session.commit()

    for url in (f"/clerk/counters/{cid}/next",
                f"/clerk/counters/{cid}/tickets/{serving.id}/finish",
                f"/clerk/counters/{cid}/break"):
        response = post(logged_in, url)
        assert response.status_code == 409, url
        assert "Bojana has taken over this counter, so nothing was done." in response.get_data(
            as_text=True)
    db.session.rollback()
    assert rules.current_ticket(db.session, counter).id == serving.id  # still hers to finish
    assert counter.clerk_id == bojana.id and counter.status == "open"

    page = logged_in.get(f"/clerk/counters/{cid}").get_data(as_text=True)
    assert "Bojana has taken over this counter." in page
    assert "/next" not in page  # no action of hers is offered
    # His queue panel, refreshed by the office's change, has the whole workstation fetched again.
    assert logged_in.get(f"/clerk/counters/{cid}/queue", headers=HX).headers["HX-Trigger"] == (
        "resync")


def test_a_clerk_takes_a_counter_back_and_works_there_again(logged_in, office, factory, db):
    issue(db, office, factory)
    counter = office.counters[0]
    rules.open_counter(db.session, counter, clerk=factory.user("bojana", office=office))
    db.session.commit()
    assert post(logged_in, f"/clerk/counters/{counter.id}/open").status_code == 204
    response = post(logged_in, f"/clerk/counters/{counter.id}/next")
    assert response.status_code == 200 and "A001" in response.get_data(as_text=True)
    assert "HX-Trigger" not in logged_in.get(f"/clerk/counters/{counter.id}/queue",
                                             headers=HX).headers
