"""Live feed benchmark: 1,000 websocket clients of one investigation over two app processes.

    .venv/bin/python -m tests.bench.bench_live [--clients 1000] [--rate 50] [--seconds 10]

Starts a projection worker and two `jitspace serve` processes (no projections) on a fresh
database (embedded in a temporary folder, or the server at JITSPACE_TEST_DATABASE_URL);
half the clients connect to each app process, from load-generator processes. Then:

- steady: commands at `--rate` per second through process A; latency is from the command's
  HTTP acknowledgement to the event's receipt at each client (p50/p99 over every receipt);
- saturation: commands as fast as `LANES` concurrent requests go; deliveries per second.

Throughout, JITspace's own client (jitspace/live/client.py) follows the feed on process B,
and at the end must have received the investigation's log: every event, in order, once.

The baseline is a bare `websockets` server in the same run broadcasting messages of the
same size to the same number of clients, from the same load generator, at the same rate and
then as fast as it can. It prints figures and ratios; it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import multiprocessing as mp
import os
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import msgspec
import picows
import websockets

from jitspace.live.client import LiveClient
from tests.bench.cpu import cpu_seconds, postgres_seconds
from tests.bench.database import bench_database
from tests.processes import Cluster
from tests.support import PASSWORD, add_user, free_port, period_end

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
    "period_end": period_end(),
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

    The clients share the machine with what they measure: the less of it they take, the
    less they weigh on the figures. So they run on the servers' event loop (uvloop when
    installed) and on picows, whose frame parser is compiled, with no task per client: a
    message is handled where its frame is parsed. (With the `websockets` client, the load
    generators took more CPU than both app processes together.)"""
    from uvicorn.loops.auto import auto_loop_factory

    with asyncio.Runner(loop_factory=auto_loop_factory()) as runner:
        out.put(runner.run(_load(urls, hello, clients, seconds, out)))


class _Receiver(picows.WSListener):  # type: ignore[misc]
    def __init__(self, hello: bytes, received: dict[str, list[float]], ready: list[int]) -> None:
        super().__init__()
        self.hello = hello
        self.received = received
        self.ready = ready

    def on_ws_connected(self, transport: picows.WSTransport) -> None:
        transport.send(picows.WSMsgType.TEXT, self.hello)

    def on_ws_frame(self, transport: picows.WSTransport, frame: picows.WSFrame) -> None:
        if frame.msg_type == picows.WSMsgType.CLOSE:
            transport.disconnect()
            return
        if frame.msg_type != picows.WSMsgType.TEXT:
            return
        # (the servers send each message as one frame)
        message = _decoder.decode(frame.get_payload_as_memoryview())
        if message.type == "caught_up":
            self.ready[0] += 1
        elif message.event is not None:
            self.received.setdefault(message.event.aggregate_id, []).append(time.time())


_decoder = msgspec.json.Decoder(_Message)


async def _load(urls: list[str], hello: str, clients: int, seconds: float, out: Any) -> Any:
    received: dict[str, list[float]] = {}
    ready = [0]
    gate = asyncio.Semaphore(50)

    async def connect(n: int) -> picows.WSTransport:
        async with gate:
            transport, _ = await picows.ws_connect(
                lambda: _Receiver(hello.encode(), received, ready),
                urls[n % len(urls)],
                websocket_handshake_timeout=60,
                max_frame_size=2**24,
            )
            return transport

    transports = await asyncio.gather(*(connect(n) for n in range(clients)))
    while ready[0] < clients:
        await asyncio.sleep(0.1)
    out.put("ready")
    await asyncio.sleep(seconds)
    for transport in transports:
        transport.disconnect()
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
    yield [worker.pid for worker in workers if worker.pid is not None], results
    for _ in workers:
        results.append(out.get(timeout=seconds + 120))
    for worker in workers:
        worker.join(timeout=30)


# -- baseline: a bare websockets broadcast server -----------------------------------------


def bare_server(
    port: int, clients: int, rate: float, seconds: float, size: int, go: Any, out: Any
) -> None:
    # the event loop uvicorn gives the app processes (uvloop when installed), for a fair race
    from uvicorn.loops.auto import auto_loop_factory

    with asyncio.Runner(loop_factory=auto_loop_factory()) as runner:
        runner.run(_bare(port, clients, rate, seconds, size, go, out))


async def _bare(
    port: int, clients: int, rate: float, seconds: float, size: int, go: Any, out: Any
) -> None:
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
        while len(connected) < clients or not go.is_set():
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


