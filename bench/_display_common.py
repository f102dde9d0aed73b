"""What the display benches share: a clerk over plain HTTP, tickets through the API, and a
paired lobby display open in Debian's Chromium.

The display is paired through the real UI (tests/pairing.py). Chromium runs as a display
would: ``--autoplay-policy=no-user-gesture-required`` so that the announcements play.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import time
import urllib.parse
import urllib.request

import _common as c

from tests.pairing import pair_page

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--autoplay-policy=no-user-gesture-required",
    "--enable-precise-memory-info",  # performance.memory without rounding
]
CALLED = re.compile(r'<p class="ws-ticket">\s*([A-Z]+\d+)')
BIRTH = "MK-KV-001"  # queue A: counters 1 and 2 of centar serve it first
TAX = "MK-KV-004"  # queue E: counters 3 and 4


class Clerk:
    """The demo clerk ana, logged in over HTTP (cookies, CSRF header), calling at counters."""

    def __init__(
        self,
        base_url: str,
        database_url: str,
        username: str = c.CLERK[0],
        password: str = c.CLERK[1],
    ):
        self.base = base_url
        self.database_url = database_url
        self.http = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        page = self.http.open(f"{base_url}/login", timeout=10).read().decode()
        token = c.CSRF_INPUT.search(page).group(1)
        form = {"username": username, "password": password, "csrf_token": token}
        page = (
            self.http.open(f"{base_url}/login", urllib.parse.urlencode(form).encode(), timeout=10)
            .read()
            .decode()
        )
        self.csrf = c.CSRF_HEADER.search(page).group(1)
        self._counters: dict[int, int] = {}
        self.last_code: str | None = None  # the ticket the last call_next called

    def counter_id(self, number: int, office: str = "centar") -> int:
        if number not in self._counters:
            self._counters[number] = c.counter_id(self.database_url, office, number)
        return self._counters[number]

    def call_next(self, number: int) -> float:
        """Call the next ticket at a counter; return time.time() when the POST went out."""
        request = urllib.request.Request(
            f"{self.base}/clerk/counters/{self.counter_id(number)}/next",
            data=b"",
            headers={"X-CSRFToken": self.csrf, "HX-Request": "true"},
            method="POST",
        )
        sent = time.time()
        with self.http.open(request, timeout=10) as response:
            html = response.read().decode()
            if response.status != 200:
                raise RuntimeError(f"call next at {number}: HTTP {response.status}")
        match = CALLED.search(html)
        self.last_code = match.group(1) if match else None
        return sent


def issue(base_url: str, service: str = BIRTH, office: str = "centar") -> dict:
    """Take a ticket through the JSON API."""
    request = urllib.request.Request(
        f"{base_url}/api/v1/offices/{office}/tickets",
        data=json.dumps({"service": service}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


# A recorder in the page: when each board arrived (by version) and what it showed: the call
# just made and the last calls.
RECORD = """
(() => {
  window.__bench = { boards: [], maxBoards: 4000 };
  document.body.addEventListener("board-updated", (e) => {
    const b = window.__bench.boards;
    const call = document.querySelector("#board .d-call-number");
    const recent = Array.from(
      document.querySelectorAll("#board .d-recent-ticket"), (el) => el.textContent);
    b.push({ v: e.detail.version, t: Date.now(), code: call ? call.textContent : null, recent });
    if (b.length > window.__bench.maxBoards) b.splice(0, b.length - window.__bench.maxBoards);
  });
})();
"""


def open_display(browser, server, viewport=None):
    """A new browser context with a paired lobby display of centar, live and recording."""
    context = browser.new_context(
        viewport=viewport or {"width": 1920, "height": 1080}, locale="en-GB"
    )
    page = context.new_page()
    pair_page(page, server, office="centar", kind="display", volume=60)
    page.wait_for_function(
        "() => window.kioskSocket && window.kioskSocket.connected", timeout=15_000
    )
    page.evaluate(RECORD)
    return context, page


def page_memory(page, cdp) -> dict:
    """JS heap (after a garbage collection) and DOM size of the display page: every node the
    renderer holds (DevTools' counter, detached ones included) and the document's nodes."""
    # Detached nodes go with Blink's own collections, which lag V8's: the counter swings by a
    # board's worth of nodes from one reading to the next. The lowest of three readings is
    # what the page really holds.
    readings = []
    for _ in range(3):
        cdp.send("HeapProfiler.collectGarbage")
        readings.append((cdp.send("Memory.getDOMCounters"), cdp.send("Runtime.getHeapUsage")))
        page.wait_for_timeout(200)
    counters = min((r[0] for r in readings), key=lambda c: c["nodes"])
    heap = min((r[1] for r in readings), key=lambda h: h["usedSize"])
    in_document = page.evaluate(
        """() => {
          const walker = document.createTreeWalker(document, NodeFilter.SHOW_ALL);
          let nodes = 0;
          while (walker.nextNode()) nodes++;
          return {nodes, elements: document.getElementsByTagName('*').length};
        }"""
    )
    return {
        "heap_used": heap["usedSize"],
        "heap_total": heap["totalSize"],
        "dom_nodes": counters["nodes"],
        "dom_in_document": in_document["nodes"],  # elements, text and comments
        "dom_elements": in_document["elements"],
        "listeners": counters["jsEventListeners"],
        "documents": counters["documents"],
    }


def heap_breakdown(cdp) -> dict:
    """What the page's V8 heap holds, by a heap snapshot (after a garbage collection): bytes of
    compiled code (V8 optimising hot functions), of native objects (DOM, Blink, DevTools' own
    records of the page's requests) and of JavaScript values (objects, arrays, closures,
    strings). Only the last would grow with a leak in the page's scripts."""
    chunks: list[str] = []

    def add(params):
        chunks.append(params["chunk"])

    cdp.on("HeapProfiler.addHeapSnapshotChunk", add)
    try:
        cdp.send("HeapProfiler.collectGarbage")
        cdp.send("HeapProfiler.takeHeapSnapshot", {"reportProgress": False})
    finally:
        cdp.remove_listener("HeapProfiler.addHeapSnapshotChunk", add)
    snapshot = json.loads("".join(chunks))
    meta = snapshot["snapshot"]["meta"]
    fields = meta["node_fields"]
    types = meta["node_types"][0]
    nodes = snapshot["nodes"]
    step, kind, size = len(fields), fields.index("type"), fields.index("self_size")
    result = {"code": 0, "native": 0, "js": 0}
    for i in range(0, len(nodes), step):
        node_type = types[nodes[i + kind]]
        key = node_type if node_type in ("code", "native") else "js"
        result[key] += nodes[i + size]
    return result


def mib(n: float) -> str:
    return f"{n / 1048576:.2f} MiB"


def version_of(html_or_state: str) -> int | None:
    m = re.search(r'data-version="(\d+)"', html_or_state)
    return int(m.group(1)) if m else None
