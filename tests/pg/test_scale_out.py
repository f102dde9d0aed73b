"""Scale-out: two real server processes on one PostgreSQL database, joined by Redis.

A call made on process A must reach a lobby display connected to process B (through the
Socket.IO message queue), quickly, and only the display of the office that changed.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import threading
import time
import urllib.parse
import urllib.request
import warnings

import pytest
import sqlalchemy as sa

from tests.conftest import REDIS_URL, _truncate_postgres
from tests.pairing import pair_token
from tests.servers import LiveServer

pytestmark = pytest.mark.pg

DELIVERY_DEADLINE = 2.0  # seconds from the clerk's POST to the display's "state" event
QUIET_PERIOD = 0.5  # how long the other office's display is watched for stray events

_CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_CSRF_HEADER = re.compile(r'"X-CSRFToken": "([^"]+)"')


@pytest.fixture(scope="module")
def redis_url():
    """The Redis server the processes share, or a skip that says why it cannot be used."""
    import redis

    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
        client.close()
    except Exception as exc:  # any failure to reach it is a reason to skip
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {exc}")
    return REDIS_URL


class LoggedServer(LiveServer):
    """A LiveServer whose log file handle, left open by ``LiveServer.start``, warns no error.

    ``LiveServer.start`` opens ``log_path`` for the child and never closes its own copy; the
    ResourceWarning at garbage collection would fail the test (warnings are errors here).
    """

    def start(self, timeout: float = 30) -> LiveServer:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            return super().start(timeout)


@pytest.fixture
def two_servers(postgres_database, redis_url, tmp_path):
    """Processes A and B on the same emptied PostgreSQL database, with the demo data loaded."""
    _truncate_postgres(postgres_database)  # other tests may have left rows; the demo needs none
    # One after the other: the first start loads the demo data, the second finds it there.
    a = LoggedServer(postgres_database, message_queue=redis_url, demo=True, lifetime=300,
                   log_path=tmp_path / "server-a.log")
    b = LoggedServer(postgres_database, message_queue=redis_url, demo=True, lifetime=300,
                   log_path=tmp_path / "server-b.log")
    try:
        a.start()
        b.start()
        yield a, b
    finally:
        b.stop()
        a.stop()


class Display:
    """A lobby display: a Socket.IO client in an office's display room that keeps its events.

    Like a real screen it is paired first (on the other process: they share the database)."""

    def __init__(self, server: LiveServer, office: str, pair_on: LiveServer):
        import socketio

        self.events: list[tuple[float, dict]] = []
        self._arrived = threading.Condition()
        self.client = socketio.Client(reconnection=False)
        self.client.on("state", self._on_state)
        token = pair_token(pair_on, office=office)
        self.client.connect(server.url,
                            auth={"office": office, "view": "display", "token": token},
                            transports=["websocket"], wait_timeout=10)

    def _on_state(self, data):
        with self._arrived:
            self.events.append((time.perf_counter(), data))
            self._arrived.notify_all()

    def wait_for(self, predicate, deadline: float):
        """The first event (time, data) that matches, or None when the deadline passes."""
        with self._arrived:
            while True:
                for event in self.events:
                    if predicate(event[1]):
                        return event
                left = deadline - time.perf_counter()
                if left <= 0:
                    return None
                self._arrived.wait(min(left, 0.05))

    def clear(self) -> None:
        with self._arrived:
            self.events.clear()

    def close(self) -> None:
        if self.client.connected:
            self.client.disconnect()


class Browser:
    """A member of staff's browser: cookies kept, CSRF tokens read off the pages."""

    def __init__(self, base_url: str):
        self.base = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=10) as response:
            return response.read().decode()

    def post(self, path: str, data: dict | None = None, headers: dict | None = None):
        body = urllib.parse.urlencode(data or {}).encode()
        request = urllib.request.Request(self.base + path, data=body, headers=headers or {},
                                         method="POST")
        with self.opener.open(request, timeout=10) as response:
            return response.status, response.read().decode()

    def login(self, username: str, password: str) -> str:
        """Log in through the form; return the page the login lands on."""
        match = _CSRF_INPUT.search(self.get("/login"))
        assert match, "no csrf_token input on /login"
        _, page = self.post("/login", {"username": username, "password": password,
                                       "csrf_token": match.group(1)})
        return page


