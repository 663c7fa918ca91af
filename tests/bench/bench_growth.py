"""Growth: each read, a command, export and verify on one investigation as its history grows.

    .venv/bin/python -m tests.bench.bench_growth [--sizes 1000,100000,1000000] [--reads 50]
        [--budget 60] [--exports 2] [--catch-up-only]

For each size, a fresh database (embedded PostgreSQL in a temporary folder, or the server at
JITSPACE_TEST_DATABASE_URL) holding one FR-BE-NL investigation of about that many events:

1. Build: the team (a leader who signs in, investigators and legal advisors of the three
   countries, the shipped rulebooks adopted, a qualified search warrant), then items and
   tasks made by the domain and saved through the application, many aggregates per
   `app.save`, from two threads (the event log commits them in groups, its rows written by
   COPY). Every item is seized, sealed, sent to Belgium, received, used there for another
   offence with France's consent (7 events); every task is created and started (2 events).
   The item that is read is registered first, so it is there at every past point.
2. Read models: `jitspace serve` started on the database (its projections run as they run in
   production), timed until every projection holds the log's head. Meanwhile the database's
   commits do not wait for the disk (`synchronous_commit = off`, as the admissibility
   projection's own commits never do); then the setting is put back and the server started
   again for the measurements, so the reads and commands below commit as in production.
3. Reads over HTTP against that server, `--reads` of each, interleaved read by read (a kind
   whose reads have taken `--budget` seconds stops early, after at least 3): an item, a page
   of the register, an item's custody chain, a page of the admissibility matrix, a page of
   the event log, each now and as of a past time (the middle of the history: the time of
   its middle event), each page of `PAGE` rows (50: the smallest size's page as of the
   middle is full too) with its total; a command (create a task). p50 and p99 per read, and
   the server's peak resident memory over a few more reads of each kind alone (its
   high-water mark reset before them, /proc/PID/clear_refs), and what they added to the
   memory it held before them (printed as peak+added, MiB).
4. Export: the disclosure bundle of the investigation over HTTP (`POST .../disclosures`,
   read to its end), `--exports` times: seconds, events/s, the server's peak memory.
   Verify: `jitspace verify --investigation` (the log's chain and its checkpoints) and
   `jitspace verify BUNDLE` (the bundle's offline check), each a process of its own: seconds
   and that process's peak memory (its start included).

With `--catch-up-only`, each size stops after the build: the registers, the custody chains
and the admissibility matrix each catch up alone, in this process, from nothing to the log's
head (commits not waiting for the disk, as in step 2): seconds and events/s for each.

The table at the end has a row per read and a column per size (p50/p99 ms, peak MiB), the
ratio of the largest size to the smallest, and the goal, the largest within 2x of the
smallest (p50), marked met or missed: information only. Nothing here asserts a time. The
machine's load average is printed at each step: the machine may be shared.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
from eventsourcing.projection import ProjectionRunner

from domain.authorisation import LegalAuthorisation
from domain.commands import ChangeTaskStatus, CreateTask
from domain.evidence import EvidenceItem
from domain.investigation import Investigation
from domain.rulebook import Rulebook
from domain.task import Task
from domain.values import (
    Actor,
    AuthorisationKind,
    EvidenceKind,
    Member,
    Party,
    Role,
    Scope,
    TaskStatus,
    UsePurpose,
)
from jitspace.reads.queries import APPLICATION_NAME, TRACKING_TABLES
from jitspace.rulebooks import load_shipped
from jitspace.services.application import JITspace
from jitspace.settings import Settings
from jitspace.storage.database import eventsourcing_env
from projections.admissibility import AdmissibilityMatrix, AdmissibilityView
from projections.custody import CustodyChains, CustodyView
from projections.registers import RegistersView, WorkspaceRegisters
from tests.bench.bench_interface import log_in
from tests.bench.database import bench_database
from tests.processes import JITSPACE, Process, cluster_env
from tests.support import add_user, free_port
from tests.unit.builders import (
    add_member,
    adopt_rulebook,
    grant_consent,
    open_investigation,
    qualify_authorisation,
    receive_evidence,
    record_authorisation,
    record_collection,
    record_use,
    register_evidence,
    seal_evidence,
    transfer_to_party,
)

GOAL = 2.0  # the largest size's p50 within this many times the smallest's
EVENTS_TABLE = "jitspace_events"
EVENTS_PER_UNIT = 9  # an item with its custody (7) and a task started (2)
UNITS_PER_SAVE = 100
LEADER = "growth-leader"
PARTIES = (
    Party("FR", "France", "Parquet de Paris"),
    Party("BE", "Belgium", "Federal Prosecutor"),
    Party("NL", "Netherlands", "OM"),
)
PARCEL: dict[str, Any] = {
    "kind": EvidenceKind.PHYSICAL_ITEM,
    "description": "parcel seized in the warehouse",
    "collected_by": "OCRTEH",
    "place": "Lille",
    "method": "seizure",
}
# the rows of a page: at the smallest size the investigation held about 55 items as of the
# middle of its history, so every size reads pages as full as that one's (a page of 100
# there held 55 rows, and the larger sizes' 100)
PAGE = 50
MIN_READS = 3
MEMORY_READS = 2


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


# -- 1. the history ---------------------------------------------------------------------------


class Team:
    """The investigation as the domain made it, and who acts in it."""

    def __init__(self, app: JITspace, leader_id: uuid.UUID, name: str = "Growth") -> None:
        self.code = name.upper()  # of its agreement, warrant and items' references
        self.start = datetime.now(UTC) - timedelta(days=400)
        leader = Member(leader_id, "Leader", "FR", Role.JIT_LEADER)
        self.inv = Investigation.open(
            uuid.uuid4(),
            leader,
            open_investigation(
                leader,
                name=name,
                agreement_reference=f"JIT-{self.code}",
                purpose="human trafficking",
                period_start=self.start.date() - timedelta(days=10),
                period_end=date.today() + timedelta(days=400),
                parties=PARTIES,
                occurred_at=self.start,
            ),
        )
        self.leader = Actor(leader_id, "FR", Role.JIT_LEADER)
        people: dict[tuple[str, Role], Actor] = {}
        for party in PARTIES:
            for role in (Role.INVESTIGATOR, Role.LEGAL_ADVISOR):
                member = Member(uuid.uuid4(), f"{party.country} {role.value}", party.country, role)
                self.inv.add_member(
                    self.leader, add_member(self.inv, member, occurred_at=self.start)
                )
                people[(party.country, role)] = Actor(member.user_id, party.country, role)
        self.books: list[Rulebook] = [
            adopt_rulebook(
                self.inv,
                people[(p.country, Role.LEGAL_ADVISOR)],
                p.country,
                shipped.content.rules,
                source_name=shipped.name,
                source_version=shipped.content.version,
                source_sha256=shipped.sha256,
            )
            for p in PARTIES
            if (shipped := load_shipped(p.country.lower())) is not None
        ]
        self.fr_legal = people[("FR", Role.LEGAL_ADVISOR)]
        self.fr, self.be = people[("FR", Role.INVESTIGATOR)], people[("BE", Role.INVESTIGATOR)]
        warrant = record_authorisation(
            self.inv,
            kind=AuthorisationKind.SEARCH_WARRANT,
            authority="juge des libertés",
            reference=f"{self.code}-W",
            occurred_at=self.start,
            valid_from=self.start,
            valid_until=self.start + timedelta(days=700),
            scope=Scope(methods=("search", "seizure")),
            conditions="",
        )
        self.order = LegalAuthorisation.record(self.inv, self.fr_legal, warrant)
        self.order.qualify(self.inv, self.fr_legal, qualify_authorisation(self.order))
        app.save(self.inv, *self.books, self.order)

    def item(self, n: int) -> EvidenceItem:
        """Item n: seized, sealed, sent to Belgium, received, used there with France's consent."""
        at = self.start + timedelta(hours=n % 5000)
        parcel = register_evidence(self.inv, reference=f"{self.code}-{n}", occurred_at=at, **PARCEL)
        item = EvidenceItem.register(self.inv, self.fr, parcel, authorisation=self.order)
        item.record_collection(self.inv, self.fr, record_collection(item, occurred_at=at))
        seal = f"FR-{n}"
        item.seal(
            self.inv, self.fr, seal_evidence(item, seal, occurred_at=at + timedelta(minutes=5))
        )
        sent = transfer_to_party(item, "BE", self.be, occurred_at=at + timedelta(hours=1))
        item.transfer_to_party(self.inv, self.fr, sent)
        received = receive_evidence(
            item, seal_number=seal, packaging="box", occurred_at=at + timedelta(hours=2)
        )
        item.receive(self.inv, self.be, received)
        item.record_use(
            self.inv, self.be, record_use(item, "BE VAT", occurred_at=at + timedelta(days=2))
        )
        consent = grant_consent(
            item, "BE", UsePurpose.OTHER_OFFENCE, occurred_at=at + timedelta(days=1)
        )
        item.grant_consent(self.inv, self.fr_legal, consent)
        return item

    def task(self, n: int) -> Task:
        """Task n, created and started by the leader."""
        task = Task.create(
            self.inv,
            self.leader,
            CreateTask(
                investigation_id=self.inv.id,
                title=f"Check the seizure report {n}",
                description="Compare the report with the sealed parcels.",
                due_on=None,
            ),
        )
        task.change_status(
            self.inv,
            self.leader,
            ChangeTaskStatus(
                investigation_id=self.inv.id,
                task_id=task.id,
                status=TaskStatus.IN_PROGRESS,
                note="started",
            ),
        )
        return task


