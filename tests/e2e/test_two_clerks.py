"""Two clerks of one office at two counters that serve the same queue, each in their own
browser: they never get the same ticket, each sees the other's calls in the queue live, and an
action taken on a stale page is refused with a clear message and the page brought up to date."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    CLERK_VIEWPORT,
    issue_ticket,
    log_in,
    mark_page,
    open_workstation,
    still_marked,
    wait_idle,
    wait_live,
)
from tests.servers import ROOT

BIRTH_CERTIFICATE = "MK-KV-001"  # queue A: counters 1 and 2 serve it (and 6, second)
PROPERTY_TAX = "MK-KV-004"  # queue E: counters 3 and 4
BUILDING_PERMIT = "MK-KV-009"  # queue K: counter 5
SECOND_CLERK, SECOND_PASSWORD = "bojana", "clerk-test-2026"


def add_clerk(server) -> None:
    """Create a second clerk of centar with the command an administrator would use."""
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "kiosk", "create-user", SECOND_CLERK,
         "--role", "clerk", "--office", "centar", "--name", "Бојана Петровска",
         "--password", SECOND_PASSWORD],
        cwd=ROOT, env=server.env, check=True, capture_output=True, timeout=60,
    )  # fmt: skip


def log_in_as_second_clerk(page, server) -> None:
    page.goto(f"{server.url}/login?lang=en")
    page.fill("#username", SECOND_CLERK)
    page.fill("#password", SECOND_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/clerk/$"))


def serving(server) -> dict[int, str | None]:
    """Which ticket each counter of centar serves, as the JSON API says."""
    with urllib.request.urlopen(f"{server.url}/api/v1/offices/centar/state", timeout=5) as r:
        state = json.load(r)
    return {c["number"]: c["serving"]["code"] if c["serving"] else None for c in state["counters"]}


@pytest.fixture(scope="module")
def hall(shared_server):
    """The module's server, with a second clerk. Each test works with its own queue and
    counters: A at 1 and 2, E at 3 and 4, K at 5 (and 6, where transfers go)."""
    add_clerk(shared_server)
    return shared_server


def open_clerks(new_context, server, counters: tuple[int, int]):
    """Ana and Bojana, each in a browser of her own, at these counters, both live."""
    ana = new_context(CLERK_VIEWPORT).new_page()
    log_in(ana, server, "ana")
    open_workstation(ana, server, counters[0])
    bojana = new_context(CLERK_VIEWPORT).new_page()
    log_in_as_second_clerk(bojana, server)
    open_workstation(bojana, server, counters[1])
    for page in (ana, bojana):
        mark_page(page)
    return ana, bojana


@pytest.mark.browser
def test_two_clerks_calling_at_once_get_different_tickets_and_see_each_other_live(
    hall, new_context
):
    ana, bojana = open_clerks(new_context, hall, (3, 4))
    codes = [issue_ticket(hall, PROPERTY_TAX)["code"] for _ in range(5)]
    for page in (ana, bojana):
        expect(page.locator("#waiting-total")).to_have_text("5")
        wait_idle(page)

    # Both press N at the same moment: neither waits for the other's answer.
    ana.keyboard.press("n")
    bojana.keyboard.press("n")

    ana_ticket, bojana_ticket = (
        ana.locator("#current .ws-ticket"),
        bojana.locator("#current .ws-ticket"),
    )
    first_two = re.compile(rf"^({codes[0]}|{codes[1]})$")
    expect(ana_ticket).to_have_text(first_two)
    expect(bojana_ticket).to_have_text(first_two)
    assert ana_ticket.inner_text() != bojana_ticket.inner_text(), "both were given one ticket"
    assert serving(hall)[3] == ana_ticket.inner_text()
    assert serving(hall)[4] == bojana_ticket.inner_text()
    for page in (ana, bojana):
        expect(page.locator("#waiting-total")).to_have_text("3")
        expect(page.locator("#queue ol.ws-list .ws-code")).to_have_text(codes[2:])

    # Ana calls again: Bojana's queue follows without a reload.
    wait_idle(ana)  # htmx binds the swapped-in N button when it settles
    ana.keyboard.press("n")
    expect(ana_ticket).to_have_text(codes[2])
    expect(bojana.locator("#waiting-total")).to_have_text("2")
    expect(bojana.locator("#queue ol.ws-list .ws-code")).to_have_text(codes[3:])
    expect(bojana.locator("#history li")).to_have_count(0)  # Ana's history is hers
    assert still_marked(ana) and still_marked(bojana), "a workstation reloaded the page"


@pytest.mark.browser
def test_calling_a_ticket_another_clerk_just_called_is_refused_on_a_stale_page(hall, new_context):
    ana, bojana = open_clerks(new_context, hall, (1, 2))
    first, second = (issue_ticket(hall, BIRTH_CERTIFICATE)["code"] for _ in range(2))
    stale_row = bojana.locator("#queue ol.ws-list li").filter(has_text=first)
    expect(stale_row).to_be_visible()
    # Bojana's queue stops refreshing (a slow network): her list goes stale.
    bojana.route(re.compile(r"/clerk/counters/\d+/queue$"), lambda route: route.abort())

    ana.keyboard.press("n")
    expect(ana.locator("#current .ws-ticket")).to_have_text(first)
    wait_idle(bojana)
    expect(stale_row).to_be_visible()  # still offered to Bojana
    stale_row.get_by_role("button", name="Call").click()

    expect(bojana.locator("#alerts")).to_contain_text("This ticket is no longer waiting.")
    # The refused click brought her whole workstation up to date: nothing called, first gone.
    expect(bojana.locator("#queue ol.ws-list .ws-code")).to_have_text([second])
    expect(bojana.locator("#current .ws-ticket")).to_have_text("—")
    now = serving(hall)
    assert (now[1], now[2]) == (first, None)
    assert still_marked(bojana)


@pytest.mark.browser
def test_acting_on_a_ticket_finished_or_transferred_in_another_tab_is_refused(hall, new_context):
    ana, bojana = open_clerks(new_context, hall, (5, 6))
    first, second = (issue_ticket(hall, BUILDING_PERMIT)["code"] for _ in range(2))
    ana.keyboard.press("n")
    expect(ana.locator("#current .ws-ticket")).to_have_text(first)
    # Ana has her counter open in a second tab too (same login); it now shows the same ticket.
    stale = ana.context.new_page()
    stale.goto(ana.url)
    wait_live(stale)
    expect(stale.locator("#current .ws-ticket")).to_have_text(first)

    # In the first tab she finishes it; the second tab still offers R, X, F for it.
    wait_idle(ana)
    ana.keyboard.press("f")
    expect(ana.locator("#current .ws-ticket")).to_have_text("—")
    wait_idle(stale)
    stale.keyboard.press("r")
    expect(stale.locator("#alerts")).to_contain_text(
        "This ticket is no longer being served here: it was finished or moved meanwhile")
    expect(stale.locator("#current .ws-ticket")).to_have_text("—")  # brought up to date
    history = ana.locator("#history li")
    expect(history).to_have_count(1)
    expect(history).to_contain_text("Served")

    # She calls the next one and transfers it to Bojana's counter; the stale tab marks it a
    # no-show: refused, and the ticket stays with Bojana.
    wait_idle(ana)
    ana.keyboard.press("n")
    expect(ana.locator("#current .ws-ticket")).to_have_text(second)
    stale.reload()
    wait_live(stale)
    expect(stale.locator("#current .ws-ticket")).to_have_text(second)
    wait_idle(ana)
    ana.keyboard.press("t")
    ana.locator("#transfer-counter").select_option(label="Counter 6 · Open")
    ana.get_by_role("button", name="Transfer", exact=True).click()
    expect(ana.locator("#current .ws-ticket")).to_have_text("—")
    sent = bojana.locator("#queue ol.ws-list li").filter(has_text=second)
    expect(sent).to_contain_text("sent to you")

    wait_idle(stale)
    stale.keyboard.press("x")
    expect(stale.locator("#alerts")).to_contain_text(
        "This ticket is no longer being served here: it was finished or moved meanwhile")
    expect(stale.locator("#current .ws-ticket")).to_have_text("—")
    expect(stale.locator("#history li")).to_have_count(1)  # no no-show recorded
    expect(sent).to_contain_text("sent to you")
    wait_idle(bojana)
    bojana.keyboard.press("n")
    expect(bojana.locator("#current .ws-ticket")).to_have_text(second)
    now = serving(hall)
    assert (now[5], now[6]) == (None, second)


@pytest.mark.browser
def test_a_clerk_whose_counter_is_taken_over_is_told_live_and_can_take_it_back(
    hall, new_context
):
    bojana = new_context(CLERK_VIEWPORT).new_page()
    log_in_as_second_clerk(bojana, hall)
    open_workstation(bojana, hall, 6)
    mark_page(bojana)
    expect(bojana.locator(".btn-next")).to_be_visible()

    # Ana takes counter 6 over from the counter list; she is asked first.
    ana = new_context(CLERK_VIEWPORT).new_page()
    log_in(ana, hall, "ana")
    questions = []
    ana.on("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    open_workstation(ana, hall, 6)
    assert questions and "Take it over?" in questions[0]
    expect(ana.locator(".btn-next")).to_be_visible()

    # Bojana's screen says so by itself, and offers nothing more to do there.
    taken = bojana.locator(".ws-taken")
    expect(taken).to_contain_text("has taken over this counter.")
    expect(bojana.locator(".btn-next")).to_have_count(0)
    assert still_marked(bojana), "the workstation reloaded the page"

    # She takes it back; now Ana's screen says so.
    wait_idle(bojana)
    bojana.on("dialog", lambda dialog: dialog.accept())
    taken.get_by_role("button", name="Take it back").click()
    expect(bojana.locator(".btn-next")).to_be_visible()
    expect(ana.locator(".ws-taken")).to_contain_text(
        "Бојана Петровска has taken over this counter.")
    expect(ana.locator(".btn-next")).to_have_count(0)


@pytest.mark.browser
def test_the_transfer_dialog_lists_the_counters_as_they_are_when_it_opens(hall, new_context):
    """A colleague opens a counter after Ana's page was drawn: when Ana opens the transfer
    dialog, that counter is offered, open, without reloading the page."""
    bojana = new_context(CLERK_VIEWPORT).new_page()
    log_in_as_second_clerk(bojana, hall)
    open_workstation(bojana, hall, 4)
    wait_idle(bojana)
    if bojana.locator("#current .ws-ticket").inner_text().strip() != "—":
        bojana.keyboard.press("f")  # what an earlier test left her serving
        expect(bojana.locator("#current .ws-ticket")).to_have_text("—")
        wait_idle(bojana)
    bojana.get_by_role("button", name="Close counter").click()
    expect(bojana.locator(".ws-state")).to_contain_text("Closed")

    ana = new_context(CLERK_VIEWPORT).new_page()
    log_in(ana, hall, "ana")
    open_workstation(ana, hall, 3)
    issue_ticket(hall, PROPERTY_TAX)
    wait_idle(ana)
    current = ana.locator("#current .ws-ticket")
    if current.inner_text().strip() != "—":
        ana.keyboard.press("f")  # what an earlier test left her serving
        expect(current).to_have_text("—")
        wait_idle(ana)
    ana.keyboard.press("n")
    expect(current).not_to_have_text("—")
    code = current.inner_text().strip()
    four = ana.locator("#transfer-counter option", has_text="Counter 4")
    expect(four).to_have_text("Counter 4 · Closed")
    expect(four).to_be_disabled()

    wait_idle(bojana)
    bojana.get_by_role("button", name="Open counter").click()
    expect(bojana.locator(".ws-state")).to_contain_text("Open")
    wait_idle(ana)
    ana.keyboard.press("t")
    expect(ana.locator("#transfer-dialog")).to_be_visible()
    expect(four).to_have_text("Counter 4 · Open")
    expect(four).to_be_enabled()
    ana.locator("#transfer-counter").select_option(label="Counter 4 · Open")
    ana.get_by_role("button", name="Transfer", exact=True).click()
    expect(current).to_have_text("—")
    expect(bojana.locator("#queue ol.ws-list li").filter(has_text=code)).to_contain_text(
        "sent to you")
