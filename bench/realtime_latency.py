"""From a clerk's "call next" to the board on N lobby displays: how long does it take?

Connects N Socket.IO display clients (``socketio.AsyncClient``, WebSocket only) to the
office "centar", issues enough tickets through the API, then makes ``--calls`` calls through
HTTP (POST /clerk/counters/<id>/next as the demo clerk ana) from the same asyncio loop. The
delay of one delivery is the time the client's "state" handler ran minus the time the POST
was sent, both from ``time.perf_counter`` in this one process.

    embedded: one server process on a temporary SQLite file.
    scale:    two server processes on a fresh PostgreSQL database, joined by Redis; the
              clients are spread half and half over both, the calls are made on the first.

    python bench/realtime_latency.py --clients 200 --calls 30 --mode embedded
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time

import _common as c

from tests.pairing import pair_token

CONNECT_TIMEOUT = 20.0  # seconds for one client to connect
DELIVERY_TIMEOUT = 5.0  # seconds a call waits for all displays before counting the missing


class Call:
    """One call: when its POST went out, and when each client saw the board it produced."""

    def __init__(self, expected: int):
        self.expected = expected
        self.sent = 0.0
        self.answered = 0.0
        self.received: dict[int, float] = {}
        self.versions: set[int] = set()
        self.html = ""
        self.done = asyncio.Event()


class Displays:
    """N display clients whose "state" handlers stamp the arrival time for the current call."""

    def __init__(self):
        self.clients = []
        self.server_of: list[int] = []
        self.current: Call | None = None
        self.stray = 0  # "state" events while no call was being measured

    def _handler(self, index: int):
        async def on_state(data):
            t = time.perf_counter()
            call = self.current
            if call is None:
                self.stray += 1
                return
            if index not in call.received:
                call.received[index] = t
                call.versions.add(data.get("version"))
                if not call.html:
                    call.html = data.get("html", "")
                if len(call.received) == call.expected:
                    call.done.set()
        return on_state

    async def connect(self, urls: list[str], n: int, batch: int, http_session,
                      kind: str = "socketio", token: str = "") -> list[float]:
        """Connect n clients in batches, round-robin over the servers; return each one's time."""
        import socketio

        times: list[float] = []

        async def one(index: int) -> None:
            auth = {"office": "centar", "view": "display", "token": token}
            t0 = time.perf_counter()
            if kind == "raw":
                client = RawDisplay(http_session, self._handler(index))
                await client.connect(urls[index % len(urls)], auth)
            else:
                client = socketio.AsyncClient(reconnection=False, http_session=http_session)
                client.on("state", self._handler(index))
                await client.connect(urls[index % len(urls)], transports=["websocket"],
                                     auth=auth, wait_timeout=CONNECT_TIMEOUT)
            times.append(time.perf_counter() - t0)
            self.clients.append(client)
            self.server_of.append(index % len(urls))

        for start in range(0, n, batch):
            await asyncio.gather(*(one(i) for i in range(start, min(n, start + batch))))
        return times

    async def close(self) -> None:
        for start in range(0, len(self.clients), 100):
            await asyncio.gather(*(cl.disconnect() for cl in self.clients[start:start + 100]),
                                 return_exceptions=True)


class RawDisplay:
    """A minimal Socket.IO 5 / Engine.IO 4 display client over one aiohttp WebSocket.

    A diagnostic for --client raw: it stamps a "state" event's arrival before decoding it,
    and does nothing else, so the delays show the server's part with little client cost.
    """

    def __init__(self, http_session, on_state):
        self.http = http_session
        self.on_state = on_state
        self.ws = None
        self.task = None

    async def connect(self, url: str, auth: dict) -> None:
        import json

        import aiohttp

        timeout = aiohttp.ClientWSTimeout(ws_receive=None, ws_close=CONNECT_TIMEOUT)
        self.ws = await self.http.ws_connect(f"{url}/socket.io/?EIO=4&transport=websocket",
                                             timeout=timeout)
        opened = await self.ws.receive_str(timeout=CONNECT_TIMEOUT)
        if not opened.startswith("0"):
            raise RuntimeError(f"unexpected Engine.IO open packet {opened[:80]!r}")
        await self.ws.send_str("40" + json.dumps(auth))
        answer = await self.ws.receive_str(timeout=CONNECT_TIMEOUT)
        if not answer.startswith("40"):
            raise RuntimeError(f"connection refused: {answer[:200]!r}")
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        import json

        import aiohttp

        async for msg in self.ws:
            if msg.type != aiohttp.WSMsgType.TEXT:
                break
            data = msg.data
            if data == "2":
                await self.ws.send_str("3")
            elif data.startswith('42["state"'):
                name, payload = json.loads(data[2:])
                await self.on_state(payload)

    async def disconnect(self) -> None:
        if self.ws is not None and not self.ws.closed:
            await self.ws.send_str("41")
            await self.ws.close()
        if self.task is not None:
            self.task.cancel()