def build(url: str, data_dir: Path, events: int) -> tuple[uuid.UUID, uuid.UUID]:
    """The investigation of about `events` events; its id, and the item read."""
    leader_id = add_user(url, LEADER, "Growth leader")
    app = JITspace(env=eventsourcing_env(url, Settings(database_url=url, data_dir=data_dir)))
    try:
        team = Team(app, leader_id)
        target = team.item(0)
        app.save(target)
        units = max(0, (events - team_events(url, team.inv.id)) // EVENTS_PER_UNIT)

        def save(first: int) -> None:
            made: list[Any] = []
            for n in range(first, min(first + UNITS_PER_SAVE, units + 1)):
                made += [team.item(n), team.task(n)]
            app.save(*made)

        with ThreadPoolExecutor(2) as pool:
            list(pool.map(save, range(1, units + 1, UNITS_PER_SAVE)))
        return team.inv.id, target.id
    finally:
        app.close()


def team_events(url: str, jit: uuid.UUID) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            f"SELECT count(*) FROM {EVENTS_TABLE} WHERE investigation_id = %s",
            (jit,),
        ).fetchone()
    return int(row[0]) if row else 0


def middle(url: str, jit: uuid.UUID, fraction: float) -> tuple[int, datetime]:
    """The log position and recorded time of the investigation's event `fraction` of the way
    through its history."""
    with psycopg.connect(url) as conn:
        row = conn.execute(
            f"SELECT notification_id, recorded_at FROM {EVENTS_TABLE} "
            "WHERE investigation_id = %s ORDER BY notification_id OFFSET %s LIMIT 1",
            (jit, int(team_events(url, jit) * fraction)),
        ).fetchone()
    assert row is not None
    return int(row[0]), row[1]


