"""A clerk works a whole round at the counter with the keyboard alone: after logging in, no
mouse. Every step is checked by what the clerk sees: the ticket being served, the queue, the
history, the counter's state; dialogs keep the focus inside, show it, and close on Escape."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import CLERK_VIEWPORT, issue_ticket, log_in, wait_idle, wait_live

BIRTH_CERTIFICATE = "MK-KV-001"  # queue A, served at counters 1 and 2 (and 6)
PROPERTY_TAX = "MK-KV-004"  # queue E, served at counters 3 and 4

# What has the focus, and whether the browser shows it (a focus ring the clerk can see).
FOCUS = """() => {
  const e = document.activeElement;
  const style = getComputedStyle(e);
  return {
    tag: e.tagName.toLowerCase(), id: e.id, name: e.getAttribute("name") || "",
    value: e.value || "", inDialog: !!e.closest("dialog[open]"),
    visible: e.matches(":focus-visible") && style.outlineStyle !== "none"
             && parseFloat(style.outlineWidth) >= 2,
  };
}"""


def press(page, *keys: str) -> None:
    """Press keys once the page has settled (htmx binds a swapped panel's keys after settling)."""
    for key in keys:
        wait_idle(page)
        page.keyboard.press(key)


def focus(page) -> dict:
    return page.evaluate(FOCUS)


def service_waiting(server, code: str, office: str = "centar") -> int:
    """How many wait for a service, as the office's live state (JSON API) says."""
    with urllib.request.urlopen(f"{server.url}/api/v1/offices/{office}/state", timeout=5) as r:
        state = json.load(r)
    return next(s["waiting"] for s in state["services"] if s["code"] == code)


def assert_focus_trapped(page, dialog, stops: int) -> None:
    """Tab and Shift+Tab around the dialog twice: the focus never leaves it and always shows."""
    for key in ["Tab"] * (stops * 2) + ["Shift+Tab"] * (stops * 2):
        page.keyboard.press(key)
        now = focus(page)
        assert now["inDialog"], f"{key} moved the focus out of the dialog to {now}"
        assert now["visible"], f"the focus is not visible on {now}"
    expect(dialog).to_be_visible()


@pytest.mark.browser
def test_a_clerk_works_through_tickets_with_the_keyboard_alone(server, new_context):
    tickets = [issue_ticket(server, BIRTH_CERTIFICATE)["code"] for _ in range(4)]
    a1, a2, a3, a4 = tickets
    # A colleague sits at counter 3 (a transfer's target below); the town hall is listed first.
    colleague = new_context(CLERK_VIEWPORT).new_page()
    log_in(colleague, server, "admin")
    colleague.goto(f"{server.url}/clerk/")
    colleague.get_by_role("button", name="Counter 3 Closed").first.click()
    expect(colleague).to_have_url(re.compile(r"/clerk/counters/\d+$"))
    colleague.close()
    page = new_context(CLERK_VIEWPORT).new_page()
    log_in(page, server, "ana")

    # The counter list: Tab to counter 1 and open it with Enter.
    tile = page.locator(".counter-tile").filter(
        has=page.locator(".counter-tile-no").filter(has_text=re.compile(r"^\s*1\s*$"))
    )
    for _ in range(30):
        page.keyboard.press("Tab")
        if tile.evaluate("e => e === document.activeElement"):
            break
    else:
        raise AssertionError("Tab never reached counter 1")
    assert focus(page)["visible"]
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/clerk/counters/\d+$"))
    wait_live(page)

    current = page.locator("#current .ws-ticket")
    waiting = page.locator("#waiting-total")
    next_up = page.locator("#queue ol.ws-list .ws-code")
    history = page.locator("#history li")
    state = page.locator(".ws-state")
    expect(current).to_have_text("—")
    expect(waiting).to_have_text("4")
    expect(next_up).to_have_text(tickets)

    # N calls the oldest ticket; R calls it again.
    press(page, "n")
    expect(current).to_have_text(a1)
    expect(waiting).to_have_text("3")
    expect(next_up).to_have_text([a2, a3, a4])
    press(page, "r")
    expect(page.locator("#current .ws-times")).to_contain_text("recalled 1 time")
    expect(current).to_have_text(a1)

    # O goes to the outcome, the arrows choose one, Enter finishes with it.
    press(page, "o")
    assert focus(page)["id"] == "outcome" and focus(page)["visible"]
    page.keyboard.press("ArrowDown")
    assert focus(page)["value"] == "incomplete_documents"
    page.keyboard.press("Enter")
    expect(current).to_have_text("—")
    expect(history.first).to_contain_text(a1)
    expect(history.first).to_contain_text("Documents missing")

    # T opens the transfer dialog; the focus stays inside, shows, and Escape closes it.
    press(page, "n")
    expect(current).to_have_text(a2)
    dialog = page.locator("#transfer-dialog")
    press(page, "t")
    expect(dialog).to_be_visible()
    assert focus(page)["id"] == "transfer-service"
    assert_focus_trapped(page, dialog, stops=5)  # service, counter, place, Transfer, Cancel
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(current).to_have_text(a2)

    # Transfer A002 to property tax at counter 3, placed by the time it was taken.
    press(page, "t")
    expect(dialog).to_be_visible()
    page.keyboard.press("ArrowDown")  # the service after birth certificate: property tax
    assert focus(page)["value"] == page.locator(
        "#transfer-service option", has_text="Property tax"
    ).get_attribute("value")
    page.keyboard.press("Tab")
    assert focus(page)["id"] == "transfer-counter"
    expect(page.locator("#transfer-counter option", has_text="Counter 2")).to_be_disabled()
    page.keyboard.press("ArrowDown")  # counter 3: counter 2 is closed and skipped
    expect(page.locator("#transfer-counter option:checked")).to_have_text("Counter 3 · Open")
    page.keyboard.press("Tab")
    assert focus(page)["value"] == "front" and focus(page)["visible"]
    page.keyboard.press("ArrowDown")
    assert focus(page)["value"] == "age"
    page.keyboard.press("Enter")
    expect(dialog).to_have_count(0)
    expect(current).to_have_text("—")
    expect(next_up).to_have_text([a3, a4])
    assert service_waiting(server, PROPERTY_TAX) == 1

    # X: the citizen did not come; the history offers "came back" during the grace period.
    press(page, "n")
    expect(current).to_have_text(a3)
    press(page, "x")
    expect(current).to_have_text("—")
    expect(history.first).to_contain_text(a3)
    expect(history.first).to_contain_text("No-show")
    expect(history.first.get_by_role("button", name="Came back")).to_be_visible()

    # P puts the ticket on hold; with nobody at the desk P takes it back up.
    press(page, "n")
    expect(current).to_have_text(a4)
    expect(waiting).to_have_text("0")
    press(page, "p")
    expect(current).to_have_text("—")
    on_hold = page.locator("#current .ws-list li")
    expect(on_hold).to_have_count(1)
    expect(on_hold).to_contain_text(a4)
    expect(on_hold.get_by_role("button")).to_have_text(re.compile(r"Resume\s*P"))
    press(page, "p")
    expect(current).to_have_text(a4)
    expect(on_hold).to_have_count(0)

    # F finishes as shown (served).
    press(page, "f")
    expect(current).to_have_text("—")
    expect(history.first).to_contain_text(a4)
    expect(history.first).to_contain_text("Served")
    expect(history.locator(".ws-code")).to_have_text([a4, a3, a1])

    # B: a break with a reason. Escape first cancels, then the focus stays in the dialog.
    brk = page.locator("#break-dialog")
    press(page, "b")
    expect(brk).to_be_visible()
    assert focus(page)["value"] == "short" and focus(page)["visible"]
    assert_focus_trapped(page, brk, stops=3)  # reason, Start the break, Cancel
    page.keyboard.press("Escape")
    expect(brk).to_be_hidden()
    expect(state).to_contain_text("Open")
    press(page, "b")
    expect(brk).to_be_visible()
    page.keyboard.press("ArrowDown")
    assert focus(page)["value"] == "lunch"
    page.keyboard.press("Enter")
    expect(state).to_contain_text("On a break · Lunch")
    expect(page.locator("#current .btn-next")).to_be_disabled()

    # B again ends the break, and N works again (on an empty queue it says so).
    press(page, "b")
    expect(state).to_contain_text("Open")
    expect(state).not_to_contain_text("On a break")
    expect(brk).to_be_hidden()
    press(page, "n")
    expect(page.locator("#alerts")).to_contain_text("Nobody is waiting")

    # With a Macedonian keyboard layout the N key types "н": it still calls the next ticket.
    a5 = issue_ticket(server, BIRTH_CERTIFICATE)["code"]
    expect(waiting).to_have_text("1")
    wait_idle(page)
    page.evaluate(
        """() => ["keydown", "keyup"].forEach((type) => document.body.dispatchEvent(
             new KeyboardEvent(type, {key: "н", code: "KeyN", bubbles: true})))"""
    )
    expect(current).to_have_text(a5)


@pytest.mark.browser
def test_pressing_call_next_twice_in_a_row_calls_one_ticket_and_raises_no_alarm(
    server, new_context
):
    """A second N while the first call is on its way is dropped in the browser: one ticket is
    called, and the clerk is not told (wrongly) that the counter changed meanwhile."""
    first, second = (issue_ticket(server, BIRTH_CERTIFICATE)["code"] for _ in range(2))
    page = new_context(CLERK_VIEWPORT).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, server, "ana")
    page.locator(".counter-tile").filter(
        has=page.locator(".counter-tile-no").filter(has_text=re.compile(r"^\s*1\s*$"))
    ).click()
    expect(page).to_have_url(re.compile(r"/clerk/counters/\d+$"))
    wait_live(page)
    wait_idle(page)
    page.keyboard.press("n")
    page.keyboard.press("n")  # at once: the first call is still on its way
    expect(page.locator("#current .ws-ticket")).to_have_text(first)
    wait_idle(page)
    expect(page.locator("#queue ol.ws-list .ws-code")).to_have_text([second])
    expect(page.locator("#alerts .alert")).to_have_count(0)
    assert service_waiting(server, BIRTH_CERTIFICATE) == 1
    assert errors == []
