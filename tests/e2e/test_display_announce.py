"""A paired lobby display in a real browser: it announces every call, in order, one at a time;
it catches up after a server restart without replaying old calls; announcements published by
an administrator appear without a reload; a revoked display goes back to its pairing code.

The display is paired through the real UI (tests/pairing.py). Headless Chromium plays
Web Audio without a user gesture (a display's Chromium needs
--autoplay-policy=no-user-gesture-required); Playwright mutes it, and time still runs.
"""

from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.parse
import urllib.request

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from kiosk.demo import DEMO_PASSWORDS
from tests.e2e.conftest import (
    DISPLAY_VIEWPORT,
    KIOSK_VIEWPORT,
    issue_ticket,
    mark_page,
    still_marked,
    wait_live,
)
from tests.pairing import pair_page

BIRTH_CERTIFICATE = "MK-KV-001"  # queue A: counters 1 and 2
PROPERTY_TAX = "MK-KV-004"  # queue E: counters 3 and 4
CENTAR_LANGUAGES = ["mk", "sq", "bg", "en"]


class Clerk:
    """The demo clerk ana over plain HTTP: log in, then call at counters of centar."""

    def __init__(self, server):
        self.server = server
        self.http = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        page = self.http.open(f"{server.url}/login", timeout=10).read().decode()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        form = {"username": "ana", "password": DEMO_PASSWORDS["ana"], "csrf_token": token}
        page = self.http.open(
            f"{server.url}/login", urllib.parse.urlencode(form).encode(), timeout=10
        ).read()
        self.csrf = re.search(r'"X-CSRFToken": "([^"]+)"', page.decode()).group(1)
        engine = sa.create_engine(server.env["KIOSK_DATABASE_URL"])
        with engine.connect() as conn:
            self.counters = dict(
                conn.execute(
                    sa.text(
                        "SELECT counter.number, counter.id FROM counter JOIN office"
                        " ON office.id = counter.office_id WHERE office.slug = 'centar'"
                    )
                ).all()
            )
        engine.dispose()

    def call_next(self, number: int) -> None:
        request = urllib.request.Request(
            f"{self.server.url}/clerk/counters/{self.counters[number]}/next",
            data=b"",
            headers={"X-CSRFToken": self.csrf, "HX-Request": "true"},
            method="POST",
        )
        with self.http.open(request, timeout=10) as response:
            assert response.status == 200

    def call_at_once(self, numbers: list[int]) -> None:
        """Call at several counters at the same moment (one thread each)."""
        errors = []

        def call(number):
            try:
                self.call_next(number)
            except Exception as exc:  # re-raised below: a failure must not hide in a thread
                errors.append(exc)

        threads = [threading.Thread(target=call, args=(n,)) for n in numbers]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        assert not errors, errors


def open_paired_display(new_context, server):
    page = new_context(DISPLAY_VIEWPORT).new_page()
    pair_page(page, server, office="centar", kind="display")
    wait_live(page)
    mark_page(page)
    return page


def announcements(page) -> list[dict]:
    return page.evaluate("() => window.kioskAnnouncer.log.map(e => Object.assign({}, e))")


def wait_announced(page, count: int, timeout: float) -> list[dict]:
    """Wait until ``count`` announcements have finished; return the log."""
    page.wait_for_function(
        "n => window.kioskAnnouncer.log.filter(e => e.ended).length >= n"
        " && !window.kioskAnnouncer.busy()",
        arg=count,
        timeout=timeout,
    )
    return announcements(page)