def spread(sent: dict[str, float], received: list[dict[str, list[float]]]) -> str:
    """Where the time goes: from acknowledgement to an event's first receipt by any client
    (the pipeline to the servers), and from its first receipt to its last (the fan-out)."""
    times: dict[str, list[float]] = {}
    for part in received:
        for key, ts in part.items():
            if key in sent:
                times.setdefault(key, []).extend(ts)
    first = [(min(ts) - sent[key]) * 1000 for key, ts in times.items()]
    fan = [(max(ts) - min(ts)) * 1000 for ts in times.values()]
    return (
        f"first receipt p50 {pct(first, 50):.1f} p99 {pct(first, 99):.1f} ms; "
        f"first to last p50 {pct(fan, 50):.1f} p99 {pct(fan, 99):.1f} ms"
    )


def report(name: str, lat: list[float], expected: int, sat: float, where: str) -> dict[str, float]:
    print(
        f"{name:<10} p50 {pct(lat, 50):7.1f} ms  p99 {pct(lat, 99):7.1f} ms  "
        f"received {len(lat)}/{expected}  saturation {sat:9.0f} deliveries/s\n"
        f"{'':<10} {where}",
        flush=True,
    )
    return {"p50": pct(lat, 50), "p99": pct(lat, 99), "sat": sat}


def run_jitspace(database_url: str, tmp: Path, args: argparse.Namespace) -> dict[str, float]:
    with Cluster(database_url, tmp / "cluster", JITSPACE_POOL_SIZE="4") as cluster:
        username = f"bench-{uuid.uuid4().hex[:6]}"
        add_user(database_url, username)
        api = httpx.Client(base_url=cluster.a.url, timeout=60)
        token = api.post("/auth/login", json={"username": username, "password": PASSWORD})
        bearer = token.json()["token"]
        api.headers["Authorization"] = f"Bearer {bearer}"
        jit = api.post("/investigations", json=NEW_JIT).json()["id"]
        urls = [
            f"ws://127.0.0.1:{p.port}/investigations/{jit}/live" for p in (cluster.a, cluster.b)
        ]
        hello = msgspec.json.encode({"type": "hello", "token": bearer}).decode()
        duration = 2 * args.seconds + 10
        with (
            load_generators(urls, hello, args.clients, duration) as (clients, received),
            witness(cluster.b.url, jit, bearer) as witnessed,
        ):
            pids = {
                "app A": [cluster.a.pid],
                "app B": [cluster.b.pid],
                "worker": [cluster.worker.pid],
                "clients": clients,
                "commands": [os.getpid()],
            }
            before = {name: cpu_seconds(of) for name, of in pids.items()}
            postgres_before = postgres_seconds()
            steady = commands(cluster.a.url, bearer, args.rate, args.seconds)
            time.sleep(1)  # the last deliveries
            used = {name: cpu_seconds(of) - before[name] for name, of in pids.items()}
            used["PostgreSQL"] = postgres_seconds() - postgres_before
            time.sleep(1)
            saturation = commands(cluster.a.url, bearer, None, args.seconds)
            check_witness(api, jit, witnessed)
        api.close()
    lat = latencies(steady, received)
    figures = report(
        "jitspace",
        lat,
        len(steady) * args.clients,
        rate_of(saturation, received),
        spread(steady, received),
    )
    figures["cpu"] = cpu_report(used, ("app A", "app B"), len(lat))
    return figures


@contextlib.contextmanager
def witness(base_url: str, jit: str, token: str) -> Iterator[list[int]]:
    """JITspace's own client (jitspace/live/client.py) on the feed through the whole run, in
    a thread of this process: the log positions of the events it receives."""
    positions: list[int] = []
    loop = asyncio.new_event_loop()

    async def follow() -> None:
        async for message in LiveClient([base_url], jit, token).messages():
            if message["type"] == "event":
                positions.append(message["event"]["position"])

    task = loop.create_task(follow())

    def run() -> None:
        with contextlib.suppress(asyncio.CancelledError):
            loop.run_until_complete(task)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield positions
    finally:
        loop.call_soon_threadsafe(task.cancel)
        thread.join(timeout=30)
        loop.close()


