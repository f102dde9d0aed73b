"""Browser fixtures: Debian's Chromium driven by Playwright (sync API), and a real kiosk server.

A test gets a real ``python -m kiosk`` process on a fresh SQLite file with the demo data
(offices "centar" and "drachevo", clerk "ana", admin "admin"): its own (``server``), or one
shared by its module (``shared_server``) where the tests do not depend on the queue's state.
The browser is started once per session; every test opens its own contexts (cookie jars).
"""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

import pytest

from kiosk.demo import DEMO_PASSWORDS
from tests.servers import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]

KIOSK_VIEWPORT = {"width": 1080, "height": 1920}
DISPLAY_VIEWPORT = {"width": 1920, "height": 1080}
CLERK_VIEWPORT = {"width": 1366, "height": 768}

# Every Playwright wait has a bound; a test that hangs is a failing test.
DEFAULT_TIMEOUT_MS = 5_000

# Count the page's requests in flight (htmx uses XMLHttpRequest, live.js and display.js fetch;
# Socket.IO here only WebSocket), so a test can wait until a page has finished fetching its
# live regions before it acts.
COUNT_XHR = """
(() => {
  let pending = 0;
  // After a request ends its answer is applied (htmx settles in 20 ms): allow for that too.
  const done = () => setTimeout(() => pending--, 50);
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (...args) {
    pending++;
    this.addEventListener("loadend", done);
    return send.apply(this, args);
  };
  const fetch = window.fetch;
  window.fetch = function (...args) {
    pending++;
    const answer = fetch.apply(this, args);
    answer.then(done, done);
    return answer;
  };
  Object.defineProperty(window, "__e2eXhrPending", { get: () => pending });
})();
"""

# A kiosk prints its slips by itself (window.print, silent under --kiosk-printing). Tests that
# do not look at printing count the requests instead: a print in progress blocks the page.
NO_PRINT = "window.__prints = 0; window.print = () => { window.__prints++; };"


@pytest.fixture(scope="session")
def browser():
    """Start Debian's Chromium once for the whole run (skip where it is not installed)."""
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser):
    """Open browser contexts (separate cookie jars) that close when the test ends."""
    made = []

    def open_context(viewport: dict, **options):
        options.setdefault("locale", "en-GB")
        context = browser.new_context(viewport=viewport, **options)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS * 2)
        context.add_init_script(COUNT_XHR)
        context.add_init_script(NO_PRINT)
        made.append(context)
        return context

    yield open_context
    for context in made:
        context.close()


def _start_server(directory: Path) -> LiveServer:
    # The kiosk returns to its start screen 6 s after showing a ticket (20 s by default): long
    # enough for a test to read the ticket on a slow machine, short enough to wait for.
    server = LiveServer(
        f"sqlite:///{directory / 'kiosk.db'}",
        extra_env={"KIOSK_KIOSK_TICKET_SECONDS": "6"},
        lifetime=300,
    )
    return server.start()


@pytest.fixture
def server(tmp_path):
    """A kiosk server of its own for one test: demo data on a fresh SQLite file."""
    live = _start_server(tmp_path)
    yield live
    live.stop()


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory):
    """A kiosk server shared by a module's tests, which must not depend on each other's tickets."""
    live = _start_server(tmp_path_factory.mktemp("kiosk"))
    yield live
    live.stop()


def issue_ticket(server: LiveServer, service: str, office: str = "centar") -> dict:
    """Take a ticket through the JSON API, as an integration would; return its JSON."""
    request = urllib.request.Request(
        f"{server.url}/api/v1/offices/{office}/tickets",
        data=json.dumps({"service": service}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 201
        return json.load(response)


def log_in(page, server: LiveServer, username: str = "ana", *, lang: str = "en") -> None:
    """Log in through the staff login form (in the given interface language)."""
    from playwright.sync_api import expect

    page.goto(f"{server.url}/login?lang={lang}")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORDS[username])
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/(clerk|admin)/$"))


def open_workstation(page, server: LiveServer, number: int = 1) -> None:
    """From the counter list, open the workstation of the counter with this number."""
    from playwright.sync_api import expect

    if not page.url.endswith("/clerk/"):  # a clerk lands there after logging in
        page.goto(f"{server.url}/clerk/")
    tile_number = page.locator(".counter-tile-no").filter(has_text=re.compile(rf"^\s*{number}\s*$"))
    page.locator(".counter-tile").filter(has=tile_number).click()
    expect(page).to_have_url(re.compile(r"/clerk/counters/\d+$"))
    wait_live(page)


def wait_live(page, timeout: float = DEFAULT_TIMEOUT_MS) -> None:
    """Wait until the page's Socket.IO client is connected and the resync it fired is done."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            "() => window.kioskSocket && window.kioskSocket.connected", timeout=timeout
        )
    except PlaywrightTimeout:
        raise AssertionError(f"the page did not connect: {live_state(page)}") from None
    wait_idle(page)


def wait_idle(page) -> None:
    """Wait until the page has no htmx request in flight."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function("() => window.__e2eXhrPending === 0", timeout=DEFAULT_TIMEOUT_MS)
    except PlaywrightTimeout:
        raise AssertionError(f"requests still in flight: {live_state(page)}") from None


def live_state(page) -> dict:
    """What a failure message needs: the socket's state and the requests in flight."""
    return page.evaluate(
        """() => {
          const s = window.kioskSocket;
          return {
            url: location.href,
            socket: s ? {connected: s.connected, active: s.active, manager: s.io._readyState}
                      : null,
            xhrPending: window.__e2eXhrPending,
            offlineBadge: document.getElementById("offline")?.hidden === false,
          };
        }"""
    )


def mark_page(page) -> None:
    """Set a marker on the window: it survives htmx swaps and is gone after a full reload."""
    page.evaluate("() => { window.__e2eMarker = 'no-reload'; }")


def still_marked(page) -> bool:
    """Whether the window marker set by ``mark_page`` is still there (no reload happened)."""
    return page.evaluate("() => window.__e2eMarker") == "no-reload"
