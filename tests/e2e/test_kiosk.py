"""The lobby kiosk in a real browser, at the kiosk's portrait size (1080×1920)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import KIOSK_VIEWPORT, mark_page, still_marked

TICKET_CODE = re.compile(r"^[AEKM]\d{3}$")


@pytest.fixture
def kiosk(shared_server, new_context):
    """A kiosk page (touch screen, portrait) of the centar office, in English."""
    page = new_context(KIOSK_VIEWPORT, has_touch=True).new_page()
    page.goto(f"{shared_server.url}/kiosk/centar?lang=en")
    expect(page.locator("h1")).to_have_text("Choose a service")
    mark_page(page)
    return page


def service_button(page, name: str):
    """The start screen's tile of the service whose label is exactly this."""
    label = page.locator(".k-service-name").filter(has_text=re.compile(rf"^{re.escape(name)}$"))
    return page.locator(".k-start .k-tile-service").filter(has=label).first


def take_ticket(page, name: str) -> None:
    """Tap the service on the start screen, then "Take a ticket" on its page."""
    service_button(page, name).tap()
    page.locator(".k-take").tap()


def people_ahead(page) -> int:
    """The number of people ahead, as the ticket screen says it."""
    text = page.locator(".k-ticket-ahead").inner_text().strip()
    if text == "You are next.":
        return 0
    match = re.fullmatch(r"(\d+) (?:person is|people are) ahead of you\.", text)
    assert match, f"unexpected people-ahead line: {text!r}"
    return int(match.group(1))


@pytest.mark.browser
def test_tapping_a_service_shows_the_ticket_then_returns_to_the_start(kiosk):
    take_ticket(kiosk, "Birth certificate")

    number = kiosk.locator(".k-ticket-number")
    expect(number).to_have_text(TICKET_CODE)
    assert number.inner_text().strip().startswith("A")  # civil registry is queue A
    expect(kiosk.locator(".k-ticket-service")).to_have_text(
        "Birth certificate (extract from the register of births)"
    )
    expect(kiosk.locator(".k-ticket-ahead")).to_have_text(
        re.compile(r"You are next\.|\d+ (person is|people are) ahead of you\.")
    )
    assert still_marked(kiosk), "the ticket screen came with a full page reload"

    # KIOSK_TICKET_SECONDS is 6 on this server: the start screen comes back by itself, as the
    # next citizen should find it: in the office's first language.
    expect(number).to_have_count(0, timeout=15_000)
    expect(kiosk.locator("html")).to_have_attribute("lang", "mk")
    expect(kiosk.locator("h1")).to_have_text("Изберете услуга")


@pytest.mark.browser
def test_the_next_ticket_of_a_service_has_one_more_person_ahead(kiosk):
    take_ticket(kiosk, "Property tax")
    number = kiosk.locator(".k-ticket-number")
    expect(number).to_have_text(TICKET_CODE)
    first_code = number.inner_text().strip()
    ahead = people_ahead(kiosk)
    expect(kiosk.locator("html")).to_have_attribute("lang", "mk", timeout=15_000)  # after 6 s
    kiosk.locator(".k-lang", has_text="English").tap()
    expect(service_button(kiosk, "Property tax")).to_be_visible()

    take_ticket(kiosk, "Property tax")

    expect(number).to_have_text(f"{first_code[0]}{int(first_code[1:]) + 1:03d}")
    assert people_ahead(kiosk) == ahead + 1


@pytest.mark.browser
def test_shqip_switches_the_kiosk_to_albanian(shared_server, new_context):
    page = new_context(KIOSK_VIEWPORT, has_touch=True).new_page()
    page.goto(f"{shared_server.url}/kiosk/centar")
    expect(page.locator("html")).to_have_attribute("lang", "mk")
    # The tiles of services 1 and 2 of the demo (birth and marriage certificates).
    birth = page.locator(".k-start a[href*='/services/1?'] .k-service-name").first
    marriage = page.locator(".k-start a[href*='/services/2?'] .k-service-name").first
    expect(birth).to_have_text("Извод од родени")

    page.locator(".k-lang", has_text="Shqip").tap()

    expect(page.locator("html")).to_have_attribute("lang", "sq")
    expect(page.locator(".k-lang[aria-current='true']")).to_have_text("Shqip")
    expect(birth).to_have_text("Ekstrakti i lindjes")
    expect(marriage).to_have_text("Ekstrakti i martesës")


@pytest.mark.browser
def test_a_language_tapped_on_a_service_page_keeps_the_service(shared_server, new_context):
    page = new_context(KIOSK_VIEWPORT, has_touch=True).new_page()
    page.goto(f"{shared_server.url}/kiosk/centar?priority=1")
    page.locator(".k-start a[href*='/services/1?'] .k-service-name").first.tap()
    expect(page.locator("h1")).to_have_text("Извод од матична книга на родени")

    page.locator(".k-lang", has_text="Shqip").tap()

    expect(page.locator("html")).to_have_attribute("lang", "sq")
    expect(page.locator("h1")).to_have_text("Ekstrakt nga libri amë i të lindurve")
    assert "priority=1" in page.url  # a priority ticket stays a priority ticket