async def run(args) -> int:
    import aiohttp

    with c.deployment(args.mode) as (db_url, procs):
        urls = [p.url for p in procs]
        caller = urls[0]
        print(f"mode={args.mode} servers={len(procs)} clients={args.clients} ({args.client}) "
              f"calls={args.calls} "
              f"(+{args.warmup} warm-up) interval={args.interval}s", flush=True)

        counter = c.counter_id(db_url, "centar", 1)
        clerk, token = await c.clerk_session(caller)
        total = args.calls + args.warmup + 2
        for _ in range(total):  # before the displays connect: these updates reach nobody
            await c.issue(clerk, caller, "centar", c.SERVICE_OF_COUNTER_1)

        connector = aiohttp.TCPConnector(limit=0)  # websockets hold their connection: no cap
        http = aiohttp.ClientSession(connector=connector)
        displays = Displays()
        bench_cpu0 = time.process_time()
        t0 = time.perf_counter()
        # One paired screen's token, shared by every simulated display (pairing is per device;
        # the server admits any number of connections for one device).
        device_token = pair_token(caller, office="centar")
        connect_times = await displays.connect(urls, args.clients, args.batch, http, args.client,
                                               token=device_token)
        connect_wall = time.perf_counter() - t0
        print(f"connect: {args.clients} clients in {connect_wall:.2f} s "
              f"(batches of {args.batch}); per client {c.summary_ms(connect_times)}", flush=True)
        idle0 = [p.cpu_seconds() for p in procs]
        await asyncio.sleep(2.0)
        idle = [(after - before) / 2.0 for before, after in
                zip(idle0, [p.cpu_seconds() for p in procs], strict=True)]
        print("idle server CPU with the clients connected: "
              + ", ".join(f"{100 * x:.1f}%" for x in idle), flush=True)

        async def one_call(record: list[Call] | None) -> Call:
            call = Call(len(displays.clients))
            displays.current = call
            call.sent = time.perf_counter()
            async with clerk.post(f"{caller}/clerk/counters/{counter}/next",
                                  headers={"X-CSRFToken": token, "HX-Request": "true"}) as resp:
                await resp.read()
                call.answered = time.perf_counter()
                if resp.status != 200:
                    raise RuntimeError(f"call next failed with {resp.status}")
            try:
                await asyncio.wait_for(call.done.wait(), DELIVERY_TIMEOUT)
            except TimeoutError:
                pass
            displays.current = None
            if record is not None:
                record.append(call)
            await asyncio.sleep(args.interval)
            return call

        for _ in range(args.warmup):
            await one_call(None)

        spies = start_py_spy(args, procs)
        cpu_before = [p.cpu_seconds() for p in procs]
        bench_cpu1 = time.process_time()
        machine = c.MachineCPU().start()
        other = c.OtherWork([pid for p in procs for pid in p.pids()]).start()
        calls: list[Call] = []
        for _ in range(args.calls):
            await one_call(calls)
        cpu_after = [p.cpu_seconds() for p in procs]
        bench_cpu2 = time.process_time()
        machine_busy = machine.busy()
        other_work = other.describe()
        stop_py_spy(spies)

        await displays.close()
        await http.close()
        await clerk.close()

    # --- report ---
    n = args.clients
    delays = [t - call.sent for call in calls for t in call.received.values()]
    missed = sum(n - len(call.received) for call in calls)
    first = [min(call.received.values()) - call.sent for call in calls if call.received]
    last = [max(call.received.values()) - call.sent for call in calls if call.received]
    post = [call.answered - call.sent for call in calls]
    odd_versions = sum(1 for call in calls if len(call.versions) != 1)
    print(f"\ndelivery delay, all (call, client) pairs: {c.summary_ms(delays)}")
    if len(urls) > 1:
        for s in range(len(urls)):
            per = [t - call.sent for call in calls for i, t in call.received.items()
                   if displays.server_of[i] == s]
            print(f"  clients on server {s} ({'caller' if s == 0 else 'via Redis'}): "
                  f"{c.summary_ms(per)}")
    print(f"first client per call:  {c.summary_ms(first)}")
    print(f"last client per call:   {c.summary_ms(last)}")
    print(f"POST next answered:     {c.summary_ms(post)}")
    print(f"missed deliveries: {missed} of {n * len(calls)}  (timeout {DELIVERY_TIMEOUT}s); "
          f"calls whose clients saw different versions: {odd_versions}; stray events: "
          f"{displays.stray}")
    if calls and calls[-1].html:
        print(f"board fragment size: {len(calls[-1].html.encode())} bytes")
    for s, (before, after) in enumerate(zip(cpu_before, cpu_after, strict=True)):
        print(f"server {s} CPU per call (request + render + emit): "
              f"{(after - before) / len(calls) * 1000:.1f} ms")
    print(f"bench process CPU per call (all clients receiving): "
          f"{(bench_cpu2 - bench_cpu1) / len(calls) * 1000:.1f} ms; "
          f"CPU during connect: {bench_cpu1 - bench_cpu0:.2f} s; whole machine during the calls "
          f"(pauses included): {machine_busy}; {other_work}")
    targets_ok = c.pct([d * 1000 for d in delays], 99) < 50 and missed == 0
    print(f"target p99 < 50 ms and nothing missed: {'met' if targets_ok else 'MISSED'}")
    return 0 if targets_ok else 1


