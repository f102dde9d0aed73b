"""Kiosk pages: bytes transferred and time to paint, from the local server, in Chromium.

Starts its own ``python -m kiosk`` on a temporary SQLite file (demo data, every office open all
day) and opens each screen a citizen meets, ``--runs`` times, each time in a fresh browser
context (an empty cache, as a kiosk after a restart):

- full page loads: the start screen (Kisela Voda in Macedonian, English and Albanian; Haskovo
  in Bulgarian and Turkish), a topic, a life event, all
  services, the search screen, a service's page, its printable checklist, the phone page of a
  ticket (``/t/<token>``) and the A4 information sheet. Bytes = every response of the load
  (document, CSS, scripts, fonts, images: headers and bodies as sent); paint = the browser's
  first-contentful-paint and the load event, from the start of the navigation;
- the same full page loads in one tab kept open, as a kiosk's is, with its HTTP cache emptied
  (``Network.clearBrowserCache``) and its cookies cleared before each load: every byte comes
  from the server again (the same responses and sizes), but the browser's renderer process is
  already running, as it is on a kiosk in use (a fresh context starts a new one, and its
  start-up shares the machine's two cores with the page);
- the screens a kiosk swaps in with htmx from its start screen: a service's page (tap a tile),
  search results (a query typed), the ticket (tap "Take a ticket"). Bytes = the fragment's
  response; time = from the tap (or the query) to the next frame after htmx settled it.

Every page is loaded once, unmeasured, before its runs: a running office rendered it long
ago (``python -m kiosk`` compiles the templates at start; the first use of each query is
still slower).

Targets (issue 3): every kiosk page under 100 KB transferred, painted in under 300 ms.

    .venv/bin/python bench/kiosk_pages.py --runs 5
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import urllib.request

import _common as c

# Chromium 156 opens a renderer of its own for the address bar's popup (chrome://omnibox-popup,
# about 400 modules, 170-270 ms of CPU) with every new window: here, with every fresh context,
# beside the page being measured on a 2-core machine. A kiosk opens its window once, at boot;
# the bench turns that preloading off so that it measures the page, not the browser's own UI.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-features=WebUIOmniboxPopup,WebUIOmniboxFullPopup,PreloadTopChromeWebUI"]
KIOSK = {"width": 1080, "height": 1920}
PHONE = {"width": 390, "height": 844}
BYTES_TARGET = 100 * 1024
PAINT_TARGET_MS = 300

PAINT = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const fcp = performance.getEntriesByName("first-contentful-paint")[0];
  return {fcp: fcp ? fcp.startTime : null, load: nav ? nav.loadEventEnd : null};
}"""

# Starts a timer: window.__swap resolves with the ms from now to the first frame after htmx
# settles the next swap. (Kept on window: Playwright's evaluate waits for a returned promise.)
SWAP_TIMER = """() => { window.__swap = new Promise(resolve => {
  const t0 = performance.now();
  document.body.addEventListener("htmx:afterSettle", () =>
    requestAnimationFrame(() => resolve(performance.now() - t0)), {once: true});
}); }"""


