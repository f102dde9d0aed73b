"""The citizen's screens pass axe-core with no serious or critical violations, in every
interface language, in the normal look and in the high-contrast and larger-text modes.

axe-core is vendored in tests/e2e/vendor/ (a test tool: kiosks never load it) and injected into
each page. One server and one browser page serve the whole module; each case opens its screen
the way a citizen would (taps), so a new screen is one entry in SCREENS.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect

from config import Config
from tests.e2e.conftest import DEFAULT_TIMEOUT_MS, KIOSK_VIEWPORT, wait_idle
from tests.servers import LiveServer

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"

# Every interface language the application offers (a language added to the config is audited).
LANGUAGES = list(Config.LANGUAGES)

# The footer buttons each mode taps; "normal" taps none.
MODES = {
    "normal": (),
    "high-contrast": ("high-contrast",),
    "large-text": ("large-text",),
}

# WCAG 2.x A and AA plus axe's best practices; only serious and critical findings fail.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
FAILING_IMPACTS = {"serious", "critical"}
# The modes change only styles, never the markup: in them, the rules that read styles are
# enough (names, roles, landmarks and lang attributes are checked in the normal look).
STYLE_RULES = ["color-contrast", "link-in-text-block", "target-size", "scrollable-region-focusable"]

OFFICE = "centar"  # Macedonian, Albanian, Bulgarian, English
OFFICE_OF = {"tr": "haskovo"}  # a kiosk offers only its office's languages


@dataclass(frozen=True)
class Screen:
    """A citizen's screen: how to reach it from the start screen in the given language."""

    name: str
    open: Callable  # (page, server, lang) -> None; the start screen is already open
    kiosk: bool = True  # False: not the kiosk (the phone page has no kiosk modes)


def on_screen(page, name: str) -> None:
    """Wait until the kiosk shows this screen (its <main id="screen" data-screen>)."""
    expect(page.locator("#screen")).to_have_attribute("data-screen", name)
    wait_idle(page)


def _start(page, server, lang):
    on_screen(page, "start")


def _search(page, server, lang):
    page.locator(".k-searchbox").tap()
    on_screen(page, "search")


def _search_results(page, server, lang):
    # The first word of a service shown on the start screen: a search that finds something.
    word = page.locator(".k-tile-service .k-service-name").first.inner_text().split()[0]
    _search(page, server, lang)
    page.locator("#k-search-input").fill(word)
    expect(page.locator("#k-results a").first).to_be_visible()
    wait_idle(page)


def _topic(page, server, lang):
    page.locator(".k-tile-group:not(.k-tile-all)").first.tap()
    on_screen(page, "group")


def _life_event(page, server, lang):
    page.locator(".k-tile-event").first.tap()
    on_screen(page, "group")


def _priority(page, server, lang):
    page.locator(".k-modes .k-mode").tap()
    on_screen(page, "start")
    expect(page.locator("#screen")).to_have_class(re.compile(r"\bk-priority-mode\b"))


def _all_services(page, server, lang):
    page.locator(".k-tile-all").tap()
    on_screen(page, "group")


def _service(page, server, lang):
    page.locator(".k-tile-service").first.tap()
    on_screen(page, "service")


def _ticket(page, server, lang):
    _service(page, server, lang)
    page.locator("button.k-take").tap()
    on_screen(page, "ticket")


def _checklist(page, server, lang):
    _service(page, server, lang)
    page.locator(".k-print-checklist").tap()
    on_screen(page, "checklist")


def _help(page, server, lang):
    page.locator(".k-footer [data-kiosk-open='k-help']").tap()
    expect(page.locator("#k-help")).to_be_visible()


def _idle_warning(page, server, lang):
    # The warning as the idle timer opens it (the timer itself: test_kiosk_access.py).
    page.evaluate("() => document.getElementById('k-idle').showModal()")
    expect(page.locator("#k-idle")).to_be_visible()


def _phone(page, server, lang):
    # The QR code on the ticket leads here; the test reads the newest ticket's token instead.
    _ticket(page, server, lang)
    with sqlite3.connect(f"file:{server.database_path}?mode=ro", uri=True) as db:
        (token,) = db.execute("SELECT token FROM ticket ORDER BY id DESC LIMIT 1").fetchone()
    page.goto(f"{server.url}/t/{token}?lang={lang}")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    wait_idle(page)


def _phone_missing(page, server, lang):
    page.goto(f"{server.url}/t/no-such-ticket?lang={lang}")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    wait_idle(page)


SCREENS = [
    Screen("start", _start),
    Screen("search", _search),
    Screen("search-results", _search_results),
    Screen("priority", _priority),
    Screen("topic", _topic),
    Screen("life-event", _life_event),
    Screen("all-services", _all_services),
    Screen("service", _service),
    Screen("ticket", _ticket),
    Screen("checklist", _checklist),
    Screen("help", _help),
    Screen("idle-warning", _idle_warning),
    Screen("phone", _phone, kiosk=False),
    Screen("phone-missing", _phone_missing, kiosk=False),
]

