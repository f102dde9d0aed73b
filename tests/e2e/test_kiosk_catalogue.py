"""The kiosk's catalogue in a real browser: search and a ticket in Albanian, the printed slip,
a published change reaching an open kiosk, and the phone page following a call."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    CLERK_VIEWPORT,
    KIOSK_VIEWPORT,
    issue_ticket,
    log_in,
    mark_page,
    open_workstation,
    still_marked,
    wait_live,
)
from tests.servers import LiveServer

TICKET_CODE = re.compile(r"^[AEKM]\d{3}$")
PHONE_VIEWPORT = {"width": 390, "height": 844}
MM_80 = 80 / 25.4 * 96  # CSS pixels


@pytest.fixture(scope="module")
def catalogue_server(tmp_path_factory):
    """A demo server whose kiosk keeps a new ticket on screen long enough to look at it."""
    directory = tmp_path_factory.mktemp("catalogue")
    live = LiveServer(
        f"sqlite:///{directory / 'kiosk.db'}",
        extra_env={"KIOSK_KIOSK_TICKET_SECONDS": "30"},
        lifetime=300,
    ).start()
    yield live
    live.stop()


def open_kiosk(new_context, server, lang: str):
    page = new_context(KIOSK_VIEWPORT, has_touch=True).new_page()
    page.goto(f"{server.url}/kiosk/centar?lang={lang}")
    expect(page.locator(".k-start")).to_be_visible()
    return page


@pytest.mark.browser
def test_search_with_the_on_screen_keyboard_and_take_a_ticket_in_albanian(
    catalogue_server, new_context
):
    kiosk = open_kiosk(new_context, catalogue_server, "sq")
    mark_page(kiosk)
    kiosk.locator(".k-searchbox").tap()
    field = kiosk.locator("#k-search-input")
    expect(field).to_be_visible()
    for letter in "lindj":
        kiosk.locator(f".kb-key[data-kb-key='{letter}']").first.tap()
    expect(field).to_have_value("lindj")

    first = kiosk.locator("#k-results .k-tile-service").first
    expect(first.locator(".k-service-name")).to_have_text("Ekstrakt nga libri amë i të lindurve")
    first.tap()

    expect(kiosk.locator(".k-service-page h1")).to_have_text("Ekstrakt nga libri amë i të lindurve")
    expect(kiosk.locator(".k-check-item").first).to_be_visible()
    kiosk.locator(".k-take").tap()

    expect(kiosk.locator(".k-ticket-number")).to_have_text(TICKET_CODE)
    expect(kiosk.locator("html")).to_have_attribute("lang", "sq")
    expect(kiosk.locator(".k-ticket-service")).to_have_text("Ekstrakt nga libri amë i të lindurve")
    assert still_marked(kiosk), "the kiosk reloaded the page on the way to the ticket"


@pytest.mark.browser
def test_print_preview_of_a_ticket_is_an_80_mm_slip_with_a_visible_qr(
    catalogue_server, new_context
):
    # The kiosk prints the slip by itself (window.print, silent under --kiosk-printing); in
    # the tests the request is counted (conftest.NO_PRINT): a print in progress would refuse
    # the PDF taken below.
    kiosk = open_kiosk(new_context, catalogue_server, "en")
    kiosk.locator(".k-tile-service", has_text="Property tax").first.tap()
    kiosk.locator(".k-take").tap()
    code = kiosk.locator(".k-ticket-number")
    expect(code).to_have_text(TICKET_CODE)
    number = code.inner_text().strip()
    slip = kiosk.locator(".k-slip")
    expect(slip).to_be_hidden()  # on screen the slip never shows

    kiosk.emulate_media(media="print")

    expect(slip).to_be_visible()
    box = slip.bounding_box()
    assert abs(box["width"] - MM_80) < 2, box
    expect(slip.locator(".k-slip-number")).to_have_text(number)
    qr = slip.locator(".k-slip-qr svg")
    expect(qr).to_be_visible()
    qr_box = qr.bounding_box()
    assert qr_box["width"] > 100 and qr_box["x"] + qr_box["width"] <= box["x"] + box["width"]
    expect(kiosk.locator(".k-ticket-card")).to_be_hidden()  # only the slip prints

    # Printed, it is one piece of 80 mm paper (the page takes the slip's length).
    kiosk.wait_for_function("() => window.__prints === 1")  # once, as the ticket appeared
    assert kiosk.evaluate("() => !!document.getElementById('k-slip-page')")
    pdf = kiosk.pdf(prefer_css_page_size=True)
    pages = re.findall(rb"/Type\s*/Page[^s]", pdf)
    widths = {float(m) for m in re.findall(rb"/MediaBox \[0 0 ([\d.]+) [\d.]+\]", pdf)}
    assert len(pages) == 1 and widths and all(abs(w - 80 / 25.4 * 72) < 1 for w in widths), widths


@pytest.mark.browser
def test_a_published_service_reaches_an_open_kiosk_without_a_reload(catalogue_server, new_context):
    kiosk = open_kiosk(new_context, catalogue_server, "en")
    wait_live(kiosk)
    mark_page(kiosk)
    all_count = kiosk.locator(".k-tile-all .k-tile-count")
    before = int(all_count.inner_text().split()[0])
    # A second kiosk where a citizen is reading a service's page: it must stay there.
    busy = open_kiosk(new_context, catalogue_server, "en")
    wait_live(busy)
    busy.locator(".k-tile-service").first.tap()
    expect(busy.locator(".k-service-page")).to_be_visible()
    mark_page(busy)

    admin = new_context(CLERK_VIEWPORT).new_page()
    log_in(admin, catalogue_server, "admin")
    admin.goto(f"{catalogue_server.url}/admin/catalogue/kisela-voda")
    row = admin.locator("tr", has=admin.locator("code", has_text="MK-KV-024"))
    row.locator("a.service-link").click()
    admin.get_by_role("button", name="Publish", exact=True).click()
    expect(admin.locator("#alerts")).to_contain_text("The service was published.")

    expect(all_count).to_have_text(f"{before + 1} services")
    assert still_marked(kiosk), "the kiosk reloaded the page to show the new service"
    expect(busy.locator(".k-service-page")).to_be_visible()
    assert still_marked(busy), "a kiosk in use was taken off the service's page"
    busy.locator(".k-bar-home").tap()
    expect(busy.locator(".k-tile-all .k-tile-count")).to_have_text(f"{before + 1} services")


@pytest.mark.browser
def test_phone_page_updates_when_the_ticket_is_called(server, new_context):
    ticket = issue_ticket(server, "MK-KV-001")  # civil registry: queue A, counter 1
    phone = new_context(PHONE_VIEWPORT, has_touch=True).new_page()
    phone.goto(f"{server.url}/t/{ticket['token']}?lang=en")
    expect(phone.locator(".p-number")).to_have_text(ticket["code"])
    expect(phone.locator(".p-state-title")).to_have_text("You are next.")
    wait_live(phone)
    mark_page(phone)

    clerk = new_context(CLERK_VIEWPORT).new_page()
    log_in(clerk, server, "ana")
    open_workstation(clerk, server, 1)
    clerk.get_by_role("button", name="Call next").click()
    expect(clerk.locator("#current .ws-ticket")).to_have_text(ticket["code"])

    expect(phone.locator(".p-state-title")).to_have_text("It is your turn")
    expect(phone.locator(".p-counter")).to_have_text("Go to counter 1")
    assert still_marked(phone), "the phone page reloaded instead of updating"


@pytest.mark.browser
def test_done_brings_the_next_citizen_a_fresh_start(catalogue_server, new_context):
    # On this server the ticket stays 30 s, so "Done" is what brings the start screen back.
    kiosk = open_kiosk(new_context, catalogue_server, "en")
    kiosk.locator(".k-footer [data-kiosk-mode='large-text']").tap()
    expect(kiosk.locator("html")).to_have_class(re.compile(r"k-large-text"))
    kiosk.locator(".k-tile-service", has_text="Birth certificate").first.tap()
    kiosk.locator(".k-take").tap()
    expect(kiosk.locator(".k-ticket-number")).to_have_text(TICKET_CODE)
    kiosk.locator(".k-done").tap()
    # The office's first language, normal text, the start screen.
    expect(kiosk.locator("html")).to_have_attribute("lang", "mk")
    expect(kiosk.locator(".k-start")).to_be_visible()
    expect(kiosk.locator("h1")).to_have_text("Изберете услуга")
    expect(kiosk.locator("html")).not_to_have_class(re.compile(r"k-large-text"))
