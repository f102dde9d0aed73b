"""The kiosk's catalogue: start screen, topics, a service's page, search, the ticket slip, the
checklist slip, the phone page and the A4 sheet; only services offered today."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from kiosk.models import (
    Category,
    Fee,
    LifeEvent,
    RequiredDocument,
    Ticket,
    TicketStatus,
)
from kiosk.services.queue import call_next, issue_ticket
from tests.factories import csrf_token

HX = {"HX-Request": "true"}


@pytest.fixture
def office(factory, db):
    """An office with four services: BIRTH and TAX in topics, DRAFT unpublished, OLD expired."""
    office = factory.office(
        services=(("BIRTH", "A"), ("TAX", "E"), ("DRAFT", "A"), ("OLD", "E"), ("SOON", "E"))
    )
    org = factory.organisation()
    civil = Category(
        organisation_id=org.id,
        code="civil",
        name={"mk": "Матична", "en": "Civil registry"},
        icon="id",
    )
    taxes = Category(organisation_id=org.id, code="taxes", name={"en": "Taxes"}, icon="coins")
    baby = LifeEvent(
        organisation_id=org.id, code="birth", name={"en": "Having a baby"}, icon="baby"
    )
    birth = factory.service(office, "BIRTH")
    birth.categories = [civil]
    birth.life_events = [baby]
    birth.summary = {"en": "A birth certificate, usually the same day."}
    birth.output = {"en": "Birth certificate"}
    birth.output_validity = {"en": "6 months"}
    birth.processing_times = [
        {"tier": "normal", "duration": "P3D", "days": "working"},
        {"tier": "express", "duration": "PT2H", "days": "working"},
    ]
    birth.documents = [
        RequiredDocument(name={"en": "ID card"}, kind="id_document", position=0),
        RequiredDocument(
            name={"en": "Power of attorney"},
            kind="certified_copy",
            mandatory=False,
            condition={"en": "if represented by a proxy"},
            copies=2,
            position=1,
        ),
        RequiredDocument(
            name={"en": "Register entry"}, obtained_by_office=True, kind="original", position=2
        ),
        RequiredDocument(
            name={"en": "Request form"},
            kind="form",
            form_url="https://example.org/forms/birth.pdf",
            position=3,
        ),
    ]
    birth.fees = [
        Fee(
            label={"en": "Administrative fee"},
            amount_minor=25000,
            currency="MKD",
            tier="normal",
            payment_methods=["cash", "card"],
            position=0,
        ),
        Fee(
            label={"en": "Express fee"},
            amount_minor=50000,
            currency="MKD",
            tier="express",
            payment_methods=["bank"],
            position=1,
        ),
    ]
    tax = factory.service(office, "TAX")
    tax.categories = [taxes]
    factory.service(office, "DRAFT").status = "draft"
    factory.service(office, "OLD").valid_to = dt.date(2020, 1, 1)
    factory.service(office, "SOON").valid_from = dt.date.today() + dt.timedelta(days=30)
    birth_offer = next(o for o in office.services if o.service.code == "BIRTH")
    birth_offer.floor, birth_offer.room = "2", "204"
    db.session.commit()
    return office


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def service_id(factory, office, code: str) -> int:
    return factory.service(office, code).id


def take(client, office, sid, **extra):
    token = csrf_token(client, f"/kiosk/{office.slug}?lang=en")
    data = {"service": str(sid), "csrf_token": token, "lang": "en", **extra}
    return client.post(f"/kiosk/{office.slug}/tickets", data=data)


# ------------------------------------------------------------------------------ start screen


def test_start_screen_shows_search_topics_life_events_and_most_asked(client, office):
    html = page(client, "/kiosk/centar?lang=en")
    assert "Search for a service" in html and "/kiosk/centar/search" in html
    assert "Civil registry" in html and "/kiosk/centar/categories/civil" in html
    assert "Having a baby" in html and "/kiosk/centar/life-events/birth" in html
    assert "Most asked for here" in html and "All services" in html


def test_only_services_offered_today_appear(client, office):
    html = page(client, "/kiosk/centar/services?lang=en")
    assert ">Birth<" in html and ">Tax<" in html
    for code in ("DRAFT", "OLD", "SOON"):
        assert f"Service {code}" not in html and f">{code.title()}<" not in html


def test_most_asked_follows_the_tickets_of_the_last_30_days(client, office, factory, db):
    tax = factory.service(office, "TAX")
    for _ in range(2):
        issue_ticket(db.session, office, tax.id, check_hours=False)
    db.session.commit()
    html = page(client, "/kiosk/centar?lang=en")
    popular = html.split('id="k-popular-title"')[1].split("</section>")[0]
    assert popular.index(">Tax<") < popular.index(">Birth<")


def test_a_category_lists_its_services_and_an_unknown_one_is_404(client, office):
    html = page(client, "/kiosk/centar/categories/civil?lang=en")
    assert "Civil registry" in html and ">Birth<" in html and ">Tax<" not in html
    assert client.get("/kiosk/centar/categories/nothing").status_code == 404
    html = page(client, "/kiosk/centar/life-events/birth?lang=en")
    assert "Having a baby" in html and ">Birth<" in html
    # a topic's name in another language than the reader's says so (speech, glyphs)
    html = page(client, "/kiosk/centar/categories/taxes?lang=mk")
    assert '<h1 class="k-title" lang="en">Taxes</h1>' in html


def test_htmx_gets_the_screen_without_the_page_shell(client, office, factory):
    for url in (
        "/kiosk/centar?lang=en",
        "/kiosk/centar/categories/civil?lang=en",
        f"/kiosk/centar/services/{service_id(factory, office, 'BIRTH')}?lang=en",
        "/kiosk/centar/search?lang=en",
    ):
        response = client.get(url, headers=HX)
        html = response.get_data(as_text=True)
        assert html.lstrip().startswith('<main id="screen"') and "<html" not in html, url
        assert "HX-Request" in response.headers.get("Vary", "")


# ------------------------------------------------------------------------------ service page


def test_service_page_has_the_checklist(client, office, factory):
    html = page(client, f"/kiosk/centar/services/{service_id(factory, office, 'BIRTH')}?lang=en")
    bring, rest = html.split("Only if it applies to you", 1)
    assert "ID card" in bring and "Identity document" in bring
    assert "if represented by a proxy" in rest and "Power of attorney" in rest
    assert "2 copies" in rest
    assert "the office obtains them itself" in rest and "Register entry" in rest
    assert "Register entry" not in bring
    # the form's address is written out: a kiosk has no way back from another website
    assert "find it online at example.org/forms/birth.pdf" in html
    assert 'href="https://example.org' not in html and 'target="_blank"' not in html


def test_service_page_has_fees_times_output_and_place(client, office, factory):
    html = page(client, f"/kiosk/centar/services/{service_id(factory, office, 'BIRTH')}?lang=en")
    assert "MKD" in html and "250.00" in html and "500.00" in html
    assert "Express" in html and "Cash, Card, Bank transfer" in html
    assert "3 working days" in html and "2 hours" in html
    assert "Birth certificate" in html and "6 months" in html
    assert "Floor 2" in html and "Room 204" in html and "Counters 1, 2" in html
    assert "Take a ticket" in html and "Print the checklist" in html


def test_fees_are_written_the_way_the_kiosk_language_writes_money(client, office, factory):
    sid = service_id(factory, office, "BIRTH")
    assert "250,00" in page(client, f"/kiosk/centar/services/{sid}?lang=mk")
    assert "250.00" in page(client, f"/kiosk/centar/services/{sid}?lang=en")


@pytest.mark.parametrize("code", ["DRAFT", "OLD", "SOON"])
def test_a_service_not_offered_today_has_no_page(client, office, factory, code):
    response = client.get(f"/kiosk/centar/services/{service_id(factory, office, code)}?lang=en")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/kiosk/centar/services/99999",
        "/kiosk/centar/services/abc",
        "/kiosk/nowhere/services/1",
        "/kiosk/centar/services/99999/sheet",
        "/kiosk/centar/services/99999/checklist",
    ],
)
def test_unknown_services_are_404(client, office, url):
    assert client.get(url).status_code == 404


def test_a_kiosk_page_that_fails_stays_a_kiosk_screen_with_the_way_back(client, office):
    response = client.get("/kiosk/centar/services/99999?lang=en")
    html = response.get_data(as_text=True)
    assert response.status_code == 404 and 'class="page-kiosk"' in html
    assert "data-kiosk-home=" in html  # the inactivity reset still runs
    assert 'href="/kiosk/centar?lang=en">' in html and "Back to the start" in html
    # an address that names no office gets the plain error page
    assert "Back to the start" not in client.get("/kiosk/nowhere/services/1").get_data(
        as_text=True)


def test_back_leads_to_where_the_citizen_came_from(client, office, factory):
    sid = service_id(factory, office, "BIRTH")
    html = page(client, f"/kiosk/centar/services/{sid}?lang=en&via=category:civil")
    assert 'href="/kiosk/centar/categories/civil?lang=en"' in html
    html = page(client, f"/kiosk/centar/services/{sid}?lang=en&via=%3Cscript%3E")
    assert "<script>" not in html.split('class="k-bar"')[1].split("</nav>")[0]


# ------------------------------------------------------------------------------ tickets


@pytest.mark.parametrize("code", ["DRAFT", "OLD", "SOON"])
def test_no_ticket_for_a_service_not_offered_today(client, office, factory, db, code):
    response = take(client, office, service_id(factory, office, code))
    assert response.status_code in (404, 409)
    assert "not offered" in response.get_data(as_text=True)
    assert db.session.query(Ticket).count() == 0


def test_issue_ticket_refuses_an_expired_service_with_a_clear_error(office, factory, db):
    from kiosk.services.errors import ServiceNotOffered

    with pytest.raises(ServiceNotOffered):
        issue_ticket(db.session, office, service_id(factory, office, "OLD"), check_hours=False)


def test_api_neither_lists_nor_issues_a_service_not_offered(client, office):
    state = client.get("/api/v1/offices/centar/state").get_json()
    codes = {s["code"] for s in state["services"]}
    assert {"BIRTH", "TAX"} <= codes and not codes & {"DRAFT", "OLD", "SOON"}
    response = client.post("/api/v1/offices/centar/tickets", json={"service": "OLD"})
    assert response.status_code in (404, 409)
    assert response.get_json()["error"]["message"]


def test_ticket_slip_has_number_office_checklist_and_qr_to_the_phone_page(client, office, factory):
    response = take(client, office, service_id(factory, office, "BIRTH"))
    assert response.status_code == 201
    html = response.get_data(as_text=True)
    slip = html.split('class="k-slip"')[1].split("</section>")[0]
    ticket = Ticket.query.one()
    assert ticket.code in slip and "Office centar" in slip and "Service BIRTH" in slip
    assert "You are next." in slip
    assert "Floor 2 · Room 204" in slip  # where to go, also on paper
    assert "ID card" in slip and "if represented by a proxy" in slip
    assert "<svg" in slip and 'class="qr"' in slip
    assert f"/t/{ticket.token}" in html
    assert 'data-print="auto"' in html


def test_print_checklist_prints_the_slip_and_issues_no_ticket(client, office, factory, db):
    sid = service_id(factory, office, "BIRTH")
    html = page(client, f"/kiosk/centar/services/{sid}/checklist?lang=en")
    assert "Your checklist is printing" in html and 'data-print="auto"' in html
    slip = html.split('class="k-slip"')[1].split("</section>")[0]
    assert "ID card" in slip and "Power of attorney" in slip and "Service BIRTH" in slip
    assert db.session.query(Ticket).count() == 0


# ------------------------------------------------------------------------------ phone page


def test_phone_page_shows_the_place_then_the_call(client, office, factory, db):
    sid = service_id(factory, office, "BIRTH")
    first = issue_ticket(db.session, office, sid, check_hours=False)
    mine = issue_ticket(db.session, office, sid, check_hours=False)
    db.session.commit()
    html = page(client, f"/t/{mine.token}?lang=en")
    assert mine.code in html and "1 person is ahead of you." in html
    assert "Expected wait" in html or "few minutes" in html
    assert 'name="robots" content="noindex"' in html

    counter = factory.counter(office, 2)
    counter.status = "open"
    assert call_next(db.session, counter).id == first.id
    assert call_next(db.session, counter).id == mine.id
    db.session.commit()
    response = client.get(f"/t/{mine.token}?lang=en", headers=HX)
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment and fragment.lstrip().startswith('<main id="place"')
    assert "Go to counter 2" in fragment

    mine.status = TicketStatus.NO_SHOW
    db.session.commit()
    assert "You missed your turn" in page(client, f"/t/{mine.token}?lang=en")
    mine.status = TicketStatus.DONE
    db.session.commit()
    assert "This ticket is finished" in page(client, f"/t/{mine.token}?lang=en")


def test_phone_page_speaks_the_phones_language_and_offers_the_others(client, office, factory, db):
    mine = issue_ticket(db.session, office, service_id(factory, office, "BIRTH"), check_hours=False)
    db.session.commit()

    def lang_of(url: str, accept: str) -> tuple[str, str]:
        response = client.get(url, headers={"Accept-Language": accept})
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        return re.search(r'<html lang="(\w+)"', html).group(1), html

    lang, html = lang_of(f"/t/{mine.token}", "sq-AL,sq;q=0.9,en;q=0.5")
    assert lang == "sq"
    assert f'href="/t/{mine.token}?lang=en"' in html  # the office's other languages, one tap
    assert re.search(r'lang="sq"[^>]*aria-current="true"', html)
    assert lang_of(f"/t/{mine.token}", "ja")[0] == office.languages[0]
    # the language in the link (the slip's QR carries the kiosk's) goes before the phone's
    assert lang_of(f"/t/{mine.token}?lang=en", "sq")[0] == "en"


@pytest.mark.parametrize("token", ["nope", "x" * 200, "%3Cscript%3E"])
def test_unknown_ticket_token_gets_a_friendly_404(client, office, token):
    response = client.get(f"/t/{token}?lang=en")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "We cannot find this ticket" in html and "<script>" not in html


def test_phone_pages_get_a_queue_signal_when_the_queue_changes(
    client, office, factory, socket_client
):
    phone = socket_client("centar", view="kiosk")
    phone.get_received()
    take(client, office, service_id(factory, office, "BIRTH"))
    assert any(m["name"] == "queue" for m in phone.get_received())


def test_catalogue_changed_tells_the_office_kiosks(app, office, socket_client):
    from kiosk import realtime

    kiosk = socket_client("centar", view="kiosk")
    kiosk.get_received()
    with app.test_request_context("/"):
        realtime.catalogue_changed(office)
    assert [m["name"] for m in kiosk.get_received()] == ["catalogue"]


# ------------------------------------------------------------------------------ A4 and search


def test_a4_sheet_has_everything_and_a_qr_to_the_service_page(client, office, factory):
    sid = service_id(factory, office, "BIRTH")
    html = page(client, f"/kiosk/centar/services/{sid}/sheet?lang=en")
    assert "kiosk-sheet.css" in html and "Service BIRTH" in html
    assert "ID card" in html and "250.00" in html and "3 working days" in html
    assert "Room 204" in html and "<svg" in html and 'class="qr"' in html
    assert "Printed" in html


def test_a4_sheet_css_sets_the_a4_page(app):
    from pathlib import Path

    css = (Path(app.static_folder) / "css" / "kiosk-sheet.css").read_text()
    assert re.search(r"@page\s*{\s*size:\s*A4", css)


def test_search_results_are_a_fragment_that_finds_across_scripts(client, office):
    response = client.get("/kiosk/centar/search/results?q=uslug&lang=en", headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert "Service BIRTH" in html or ">Birth<" in html
    assert "DRAFT" not in html and "OLD" not in html


def test_search_with_nothing_found_says_so(client, office):
    html = client.get("/kiosk/centar/search/results?q=zzzzqqq&lang=en", headers=HX).get_data(
        as_text=True
    )
    assert "Nothing found" in html and "All services" in html


def test_searching_a_document_says_no_service_is_called_that(client, office):
    # "ID card" is a paper BIRTH asks for, not a service: the citizen is told, not misled.
    html = client.get("/kiosk/centar/search/results?q=id+card&lang=en", headers=HX).get_data(
        as_text=True
    )
    assert "No service of this office is called “id card”" in html
    assert "Found in" in html and "/services/" in html
    # A service's own name finds it without the note.
    html = client.get("/kiosk/centar/search/results?q=birth&lang=en", headers=HX).get_data(
        as_text=True
    )
    assert "No service of this office is called" not in html


def test_a_too_long_search_is_a_clear_400(client, office):
    response = client.get("/kiosk/centar/search/results?q=" + "a" * 500, headers=HX)
    assert response.status_code == 400
    assert "alert-error" in response.get_data(as_text=True)


def test_the_admin_preview_links_to_the_a4_sheet(client, office, factory, auth, db):
    factory.user("boss", "admin-password-1", role="admin")
    db.session.commit()
    auth.login("boss", "admin-password-1")
    sid = service_id(factory, office, "BIRTH")
    html = page(client, f"/admin/catalogue/test-town/services/{sid}/preview")
    assert f"/kiosk/centar/services/{sid}/sheet" in html


def test_the_wait_is_said_as_a_few_minutes_up_to_or_a_range(app):
    with app.test_request_context("/?lang=en"):
        wait_text = app.jinja_env.get_template("kiosk/_macros.html").module.wait_text
        assert str(wait_text(0, 300)) == "You will be called in a few minutes."
        assert str(wait_text(0, 900)) == "Expected wait: up to 15 minutes"  # never "0–15"
        assert str(wait_text(600, 1500)) == "Expected wait: 10–25 minutes"