def catch_up(url: str, server: Process) -> float:
    """Seconds `server`'s projections took to bring the read models to the log's head, its
    database's commits not waiting for the disk meanwhile (as the admissibility projection's
    own never do); then the server is stopped and the setting put back, so that the reads
    and commands measured afterwards commit as they do in production."""
    with psycopg.connect(url, autocommit=True) as conn:
        named = conn.execute("SELECT current_database()").fetchone()
        assert named is not None
        database = named[0]
        conn.execute(f'ALTER DATABASE "{database}" SET synchronous_commit = off')
    server.start(timeout=300)
    try:
        return wait_for_read_models(url, timeout=3600)
    finally:
        server.stop()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{database}" RESET synchronous_commit')


CATCHING_UP = (
    (WorkspaceRegisters, RegistersView),
    (CustodyChains, CustodyView),
    (AdmissibilityMatrix, AdmissibilityView),
)


def catch_up_alone(url: str, data_dir: Path) -> None:
    """Each projection in turn brings its read model from nothing to the log's head, alone, in
    this process, the database's commits not waiting for the disk (as in `catch_up`)."""
    env = eventsourcing_env(url, Settings(database_url=url, data_dir=data_dir))
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"ALTER DATABASE {conn.info.dbname} SET synchronous_commit = off")
        head = conn.execute(f"SELECT max(notification_id) FROM {EVENTS_TABLE}").fetchone()
    assert head is not None
    for projection, view in CATCHING_UP:
        began = time.monotonic()
        runner: ProjectionRunner[Any, Any] = ProjectionRunner(
            application_class=JITspace, projection_class=projection, view_class=view, env=env
        )
        with runner:
            runner.wait(head[0], timeout=3600)
        took = time.monotonic() - began
        print(
            f"   {projection.name:<14} {took:8.1f} s  {head[0] / took:8,.0f} events/s ({load()})",
            flush=True,
        )


