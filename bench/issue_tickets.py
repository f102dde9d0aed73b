"""How many tickets per second can the kiosks draw over HTTP, and how fast is each answer?

Two phases, each on an emptied ticket table (offices, services and users stay):

  throughput  --concurrency C requests always in flight for --seconds T: requests/s, latency.
  rate        an open-loop schedule of --rate R requests/s for --rate-seconds D: latency
              measured from the moment each request was due (a late send counts as waiting).

Requests are POST /api/v1/offices/<office>/tickets, round-robin over seven (office, service)
pairs that cover every queue of the demo's two offices. The bench's database is set up so
that both offices issue at any hour and a queue numbers up to 9999 a day.

    embedded: one server process on a temporary SQLite file.
    scale:    two server processes on a fresh PostgreSQL database joined by Redis; the
              requests alternate between them.

    python bench/issue_tickets.py --mode embedded
    python bench/issue_tickets.py --mode scale --concurrency 32 --seconds 10
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import itertools
import sys
import time

import _common as c

TARGETS = [
    ("centar", "MK-KV-001"), ("centar", "MK-KV-004"), ("centar", "MK-KV-009"),
    ("centar", "MK-KV-012"), ("drachevo", "MK-KV-001"), ("drachevo", "MK-KV-004"),
    ("drachevo", "MK-KV-012"),
]
REQUEST_TIMEOUT = 30.0


class Phase:
    def __init__(self, name: str):
        self.name = name
        self.latencies: list[float] = []  # from send (or due time) to the whole answer read
        self.service: list[float] = []  # from the actual send to the answer
        self.errors: collections.Counter = collections.Counter()
        self.wall = 0.0
        self.cpu: list[float] = []
        self.bench_cpu = 0.0
        self.machine = ""

    def report(self) -> None:
        ok = len(self.latencies)
        print(f"\n[{self.name}] {ok} tickets in {self.wall:.2f} s = {ok / self.wall:.1f} tickets/s"
              f"; errors: {dict(self.errors) or 0}")
        print(f"  latency: {c.summary_ms(self.latencies)}")
        if self.service and self.service != self.latencies:
            print(f"  from the actual send: {c.summary_ms(self.service)}")
        print("  server CPU: " + ", ".join(f"{x / self.wall * 100:.0f}%" for x in self.cpu)
              + f" of one core; bench process {self.bench_cpu / self.wall * 100:.0f}%"
              + f"; whole machine {self.machine}")


async def post(session, base: str, target: tuple[str, str]):
    office, service = target
    async with session.post(f"{base}/api/v1/offices/{office}/tickets",
                            json={"service": service}) as response:
        await response.read()
        return response.status


async def throughput(urls, concurrency: int, seconds: float, procs) -> Phase:
    import aiohttp

    phase = Phase(f"throughput, concurrency {concurrency}, {seconds:g} s")
    targets = itertools.cycle(TARGETS)
    servers = itertools.cycle(urls)
    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await warm_up(session, urls)
        cpu0 = [p.cpu_seconds() for p in procs]
        bench0 = time.process_time()
        machine = c.MachineCPU().start()
        other = c.OtherWork([pid for p in procs for pid in p.pids()]).start()
        start = time.perf_counter()
        stop = start + seconds

        async def worker() -> None:
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                try:
                    status = await post(session, next(servers), next(targets))
                except Exception as exc:
                    phase.errors[type(exc).__name__] += 1
                    continue
                if status == 201:
                    phase.latencies.append(time.perf_counter() - t0)
                else:
                    phase.errors[status] += 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        phase.wall = time.perf_counter() - start
        phase.cpu = [after - before for before, after in
                     zip(cpu0, [p.cpu_seconds() for p in procs], strict=True)]
        phase.bench_cpu = time.process_time() - bench0
        phase.machine = f"{machine.busy()}; {other.describe()}"
    phase.service = phase.latencies
    return phase


async def fixed_rate(urls, rate: float, seconds: float, procs) -> Phase:
    import aiohttp

    phase = Phase(f"fixed rate {rate:g}/s for {seconds:g} s")
    targets = itertools.cycle(TARGETS)
    servers = itertools.cycle(urls)
    connector = aiohttp.TCPConnector(limit=256)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await warm_up(session, urls)
        cpu0 = [p.cpu_seconds() for p in procs]
        bench0 = time.process_time()
        machine = c.MachineCPU().start()
        other = c.OtherWork([pid for p in procs for pid in p.pids()]).start()
        start = time.perf_counter()
        total = int(rate * seconds)
        tasks = []

        async def one(due: float, base: str, target) -> None:
            sent = time.perf_counter()
            try:
                status = await post(session, base, target)
            except Exception as exc:
                phase.errors[type(exc).__name__] += 1
                return
            done = time.perf_counter()
            if status == 201:
                phase.latencies.append(done - due)
                phase.service.append(done - sent)
            else:
                phase.errors[status] += 1

        for i in range(total):
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(due, next(servers), next(targets))))
        await asyncio.gather(*tasks)
        phase.wall = time.perf_counter() - start
        phase.cpu = [after - before for before, after in
                     zip(cpu0, [p.cpu_seconds() for p in procs], strict=True)]
        phase.bench_cpu = time.process_time() - bench0
        phase.machine = f"{machine.busy()}; {other.describe()}"
    return phase


async def warm_up(session, urls) -> None:
    for base in urls:
        for target in TARGETS:
            status = await post(session, base, target)
            if status != 201:
                raise RuntimeError(f"warm-up request failed with {status}")


async def run(args) -> int:
    with c.deployment(args.mode) as (db_url, procs):
        urls = [p.url for p in procs]
        print(f"mode={args.mode} servers={len(procs)}", flush=True)
        c.open_all_day(db_url)
        phases = []
        if args.seconds > 0:
            c.reset_tickets(db_url)
            phases.append(await throughput(urls, args.concurrency, args.seconds, procs))
            phases[-1].report()
        if args.rate_seconds > 0:
            c.reset_tickets(db_url)
            phases.append(await fixed_rate(urls, args.rate, args.rate_seconds, procs))
            phases[-1].report()
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=["embedded", "scale"], default="embedded")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10.0,
                        help="length of the throughput phase (0 skips it)")
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--rate-seconds", type=float, default=10.0,
                        help="length of the fixed-rate phase (0 skips it)")
    args = parser.parse_args()
    if not 1 <= args.concurrency <= 512 or not 0 <= args.seconds <= 120:
        parser.error("--concurrency must be 1..512 and --seconds 0..120")
    if not 0 < args.rate <= 2000 or not 0 <= args.rate_seconds <= 120:
        parser.error("--rate must be 1..2000 and --rate-seconds 0..120")
    if args.rate * args.rate_seconds > 60000:
        parser.error("at most 60000 tickets in the rate phase (9999 numbers per queue and day)")
    c.print_background_load()
    started = time.monotonic()
    code = asyncio.run(run(args))
    print(f"wall time {time.monotonic() - started:.1f} s")
    sys.exit(code)


if __name__ == "__main__":
    main()
