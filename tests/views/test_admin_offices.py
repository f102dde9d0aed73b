"""The administrators' office setup pages: access, CSRF, validation, htmx fragments, escaping."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from kiosk.models import AuditEntry, Counter, CounterService, Office, Queue, SpecialDay
from kiosk.services import queue as rules
from tests.factories import csrf_token

HX = {"HX-Request": "true"}
PAGE = "/admin/offices/centar"


def post(client, url, data=None, headers=None):
    """POST a form with the page's CSRF token, as the browser would."""
    token = csrf_token(client, PAGE)
    return client.post(url, data={"csrf_token": token, **(data or {})}, headers=headers or {})


def general_form(**changes):
    data = {
        "slug": "karpos",
        "languages-0": "mk",
        "languages-1": "sq",
        "name-mk": "Карпош",
        "name-sq": "Karposh",
        "timezone": "Europe/Skopje",
        "priority_policy": "strict",
        "priority_every": "3",
        "wait_target_minutes": "20",
        "stop_issuing_minutes": "15",
        "no_show_grace_minutes": "15",
        "active": "1",
    }
    data.update(changes)
    return data


def queue_form(**changes):
    data = {"prefix": "T", "number_min": "1", "number_max": "999", "reset_time": "00:00"}
    data.update(changes)
    return data


# ------------------------------------------------------------------------------- access