def wait_for_read_models(url: str, timeout: float) -> float:
    """Seconds until every projection holds the log's head."""
    began = time.monotonic()
    tracked = " UNION ALL ".join(
        f"SELECT notification_id FROM {table} WHERE application_name = %(name)s"
        for table in TRACKING_TABLES
    )
    with psycopg.connect(url, autocommit=True) as conn:
        head = conn.execute(f"SELECT max(notification_id) FROM {EVENTS_TABLE}").fetchone()
        assert head is not None
        told = began
        while time.monotonic() - began < timeout:
            rows = conn.execute(tracked, {"name": APPLICATION_NAME}).fetchall()
            slowest = min(r[0] for r in rows) if len(rows) == len(TRACKING_TABLES) else 0
            if slowest >= head[0]:
                return time.monotonic() - began
            if time.monotonic() - told > 60:
                told = time.monotonic()
                print(
                    f"   read models at {slowest:,} of {head[0]:,} after {told - began:.0f} s"
                    f" ({load()})",
                    flush=True,
                )
            time.sleep(0.5)
    raise TimeoutError(f"the read models did not reach position {head[0]} in {timeout:.0f} s")


# -- 2. measuring -----------------------------------------------------------------------------


@dataclass
class Read:
    """One kind of request, and what it took."""

    name: str
    send: Callable[[httpx.Client], httpx.Response]
    seconds: list[float] = field(default_factory=list)
    peak_mib: float = float("nan")
    added_mib: float = float("nan")  # above what the server held before

    def once(self, client: httpx.Client) -> float:
        began = time.perf_counter()
        answer = self.send(client)
        took = time.perf_counter() - began
        assert answer.status_code in (200, 201), f"{self.name}: {answer.status_code} {answer.text}"
        return took


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class Peak:
    """A process's resident memory high-water mark, reset on demand (Linux): the server's
    own process, which answers every request (not the projection's evaluator processes)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid

    def reset(self) -> float:
        """Reset the mark to the memory resident now, and return it."""
        Path(f"/proc/{self.pid}/clear_refs").write_text("5")
        return self.mib()

    def mib(self) -> float:
        """The high-water mark since the last reset."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        raise LookupError(f"no VmHWM for process {self.pid}")


def reads_of(jit: uuid.UUID, item: uuid.UUID, past: str, after: int) -> list[Read]:
    base = f"/investigations/{jit}"
    counter = iter(range(10**9))

    def get(path: str, **params: Any) -> Callable[[httpx.Client], httpx.Response]:
        return lambda client: client.get(base + path, params=params)

    def create_task(client: httpx.Client) -> httpx.Response:
        body = {"title": f"Call the witness {next(counter)}", "description": "about the parcels"}
        return client.post(base + "/tasks", json=body)

    return [
        Read("item", get(f"/evidence/{item}")),
        Read("item as_of", get(f"/evidence/{item}", as_of=past)),
        Read("register page", get("/evidence/page", limit=PAGE)),
        Read("register page as_of", get("/evidence/page", limit=PAGE, as_of=past)),
        Read("custody chain", get(f"/evidence/{item}/custody")),
        Read("custody chain as_of", get(f"/evidence/{item}/custody", as_of=past)),
        Read("matrix page", get("/admissibility/page", limit=PAGE)),
        Read("matrix page as_of", get("/admissibility/page", limit=PAGE, as_of=past)),
        Read("event page", get("/events", after=after, limit=PAGE)),
        Read("event page as_of", get("/events", after=after, limit=PAGE, as_of=past)),
        Read("command: create a task", create_task),
    ]