def issue_ticket(server: LiveServer, office: str, service: str) -> dict:
    request = urllib.request.Request(
        f"{server.url}/api/v1/offices/{office}/tickets",
        data=json.dumps({"service": service}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201
        return json.loads(response.read())


def counter_id(database_url: str, office: str, number: int) -> int:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(
                sa.text("SELECT counter.id FROM counter"
                        " JOIN office ON office.id = counter.office_id"
                        " WHERE office.slug = :office AND counter.number = :number"),
                {"office": office, "number": number},
            ).scalar_one()
    finally:
        engine.dispose()


def _called_on_board(code: str):
    """Whether a board fragment shows this ticket as the one just called."""
    pattern = re.compile(r'class="d-call-number"[^>]*>\s*' + re.escape(code) + r"\s*<")
    return lambda data: bool(pattern.search(data.get("html", "")))


def _log_tail(server: LiveServer) -> str:
    try:
        return server.log_path.read_text(errors="replace")[-3000:]
    except OSError:
        return "(no log)"


def test_a_call_on_one_process_reaches_the_displays_on_the_other(two_servers, postgres_database):
    a, b = two_servers
    centar = Display(b, "centar", pair_on=a)
    drachevo = Display(b, "drachevo", pair_on=a)
    try:
        # Counter 1 of the demo's centar office serves queue A (MK-KV-001 is in it); centar
        # keeps no opening hours, so the kiosk API issues at any hour.
        ticket = issue_ticket(a, "centar", "MK-KV-001")
        assert ticket["code"].startswith("A")

        browser = Browser(a.url)
        landing = browser.login("ana", "clerk-demo-2026")
        token = _CSRF_HEADER.search(landing)
        assert token, f"no X-CSRFToken on the page after login: {landing[:300]}"
        counter = counter_id(postgres_database, "centar", 1)
        assert f"/clerk/counters/{counter}" in landing, "ana's counter page lists counter 1"

        # Whatever the issue pushed is behind us; only the call counts from here.
        centar.clear()
        drachevo.clear()
        sent = time.perf_counter()
        status, _ = browser.post(f"/clerk/counters/{counter}/next",
                                 headers={"X-CSRFToken": token.group(1), "HX-Request": "true"})
        assert status == 200

        event = centar.wait_for(_called_on_board(ticket["code"]), sent + DELIVERY_DEADLINE)
        assert event is not None, (
            f"the display on B saw no board calling {ticket['code']} within "
            f"{DELIVERY_DEADLINE}s; it got {len(centar.events)} event(s).\n"
            f"A:\n{_log_tail(a)}\nB:\n{_log_tail(b)}"
        )
        received, data = event
        assert received - sent < DELIVERY_DEADLINE
        assert isinstance(data["version"], int) and data["version"] > 0

        # The other office's display heard nothing of centar's call...
        time.sleep(QUIET_PERIOD)
        assert drachevo.events == [], "drachevo's display received centar's update"
        assert not any(ticket["code"] in d.get("html", "") for _, d in drachevo.events)

        # ...yet it is live: a change at drachevo (made on A) does reach it, and not centar's.
        # (Drachevo keeps opening hours, so its clerk opening a counter is the change that
        # works at any hour; issuing a ticket there may be refused.)
        seen_by_centar = len(centar.events)
        besnik = Browser(a.url)
        landing = besnik.login("besnik", "clerk-demo-2026")
        token = _CSRF_HEADER.search(landing)
        assert token, "no X-CSRFToken on besnik's page after login"
        status, _ = besnik.post(f"/clerk/counters/{counter_id(postgres_database, 'drachevo', 1)}"
                                "/open", headers={"X-CSRFToken": token.group(1),
                                                  "HX-Request": "true"})
        assert status in (200, 204)
        got = drachevo.wait_for(lambda d: "html" in d, time.perf_counter() + DELIVERY_DEADLINE)
        assert got is not None, "drachevo's display on B got no update for its own office"
        time.sleep(QUIET_PERIOD)
        assert len(centar.events) == seen_by_centar, "centar's display received drachevo's update"
    finally:
        centar.close()
        drachevo.close()
