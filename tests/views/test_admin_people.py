"""Staff accounts kept by administrators: add, change, turn off; every mistake named at once,
what was typed kept (never the passwords); no administrator can lock themselves out."""

from __future__ import annotations

from sqlalchemy import select

from kiosk.models import AuditEntry, User
from tests.conftest import AuthActions
from tests.factories import csrf_token

PAGE = "/admin/people"


def post(client, url, data):
    token = csrf_token(client, PAGE)
    return client.post(url, data={"csrf_token": token, **data})


def account(**changes):
    data = {
        "display_name": "Bojana Petrova",
        "username": "bojana",
        "role": "clerk",
        "office": "",
        "active": "1",
        "password": "a-long-secret-1",
        "password_again": "a-long-secret-1",
    }
    return data | changes


def test_an_administrator_adds_a_clerk_who_can_then_log_in(admin_client, office, db, app):
    response = post(admin_client, f"{PAGE}", account(office=str(office.id)))
    assert response.status_code == 303 and response.headers["Location"].endswith(PAGE)
    listed = admin_client.get(PAGE).get_data(as_text=True)
    assert "Bojana Petrova" in listed and "The account of Bojana Petrova is saved." in listed
    user = db.session.scalar(select(User).filter_by(username="bojana"))
    assert (user.role, user.office_id, user.active) == ("clerk", office.id, True)
    entry = db.session.scalar(select(AuditEntry).filter_by(entity="user", action="create"))
    assert "password_hash" not in entry.after and "a-long-secret-1" not in str(entry.after)
    browser = app.test_client()  # another browser: Bojana's own
    assert AuthActions(browser).login("bojana", "a-long-secret-1").status_code == 302
    assert browser.get("/clerk/").status_code == 200


def test_every_mistake_is_named_and_what_was_typed_is_kept(admin_client, admin, db):
    data = account(username="boss", display_name="Х" * 121, password="short",
                   password_again="other", role="king", office="999")
    response = post(admin_client, PAGE, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in ("This username is taken.", "Use at most 120 characters.", "Choose a role.",
                    "Choose an office, or every office.",
                    "Use a password of 8 to 200 characters."):
        assert message in html
    assert 'value="boss"' in html and "short" not in html  # a password is never sent back
    assert db.session.scalar(select(User).filter_by(display_name="Х" * 121)) is None


def test_a_username_too_short_to_tell_apart_or_with_spaces_is_refused(admin_client, db):
    for username in ("a", "ab", "ana maria"):
        response = post(admin_client, PAGE, account(username=username))
        assert response.status_code == 422
        assert ("Use 3 to 64 letters, digits, dots, dashes or @, without spaces."
                in response.get_data(as_text=True))
    assert db.session.scalar(select(User).filter_by(username="ab")) is None


def test_an_office_that_is_not_a_number_of_ours_is_refused(admin_client, db):
    for office in ("abc", "99999999999999999999", "-1"):
        response = post(admin_client, PAGE, account(office=office))
        assert response.status_code == 422
        assert "Choose an office, or every office." in response.get_data(as_text=True)


def test_a_password_typed_twice_differently_is_refused(admin_client, db):
    response = post(admin_client, PAGE, account(password_again="a-long-secret-2"))
    assert response.status_code == 422
    assert "The two passwords are not the same." in response.get_data(as_text=True)


def test_a_turned_off_account_cannot_log_in_and_its_password_can_be_changed(
    admin_client, factory, db, client, auth
):
    clerk = factory.user("ana")
    db.session.commit()
    data = account(username="ana", display_name="Ana", password="", password_again="")
    del data["active"]
    assert post(admin_client, f"{PAGE}/{clerk.id}", data).status_code == 303
    db.session.expire_all()
    assert db.session.get(User, clerk.id).active is False
    assert db.session.get(User, clerk.id).check_password("clerk-password-1")  # kept
    data = account(username="ana", display_name="Ana", password="new-secret-22",
                   password_again="new-secret-22")
    assert post(admin_client, f"{PAGE}/{clerk.id}", data).status_code == 303
    db.session.expire_all()
    assert db.session.get(User, clerk.id).check_password("new-secret-22")


def test_an_administrator_cannot_lock_themselves_out(admin_client, admin, db):
    data = account(username="boss", display_name="Boss", role="clerk", password="",
                   password_again="")
    del data["active"]
    html = post(admin_client, f"{PAGE}/{admin.id}", data).get_data(as_text=True)
    assert "You cannot take away your own administrator access." in html
    assert "You cannot turn off your own account." in html
    db.session.expire_all()
    assert (admin.role, admin.active) == ("admin", True)


def test_only_administrators_reach_the_staff_pages(client, auth, factory, db, office):
    factory.user("ana", office=office)
    db.session.commit()
    assert client.get(PAGE).status_code == 302  # to the login
    auth.login("ana")
    assert client.get(PAGE).status_code == 403
    assert client.get(f"{PAGE}/new").status_code == 403