def measure(client: httpx.Client, reads: list[Read], count: int, budget: float) -> None:
    """`count` of each read, interleaved; a read whose total passes `budget` seconds stops
    (after MIN_READS)."""
    for read in reads:  # warm up: connections, prepared statements, the kept aggregates
        read.once(client)
    for _ in range(count):
        for read in reads:
            if len(read.seconds) >= MIN_READS and sum(read.seconds) > budget:
                continue
            read.seconds.append(read.once(client))


def memory(client: httpx.Client, peak: Peak, reads: list[Read]) -> None:
    for read in reads:
        resting = peak.reset()
        for _ in range(MEMORY_READS if percentile(read.seconds, 50) < 5 else 1):
            read.once(client)
        read.peak_mib = peak.mib()
        read.added_mib = max(0.0, read.peak_mib - resting)


@dataclass
class Heavy:
    """Export or verify: seconds per run, and the peak memory of the process that ran it."""

    name: str
    seconds: list[float] = field(default_factory=list)
    peak_mib: float = 0.0
    added_mib: float = float("nan")  # above what the server held before (its process: all)
    events: int = 0


def export(
    client: httpx.Client, peak: Peak, jit: uuid.UUID, bundle: Path, runs: int, budget: float
) -> Heavy:
    heavy = Heavy("export (disclosure bundle)")
    resting = peak.reset()
    for _ in range(runs):
        if heavy.seconds and sum(heavy.seconds) > budget:
            break
        began = time.perf_counter()
        with (
            client.stream(
                "POST", f"/investigations/{jit}/disclosures", json={"purpose": "growth benchmark"}
            ) as answer,
            bundle.open("wb") as out,
        ):
            assert answer.status_code == 201, answer.read()
            for chunk in answer.iter_bytes(1 << 20):
                out.write(chunk)
        heavy.seconds.append(time.perf_counter() - began)
    heavy.peak_mib = peak.mib()
    heavy.added_mib = max(0.0, heavy.peak_mib - resting)
    return heavy


def run_alone(
    args: list[str], env: dict[str, str], ok: tuple[int, ...]
) -> tuple[float, float, str]:
    """Seconds, the process's peak memory (MiB) and its output."""
    began = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
        took = time.perf_counter() - began
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode()
    assert child.returncode in ok, f"{args}: {child.returncode} {text}"
    return took, usage.ru_maxrss / 1024, text.strip().splitlines()[-1]


def verify(env: dict[str, str], jit: uuid.UUID, bundle: Path, runs: int) -> list[Heavy]:
    log, offline = Heavy("verify: the log (jitspace verify)"), Heavy("verify: the bundle offline")
    for _ in range(runs):
        took, mib, said = run_alone([JITSPACE, "verify", "--investigation", str(jit)], env, ok=(0,))
        log.seconds.append(took)
        log.peak_mib = log.added_mib = max(log.peak_mib, mib)
        # exit status 3: intact, its publisher's key not given (not what is measured)
        took, mib, said_bundle = run_alone([JITSPACE, "verify", str(bundle)], env, ok=(0, 3))
        offline.seconds.append(took)
        offline.peak_mib = offline.added_mib = max(offline.peak_mib, mib)
    print(f"   {said}\n   {said_bundle}")
    return [log, offline]


# -- the run ----------------------------------------------------------------------------------


@dataclass
class Size:
    events: int
    build_s: float
    catch_up_s: float
    reads: list[Read]
    heavy: list[Heavy]