@pytest.mark.browser
def test_a_display_announces_calls_in_order_when_several_come_at_once(server, new_context):
    display = open_paired_display(new_context, server)
    tickets = [issue_ticket(server, BIRTH_CERTIFICATE) for _ in range(2)]
    tickets.append(issue_ticket(server, PROPERTY_TAX))
    Clerk(server).call_at_once([1, 2, 3])

    log = wait_announced(display, 3, timeout=90_000)

    assert sorted(e["code"] for e in log) == sorted(t["code"] for t in tickets)
    assert [e["id"] for e in log] == sorted(e["id"] for e in log), "not in calling order"
    for entry in log:
        assert entry["sound"] and not entry["errors"] and not entry["dropped"], entry
        assert [c["lang"] for c in entry["clips"]] == CENTAR_LANGUAGES
        assert entry["chime"] <= entry["clips"][0]["start"]
        starts = [c["start"] for c in entry["clips"]]
        assert starts == sorted(starts)
    for before, after in zip(log, log[1:], strict=False):
        assert after["started"] >= before["ended"], "two announcements overlapped"
    assert display.evaluate("() => window.kioskAnnouncer.stats.dropped") == 0
    assert still_marked(display)


@pytest.mark.browser
def test_a_display_catches_up_after_a_server_restart_without_replaying_old_calls(
    server, new_context
):
    display = open_paired_display(new_context, server)
    clerk = Clerk(server)
    first = issue_ticket(server, BIRTH_CERTIFICATE)
    clerk.call_next(1)
    (announced,) = wait_announced(display, 1, timeout=30_000)
    assert announced["code"] == first["code"]

    # Hold the display's reconnection back (as its back-off would, for up to 15 s): a call made
    # while it is away never reaches it as a push, and it must catch up when it reconnects.
    display.evaluate("() => window.kioskSocket.io.reconnection(false)")
    offline = display.locator("#offline")
    server.stop()
    expect(offline).to_be_visible(timeout=5_000)
    server.start()
    second = issue_ticket(server, PROPERTY_TAX)
    Clerk(server).call_next(3)
    assert display.evaluate("() => window.kioskSocket.connected") is False
    display.evaluate(
        "() => { window.kioskSocket.io.reconnection(true); window.kioskSocket.connect(); }"
    )

    expect(offline).to_be_hidden(timeout=10_000)
    expect(display.locator("#board .d-call-number")).to_have_text(second["code"], timeout=5_000)
    log = wait_announced(display, 2, timeout=30_000)
    assert [e["code"] for e in log] == [first["code"], second["code"]], "replayed or missed"
    assert log[1]["sound"] and not log[1]["errors"]
    assert still_marked(display), "the display reloaded instead of reconnecting"


@pytest.mark.browser
def test_an_announcement_published_by_an_admin_appears_without_a_reload(server, new_context):
    display = open_paired_display(new_context, server)
    kiosk = new_context(KIOSK_VIEWPORT).new_page()
    kiosk.goto(f"{server.url}/kiosk/centar?lang=sq")
    kiosk.wait_for_function("() => window.kioskSocket && window.kioskSocket.connected")
    mark_page(kiosk)
    expect(display.locator("#notices")).not_to_contain_text("Orari i ri")

    admin = new_context({"width": 1366, "height": 900}).new_page()
    admin.goto(f"{server.url}/login?lang=en")
    admin.fill("#username", "admin")
    admin.fill("#password", DEMO_PASSWORDS["admin"])
    admin.get_by_role("button", name="Log in").click()
    admin.wait_for_url(re.compile(r"/admin/$"))
    admin.goto(f"{server.url}/admin/announcements/new?lang=en")
    admin.fill("#notice-title-mk", "Ново работно време")
    admin.fill("#notice-title-sq", "Orari i ri")
    admin.fill("#notice-body-sq", "Nga e hëna deri në ora 18.")
    admin.get_by_label("Pinned: always shown first").check()
    admin.get_by_role("button", name="Publish").click()
    admin.wait_for_url(re.compile(r"/admin/announcements$"))

    expect(display.locator("#notices")).to_contain_text("Ново работно време", timeout=10_000)
    expect(display.locator("#notices")).to_contain_text("Orari i ri")
    expect(kiosk.locator("#k-notices")).to_contain_text("Orari i ri", timeout=10_000)
    expect(kiosk.locator("#k-notices")).to_contain_text("Nga e hëna deri në ora 18.")
    assert still_marked(display) and still_marked(kiosk), "a screen reloaded"


