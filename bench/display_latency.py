"""From a clerk's "call next" to a lobby display in Chromium: how long until the display shows
the call, and until it starts announcing it?

Starts its own ``python -m kiosk`` on a temporary SQLite file (demo data) and pairs a display
of "centar" through the real UI (Chromium with --autoplay-policy=no-user-gesture-required).
Times are the page's Date.now() against the POST's time.time(), on the same machine.

1. Update: ``--calls`` calls at ``--rate`` per second (counters 1-4 in turn); the delay from
   the POST being sent to the display's "board-updated" for that ticket.
2. Announcement: ``--announce`` calls, each made once the display is silent again, so that the
   queue is empty. The delay to the chime starting (the announcement's start) and to the first
   spoken language starting. Run twice: first with phrases espeak-ng has never spoken, then,
   after the tickets are reset so that the same numbers come again, with their audio cached.

    .venv/bin/python bench/display_latency.py --calls 300 --rate 2 --announce 15
"""

from __future__ import annotations

import argparse
import sys
import time

import _common as c
from _display_common import BIRTH, CHROMIUM_ARGS, TAX, Clerk, issue, open_display

COUNTERS = [(1, BIRTH), (2, BIRTH), (3, TAX), (4, TAX)]
SHOWN_AND_SILENT = """code => {
  const a = window.kioskAnnouncer;
  const call = document.querySelector("#board .d-call-number");
  return a.log.some(e => e.code === code && e.ended)
    || (call && call.textContent === code && !a.busy() && a.queueLength() === 0);
}"""


def boards(page) -> list[dict]:
    return page.evaluate("() => window.__bench.boards.splice(0)")


def measure_updates(page, clerk, server, calls: int, rate: float) -> list[float]:
    sent: dict[str, float] = {}
    shown: dict[str, float] = {}
    start = time.monotonic()
    for i in range(calls):
        number, service = COUNTERS[i % len(COUNTERS)]
        issue(server.url, service)
        t = clerk.call_next(number)
        sent[clerk.last_code] = t
        if i % 20 == 0:
            for b in boards(page):
                shown.setdefault(b["code"], b["t"] / 1000)
        wait = start + (i + 1) / rate - time.monotonic()
        if wait > 0:
            time.sleep(wait)
    page.wait_for_timeout(2000)
    for b in boards(page):
        shown.setdefault(b["code"], b["t"] / 1000)
    missing = [code for code in sent if code not in shown]
    if missing:
        print(f"  not shown: {len(missing)} {missing[:5]}")
    return [shown[code] - t for code, t in sent.items() if code in shown]


def measure_announcements(page, clerk, server, count: int) -> tuple[list[float], list[float]]:
    sent: dict[str, float] = {}
    for i in range(count):
        page.wait_for_function(
            "() => !window.kioskAnnouncer.busy() && window.kioskAnnouncer.queueLength() === 0",
            timeout=60_000,
        )
        page.wait_for_timeout(300)
        number, service = COUNTERS[i % len(COUNTERS)]
        issue(server.url, service)
        t = clerk.call_next(number)
        sent[clerk.last_code] = t
        # Until the push arrives the display is still silent: wait for this call to be shown
        # and its announcement (if any) to end, or the next call would queue behind it and
        # measure its length.
        page.wait_for_function(SHOWN_AND_SILENT, arg=clerk.last_code, timeout=60_000)
    log = page.evaluate(
        "() => window.kioskAnnouncer.log.map(e => ({code: e.code, chime: e.chime,"
        " first: e.clips.length ? e.clips[0].start : null, errors: e.errors}))"
    )
    chime, first = [], []
    for entry in log:
        if entry["code"] in sent and entry["chime"]:
            chime.append(entry["chime"] / 1000 - sent[entry["code"]])
            if entry["first"]:
                first.append(entry["first"] / 1000 - sent[entry["code"]])
        if entry["errors"]:
            print(f"  audio errors for {entry['code']}: {entry['errors']}")
    return chime, first


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--rate", type=float, default=2.0, help="calls per second")
    parser.add_argument("--announce", type=int, default=15)
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    with c.fresh_sqlite() as url:
        server = c.BenchServer(url, demo=True, lifetime=3600)
        server.start()
        try:
            c.open_all_day(url)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                try:
                    context, page = open_display(browser, server)
                    clerk = Clerk(server.url, url)
                    for n, s in COUNTERS:  # open the counters and settle the page first
                        issue(server.url, s)
                        clerk.call_next(n)
                    page.wait_for_timeout(1000)
                    boards(page)

                    print(f"1. call -> display shows it ({args.calls} calls, {args.rate:g}/s)")
                    delays = measure_updates(page, clerk, server, args.calls, args.rate)
                    print(f"   {c.summary_ms(delays)}")

                    # Start the announcement runs from empty queues and a fresh numbering.
                    c.reset_tickets(url)
                    page.reload()
                    page.wait_for_function(
                        "() => window.kioskSocket && window.kioskSocket.connected"
                    )
                    for label in ("audio made on first use", "audio cached"):
                        chime, first = measure_announcements(page, clerk, server, args.announce)
                        print(f"2. call -> announcement starts (chime), {label}")
                        print(f"   {c.summary_ms(chime)}")
                        print(f"   call -> first language spoken, {label}")
                        print(f"   {c.summary_ms(first)}")
                        c.reset_tickets(url)  # the same numbers again: their audio is cached
                        page.reload()
                        page.wait_for_function(
                            "() => window.kioskSocket && window.kioskSocket.connected"
                        )
                    context.close()
                finally:
                    browser.close()
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