def start_py_spy(args, procs) -> list:
    """Sample the servers with py-spy while the calls are measured (--py-spy BINARY)."""
    import subprocess

    if not args.py_spy:
        return []
    spies = []
    for i, proc in enumerate(procs):
        out = f"{args.py_spy_out}-{i}.txt"
        spies.append((subprocess.Popen(
            ["timeout", "600", args.py_spy, "record", "--pid", str(proc.python_pid()),
             "--format", "raw", "--rate", "250", "--output", out],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), out))
    time.sleep(1.0)  # let py-spy attach
    return spies


def stop_py_spy(spies) -> None:
    import signal

    for spy, _out in spies:
        spy.send_signal(signal.SIGINT)  # to timeout, which passes it on; py-spy then writes
    for spy, out in spies:
        try:
            spy.wait(30)
        except Exception:
            spy.kill()
        print(f"py-spy samples (collapsed stacks): {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--mode", choices=["embedded", "scale"], default="embedded")
    parser.add_argument("--warmup", type=int, default=2, help="calls made before measuring")
    parser.add_argument("--interval", type=float, default=0.3,
                        help="pause in seconds after each call's deliveries")
    parser.add_argument("--batch", type=int, default=50, help="clients connecting at once")
    parser.add_argument("--client", choices=["socketio", "raw"], default="socketio",
                        help="socketio: python-socketio AsyncClient; raw: a minimal protocol "
                             "client that costs the bench little CPU (diagnostic)")
    parser.add_argument("--py-spy", metavar="BINARY", help="sample the servers with py-spy")
    parser.add_argument("--py-spy-out", default="/tmp/kiosk-realtime-py-spy",
                        help="prefix of the py-spy output files")
    args = parser.parse_args()
    if not 1 <= args.clients <= 5000 or not 1 <= args.calls <= 500:
        parser.error("--clients must be 1..5000 and --calls 1..500")
    c.print_background_load()
    started = time.monotonic()
    code = asyncio.run(run(args))
    print(f"wall time {time.monotonic() - started:.1f} s")
    sys.stdout.flush()
    os._exit(code)  # do not wait for stray client tasks


if __name__ == "__main__":
    main()