@pytest.mark.browser
def test_a_kiosk_fetches_its_notices_again_after_a_reconnect_not_after_its_first_connect(
    server, new_context
):
    kiosk = new_context(KIOSK_VIEWPORT).new_page()
    fetched = []
    kiosk.on("request", lambda r: "/notices" in r.url and fetched.append(r.url))
    kiosk.goto(f"{server.url}/kiosk/centar?lang=sq")
    kiosk.wait_for_function("() => window.kioskSocket && window.kioskSocket.connected")
    kiosk.wait_for_timeout(500)
    assert fetched == []  # the page was rendered just now, notices included
    kiosk.evaluate("() => { window.kioskSocket.disconnect(); window.kioskSocket.connect(); }")
    kiosk.wait_for_function("() => window.kioskSocket.connected")
    kiosk.wait_for_timeout(1000)
    assert len(fetched) == 1 and "lang=sq" in fetched[0]


@pytest.mark.browser
def test_a_revoked_display_goes_back_to_its_pairing_code(server, new_context):
    display = open_paired_display(new_context, server)
    admin = new_context({"width": 1366, "height": 900}).new_page()
    admin.goto(f"{server.url}/login?lang=en")
    admin.fill("#username", "admin")
    admin.fill("#password", DEMO_PASSWORDS["admin"])
    admin.get_by_role("button", name="Log in").click()
    admin.wait_for_url(re.compile(r"/admin/$"))
    admin.goto(f"{server.url}/admin/devices?lang=en")
    admin.once("dialog", lambda dialog: dialog.accept())
    admin.get_by_role("button", name=re.compile("^Revoke")).first.click()
    admin.wait_for_url(re.compile(r"/admin/devices$"))

    display.wait_for_url(re.compile(r"/display/$"), timeout=15_000)
    expect(display.locator("#pairing-code .p-char")).to_have_count(6)
    display.goto(f"{server.url}/display/centar")
    expect(display.locator("#board")).to_have_count(0)


@pytest.mark.browser
def test_a_counter_display_shows_the_ticket_called_there(server, new_context):
    screen = new_context({"width": 800, "height": 480}).new_page()
    pair_page(screen, server, office="centar", kind="counter_display", counter=3)
    wait_live(screen)
    mark_page(screen)
    expect(screen.locator("#counter-panel")).to_have_class(re.compile(r"\bc-closed\b"))
    ticket = issue_ticket(server, PROPERTY_TAX)
    Clerk(server).call_next(3)
    expect(screen.locator("#counter-panel .c-ticket")).to_have_text(ticket["code"], timeout=10_000)
    assert still_marked(screen)


@pytest.mark.browser
def test_a_late_board_never_replaces_a_newer_one(server, new_context):
    # With several server processes, or a fetch answered just before a call, a board can arrive
    # after a newer one: the display keeps the newer.
    display = open_paired_display(new_context, server)
    old = display.evaluate(
        "() => fetch(document.getElementById('board').dataset.liveSrc).then(r => r.text())"
    )
    ticket = issue_ticket(server, BIRTH_CERTIFICATE)
    Clerk(server).call_next(1)
    shown = display.locator("#board .d-call-number")
    expect(shown).to_have_text(ticket["code"], timeout=10_000)
    version = display.locator("#board").get_attribute("data-version")

    old_version = int(re.search(r'data-version="(\d+)"', old).group(1))
    assert old_version < int(version)
    display.evaluate(
        "html => window.kioskSocket.listeners('state')"
        ".forEach(f => f({version: 1, html, calls: []}))",
        old,
    )
    expect(shown).to_have_text(ticket["code"])
    expect(display.locator("#board")).to_have_attribute("data-version", version)
    assert still_marked(display)