def check_witness(api: httpx.Client, jit: str, positions: list[int]) -> None:
    """The witness received the investigation's log: every event, in order, each once."""
    log: list[int] = []
    while page := api.get(
        f"/investigations/{jit}/events", params={"after": log[-1] if log else 0, "limit": 1000}
    ).json()["events"]:
        log += [event["position"] for event in page]
    deadline = time.monotonic() + 60
    while len(positions) < len(log) and time.monotonic() < deadline:
        time.sleep(0.1)
    if positions != log:
        raise AssertionError(
            f"the witness received {len(positions)} events, {len(set(positions))} distinct, "
            f"of the log's {len(log)}"
        )
    print(
        f"witness    jitspace's own client: the log's {len(log)} events, in order, each once",
        flush=True,
    )


def commands(base_url: str, token: str, rate: float | None, seconds: float) -> dict[str, float]:
    """Create tasks through the API (at `rate` per second, or `LANES` at a time flat out);
    the acknowledgement time of each, by task id. On threads with `http.client`: the command
    client shares the cores with what it measures, and httpx's async stack took about 3 ms
    of CPU per request, a tenth of the machine at 50 commands/s."""
    where = urlsplit(base_url)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    connections = threading.local()
    acked: dict[str, float] = {}

    def request(method: str, path: str, body: bytes | None = None) -> Any:
        if not hasattr(connections, "http"):
            connections.http = http.client.HTTPConnection(where.hostname, where.port, timeout=60)
        connections.http.request(method, path, body, headers)
        response = connections.http.getresponse()
        answer = response.read()
        if response.status >= 300:
            raise RuntimeError(f"{method} {path}: {response.status} {answer[:300]!r}")
        return msgspec.json.decode(answer)

    jit = request("GET", "/investigations")[0]["id"]
    started = time.monotonic()

    def one(n: int) -> None:
        task = request("POST", f"/investigations/{jit}/tasks", f'{{"title":"T{n}"}}'.encode())
        acked[task["id"]] = time.time()

    def lane() -> None:
        n = 0
        while time.monotonic() - started < seconds:
            n += 1
            one(n)

    with ThreadPoolExecutor(LANES) as pool:
        if rate is not None:
            sent = []
            for n in range(int(rate * seconds)):
                time.sleep(max(started + n / rate - time.monotonic(), 0))
                sent.append(pool.submit(one, n))
        else:
            sent = [pool.submit(lane) for _ in range(LANES)]
        for future in sent:
            future.result()
    return acked


def cpu_report(used: dict[str, float], servers: tuple[str, ...], n: int) -> float:
    """Print the CPU seconds of the steady phase; the servers' µs per delivery."""
    per = sum(used[s] for s in servers) / max(n, 1) * 1e6
    seconds = ", ".join(f"{what} {s:.1f}" for what, s in used.items())
    print(f"{'':<10} steady CPU s: {seconds}; {per:.1f} µs of server per delivery", flush=True)
    return per


def run_bare(args: argparse.Namespace, size: int) -> dict[str, float]:
    port = free_port()
    context = mp.get_context("spawn")
    out, go = context.Queue(), context.Event()
    server = context.Process(
        target=bare_server, args=(port, args.clients, args.rate, args.seconds, size, go, out)
    )
    server.start()
    time.sleep(1)
    url = f"ws://127.0.0.1:{port}"
    with load_generators([url], '{"type":"hello"}', args.clients, 2 * args.seconds + 4) as (
        clients,
        received,
    ):
        pids = {"server": [server.pid or 0], "clients": clients}
        before = {name: cpu_seconds(of) for name, of in pids.items()}
        go.set()
        steady = out.get(timeout=120)
        used = {name: cpu_seconds(of) - before[name] for name, of in pids.items()}
        phases = dict([steady, out.get(timeout=120)])
    server.terminate()
    lat = latencies(phases["steady"], received)
    expected = len(phases["steady"]) * args.clients
    figures = report(
        "bare",
        lat,
        expected,
        rate_of(phases["saturation"], received),
        spread(phases["steady"], received),
    )
    figures["cpu"] = cpu_report(used, ("server",), len(lat))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=50.0, help="commands per second (steady)")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each phase")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        with bench_database(tmp, "bench_live") as database_url:
            print(f"{args.clients} clients, {args.rate:g} commands/s, {args.seconds:g} s phases")
            mine = run_jitspace(database_url, tmp, args)
            bare = run_bare(args, size=700)
    print(
        f"ratios    p50 x{mine['p50'] / bare['p50']:.1f}  p99 x{mine['p99'] / bare['p99']:.1f}"
        f"  saturation {mine['sat'] / bare['sat']:.0%} of the bare server"
        f"  server CPU per delivery x{mine['cpu'] / bare['cpu']:.1f}",
        flush=True,
    )


if __name__ == "__main__":
    main()
