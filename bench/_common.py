"""What the benches share: databases made and dropped, server processes, logins, statistics.

Every server binds 127.0.0.1 and stops by itself (``LiveServer`` runs it under ``timeout``);
every PostgreSQL database made here is dropped again, also when the bench fails.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.servers import LiveServer  # noqa: E402

POSTGRES_URL = os.environ.get("KIOSK_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("KIOSK_TEST_REDIS", "redis://127.0.0.1:6379/0")

CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CSRF_HEADER = re.compile(r'"X-CSRFToken": "([^"]+)"')

CLERK = ("ana", "clerk-demo-2026")  # a clerk of the demo's "centar" office
SERVICE_OF_COUNTER_1 = "MK-KV-001"  # counter 1 of "centar" serves queue A, which has this


# --- statistics -----------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (0..100), nearest rank; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def summary_ms(values_s: list[float]) -> str:
    """p50/p90/p99/max of durations given in seconds, printed in milliseconds."""
    if not values_s:
        return "n=0"
    ms = [v * 1000 for v in values_s]
    return (f"n={len(ms)}  p50={pct(ms, 50):.1f}  p90={pct(ms, 90):.1f}  p99={pct(ms, 99):.1f}"
            f"  max={max(ms):.1f}  mean={statistics.fmean(ms):.1f} ms")


# --- databases ------------------------------------------------------------------------------


def check_postgres() -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(f"{POSTGRES_URL}/postgres")
    try:
        with engine.connect():
            pass
    except Exception as exc:
        raise SystemExit(f"PostgreSQL is not reachable at {POSTGRES_URL}: {exc}") from None
    finally:
        engine.dispose()


def check_redis() -> None:
    import redis

    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
        client.close()
    except Exception as exc:
        raise SystemExit(f"Redis is not reachable at {REDIS_URL}: {exc}") from None


@contextlib.contextmanager
def fresh_postgres() -> Iterator[str]:
    """An empty PostgreSQL database, dropped after (the server's start-up migrates it)."""
    import sqlalchemy as sa

    check_postgres()
    name = f"kiosk_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(f"{POSTGRES_URL}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES_URL}/{name}"
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@contextlib.contextmanager
def fresh_sqlite() -> Iterator[str]:
    """An SQLite file in a temporary folder, removed after."""
    folder = tempfile.mkdtemp(prefix="kiosk-bench-")
    try:
        yield f"sqlite:///{folder}/kiosk.db"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def counter_id(database_url: str, office: str, number: int) -> int:
    import sqlalchemy as sa

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


def open_all_day(database_url: str) -> None:
    """Bench set-up: every office issues at any hour, and a queue numbers up to 9999 a day.

    The demo's Drachevo keeps real opening hours (the kiosk refuses tickets outside them) and
    a queue hands out 999 numbers a day: a load test would stop on either.
    """
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("UPDATE office SET opening_hours = '{}'")
            conn.exec_driver_sql("UPDATE queue SET number_max = 9999")
    finally:
        engine.dispose()


def reset_tickets(database_url: str) -> None:
    """Forget every ticket (and its numbers and events), keeping offices, services and users."""
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    try:
        with engine.begin() as conn:
            for table in ("ticket_event", "ticket", "ticket_number"):
                conn.exec_driver_sql(f"DELETE FROM {table}")
    finally:
        engine.dispose()


# --- server processes -----------------------------------------------------------------------


class BenchServer(LiveServer):
    """A LiveServer that logs to a file and can say how much CPU its Python process used."""

    def start(self, timeout: float = 60) -> LiveServer:
        with warnings.catch_warnings():  # LiveServer.start leaves its copy of the log file open
            warnings.simplefilter("ignore", ResourceWarning)
            return super().start(timeout)

    def python_pid(self) -> int | None:
        """The pid of ``python -m kiosk`` (the child of ``timeout``)."""
        if self.process is None:
            return None
        try:
            pid = self.process.pid
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        except OSError:
            return None
        pids = children.split()
        return int(pids[0]) if pids else None

    def pids(self) -> list[int]:
        return [p for p in (self.process.pid if self.process else None, self.python_pid()) if p]

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server's Python process so far."""
        pid = self.python_pid()
        if pid is None:
            return float("nan")
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks


@contextlib.contextmanager
def servers(database_url: str, count: int, *, message_queue: str | None, log_dir: Path,
            lifetime: int = 1800) -> Iterator[list[BenchServer]]:
    """Start ``count`` server processes on one database, one after the other (the first loads
    the demo data and the next ones find it there), and stop them all at the end."""
    started: list[BenchServer] = []
    try:
        for i in range(count):
            server = BenchServer(database_url, message_queue=message_queue, demo=True,
                                 lifetime=lifetime, log_path=log_dir / f"server-{i}.log")
            server.start()
            started.append(server)
        yield started
    finally:
        for server in reversed(started):
            server.stop()


@contextlib.contextmanager
def deployment(mode: str, count_scale: int = 2) -> Iterator[tuple[str, list[BenchServer]]]:
    """``embedded``: one process on an SQLite file. ``scale``: ``count_scale`` processes on a
    fresh PostgreSQL database, joined by Redis. Yields (database_url, servers)."""
    log_dir = Path(tempfile.mkdtemp(prefix="kiosk-bench-logs-"))
    print(f"server logs in {log_dir}", flush=True)
    if mode == "embedded":
        with fresh_sqlite() as url, servers(url, 1, message_queue=None, log_dir=log_dir) as s:
            yield url, s
    elif mode == "scale":
        check_redis()
        with fresh_postgres() as url, servers(url, count_scale, message_queue=REDIS_URL,
                                              log_dir=log_dir) as s:
            yield url, s
    else:
        raise SystemExit(f"unknown mode {mode!r}")


