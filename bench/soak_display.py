"""Soak: a paired lobby display open in Chromium for a long time, with a call every second.

Starts its own ``python -m kiosk`` on a temporary SQLite file (demo data), pairs a display of
"centar" through the real UI, then for ``--minutes`` calls the next ticket every ``--interval``
seconds at counters 1-4 in turn (a ticket is issued through the API before each call, so the
queue never runs dry). It reports:

- the JS heap (after a forced garbage collection) and the DOM size at the start, after the
  first minute and every five minutes, and the change to the end from the first minute (the
  criterion) and from ten minutes (past any warm-up); then what a heap snapshot at 1 min and
  at the end holds: JavaScript values (what a leak in the page's scripts would grow),
  compiled code (V8 optimising the hot functions: it grows while they warm up; htmx swaps
  once a minute kept it growing for ten minutes, see live.js) and native objects (DOM,
  Blink, DevTools' records of the page's requests);
- missed calls: calls whose ticket never appeared on the display at all; and calls that were
  shown only among the last calls, because the next call came in the same push (on a loaded
  machine two calls a moment apart fold into one render: both are on the board, both are
  announced);
- the announcer: calls offered to it, announced (chime and every language), and dropped
  because more than ten were waiting (a call a second is far more than a hall's loudspeaker
  can read out in four languages: about 11 s a call);
- the delay from each call's POST to the display showing it (p50/p99).

Everything stops by itself: the server runs under ``timeout``, the browser closes at the end.

    .venv/bin/python bench/soak_display.py --minutes 30
"""

from __future__ import annotations

import argparse
import sys
import time

import _common as c
from _display_common import (
    BIRTH,
    CHROMIUM_ARGS,
    TAX,
    Clerk,
    heap_breakdown,
    issue,
    mib,
    open_display,
    page_memory,
)


def harvest(page) -> list[dict]:
    """Take the boards the page recorded since the last harvest (the page keeps none)."""
    return page.evaluate("() => window.__bench.boards.splice(0)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between calls")
    args = parser.parse_args(argv)
    duration = args.minutes * 60

    from playwright.sync_api import sync_playwright

    with c.fresh_sqlite() as url:
        server = c.BenchServer(url, demo=True, lifetime=int(duration) + 600)
        server.start()
        try:
            c.open_all_day(url)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                try:
                    return run(browser, server, url, duration, args.interval)
                finally:
                    browser.close()
        finally:
            server.stop()