CASES = [
    pytest.param(screen, lang, mode, id=f"{screen.name}-{lang}-{mode}")
    for screen in SCREENS
    for lang in LANGUAGES
    for mode in (MODES if screen.kiosk else ["normal"])
]


@pytest.fixture(scope="module")
def audit_server(tmp_path_factory):
    """One kiosk server for the module: tickets stay on screen, the idle reset stays away."""
    database = tmp_path_factory.mktemp("a11y") / "kiosk.db"
    live = LiveServer(
        f"sqlite:///{database}",
        extra_env={"KIOSK_KIOSK_TICKET_SECONDS": "600", "KIOSK_KIOSK_IDLE_SECONDS": "3600"},
        lifetime=600,
    )
    live.database_path = database
    live.start()
    # Every office issues at any hour (Haskovo keeps real hours), so each screen can be reached.
    with sqlite3.connect(database) as conn:
        conn.execute("UPDATE office SET opening_hours = '{}'")
    conn.close()
    yield live
    live.stop()


@pytest.fixture(scope="module")
def kiosk_page(browser, audit_server):
    """One portrait touch-screen page reused by every case of the module."""
    from tests.e2e.conftest import COUNT_XHR, NO_PRINT

    context = browser.new_context(viewport=KIOSK_VIEWPORT, has_touch=True, locale="en-GB")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS * 2)
    context.add_init_script(COUNT_XHR)
    context.add_init_script(NO_PRINT)  # the ticket and checklist cases would print
    page = context.new_page()
    yield page
    context.close()


def open_start(page, server: LiveServer, lang: str, mode: str) -> None:
    """Open the start screen in this language with a fresh citizen session, then tap the mode."""
    page.goto(f"{server.url}/kiosk/{OFFICE_OF.get(lang, OFFICE)}?lang={lang}")
    page.evaluate("() => { sessionStorage.clear(); window.kioskModes.apply(); }")
    for button in MODES[mode]:
        toggle = page.locator(f".k-footer [data-kiosk-mode='{button}']")
        toggle.tap()
        expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    wait_idle(page)


def axe_violations(page, rules: list[str] | None = None) -> list[dict]:
    """Run axe-core on the page as it is now; return the serious and critical violations."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    options = AXE_OPTIONS
    if rules:
        options = {**AXE_OPTIONS, "runOnly": {"type": "rule", "values": rules}}
    results = page.evaluate("options => window.axe.run(document, options)", options)
    return [v for v in results["violations"] if v["impact"] in FAILING_IMPACTS]


def describe(violations: list[dict]) -> str:
    """A failure message a person can act on: rule, help, and where."""
    lines = []
    for v in violations:
        lines.append(f"{v['impact']}: {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"    {json.dumps(node['target'])}: {node['failureSummary']!r}")
    return "\n".join(lines)


def horizontal_overflow(page) -> list[str]:
    """Elements of the kiosk screen that stick out sideways or clip their text."""
    return page.evaluate(
        """() => {
          const out = [];
          const width = document.documentElement.clientWidth;
          if (document.documentElement.scrollWidth > width + 1)
            out.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
          for (const el of document.querySelectorAll(
              'body :is(h1, h2, h3, p, li, a, button, label, span):not(svg *)')) {
            const box = el.getBoundingClientRect();
            // Skip what is not drawn, and text kept for screen readers only (1 px boxes).
            if (box.width < 2 || getComputedStyle(el).visibility === 'hidden') continue;
            if (box.right > width + 1 || box.left < -1)
              out.push(`${el.tagName.toLowerCase()}.${el.className}: ${box.left}..${box.right}`);
            else if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0)
              out.push(`${el.tagName.toLowerCase()}.${el.className}: text wider than its box`);
          }
          return out.slice(0, 10);
        }"""
    )


@pytest.mark.browser
@pytest.mark.parametrize(("screen", "lang", "mode"), CASES)
def test_kiosk_screen_has_no_serious_accessibility_violations(
    kiosk_page, audit_server, screen, lang, mode
):
    open_start(kiosk_page, audit_server, lang, mode)
    screen.open(kiosk_page, audit_server, lang)
    wait_idle(kiosk_page)

    violations = axe_violations(kiosk_page, None if mode == "normal" else STYLE_RULES)

    assert not violations, f"{screen.name} ({lang}, {mode}):\n{describe(violations)}"
    overflow = horizontal_overflow(kiosk_page)
    assert not overflow, f"{screen.name} ({lang}, {mode}): text does not fit: {overflow}"