def issue_ticket(base: str, service: str = c.SERVICE_OF_COUNTER_1) -> dict:
    request = urllib.request.Request(
        f"{base}/api/v1/offices/centar/tickets",
        data=json.dumps({"service": service}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def first_link(base: str, pattern: str) -> str:
    with urllib.request.urlopen(f"{base}/kiosk/centar?lang=en", timeout=10) as response:
        html = response.read().decode()
    match = re.search(pattern, html)
    if not match:
        raise SystemExit(f"no link matching {pattern!r} on the start screen")
    return match.group(0)


def record_xhrs(page) -> list:
    """The page's XMLHttpRequests from now on (htmx's), as they finish."""
    xhrs: list = []
    page.on("requestfinished", lambda r: r.resource_type == "xhr" and xhrs.append(r))
    return xhrs


def transferred(request) -> int:
    sizes = request.sizes()
    return sizes["responseHeadersSize"] + sizes["responseBodySize"]


def load(browser, url: str, viewport: dict) -> tuple[int, int, float, float]:
    """Open ``url`` in a fresh context; (bytes, responses, fcp ms, load ms)."""
    context = browser.new_context(viewport=viewport, has_touch=True, locale="en-GB")
    context.add_init_script("window.print = () => {};")  # the checklist prints by itself
    page = context.new_page()
    done = []
    page.on("requestfinished", lambda r: done.append(r))
    page.goto(url, wait_until="load")
    page.wait_for_timeout(300)  # late requests (the socket's handshake is not counted: WS)
    timing = page.evaluate(PAINT)
    total = sum(transferred(r) for r in done)
    context.close()
    return total, len(done), timing["fcp"], timing["load"]


class RunningTab:
    """One tab per screen size, kept open like a kiosk's: before each load its HTTP cache is
    emptied and its cookies cleared, so that only the browser's own process is warm."""

    def __init__(self, browser):
        self.browser = browser
        self.tabs: dict[str, tuple] = {}

    def load(self, url: str, viewport: dict) -> float:
        """Open ``url`` in the tab for ``viewport``; the first-contentful-paint in ms."""
        key = f"{viewport['width']}x{viewport['height']}"
        if key not in self.tabs:
            context = self.browser.new_context(viewport=viewport, has_touch=True,
                                               locale="en-GB")
            context.add_init_script("window.print = () => {};")
            page = context.new_page()
            self.tabs[key] = (context, page, context.new_cdp_session(page))
        context, page, cdp = self.tabs[key]
        page.goto("about:blank")
        cdp.send("Network.clearBrowserCache")
        context.clear_cookies()
        page.goto(url, wait_until="load")
        page.wait_for_timeout(100)
        return page.evaluate(PAINT)["fcp"]

    def close(self) -> None:
        for context, _page, _cdp in self.tabs.values():
            context.close()


def swap(browser, url: str, action, before=None) -> tuple[int, float]:
    """On a loaded screen (after ``before``), do ``action``; (bytes of the XHRs, ms to the
    painted swap)."""
    context = browser.new_context(viewport=KIOSK, has_touch=True, locale="en-GB")
    context.add_init_script("window.print = () => {};")  # a new ticket prints by itself
    page = context.new_page()
    page.goto(url, wait_until="load")
    if before:
        before(page)
    page.wait_for_timeout(300)
    xhrs = record_xhrs(page)
    page.evaluate(SWAP_TIMER)
    action(page)
    ms = page.evaluate("() => window.__swap")
    page.wait_for_timeout(200)
    total = sum(transferred(r) for r in xhrs)
    context.close()
    return total, ms


def tap_service(page) -> None:
    page.locator(".k-tile-service").first.tap()


def open_service(page) -> None:
    tap_service(page)
    page.locator(".k-take").wait_for()


def take_ticket(page) -> None:
    page.locator(".k-take").tap()


def type_query(page) -> None:
    page.locator("#k-search-input").fill("izvod")  # htmx waits 150 ms for the next key first


def row(name: str, sizes: list[int], times: list[float], count: int | None = None) -> bool:
    size = max(sizes)
    p50 = statistics.median(times)
    worst = max(times)
    ok = size < BYTES_TARGET and worst < PAINT_TARGET_MS
    extra = f" in {count} responses" if count else ""
    print(
        f"  {name:<34} {size / 1024:6.1f} KB{extra:<16} paint p50 {p50:6.1f} ms, "
        f"max {worst:6.1f} ms  {'ok' if ok else 'MISSED'}"
    )
    return ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    c.print_background_load()
    with c.fresh_sqlite() as url:
        server = c.BenchServer(url, demo=True, lifetime=900)
        server.start()
        try:
            c.open_all_day(url)
            base = server.url
            ticket = issue_ticket(base)
            service = first_link(base, r"/kiosk/centar/services/\d+")
            pages = [
                ("start (mk)", f"{base}/kiosk/centar", KIOSK),
                ("start (en)", f"{base}/kiosk/centar?lang=en", KIOSK),
                ("start (sq)", f"{base}/kiosk/centar?lang=sq", KIOSK),
                ("start (bg, Haskovo)", f"{base}/kiosk/haskovo", KIOSK),
                ("start (tr, Haskovo)", f"{base}/kiosk/haskovo?lang=tr", KIOSK),
                ("topic", base + first_link(base, r"/kiosk/centar/categories/[\w-]+"), KIOSK),
                ("life event", base + first_link(base, r"/kiosk/centar/life-events/[\w-]+"), KIOSK),
                ("all services", f"{base}/kiosk/centar/services?lang=en", KIOSK),
                ("search", f"{base}/kiosk/centar/search?lang=en", KIOSK),
                ("service page", f"{base}{service}?lang=en", KIOSK),
                ("checklist", f"{base}{service}/checklist?lang=en", KIOSK),
                ("phone page", f"{base}/t/{ticket['token']}?lang=en", PHONE),
                ("A4 sheet", f"{base}{service}/sheet?lang=en", KIOSK),
            ]
            ok = ok_tab = True
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                try:
                    for _name, page_url, viewport in pages:  # each page's first render (its
                        load(browser, page_url, viewport)    # queries' first use) is not counted
                    print(
                        f"full page loads, empty cache, {args.runs} runs each "
                        "(bytes: the largest run; paint: first-contentful-paint)"
                    )
                    sizes = {}
                    for name, page_url, viewport in pages:
                        results = [load(browser, page_url, viewport) for _ in range(args.runs)]
                        sizes[name] = max(r[0] for r in results)
                        ok &= row(
                            name, [r[0] for r in results], [r[2] for r in results], results[0][1]
                        )
                    loads = [load(browser, pages[0][1], KIOSK)[3] for _ in range(args.runs)]
                    print(f"  (start screen's load event: p50 {statistics.median(loads):.1f} ms)")

                    print(f"full page loads in a running kiosk's tab, HTTP cache emptied before "
                          f"each, {args.runs} runs each (bytes as above)")
                    tab, ok_tab = RunningTab(browser), True
                    try:
                        for name, page_url, viewport in pages:
                            tab.load(page_url, viewport)  # unmeasured, as above
                            times = [tab.load(page_url, viewport) for _ in range(args.runs)]
                            ok_tab &= row(name, [sizes[name]], times)
                    finally:
                        tab.close()

                    print("screens swapped in by htmx (bytes: the fragments; time: from the tap)")
                    url_of = {name: url for name, url, _ in pages}
                    for name, start, action in (
                        ("service page (tap a tile)", url_of["start (en)"], tap_service),
                        ("search results (+150 ms pause)", url_of["search"], type_query),
                    ):
                        results = [swap(browser, start, action) for _ in range(args.runs)]
                        ok &= row(name, [r[0] for r in results], [r[1] for r in results])
                    results = [
                        swap(browser, url_of["start (en)"], take_ticket, before=open_service)
                        for _ in range(args.runs)
                    ]
                    ok &= row(
                        "ticket (tap Take a ticket)",
                        [r[0] for r in results],
                        [r[1] for r in results],
                    )
                finally:
                    browser.close()
        finally:
            server.stop()
    print(f"targets (< {BYTES_TARGET // 1024} KB, < {PAINT_TARGET_MS} ms): "
          f"{'met' if ok else 'MISSED'} in fresh contexts and swaps; "
          f"{'met' if ok_tab else 'MISSED'} in a running tab")
    return 0


if __name__ == "__main__":
    sys.exit(main())