def run(browser, server, url, duration, interval) -> int:
    context, page = open_display(browser, server)
    cdp = context.new_cdp_session(page)
    clerk = Clerk(server.url, url)
    counters = [(1, BIRTH), (2, BIRTH), (3, TAX), (4, TAX)]
    samples = [("start", 0.0, page_memory(page, cdp))]
    calls: list[tuple[float, str]] = []  # (time.time() of the POST, ticket code called)
    shown: dict[str, float] = {}  # ticket code -> when the display first showed it called
    in_recent: set[str] = set()  # ticket codes the display listed among the last calls
    snapshots: dict[str, dict] = {}  # heap snapshots' breakdown at 1 min and at the end
    errors = 0
    started = time.monotonic()
    next_sample = 60.0
    i = 0
    print(f"soak: {duration / 60:g} min, a call every {interval:g} s", flush=True)
    while (elapsed := time.monotonic() - started) < duration:
        number, service = counters[i % len(counters)]
        i += 1
        try:
            issue(server.url, service)
            sent = clerk.call_next(number)
            calls.append((sent, clerk.last_code))
        except Exception as exc:  # count and go on: the soak is about the display
            errors += 1
            print(f"  call {i} failed: {exc}", file=sys.stderr, flush=True)
        if i % 10 == 0:
            for board in harvest(page):
                if board["code"] and board["code"] not in shown:
                    shown[board["code"]] = board["t"] / 1000
                in_recent.update(board["recent"])
        if elapsed >= next_sample:
            label = "1 min" if next_sample == 60 else f"{next_sample / 60:.0f} min"
            mem = page_memory(page, cdp)
            samples.append((label, elapsed, mem))
            if next_sample == 60:
                snapshots["1 min"] = heap_breakdown(cdp)
            print(
                f"  {label:>6}: heap {mib(mem['heap_used'])}, DOM {mem['dom_nodes']} nodes"
                f" ({mem['dom_in_document']} in the document, {mem['dom_elements']} elements),"
                f" listeners {mem['listeners']},"
                f" calls {len(calls)}",
                flush=True,
            )
            next_sample = 300.0 if next_sample == 60 else next_sample + 300
        wait = started + i * interval - time.monotonic()
        if wait > 0:
            time.sleep(wait)

    page.wait_for_timeout(3000)  # let the last pushes arrive
    for board in harvest(page):
        if board["code"] and board["code"] not in shown:
            shown[board["code"]] = board["t"] / 1000
        in_recent.update(board["recent"])
    samples.append(("end", time.monotonic() - started, page_memory(page, cdp)))
    snapshots["end"] = heap_breakdown(cdp)
    stats = page.evaluate(
        "() => Object.assign({queued: window.kioskAnnouncer.queueLength()},"
        " window.kioskAnnouncer.stats)"
    )
    log = page.evaluate(
        "() => window.kioskAnnouncer.log.filter(e => e.ended && !e.dropped)"
        ".map(e => ({sound: e.sound, errors: e.errors.length,"
        " langs: e.clips.length}))"
    )
    connected = page.evaluate("() => window.kioskSocket.connected")
    context.close()

    folded = [code for _, code in calls if code not in shown and code in in_recent]
    missed = [code for _, code in calls if code not in shown and code not in in_recent]
    delays = [shown[code] - sent for sent, code in calls if code in shown]
    one_min = next(m for label, _, m in samples if label == "1 min")
    end = samples[-1][2]

    def change(key, since=one_min):
        return (end[key] - since[key]) / since[key] * 100

    print()
    print(f"calls made: {len(calls)} ({errors} failed to be made)")
    print(f"missed on the display: {len(missed)}" + (f"  {missed[:10]}" if missed else ""))
    print(
        f"shown only among the last calls (folded with the next call): {len(folded)}"
        + (f"  {folded[:10]}" if folded else "")
    )
    print(f"call -> display showing it: {c.summary_ms(delays)}")
    with_sound = sum(1 for e in log if e["sound"])
    print(
        f"announcer: offered {stats['offered']}, announced {stats['announced']}"
        f" ({with_sound} of the last {len(log)} with sound; with errors: {stats['failed']}),"
        f" dropped (more than 10 waiting, or waiting over 90 s) {stats['dropped']},"
        f" still queued {stats['queued']}"
    )
    print(f"socket connected at the end: {connected}")
    print("memory (JS heap after GC; DOM nodes from the DevTools counters):")
    for label, at, mem in samples:
        print(
            f"  {label:>6} ({at / 60:5.1f} min): heap {mib(mem['heap_used'])}"
            f" (total {mib(mem['heap_total'])}), DOM nodes {mem['dom_nodes']},"
            f" in the document {mem['dom_in_document']}, elements {mem['dom_elements']},"
            f" listeners {mem['listeners']}"
        )
    print(
        f"end vs 1 min: heap {change('heap_used'):+.1f} %, DOM nodes {change('dom_nodes'):+.1f} %,"
        f" elements {change('dom_elements'):+.1f} %"
    )
    # Growth that a warm-up would explain (V8 compiling the page's hot code) is over by ten
    # minutes; growth from there on is what weeks would accumulate.
    ten = next((m for label, _, m in samples if label == "10 min"), None)
    if ten is not None:
        print(f"end vs 10 min: heap {change('heap_used', ten):+.1f} %,"
              f" DOM nodes {change('dom_nodes', ten):+.1f} %")
    print("heap snapshots (self sizes), 1 min -> end:")
    for key, what in (("js", "JavaScript values"), ("code", "compiled code"),
                      ("native", "native (DOM, Blink, DevTools)")):
        before, after = snapshots["1 min"][key], snapshots["end"][key]
        print(f"  {what:<30} {before / 1024:8.1f} KiB -> {after / 1024:8.1f} KiB"
              f" ({(after - before) / before * 100:+.1f} %)")
    ok = not missed and all(
        abs(change(key)) <= 10 for key in ("heap_used", "dom_nodes", "dom_in_document")
    )
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