# --- HTTP as a clerk (aiohttp) --------------------------------------------------------------


async def clerk_session(base_url: str, username: str = CLERK[0], password: str = CLERK[1]):
    """An aiohttp session logged in as a clerk, and the CSRF token its pages carry."""
    import aiohttp

    # unsafe=True: keep cookies set by an IP address (127.0.0.1), which aiohttp drops otherwise.
    session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    async with session.get(f"{base_url}/login") as response:
        match = CSRF_INPUT.search(await response.text())
    if not match:
        await session.close()
        raise RuntimeError("no csrf_token input on /login")
    async with session.post(f"{base_url}/login", data={
        "username": username, "password": password, "csrf_token": match.group(1),
    }) as response:
        page = await response.text()
    token = CSRF_HEADER.search(page)
    if not token:
        await session.close()
        raise RuntimeError(f"login as {username} failed: {page[:200]}")
    return session, token.group(1)


async def issue(session, base_url: str, office: str, service: str) -> dict:
    async with session.post(f"{base_url}/api/v1/offices/{office}/tickets",
                            json={"service": service}) as response:
        body = await response.json()
        if response.status != 201:
            raise RuntimeError(f"issuing a ticket failed: {response.status} {body}")
        return body


def now() -> float:
    return time.perf_counter()


class MachineCPU:
    """How busy all cores of the machine were between start() and busy(), from /proc/stat."""

    @staticmethod
    def _read() -> tuple[int, int]:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + fields[4]  # idle + iowait
        return sum(fields) - idle, sum(fields)

    def start(self) -> MachineCPU:
        self._busy, self._total = self._read()
        return self

    def share(self) -> float:
        busy, total = self._read()
        return (busy - self._busy) / max(1, total - self._total)

    def busy(self) -> str:
        return f"{self.share() * 100:.0f}% of {os.cpu_count()} cores"


class OtherWork:
    """CPU used by processes that are not part of the bench, between start() and share().

    The bench's own process, its server processes (and their parent ``timeout``), PostgreSQL
    and Redis are part of it; anything else (a colleague's browser tests, say) is not.
    """

    OURS = ("postgres", "redis-server")

    def __init__(self, pids: list[int] | None = None):
        self.pids = set(pids or []) | {os.getpid()}

    @staticmethod
    def _ticks() -> dict[int, tuple[str, int]]:
        out = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                raw = Path(f"/proc/{entry.name}/stat").read_text()
            except OSError:
                continue
            comm = raw[raw.index("(") + 1:raw.rindex(")")]
            fields = raw.rsplit(")", 1)[1].split()
            out[int(entry.name)] = (comm, int(fields[11]) + int(fields[12]))
        return out

    def start(self) -> OtherWork:
        self._t0 = time.monotonic()
        self._before = self._ticks()
        return self

    def share(self) -> float:
        """Cores' worth of CPU used by other work (1.0 = one whole core)."""
        after = self._ticks()
        ticks = 0
        for pid, (comm, t) in after.items():
            if pid in self.pids or comm in self.OURS or comm.startswith(self.OURS):
                continue
            ticks += t - self._before.get(pid, (comm, 0))[1]
        seconds = time.monotonic() - self._t0
        return ticks / os.sysconf("SC_CLK_TCK") / max(seconds, 1e-6)

    def describe(self) -> str:
        share = self.share()
        flag = "  (SKEWED: other work was running)" if share > 0.2 else ""
        return f"other work on the machine: {share * 100:.0f}% of a core{flag}"


def print_background_load(seconds: float = 2.0) -> None:
    """Wait (a bounded time) for the machine to be quiet, and say how busy it was.

    Other work on the machine skews every figure: up to KIOSK_BENCH_WAIT_QUIET seconds
    (default 300) are spent waiting for a window of ``seconds`` with under 15% busy.
    """
    wait_limit = float(os.environ.get("KIOSK_BENCH_WAIT_QUIET", "300"))
    give_up = time.monotonic() + wait_limit
    while True:
        machine = MachineCPU().start()
        time.sleep(seconds)
        share = machine.share()
        if share < 0.15 or time.monotonic() > give_up:
            break
    load = Path("/proc/loadavg").read_text().split()[:3]
    quiet = "" if share < 0.15 else "  (NOT QUIET: figures are skewed by other work)"
    print(f"machine before the bench: {share * 100:.0f}% of {os.cpu_count()} cores busy over "
          f"{seconds:g} s, load average {' '.join(load)}{quiet}", flush=True)
    print(f"machine speed: {python_loop_ms():.0f} ms for a pure-Python loop of a million"
          " additions (best of 5; compare figures only between runs of similar speed)",
          flush=True)


def python_loop_ms() -> float:
    """The machine's speed for Python code right now: the best of five runs of a loop of a
    million additions, in ms. The VMs these benches run on change speed by 2-3x over
    minutes to hours; the figures of runs at different speeds do not compare."""
    best = float("inf")
    for _ in range(5):
        t0, total = time.perf_counter(), 0
        for i in range(1_000_000):
            total += i
        best = min(best, time.perf_counter() - t0)
    return best * 1000
