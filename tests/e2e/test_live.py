"""Clerks and lobby displays in a real browser: a call reaches the display live, the keyboard
shortcuts work, errors are shown, and a display heals by itself after the server restarts.

The tests that share a server each work at their own counter with their own queue, so they do
not see each other's tickets: counter 1 serves queue A, counter 3 queue E, counter 5 queue K
and counter 6 queue M (and A, of which every test calls what it issued).
"""

from __future__ import annotations

import json
import re
import time
import urllib.request

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests.e2e.conftest import (
    CLERK_VIEWPORT,
    DISPLAY_VIEWPORT,
    issue_ticket,
    log_in,
    mark_page,
    open_workstation,
    still_marked,
    wait_idle,
    wait_live,
)

BIRTH_CERTIFICATE = "MK-KV-001"  # civil registry: queue A, served at counters 1, 2 (and 6)
PROPERTY_TAX = "MK-KV-004"  # local taxes: queue E, served at counters 3 and 4
INFORMATION = "MK-KV-014"  # information and requests: queue M, served at counter 6


def open_display(new_context, server, office: str = "centar"):
    """Open an office's lobby display, wait until it is live, and mark the window.

    Only a paired screen or logged-in staff (a preview) may watch an office's display; the
    browser previews it as the administrator, so these tests do not depend on the pairing flow.
    """
    page = new_context(DISPLAY_VIEWPORT).new_page()
    log_in(page, server, "admin")
    page.goto(f"{server.url}/display/{office}")
    wait_live(page)
    mark_page(page)
    return page


def open_clerk(new_context, server, counter: int):
    """Log in as ana, the demo clerk of centar, and open the workstation of a counter."""
    page = new_context(CLERK_VIEWPORT).new_page()
    log_in(page, server, "ana")
    open_workstation(page, server, counter)
    mark_page(page)
    return page


def press(page, key: str) -> None:
    """Press a shortcut key once the page has settled: htmx binds a swapped panel's keys only
    after its settle delay (20 ms), and a clerk's fingers are slower than that."""
    wait_idle(page)
    page.keyboard.press(key)


def serving_at(server, counter: int, office: str = "centar") -> str | None:
    """The code of the ticket the server says a counter is serving (from the JSON API)."""
    with urllib.request.urlopen(f"{server.url}/api/v1/offices/{office}/state", timeout=5) as r:
        state = json.load(r)
    row = next(c for c in state["counters"] if c["number"] == counter)
    return row["serving"]["code"] if row["serving"] else None


@pytest.mark.browser
def test_call_next_shows_the_ticket_on_the_display_within_two_seconds(shared_server, new_context):
    display = open_display(new_context, shared_server)
    expect(display.locator("#offline")).to_be_hidden()
    clerk = open_clerk(new_context, shared_server, counter=1)
    ticket = issue_ticket(shared_server, BIRTH_CERTIFICATE)

    clerk.get_by_role("button", name="Call next").click()

    expect(clerk.locator("#current .ws-ticket")).to_have_text(ticket["code"])
    now_serving = display.locator("#board .d-now")
    expect(now_serving.locator(".d-call-number")).to_have_text(ticket["code"], timeout=2_000)
    expect(now_serving.locator(".d-call-counter-number")).to_have_text("1")
    assert still_marked(display), "the display reloaded the page to show the call"


@pytest.mark.browser
def test_clerk_keys_n_calls_next_and_f_finishes(shared_server, new_context):
    first = issue_ticket(shared_server, PROPERTY_TAX)
    second = issue_ticket(shared_server, PROPERTY_TAX)
    clerk = open_clerk(new_context, shared_server, counter=3)
    panel = clerk.locator("#current")
    expect(panel.locator(".ws-ticket")).to_have_text("—")

    press(clerk, "n")
    expect(panel.locator(".ws-ticket")).to_have_text(first["code"])
    expect(panel).to_contain_text("Finish and call next")

    press(clerk, "f")
    expect(panel.locator(".ws-ticket")).to_have_text("—")
    expect(panel).to_contain_text("No ticket at this counter")

    press(clerk, "n")
    expect(panel.locator(".ws-ticket")).to_have_text(second["code"])
    assert serving_at(shared_server, 3) == second["code"]
    assert still_marked(clerk), "a shortcut reloaded the workstation"


@pytest.mark.browser
def test_call_next_on_an_empty_queue_says_nobody_is_waiting(shared_server, new_context):
    clerk = open_clerk(new_context, shared_server, counter=5)
    alerts = clerk.locator("#alerts")
    expect(alerts).to_be_empty()

    clerk.get_by_role("button", name="Call next").click()

    expect(alerts).to_contain_text("Nobody is waiting")
    expect(alerts.locator(".alert")).to_be_visible()
    expect(clerk.locator("#current .ws-ticket")).to_have_text("—")
    assert still_marked(clerk), "the error came with a full page reload"


@pytest.mark.browser
def test_display_shows_offline_while_the_server_is_down_and_heals_after_restart(
    server, new_context
):
    display = open_display(new_context, server)
    offline = display.locator("#offline")
    now_serving = display.locator("#board .d-now .d-call-number")
    expect(offline).to_be_hidden()
    expect(now_serving).to_have_count(0)

    # server.restart() is stop() then start(): split, so the test sees the page while it is down.
    server.stop()
    expect(offline).to_be_visible(timeout=5_000)
    server.start()

    # Socket.IO retries with a randomised back-off of up to 15 s.
    expect(offline).to_be_hidden(timeout=30_000)
    ticket = issue_ticket(server, BIRTH_CERTIFICATE)
    clerk = open_clerk(new_context, server, counter=1)  # a fresh login session, after the restart
    clerk.get_by_role("button", name="Call next").click()

    expect(now_serving).to_have_text(ticket["code"], timeout=10_000)
    expect(offline).to_be_hidden()
    assert still_marked(display), "the display reloaded the page instead of reconnecting"


def _wait_until(page, condition, timeout: float = 10.0) -> None:
    """Let Playwright dispatch events (route handlers) until the condition holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {condition}"
        page.wait_for_timeout(20)


# The clerk's panel refreshes itself with a GET of the workstation or of its current-ticket part.
PANEL_REFRESH = re.compile(r"/clerk/counters/\d+(/current)?$")


@pytest.mark.browser
def test_call_next_during_a_resync_still_shows_the_called_ticket(shared_server, new_context):
    issue_ticket(shared_server, INFORMATION)
    clerk = open_clerk(new_context, shared_server, counter=6)
    refreshes, calls = [], []

    def hold_refresh(route):
        # The panel as it is before the call; its answer is held back for a moment.
        if route.request.method == "GET" and not refreshes:
            refreshes.append((route, route.fetch()))
        else:
            route.continue_()

    clerk.route(PANEL_REFRESH, hold_refresh)
    clerk.route("**/clerk/counters/*/next", lambda route: calls.append(route))

    # A reconnect fires "resync" while the clerk presses N: the order of the answers is then
    # (1) the panel before the call, (2) the call. Force that order.
    clerk.evaluate("() => htmx.trigger(document.body, 'resync')")
    _wait_until(clerk, lambda: refreshes)
    clerk.keyboard.press("n")
    _wait_until(clerk, lambda: calls)
    route, response = refreshes[0]
    try:
        route.fulfill(response=response)
    except PlaywrightError:
        pass  # a fixed page may have cancelled the stale refresh: that is fine
    calls[0].continue_()

    _wait_until(clerk, lambda: serving_at(shared_server, 6) is not None)
    called = serving_at(shared_server, 6)
    expect(clerk.locator("#current .ws-ticket")).to_have_text(called, timeout=10_000)
