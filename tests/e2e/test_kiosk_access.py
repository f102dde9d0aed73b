"""Larger text, high contrast, help and the inactivity reset on the kiosk, in a real browser.

The server asks "Are you still there?" after 30 idle seconds (KIOSK_IDLE_SECONDS, rendered into
the page); the warning's countdown is the real one (20 s at least), so the tests move the
page's clock forward through it rather than wait.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import KIOSK_VIEWPORT, mark_page, still_marked, wait_idle
from tests.servers import LiveServer

# Long enough that a slow step of a test never idles the kiosk in real time (the page's clock
# still runs); the tests move the clock forward through it.
IDLE_SECONDS = 30


@pytest.fixture(scope="module")
def idle_server(tmp_path_factory):
    """A kiosk server whose kiosks ask after 30 idle seconds (the warning stays 20 s)."""
    live = LiveServer(
        f"sqlite:///{tmp_path_factory.mktemp('idle') / 'kiosk.db'}",
        extra_env={
            "KIOSK_KIOSK_IDLE_SECONDS": str(IDLE_SECONDS),
            "KIOSK_KIOSK_IDLE_WARNING_SECONDS": "5",  # too short: the kiosk keeps 20
            "KIOSK_KIOSK_TICKET_SECONDS": "600",
        },
        lifetime=300,
    )
    live.start()
    yield live
    live.stop()


@pytest.fixture
def kiosk(idle_server, new_context):
    """The centar kiosk in English, with a clock the test can move forward."""
    context = new_context(KIOSK_VIEWPORT, has_touch=True)
    context.clock.install()
    page = context.new_page()
    page.goto(f"{idle_server.url}/kiosk/centar?lang=en")
    expect(page.locator("#screen")).to_have_attribute("data-screen", "start")
    return page


def tool(page, name: str):
    """A footer button by its visible name."""
    return page.locator(".k-footer").get_by_role("button", name=name)


def expect_modes(page, *, large_text: bool, high_contrast: bool) -> None:
    """Wait until <html> carries exactly these mode classes (kiosk.js sets them on load)."""
    html = page.locator("html")
    for name, on in (("k-large-text", large_text), ("k-high-contrast", high_contrast)):
        has = re.compile(rf"(^|\s){name}(\s|$)")
        if on:
            expect(html).to_have_class(has)
        else:
            expect(html).not_to_have_class(has)


@pytest.mark.browser
def test_larger_text_and_high_contrast_are_kept_across_screens_and_page_loads(kiosk):
    larger, contrast = tool(kiosk, "Larger text"), tool(kiosk, "High contrast")
    expect(larger).to_have_attribute("aria-pressed", "false")
    body_size = kiosk.locator("h1").evaluate("h => h.getBoundingClientRect().height")

    larger.tap()
    contrast.tap()

    expect(larger).to_have_attribute("aria-pressed", "true")
    expect(contrast).to_have_attribute("aria-pressed", "true")
    expect_modes(kiosk, large_text=True, high_contrast=True)
    assert kiosk.locator("h1").evaluate("h => h.getBoundingClientRect().height") > body_size
    assert kiosk.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"

    # Another screen (an htmx swap), then another language (a full page load).
    mark_page(kiosk)
    kiosk.locator(".k-tile-service").first.tap()
    expect(kiosk.locator("#screen")).to_have_attribute("data-screen", "service")
    assert still_marked(kiosk)
    expect_modes(kiosk, large_text=True, high_contrast=True)
    kiosk.locator(".k-lang", has_text="Shqip").tap()
    expect(kiosk.locator("html")).to_have_attribute("lang", "sq")
    expect_modes(kiosk, large_text=True, high_contrast=True)
    expect(kiosk.locator(".k-footer [data-kiosk-mode='large-text']")).to_have_attribute(
        "aria-pressed", "true"
    )

    # One more tap turns a mode off again.
    kiosk.locator(".k-footer [data-kiosk-mode='large-text']").tap()
    expect_modes(kiosk, large_text=False, high_contrast=True)


SMALL_TARGETS = """() => [...document.querySelectorAll('button, a[href], input, select, textarea')]
    .filter(el => el.getClientRects().length && !el.closest('dialog:not([open])'))
    .map(el => {
      const box = el.getBoundingClientRect();
      const name = el.tagName.toLowerCase() + '.' + el.className;
      return [name, Math.round(box.width), Math.round(box.height)];
    })
    .filter(([, width, height]) => width < 80 || height < 80)"""


@pytest.mark.browser
def test_every_kiosk_control_is_a_large_touch_target(kiosk):
    screens = {"start": []}
    kiosk.locator(".k-searchbox").tap()
    expect(kiosk.locator("#screen")).to_have_attribute("data-screen", "search")
    wait_idle(kiosk)
    screens["search"] = kiosk.evaluate(SMALL_TARGETS)
    kiosk.locator(".k-bar-home").tap()
    expect(kiosk.locator("#screen")).to_have_attribute("data-screen", "start")
    wait_idle(kiosk)
    screens["start"] = kiosk.evaluate(SMALL_TARGETS)
    kiosk.locator(".k-tile-service").first.tap()
    expect(kiosk.locator("#screen")).to_have_attribute("data-screen", "service")
    wait_idle(kiosk)
    screens["service"] = kiosk.evaluate(SMALL_TARGETS)
    kiosk.locator("button.k-take").tap()
    expect(kiosk.locator("#screen")).to_have_attribute("data-screen", "ticket")
    wait_idle(kiosk)
    screens["ticket"] = kiosk.evaluate(SMALL_TARGETS)
    tool(kiosk, "Help").tap()
    screens["help"] = kiosk.evaluate(SMALL_TARGETS)

    assert screens == {name: [] for name in screens}, "controls smaller than 80 × 80 px"


@pytest.mark.browser
def test_help_opens_a_dialog_that_keeps_focus_and_closes(kiosk):
    help_button = tool(kiosk, "Help")
    help_button.tap()

    dialog = kiosk.get_by_role("dialog", name="How to use this kiosk")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Ask the staff at the information desk")
    for _ in range(4):  # Tab around: focus never leaves the dialog
        kiosk.keyboard.press("Tab")
        assert kiosk.evaluate("document.activeElement.closest('dialog')?.id") == "k-help"
    kiosk.keyboard.press("Shift+Tab")
    assert kiosk.evaluate("document.activeElement.closest('dialog')?.id") == "k-help"

    dialog.get_by_role("button", name="Close").tap()
    expect(dialog).to_be_hidden()
    help_button.tap()
    expect(dialog).to_be_visible()
    kiosk.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


@pytest.mark.browser
def test_nobody_is_asked_until_a_citizen_has_touched_the_kiosk(kiosk):
    kiosk.clock.run_for(IDLE_SECONDS * 1000 * 5)
    expect(kiosk.locator("#k-idle")).to_be_hidden()


@pytest.mark.browser
def test_continue_keeps_the_citizens_language_modes_and_screen(kiosk):
    tool(kiosk, "Larger text").tap()
    kiosk.locator(".k-tile-service").first.tap()
    expect(kiosk.locator("#screen")).to_have_attribute("data-screen", "service")

    warning = kiosk.get_by_role("alertdialog", name="Are you still there?")
    kiosk.clock.run_for(IDLE_SECONDS * 1000 + 500)
    expect(warning).to_be_visible()
    # At least 20 seconds to answer (not the 5 configured), counted down on screen. The clock
    # keeps running in real time too, so the reading allows for a slow machine.
    assert int(warning.locator(".k-idle-count").inner_text()) >= 17
    kiosk.clock.run_for(5_000)
    expect(warning.locator(".k-idle-count")).to_have_text(re.compile(r"^1[0-6]$"))

    warning.get_by_role("button", name="Continue").tap()

    expect(warning).to_be_hidden()
    expect(kiosk.locator("html")).to_have_attribute("lang", "en")
    expect(kiosk.locator("#screen")).to_have_attribute("data-screen", "service")
    expect_modes(kiosk, large_text=True, high_contrast=False)
    kiosk.clock.run_for(IDLE_SECONDS * 1000 // 2)
    expect(warning).to_be_hidden()  # the idle time starts again from the tap


@pytest.mark.browser
def test_an_unanswered_warning_restores_the_start_screen_and_the_defaults(kiosk):
    tool(kiosk, "Larger text").tap()
    tool(kiosk, "High contrast").tap()
    kiosk.locator(".k-tile-service").first.tap()
    expect(kiosk.locator("#screen")).to_have_attribute("data-screen", "service")

    warning = kiosk.locator("#k-idle")
    kiosk.clock.run_for(IDLE_SECONDS * 1000 + 500)
    expect(warning).to_be_visible()
    with kiosk.expect_navigation():
        kiosk.clock.run_for(21_000)

    expect(kiosk).to_have_url(re.compile(r"/kiosk/centar$"))
    expect(kiosk.locator("html")).to_have_attribute("lang", "mk")  # the office's first language
    expect(kiosk.locator("#screen")).to_have_attribute("data-screen", "start")
    expect_modes(kiosk, large_text=False, high_contrast=False)
    for mode in ("large-text", "high-contrast"):
        expect(kiosk.locator(f".k-footer [data-kiosk-mode='{mode}']")).to_have_attribute(
            "aria-pressed", "false"
        )
    # The next citizen starts afresh: no warning until someone touches the kiosk.
    kiosk.clock.run_for(IDLE_SECONDS * 1000 * 3)
    expect(warning).to_be_hidden()
