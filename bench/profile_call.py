"""Where does one "call next" request spend its time? cProfile of the view, in-process.

Builds the app on a temporary SQLite file (or a fresh PostgreSQL database with --postgres),
loads the demo data, logs in as the demo clerk through the Flask test client and makes
--calls calls to POST /clerk/counters/<id>/next (no Socket.IO clients connected, so the
emit costs almost nothing: this is the request's own work). Prints the wall time per call
and the top functions by cumulative time.

    python bench/profile_call.py --calls 200
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import re
import time

import _common as c


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--what", choices=["next", "issue", "state"], default="next",
                        help="profile call next, the API's ticket issue, or only the board render")
    args = parser.parse_args()
    if not 1 <= args.calls <= 5000:
        parser.error("--calls must be 1..5000")

    from kiosk import create_app
    from kiosk.cli import prepare_database
    from kiosk.extensions import db

    database = c.fresh_postgres() if args.postgres else c.fresh_sqlite()
    with database as url:
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "DEMO_DATA": True})
        with app.app_context():
            prepare_database(demo=True)
            db.session.remove()
        client = app.test_client()
        plain_runs = min(args.calls, 200)
        for _ in range(args.calls + plain_runs + 5):
            r = client.post("/api/v1/offices/centar/tickets",
                            json={"service": c.SERVICE_OF_COUNTER_1})
            assert r.status_code == 201, r.get_data(as_text=True)
        page = client.get("/login").get_data(as_text=True)
        token = c.CSRF_INPUT.search(page).group(1)
        landing = client.post("/login", data={"username": c.CLERK[0], "password": c.CLERK[1],
                                              "csrf_token": token}, follow_redirects=True)
        header = c.CSRF_HEADER.search(landing.get_data(as_text=True)).group(1)
        counter = c.counter_id(url, "centar", 1)
        assert re.search(rf"/clerk/counters/{counter}\b", landing.get_data(as_text=True))

        def once():
            if args.what == "next":
                r = client.post(f"/clerk/counters/{counter}/next",
                                headers={"X-CSRFToken": header, "HX-Request": "true"})
                assert r.status_code == 200, r.status_code
            elif args.what == "issue":
                r = client.post("/api/v1/offices/centar/tickets", json={"service": "MK-KV-004"})
                assert r.status_code == 201, r.status_code
            else:
                from kiosk import realtime
                from kiosk.models import Office

                with app.test_request_context():
                    office = db.session.scalar(db.select(Office).filter_by(slug="centar"))
                    realtime.push_office(office)  # what the pusher thread does after a change
                    db.session.remove()

        for _ in range(3):  # warm-up: templates compiled, statements cached
            once()
        profiler = cProfile.Profile()
        times = []
        for _ in range(args.calls):
            t0 = time.perf_counter()
            profiler.enable()
            once()
            profiler.disable()
            times.append(time.perf_counter() - t0)
        # without the profiler too: its overhead inflates the figures above
        plain = []
        for _ in range(plain_runs):
            t0 = time.perf_counter()
            once()
            plain.append(time.perf_counter() - t0)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()

    print(f"{args.what} on {'PostgreSQL' if args.postgres else 'SQLite'}, profiled: "
          f"{c.summary_ms(times)}")
    print(f"without the profiler: {c.summary_ms(plain)}")
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(args.top)
    print(out.getvalue())
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(20)
    print(out.getvalue())


if __name__ == "__main__":
    main()