@pytest.mark.parametrize(
    "url", ["/admin/offices", "/admin/offices/new", PAGE, f"{PAGE}/counters", f"{PAGE}/matrix"]
)
def test_anonymous_visitors_are_sent_to_the_login(client, office, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.location


def test_clerks_may_not_open_or_change_the_setup(client, auth, clerk, office, db):
    auth.login()
    assert client.get("/admin/offices").status_code == 403
    assert client.get(PAGE).status_code == 403
    token = csrf_token(client, "/clerk/")
    response = client.post(f"{PAGE}/queues", data={"csrf_token": token, **queue_form()}, headers=HX)
    assert response.status_code == 403
    assert db.session.scalar(select(Queue).filter_by(prefix="T")) is None


def test_a_post_without_csrf_token_is_refused(admin_client, db):
    response = admin_client.post(f"{PAGE}/queues", data=queue_form())
    assert response.status_code == 400
    response = admin_client.post(f"{PAGE}/queues", data=queue_form(), headers=HX)
    assert response.status_code == 400
    assert db.session.scalar(select(Queue).filter_by(prefix="T")) is None


def test_an_unknown_office_is_404(admin_client):
    assert admin_client.get("/admin/offices/nowhere").status_code == 404
    assert post(admin_client, "/admin/offices/nowhere/queues", queue_form()).status_code == 404


# ------------------------------------------------------------------------------- pages


def test_the_list_shows_every_office_and_links_to_its_setup(admin_client, factory, db):
    factory.office("drachevo", services=(("PARK", "K"),)).active = False
    db.session.commit()
    html = admin_client.get("/admin/offices").get_data(as_text=True)
    assert "Office centar" in html and "Office drachevo" in html
    assert 'href="/admin/offices/drachevo"' in html
    assert 'href="/admin/offices/new"' in html


def test_the_setup_page_has_every_section(admin_client):
    response = admin_client.get(PAGE)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in html
    for section in ("general", "hours", "special_days", "counters", "queues", "matrix"):
        assert f'<section id="{section}"' in html
    assert "css/admin.css" in html
    assert "A counter with nothing chosen serves every service." in html


def test_the_admin_navigation_links_to_the_offices(admin_client):
    html = admin_client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/offices"' in html and f'href="{PAGE}"' in html


def test_the_dashboard_names_each_offices_municipality(admin_client):
    html = admin_client.get("/admin/").get_data(as_text=True)
    assert '<p class="office-org">Test Town</p>' in html


# ------------------------------------------------------------------------------- new office


def test_creating_an_office_redirects_to_its_setup(admin_client, db):
    token = csrf_token(admin_client, "/admin/offices/new")
    response = admin_client.post("/admin/offices/new", data={"csrf_token": token, **general_form()})
    assert response.status_code == 303 and response.location.endswith("/admin/offices/karpos")
    office = db.session.scalar(select(Office).filter_by(slug="karpos"))
    assert office.name == {"mk": "Карпош", "sq": "Karposh"} and office.languages == ["mk", "sq"]
    entry = db.session.scalar(select(AuditEntry).filter_by(entity="office", action="create"))
    assert entry.actor_id is not None and entry.after["slug"] == "karpos"
    assert "The office was created" in admin_client.get(response.location).get_data(as_text=True)


def test_a_wrong_new_office_is_shown_again_with_everything_typed(admin_client, db):
    token = csrf_token(admin_client, "/admin/offices/new")
    typed = general_form(slug="Карпош 2", timezone="Europe/Nowhere", **{"name-sq": "Karposh-é"})
    response = admin_client.post("/admin/offices/new", data={"csrf_token": token, **typed})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'class="error-summary"' in html and 'href="#general-slug"' in html
    assert 'href="#general-timezone"' in html
    assert 'value="Карпош 2"' in html and 'value="Europe/Nowhere"' in html
    assert 'value="Karposh-é"' in html and 'value="Карпош"' in html
    assert 'aria-invalid="true"' in html
    assert db.session.scalar(select(Office).filter_by(slug="карпош 2")) is None


def test_the_first_office_also_names_its_municipality(client, auth, admin, db):
    auth.login("boss")
    assert "There is no office yet." in client.get("/admin/offices").get_data(as_text=True)
    html = client.get("/admin/offices/new").get_data(as_text=True)
    assert 'name="organisation"' in html
    data = general_form(organisation="Општина Карпош")
    token = csrf_token(client, "/admin/offices/new")
    response = client.post("/admin/offices/new", data={"csrf_token": token, **data})
    assert response.status_code == 303
    office = db.session.scalar(select(Office).filter_by(slug="karpos"))
    assert office.organisation.name == {"mk": "Општина Карпош"}


def test_changing_the_languages_redraws_the_name_fields_without_saving(admin_client, db):
    token = csrf_token(admin_client, "/admin/offices/new")
    data = general_form(**{"languages-2": "rom", "refresh": "1"})
    response = admin_client.post(
        "/admin/offices/new", data={"csrf_token": token, **data}, headers=HX
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert 'name="name-rom"' in html and 'value="Karposh"' in html
    assert db.session.scalar(select(Office).filter_by(slug="karpos")) is None


# ------------------------------------------------------------------------------- general


def test_a_language_chosen_again_brings_back_its_stored_names(admin_client, office, db):
    """Taking a language out of the slots and choosing it again redraws its name fields
    with what is stored, and saving keeps it (both were lost: the fields came back blank)."""
    form = general_form(slug="centar", **{"name-mk": "Канцеларија centar",
                                         "name-sq": "Zyra centar"})
    out = post(admin_client, f"{PAGE}/general", {**form, "refresh": "1"}, headers=HX)
    assert 'name="name-en"' not in out.get_data(as_text=True)  # English taken out, not saved
    back = {**form, "languages-2": "en"}  # chosen again: the page had no English fields
    html = post(admin_client, f"{PAGE}/general", {**back, "refresh": "1"}, headers=HX)
    assert 'name="name-en"' in (html := html.get_data(as_text=True))
    assert 'value="Office centar"' in html
    assert post(admin_client, f"{PAGE}/general", back).status_code == 303
    db.session.expire_all()
    assert office.name["en"] == "Office centar" and office.languages == ["mk", "sq", "en"]


def test_saving_the_general_settings_records_the_change(admin_client, office, db):
    data = general_form(slug="centar", wait_target_minutes="25", **{"languages-2": "en"})
    data["name-en"] = "Centre"
    response = post(admin_client, f"{PAGE}/general", data)
    assert response.status_code == 303
    db.session.expire_all()
    office = db.session.scalar(select(Office).filter_by(slug="centar"))
    assert office.wait_target_minutes == 25 and office.name["en"] == "Centre"
    entry = db.session.scalar(select(AuditEntry).filter_by(entity="office", action="update"))
    assert entry.before["wait_target_minutes"] == 20 and entry.after["wait_target_minutes"] == 25


def test_a_new_slug_sends_htmx_to_the_new_address(admin_client, office):
    response = post(admin_client, f"{PAGE}/general", general_form(slug="centar-2"), headers=HX)
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/admin/offices/centar-2"


def test_general_errors_in_htmx_come_back_as_the_section(admin_client, office):
    data = general_form(slug="centar", priority_policy="every_n", priority_every="1")
    response = post(admin_client, f"{PAGE}/general", data, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<html" not in html and html.lstrip().startswith('<section id="general"')
    assert "Enter a whole number from 2 to 10." in html and 'value="1"' in html
    assert "error-summary" in html


# ------------------------------------------------------------------------------- hours


def test_opening_hours_are_saved_with_breaks(admin_client, office, db):
    data = {
        "mode": "hours",
        "hours-mon-0-from": "08:00",
        "hours-mon-0-to": "12:00",
        "hours-mon-1-from": "13:00",
        "hours-mon-1-to": "16:00",
        "hours-sat-0-from": "",
        "hours-sat-0-to": "",
    }
    response = post(admin_client, f"{PAGE}/hours", data, headers=HX)
    assert response.status_code == 200
    assert "The opening hours were saved." in response.get_data(as_text=True)
    db.session.expire_all()
    hours = db.session.get(Office, office.id).opening_hours
    assert hours["mon"] == [["08:00", "12:00"], ["13:00", "16:00"]] and hours["sat"] == []


def test_add_hours_draws_a_new_row_without_saving(admin_client, office, db):
    data = {"mode": "always", "hours-tue-0-from": "09:00", "hours-tue-0-to": "1", "add": "tue"}
    response = post(admin_client, f"{PAGE}/hours", data, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert 'name="hours-tue-1-from"' in html and 'value="1"' in html  # what was typed stays
    assert 'id="week-hours-tue-1-from"' in html and "autofocus" in html
    db.session.expire_all()
    assert db.session.get(Office, office.id).opening_hours == {}


def test_remove_takes_the_row_away_without_saving(admin_client, office):
    data = {
        "hours-mon-0-from": "08:00",
        "hours-mon-0-to": "12:00",
        "hours-mon-1-from": "13:00",
        "hours-mon-1-to": "16:00",
        "remove": "mon-0",
    }
    html = post(admin_client, f"{PAGE}/hours", data, headers=HX).get_data(as_text=True)
    assert 'value="13:00"' in html and 'value="08:00"' not in html


def test_wrong_hours_are_shown_next_to_their_day(admin_client, office):
    data = {"mode": "hours", "hours-wed-0-from": "16:00", "hours-wed-0-to": "08:00"}
    response = post(admin_client, f"{PAGE}/hours", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" in html
    assert 'href="#week-hours-wed"' in html
    # the summary names the day, as it names every other field
    assert 'href="#week-hours-wed">Wednesday: A closing time must come after its opening time.' \
        in html
    assert 'value="16:00"' in html and 'value="08:00"' in html


# ------------------------------------------------------------------------------- special days


def test_special_days_can_be_added_and_removed(admin_client, office, db):
    data = {"date": "2026-12-24", "closed": "1", "note-mk": "Празник"}
    response = post(admin_client, f"{PAGE}/special-days", data, headers=HX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="special_days"') and "Празник" in html
    special = db.session.scalar(select(SpecialDay))
    assert special.hours == [] and special.note == {"mk": "Празник"}
    response = post(admin_client, f"{PAGE}/special-days/{special.id}/delete", headers=HX)
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.scalar(select(SpecialDay)) is None


def test_changing_the_date_of_a_special_day_moves_it(admin_client, office, db):
    post(admin_client, f"{PAGE}/special-days", {"date": "2026-12-24", "closed": "1"})
    special = db.session.scalar(select(SpecialDay))
    html = admin_client.get(f"{PAGE}/special-days?day={special.id}", headers=HX).get_data(
        as_text=True
    )
    assert 'name="editing"' in html and 'value="2026-12-24"' in html
    data = {"editing": str(special.id), "date": "2026-12-25", "closed": "1"}
    assert post(admin_client, f"{PAGE}/special-days", data).status_code == 303
    db.session.expire_all()
    assert [d.date.isoformat() for d in db.session.scalars(select(SpecialDay))] == ["2026-12-25"]


def test_a_special_day_is_never_saved_over_another(admin_client, office, db):
    post(admin_client, f"{PAGE}/special-days", {"date": "2026-12-24", "closed": "1"})
    post(admin_client, f"{PAGE}/special-days", {"date": "2026-12-31", "closed": "1"})
    shortened = {"date": "2026-12-24", "hours-0-from": "08:00", "hours-0-to": "12:00",
                 "note-mk": "Скратен ден"}
    response = post(admin_client, f"{PAGE}/special-days", shortened, headers=HX)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "There is already a special day on this date: change that one instead." in html
    assert 'value="Скратен ден"' in html  # nothing typed is lost
    eve = db.session.scalar(select(SpecialDay).where(SpecialDay.date == dt.date(2026, 12, 31)))
    moved = {"editing": str(eve.id), "date": "2026-12-24", "closed": "1"}
    assert post(admin_client, f"{PAGE}/special-days", moved, headers=HX).status_code == 422
    db.session.expire_all()
    days = {d.date.isoformat(): d.hours for d in db.session.scalars(select(SpecialDay))}
    assert days == {"2026-12-24": [], "2026-12-31": []}


def test_a_special_day_needs_hours_or_closed(admin_client, office):
    data = {"date": "2026-12-24", "hours-0-from": "", "hours-0-to": ""}
    response = post(admin_client, f"{PAGE}/special-days", data, headers=HX)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'href="#day-hours">Hours: Enter the hours of this day, or mark it as closed.' in html
    undated = post(admin_client, f"{PAGE}/special-days", {"closed": "1"}, headers=HX)
    assert 'href="#day-date">Date: Enter the date.' in undated.get_data(as_text=True)


# ------------------------------------------------------------------------------- counters


def test_adding_a_counter_returns_the_section_and_refreshes_the_matrix(admin_client, office, db):
    data = {"number": "3", "active": "1", "name-mk": "Шалтер 3", "location-en": "Floor 1"}
    response = post(admin_client, f"{PAGE}/counters", data, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html and html.lstrip().startswith('<section id="counters"')
    assert "Counter 3 was added." in html
    assert response.headers["HX-Trigger"] == "setup-changed"
    counter = db.session.scalar(select(Counter).filter_by(office_id=office.id, number=3))
    assert counter.name == {"mk": "Шалтер 3"} and counter.location == {"en": "Floor 1"}


def test_a_duplicate_counter_number_is_refused_in_place(admin_client, office):
    data = {"number": "2", "active": "1", "name-sq": "Sporteli i ri"}
    response = post(admin_client, f"{PAGE}/counters", data, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Counter 2 already exists here." in html and 'value="Sporteli i ri"' in html


def test_a_serving_counter_cannot_be_switched_off(admin_client, office, factory, db):
    counter = factory.counter(office, 1)
    rules.issue_ticket(db.session, office, factory.service(office, "BIRTH").id)
    rules.call_next(db.session, counter)
    db.session.commit()
    response = post(admin_client, f"{PAGE}/counters/{counter.id}", {"number": "1"}, headers=HX)
    assert response.status_code == 422
    assert "Counter 1 is serving ticket A001." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Counter, counter.id).active is True


def test_the_counter_form_can_be_fetched_for_editing(admin_client, office):
    counter = office.counters[1]
    response = admin_client.get(f"{PAGE}/counters?counter={counter.id}", headers=HX)
    html = response.get_data(as_text=True)
    assert "<html" not in html and "Change counter 2" in html
    assert f'action="/admin/offices/centar/counters/{counter.id}"' in html
    assert "HX-Request" in response.headers["Vary"]
    page = admin_client.get(f"{PAGE}/counters?counter={counter.id}").get_data(as_text=True)
    assert "<html" in page and "Change counter 2" in page


# ------------------------------------------------------------------------------- queues


@pytest.mark.parametrize("prefix", ["B", "Н", "O"])
def test_a_confusing_prefix_is_refused_with_everything_kept(admin_client, office, db, prefix):
    data = queue_form(prefix=prefix, number_max="500", **{"name-mk": "Нова редица"})
    response = post(admin_client, f"{PAGE}/queues", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" in html
    assert 'href="#queue-prefix"' in html and "Use A, E, K, M or T." in html
    assert f'value="{prefix}"' in html and 'value="Нова редица"' in html and 'value="500"' in html
    assert db.session.scalar(select(Queue).filter_by(office_id=office.id, number_max=500)) is None


@pytest.mark.parametrize("headers", [None, HX], ids=["page", "htmx"])
def test_the_error_summary_names_the_field_of_each_problem(admin_client, office, headers):
    """Two fields with the same problem: the summary says which is which."""
    data = queue_form(prefix="T", number_min="0", number_max="1000")
    html = post(admin_client, f"{PAGE}/queues", data, headers=headers).get_data(as_text=True)
    problem = "Enter a whole number from 1 to 999."
    assert f'<a href="#queue-number_min">First number: {problem}</a>' in html
    assert f'<a href="#queue-number_max">Last number: {problem}</a>' in html


def test_a_good_queue_is_added(admin_client, office, db):
    response = post(admin_client, f"{PAGE}/queues", queue_form(prefix="т", reset_time="03:00"))
    assert response.status_code == 303 and response.location.endswith(f"{PAGE}#queues")
    queue = db.session.scalar(select(Queue).filter_by(office_id=office.id, prefix="T"))
    assert queue.reset_time.hour == 3


def test_a_queue_in_use_is_not_deleted(admin_client, office, db):
    queue = next(q for q in office.queues if q.prefix == "A")
    response = post(admin_client, f"{PAGE}/queues/{queue.id}/delete", headers=HX)
    assert response.status_code == 409 and response.headers["HX-Retarget"] == "#alerts"
    assert "Services join queue A" in response.get_data(as_text=True)
    assert db.session.get(Queue, queue.id) is not None


# ------------------------------------------------------------------------------- matrix


def test_a_matrix_cell_saves_in_place(admin_client, office, factory, db):
    counter, birth = factory.counter(office, 1), factory.service(office, "BIRTH")
    url = f"{PAGE}/matrix/{counter.id}/{birth.id}"
    response = post(admin_client, url, {f"cell-{counter.id}-{birth.id}": "2"}, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html and html.lstrip().startswith('<section id="matrix"')
    cell = db.session.scalar(select(CounterService))
    assert (cell.counter_id, cell.service_id, cell.preference) == (counter.id, birth.id, 2)
    # Counter 1 now serves only BIRTH; counter 2 still serves all.
    assert html.count('<span class="badge">serves all</span>') == 1
    response = post(admin_client, url, {f"cell-{counter.id}-{birth.id}": ""}, headers=HX)
    assert response.status_code == 200
    assert db.session.scalar(select(CounterService)) is None


def test_the_whole_matrix_can_be_saved_without_javascript(admin_client, office, factory, db):
    c1, c2 = factory.counter(office, 1), factory.counter(office, 2)
    birth, tax = factory.service(office, "BIRTH"), factory.service(office, "TAX")
    data = {
        f"cell-{c1.id}-{birth.id}": "1",
        f"cell-{c1.id}-{tax.id}": "",
        f"cell-{c2.id}-{birth.id}": "",
        f"cell-{c2.id}-{tax.id}": "3",
    }
    response = post(admin_client, f"{PAGE}/matrix", data)
    assert response.status_code == 303
    rows = db.session.execute(
        select(CounterService.counter_id, CounterService.service_id, CounterService.preference)
    ).all()
    assert sorted(rows) == sorted([(c1.id, birth.id, 1), (c2.id, tax.id, 3)])


def test_a_wrong_matrix_value_is_refused(admin_client, office, factory):
    counter, birth = factory.counter(office, 1), factory.service(office, "BIRTH")
    url = f"{PAGE}/matrix/{counter.id}/{birth.id}"
    response = post(admin_client, url, {f"cell-{counter.id}-{birth.id}": "9"}, headers=HX)
    assert response.status_code == 400


# ------------------------------------------------------------------------------- hostile input


def test_script_tags_are_stored_as_text_and_shown_escaped(admin_client, office, db):
    script = "<script>alert('x')</script>"
    data = {"number": "9", "active": "1", "name-mk": script, "location-mk": script}
    assert post(admin_client, f"{PAGE}/counters", data).status_code == 303
    queue = queue_form(prefix="T", **{"name-sq": script})
    assert post(admin_client, f"{PAGE}/queues", queue).status_code == 303
    counter = db.session.scalar(select(Counter).filter_by(office_id=office.id, number=9))
    assert counter.name == {"mk": script}
    for url in (PAGE, f"{PAGE}/counters?counter={counter.id}"):
        html = admin_client.get(url).get_data(as_text=True)
        assert script not in html
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html


def test_very_long_text_is_refused_and_kept_in_the_form(admin_client, office, db):
    long_name = "Ш" * 5000
    data = {"number": "9", "active": "1", "name-mk": long_name}
    response = post(admin_client, f"{PAGE}/counters", data, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Use at most 120 characters." in html and long_name in html
    assert db.session.scalar(select(Counter).filter_by(office_id=office.id, number=9)) is None


def test_only_a_translation_missing_beside_others_is_marked_missing(admin_client, office, db):
    """An optional text left empty in every language (a new counter's name, its location) is
    no mistake; a name given in some languages and not in another is marked there."""
    import re

    html = admin_client.get(PAGE).get_data(as_text=True)
    counters = re.search(r'<section id="counters".*?</section>', html, re.S).group(0)
    new_counter = re.search(r'<form class="subform".*?</form>', counters, re.S).group(0)
    assert 'name="name-mk"' in new_counter and "badge-missing" not in new_counter
    office.name = {"mk": "Канцеларија centar", "sq": "Zyra centar"}  # no English name
    db.session.commit()
    html = admin_client.get(PAGE).get_data(as_text=True)
    general = re.search(r'<section id="general".*?</section>', html, re.S).group(0)
    assert re.search(r'<span lang="en">[^<]*</span> <span class="badge badge-missing">', general)
    assert general.count("badge-missing") == 1
