"""How long Python's cycle collector stops a server process, before and after ``gc.freeze()``.

A Flask-SocketIO server runs every clerk's call, kiosk page and display update in one
process; while the collector walks the objects of the oldest generation (a full collection),
none of them runs. ``python -m kiosk`` freezes what exists once it has started
(``kiosk.__main__``): the app, its modules, compiled templates and statements live as long as
the process, and the collector no longer walks them.

This bench starts the app as ``python -m kiosk`` does (a temporary SQLite file, migrations,
the demo data, every template compiled), serves each kind of page ``--requests`` times in
process (kiosk start screen, a service, the lobby display, the clerk's workstation, "call
next" through the calls group), then times ``--collections`` full collections
(``gc.collect()``), freezes, serves the same pages again and times the collections again.
It prints the objects the collector tracks and the pause of a full collection, both ways.

    .venv/bin/python bench/gc_pause.py
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import _common as c  # noqa: E402


def serve_pages(client, requests: int) -> None:
    """The pages and actions of an office day, ``requests`` times each."""
    urls = ["/kiosk/centar", "/kiosk/centar/services/1", "/kiosk/centar/search/results?q=pasos",
            "/display/centar", "/clerk/counters/1"]
    for _ in range(requests):
        for url in urls:
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
        ticket = client.post("/api/v1/offices/centar/tickets", json={"service": "MK-KV-001"})
        if ticket.status_code != 201:
            raise SystemExit(f"issuing a ticket answered {ticket.status_code}: {ticket.text}")
        called = client.post("/clerk/counters/1/next", headers={"HX-Request": "true"})
        if called.status_code != 200:
            raise SystemExit(f"call next answered {called.status_code}")


def full_collections(n: int) -> list[float]:
    pauses = []
    for _ in range(n):
        t0 = time.perf_counter()
        gc.collect()
        pauses.append((time.perf_counter() - t0) * 1000)
    return pauses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=20, help="each page this many times")
    parser.add_argument("--collections", type=int, default=5)
    args = parser.parse_args()
    if not 1 <= args.requests <= 1000 or not 1 <= args.collections <= 100:
        parser.error("--requests must be 1..1000 and --collections 1..100")

    from kiosk import create_app
    from kiosk.__main__ import _compile_templates, _freeze_what_lives_on
    from kiosk.cli import prepare_database

    c.print_background_load()
    with tempfile.TemporaryDirectory(prefix="kiosk-gc-") as folder:
        url = f"sqlite:///{os.path.join(folder, 'kiosk.db')}"
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "DEMO_DATA": True,
                          "WTF_CSRF_ENABLED": False})
        with app.app_context():
            prepare_database(demo=True)
            _compile_templates(app)
        client = app.test_client()
        login = client.post("/login", data={"username": c.CLERK[0], "password": c.CLERK[1]})
        if login.status_code not in (302, 303):
            raise SystemExit(f"the clerk's login answered {login.status_code}")
        for label, freeze in (("as started", False), ("after gc.freeze()", True)):
            if freeze:
                _freeze_what_lives_on()
            serve_pages(client, args.requests)
            pauses = full_collections(args.collections)
            print(f"{label:18s} objects tracked {len(gc.get_objects()):7d}, frozen"
                  f" {gc.get_freeze_count():7d}; a full collection: median"
                  f" {statistics.median(pauses):.1f} ms, max {max(pauses):.1f} ms")


if __name__ == "__main__":
    main()