def run_size(size: int, args: argparse.Namespace, tmp: Path) -> Size:
    print(f"\n== {size:,} events ({load()})", flush=True)
    data_dir = tmp / str(size) / "data"
    data_dir.mkdir(parents=True)
    with bench_database(tmp / str(size), "bench_growth") as url:
        began = time.monotonic()
        jit, item = build(url, data_dir, size)
        built = time.monotonic() - began
        events = team_events(url, jit)
        print(
            f"1. built {events:,} events in {built:.1f} s ({events / built:,.0f}/s; {load()})",
            flush=True,
        )
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
        if args.catch_up_only:
            print("2. each projection alone, from nothing to the head:", flush=True)
            catch_up_alone(url, data_dir)
            return Size(events, built, 0.0, [], [])
        env = cluster_env(url, data_dir, JITSPACE_POOL_SIZE="8")
        server = Process("serve", env, data_dir / "serve.log", free_port())
        caught = catch_up(url, server)
        server.start(timeout=300)
        try:
            print(
                f"2. read models at the head {caught:.1f} s after the server started ({load()})",
                flush=True,
            )
            after, _ = middle(url, jit, 0.25)
            _, moment = middle(url, jit, 0.5)
            client = log_in(server.url, LEADER)
            client.timeout = httpx.Timeout(1800)
            reads = reads_of(jit, item, moment.isoformat(), after)
            measure(client, reads, args.reads, args.budget)
            memory(client, Peak(server.pid), reads)
            print(f"3. reads ({load()})")
            for read in reads:
                print(
                    f"   {read.name:<30} n={len(read.seconds):>3} {ms(read.seconds)}  "
                    f"peak {mib(read)} MiB",
                    flush=True,
                )
            bundle = data_dir / "bundle.zip"
            exported = export(client, Peak(server.pid), jit, bundle, args.exports, args.budget)
            exported.events = events
            checked = verify(env, jit, bundle, args.exports)
            print(f"4. export and verify ({load()})")
            for heavy in (exported, *checked):
                rate = events / percentile(heavy.seconds, 50)
                print(
                    f"   {heavy.name:<34} n={len(heavy.seconds)} {ms(heavy.seconds)}  "
                    f"{rate:,.0f} events/s  peak {mib(heavy)} MiB",
                    flush=True,
                )
        finally:
            server.stop()
    return Size(events, built, caught, reads, [exported, *checked])


def ms(seconds: list[float]) -> str:
    """p50/p99 in milliseconds."""
    return f"{percentile(seconds, 50) * 1e3:9.1f}/{percentile(seconds, 99) * 1e3:9.1f}"


def mib(measured: Read | Heavy) -> str:
    """The peak, and what the measured work added to the memory held before."""
    return f"{f'{measured.peak_mib:.0f}+{measured.added_mib:.0f}':>9}"


def table(sizes: list[Size]) -> None:
    """A row per read, a column per size: p50/p99 ms and the server's peak MiB; the ratio of
    the largest size's p50 (and p99) to the smallest's, and the goal (p50 within 2x)."""
    first, last = sizes[0], sizes[-1]
    heads = "".join(f" | {f'{s.events:,} events: p50/p99 ms, MiB':>29}" for s in sizes)
    print(f"\n{'read':<34}{heads} | {'largest/smallest p50 (p99)':>26} | within {GOAL:.0f}x")
    for n, read in enumerate(first.reads):
        cells = "".join(f" | {ms(s.reads[n].seconds)} {mib(s.reads[n])}" for s in sizes)
        ratio = percentile(last.reads[n].seconds, 50) / percentile(read.seconds, 50)
        ratio99 = percentile(last.reads[n].seconds, 99) / percentile(read.seconds, 99)
        verdict = "met" if ratio <= GOAL else "missed"
        print(f"{read.name:<34}{cells} | {f'x{ratio:.2f} (x{ratio99:.2f})':>26} | {verdict}")
    for n, heavy in enumerate(first.heavy):
        cells = "".join(f" | {ms(s.heavy[n].seconds)} {mib(s.heavy[n])}" for s in sizes)
        ratio = percentile(last.heavy[n].seconds, 50) / percentile(heavy.seconds, 50)
        rate = last.events / percentile(last.heavy[n].seconds, 50)
        print(f"{heavy.name:<34}{cells} | {f'x{ratio:.2f}, {rate:,.0f} events/s':>26} | -")
    built = ", ".join(f"{s.events:,}: {s.build_s:.0f} s, {s.catch_up_s:.0f} s" for s in sizes)
    print(f"\nbuilt, then read models at the head: {built}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,100000,1000000")
    parser.add_argument("--reads", type=int, default=50)
    parser.add_argument("--budget", type=float, default=60.0)
    parser.add_argument("--exports", type=int, default=2)
    parser.add_argument("--catch-up-only", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    done: list[Size] = []
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            done.append(run_size(size, args, Path(folder)))
            if not args.catch_up_only:
                table(done)


if __name__ == "__main__":
    main()
