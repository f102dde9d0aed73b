"""The information board: administrators publish notices (per language, one office or all,
from/to, pinned); displays and kiosks show them; hostile text stays text; all is audited."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.models import Announcement, AuditEntry
from kiosk.services import announcements as notices
from tests.displays.helpers import paired_device, use_device
from tests.factories import csrf_token

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes"'


def publish(admin, announcement_id=None, **fields):
    data = {"csrf_token": csrf_token(admin, "/admin/announcements/new"), "office": "all"}
    data.update(fields)
    url = f"/admin/announcements/{announcement_id}" if announcement_id else "/admin/announcements"
    response = admin.post(url, data=data)
    return response


def local(moment: dt.datetime) -> str:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo("Europe/Skopje")).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def screen(client, office, db):
    """The test client as a paired lobby display of centar."""
    _, token = paired_device(db, office)
    use_device(client, token)
    return client


def test_an_administrator_publishes_an_announcement_in_several_languages(admin, office, db):
    response = publish(
        admin,
        **{"title-mk": "Ново работно време", "body-mk": "Од понеделник\nдо 18 часот.",
           "title-sq": "Orar i ri", "title-en": "", "pinned": "1", "office": str(office.id)},
    )  # fmt: skip
    assert response.status_code == 303
    a = db.session.scalar(db.select(Announcement))
    assert a.title == {"mk": "Ново работно време", "sq": "Orar i ri"}
    assert a.body == {"mk": "Од понеделник\nдо 18 часот."}
    assert a.office_id == office.id and a.pinned and a.publish_to is None
    entry = db.session.scalar(db.select(AuditEntry).filter_by(entity="announcement"))
    assert entry.action == "create" and entry.after["title"]["sq"] == "Orar i ri"


def test_it_appears_on_the_display_and_the_kiosk(screen, admin, office, client):
    publish(admin, **{"title-mk": "Затворено во петок", "title-sq": "Mbyllur të premten",
                      "body-sq": "Për festën."})  # fmt: skip
    board = screen.get("/display/centar").get_data(as_text=True)
    assert "Затворено во петок" in board and "Mbyllur të premten" in board
    kiosk_sq = client.get("/kiosk/centar?lang=sq").get_data(as_text=True)
    assert "Mbyllur të premten" in kiosk_sq and "Për festën." in kiosk_sq
    kiosk_en = client.get("/display/centar/notices?lang=en").get_data(as_text=True)
    assert "Затворено во петок" in kiosk_en  # no English: the office's first language


def test_hostile_text_is_stored_as_typed_and_shown_escaped(screen, admin, office, db, client):
    assert publish(admin, **{"title-mk": HOSTILE, "body-mk": HOSTILE}).status_code == 303
    assert db.session.scalar(db.select(Announcement)).title["mk"] == HOSTILE
    for html in (
        screen.get("/display/centar").get_data(as_text=True),
        screen.get("/display/centar/announcements").get_data(as_text=True),
        client.get("/kiosk/centar").get_data(as_text=True),
        admin.get("/admin/announcements").get_data(as_text=True),
    ):
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({}, "title-mk", "Enter a title in at least one language."),
        ({"title-mk": "x" * 161}, "title-mk", "Use at most 160 characters."),
        ({"title-mk": "T", "body-sq": "Tekst"}, "title-sq", "Enter the title in this language"),
        ({"title-mk": "T", "publish_from": "tomorrow"}, "publish_from", "Enter a date and time"),
        ({"title-mk": "T", "publish_from": "2026-03-02T10:00", "publish_to": "2026-03-01T10:00"},
         "publish_to", "The end must come after the start."),
        ({"title-mk": "T", "office": "999"}, "office", "Choose an office, or all offices."),
    ],
)  # fmt: skip
def test_mistakes_are_named_beside_their_field(admin, office, db, fields, field, message):
    response = publish(admin, **fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'href="#notice-{field}"' in html and message in html
    assert db.session.scalar(db.select(db.func.count()).select_from(Announcement)) == 0


def test_what_was_typed_stays_after_a_mistake(admin, office):
    html = publish(admin, **{"body-mk": "Мој текст"}).get_data(as_text=True)
    assert "Мој текст</textarea>" in html


def test_notices_show_only_between_their_times_and_only_where_they_belong(office, factory, db):
    drachevo = factory.office("drachevo", services=(("PARK", "K"),))
    now = dt.datetime.now(dt.UTC)
    org = office.organisation_id

    def add(title, **kw):
        db.session.add(Announcement(organisation_id=org, title={"mk": title}, **kw))

    add("now", publish_from=now - dt.timedelta(hours=1))
    add("later", publish_from=now + dt.timedelta(hours=1))
    add("over", publish_from=now - dt.timedelta(days=2), publish_to=now - dt.timedelta(days=1))
    add("pinned", publish_from=now - dt.timedelta(days=3), pinned=True)
    add("drachevo only", publish_from=now - dt.timedelta(hours=1), office_id=drachevo.id)
    add("centar only", publish_from=now - dt.timedelta(minutes=5), office_id=office.id)
    db.session.commit()
    titles = [a.title["mk"] for a in notices.visible(db.session, office, now=now)]
    assert titles == ["pinned", "centar only", "now"]
    assert "drachevo only" in [a.title["mk"] for a in notices.visible(db.session, drachevo)]
    later = [
        a.title["mk"] for a in notices.visible(db.session, office, now=now + dt.timedelta(hours=2))
    ]
    assert "later" in later


def test_publish_times_are_the_offices_local_time(admin, office, db):
    times = {"publish_from": "2026-07-01T08:00", "publish_to": "2026-07-01T16:00"}
    publish(admin, **{"title-mk": "T", "office": str(office.id)}, **times)
    a = db.session.scalar(db.select(Announcement))
    assert a.publish_from == dt.datetime(2026, 7, 1, 6, 0, tzinfo=dt.UTC)  # CEST is UTC+2
    assert notices.status(a, dt.datetime(2026, 7, 1, 5, 59, tzinfo=dt.UTC)) == "scheduled"
    assert notices.status(a, dt.datetime(2026, 7, 1, 10, tzinfo=dt.UTC)) == "live"
    assert notices.status(a, dt.datetime(2026, 7, 1, 14, tzinfo=dt.UTC)) == "ended"


def test_an_edit_is_audited_with_before_and_after_and_keeps_the_start(admin, office, db):
    publish(admin, **{"title-mk": "Стар наслов"})
    a = db.session.scalar(db.select(Announcement))
    start = a.publish_from
    form = admin.get(f"/admin/announcements/{a.id}").get_data(as_text=True)
    assert "Стар наслов" in form
    publish(admin, a.id, **{"title-mk": "Нов наслов", "publish_from": local(start)})
    db.session.expire_all()
    a = db.session.get(Announcement, a.id)
    assert a.title == {"mk": "Нов наслов"}
    assert abs((a.publish_from - start).total_seconds()) < 60
    entry = db.session.scalar(db.select(AuditEntry).filter_by(action="update"))
    assert entry.before["title"] == {"mk": "Стар наслов"}
    assert entry.after["title"] == {"mk": "Нов наслов"}


def test_a_deleted_announcement_leaves_the_screens(screen, admin, office, db):
    publish(admin, **{"title-mk": "Кратко"})
    a = db.session.scalar(db.select(Announcement))
    assert "Кратко" in screen.get("/display/centar/announcements").get_data(as_text=True)
    response = admin.post(
        f"/admin/announcements/{a.id}/delete",
        data={"csrf_token": csrf_token(admin, "/admin/announcements")},
    )
    assert response.status_code == 303
    assert "Кратко" not in screen.get("/display/centar/announcements").get_data(as_text=True)
    entry = db.session.scalar(db.select(AuditEntry).filter_by(action="delete"))
    assert entry.before["title"] == {"mk": "Кратко"} and entry.after is None


def test_only_administrators_write_announcements(client, factory, db, office):
    from tests.conftest import AuthActions

    factory.user("clerk", office=office)
    db.session.commit()
    AuthActions(client).login()
    assert client.get("/admin/announcements").status_code == 403
    assert client.get("/admin/announcements/new").status_code == 403


def test_body_text_keeps_its_lines_but_not_control_characters():
    assert notices.clean_body("a\r\nb\x00c\n\n\n\nd\t ") == "a\nbc\n\nd"
