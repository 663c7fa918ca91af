"""The admissibility rebuild benchmark's work: see `tests.bench.bench_admissibility`."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from itertools import cycle, islice
from pathlib import Path
from typing import Any, NamedTuple

import msgspec
import psutil
import psycopg

from jitspace.cli import settle_heap
from jitspace.services.application import JITspace
from jitspace.settings import Settings
from jitspace.storage.database import eventsourcing_env
from projections.admissibility import (
    BATCH,
    KEPT_FACTS,
    KEPT_ITEM_FACTS,
    AdmissibilityView,
    Facts,
)
from tests.bench.bench_growth import Team
from tests.bench.bench_ledger import fresh_database, postgres
from tests.bench.cpu import postgres_seconds
from tests.projections_support import admissibility_runner

GOAL = 0.50
KEPT = (KEPT_FACTS.table, KEPT_ITEM_FACTS.table)  # the facts' versions
READ_MODEL = ("rm_admissibility", "rm_admissibility_facts", "rm_admissibility_item_facts", *KEPT)
BASELINE = ("base_rows", "base_facts", "base_item_facts", "base_facts_kept", "base_items_kept")
EVENTS_PER_ITEM = 7
ITEMS_PER_SAVE = 100


def generate_team(app: JITspace, name: str, items: int) -> int:
    """One investigation with `items` evidence items (the growth benchmark's: each seized,
    sealed, sent to Belgium, received and used there with France's consent); returns the
    events saved."""
    team = Team(app, uuid.uuid4(), name)
    saved = team.inv.version + sum(b.version for b in team.books) + team.order.version
    for first in range(0, items, ITEMS_PER_SAVE):
        batch = [team.item(n) for n in range(first, min(first + ITEMS_PER_SAVE, items))]
        app.save(*batch)
        saved += sum(i.version for i in batch)
    return saved


class Written(msgspec.Struct):
    """What the projection wrote: matrix rows, facts rows of investigations and of items (as
    they stand after each batch), the facts' versions kept, and their average sizes."""

    rows: int = 0
    facts: int = 0
    items: int = 0
    facts_kept: int = 0
    items_kept: int = 0
    row_bytes: int = 0
    facts_bytes: int = 0
    item_bytes: int = 0


def rebuild(env: dict[str, str], url: str, head: int) -> tuple[float, Written]:
    """Seconds from starting the projection to the commit of the head's tracking (timed
    where it commits: the runner's `wait` polls the tracking every 800 ms at most)."""
    written = Written()
    original = AdmissibilityView.write
    committed = [0.0]

    def counting(self: AdmissibilityView, facts: Facts, cells: Any, tracking: Any) -> None:
        cases, items = facts.current()
        written.rows += len(cells)
        written.facts += len(cases)
        written.items += len(items)
        written.facts_kept += len(facts.cases)
        written.facts_bytes += sum(len(stored) for _, stored, _ in facts.cases)
        written.items_kept += len(facts.items)
        written.item_bytes += sum(len(stored) for _, _, stored, _ in facts.items)
        original(self, facts, cells, tracking)
        if tracking.notification_id >= head:
            committed[0] = time.perf_counter()

    AdmissibilityView.write = counting  # type: ignore[method-assign]
    try:
        began = time.perf_counter()
        with admissibility_runner(env) as runner:
            runner.wait(head, timeout=3600)
            seconds = committed[0] - began
    finally:
        AdmissibilityView.write = original  # type: ignore[method-assign]
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT avg(length(results::text)) FROM rm_admissibility").fetchone()
        assert row is not None
        written.row_bytes = int(row[0] or 0)
    written.facts_bytes //= max(written.facts_kept, 1)
    written.item_bytes //= max(written.items_kept, 1)
    return seconds, written


class Cpu(NamedTuple):
    """CPU seconds used so far: by this process, by its children that ended (evaluator
    processes), by PostgreSQL's processes (ended backends count in the server's children)."""

    own: float
    children: float
    postgres: float

    @classmethod
    def now(cls) -> Cpu:
        own = psutil.Process().cpu_times()
        return cls(
            own.user + own.system, own.children_user + own.children_system, postgres_seconds()
        )

    def since(self, before: Cpu) -> str:
        return (
            f"CPU s: this process {self.own - before.own:.1f}, evaluators "
            f"{self.children - before.children:.1f}, "
            f"PostgreSQL {self.postgres - before.postgres:.1f}"
        )


def settle(url: str, *, fresh: bool = False) -> None:
    """Before a timed phase: the write-ahead log checkpointed, so neither phase pays for the
    other's writes; `fresh` drops the read model a round before wrote, and its baseline's."""
    with psycopg.connect(url, autocommit=True) as conn:
        if fresh:
            for table in (*READ_MODEL, "admissibility_tracking", *BASELINE):
                conn.execute(f"DROP TABLE IF EXISTS {table}")
        conn.execute("CHECKPOINT")


def baseline(url: str, head: int, written: Written) -> float:
    """Read the same log rows; write as many matrix rows, facts rows and facts' versions as
    the projection, with the very bytes it wrote (its rows, read back before the clock
    starts, cycled where it wrote a row more than once; each version once, as kept, the
    positions between which it held included), spread over the log, with batched INSERTs,
    one transaction per BATCH events."""
    with psycopg.connect(url) as conn:
        cells = conn.execute(
            "SELECT evidence_id, country, investigation_id, reference, verdict, outcome, "
            "results::text, evaluated_on, changes_on FROM rm_admissibility"
        ).fetchall()
        cases = conn.execute("SELECT investigation_id, facts FROM rm_admissibility_facts")
        facts = cycle(cases.fetchall())
        items = cycle(conn.execute("SELECT * FROM rm_admissibility_item_facts").fetchall())
        rows_of = cycle(cells)
        facts_kept = iter(conn.execute(f"SELECT * FROM {KEPT_FACTS.table}").fetchall())
        items_kept = iter(conn.execute(f"SELECT * FROM {KEPT_ITEM_FACTS.table}").fetchall())
        # ordinary tables shaped like the read model's, indexes included: a temporary table
        # would skip the write-ahead log every table of the read model goes through
        for table, like in zip(BASELINE, READ_MODEL, strict=True):
            conn.execute(f"CREATE TABLE {table} (LIKE {like} INCLUDING ALL)")
        conn.commit()
        began = time.perf_counter()
        done = rows_done = facts_done = items_done = facts_kept_done = items_kept_done = 0
        with conn.cursor(name="log", withhold=True) as cursor:
            cursor.itersize = BATCH
            cursor.execute(
                "SELECT notification_id, originator_id, originator_version, topic, state, "
                "investigation_id FROM jitspace_events ORDER BY notification_id"
            )
            while page := cursor.fetchmany(BATCH):
                done += len(page)
                rows = round(written.rows * done / head) - rows_done
                fact_rows = round(written.facts * done / head) - facts_done
                item_rows = round(written.items * done / head) - items_done
                kept_facts = round(written.facts_kept * done / head) - facts_kept_done
                kept_items = round(written.items_kept * done / head) - items_kept_done
                rows_done, facts_done = rows_done + rows, facts_done + fact_rows
                items_done += item_rows
                facts_kept_done += kept_facts
                items_kept_done += kept_items
                with conn.cursor() as cur:
                    cur.executemany(
                        "INSERT INTO base_facts VALUES (%s,%s) ON CONFLICT (investigation_id) "
                        "DO UPDATE SET facts = EXCLUDED.facts",
                        list(islice(facts, fact_rows)),
                    )
                    cur.executemany(
                        "INSERT INTO base_item_facts VALUES (%s,%s,%s) ON CONFLICT "
                        "(investigation_id, evidence_id) DO UPDATE SET facts = EXCLUDED.facts",
                        list(islice(items, item_rows)),
                    )
                    cur.executemany(
                        "INSERT INTO base_rows VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s) ON CONFLICT "
                        "(evidence_id, country) DO UPDATE SET reference = EXCLUDED.reference, "
                        "verdict = EXCLUDED.verdict, outcome = EXCLUDED.outcome, "
                        "results = EXCLUDED.results, evaluated_on = EXCLUDED.evaluated_on, "
                        "changes_on = EXCLUDED.changes_on",
                        list(islice(rows_of, rows)),
                    )
                    cur.executemany(
                        "INSERT INTO base_facts_kept VALUES (%s,%s,%s,%s)",
                        list(islice(facts_kept, kept_facts)),
                    )
                    cur.executemany(
                        "INSERT INTO base_items_kept VALUES (%s,%s,%s,%s,%s)",
                        list(islice(items_kept, kept_items)),
                    )
                conn.commit()
        return time.perf_counter() - began


def main(argv: list[str] | None = None, description: str = "") -> int:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--investigations", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3, help="rebuild and baseline, in turn")
    args = parser.parse_args(argv)
    with (
        tempfile.TemporaryDirectory() as tmp,
        postgres(Path(tmp)) as server,
        fresh_database(server, f"bench_adm_{uuid.uuid4().hex[:8]}") as url,
    ):
        settings = Settings(database_url=url, data_dir=Path(tmp))
        env = eventsourcing_env(url, settings)
        app = JITspace(env=env)
        try:
            items = args.events // args.investigations // EVENTS_PER_ITEM
            began = time.perf_counter()
            saved = sum(generate_team(app, f"INV{i}", items) for i in range(args.investigations))
            generated = time.perf_counter() - began
            head = app.recorder.max_notification_id() or 0
        finally:
            app.close()
        print(
            f"generated {saved:,} events in {args.investigations} investigations "
            f"({generated:.1f} s); log head {head:,}"
        )
        projection_env = env | {"POSTGRES_POOL_SIZE": "2", "POSTGRES_MAX_OVERFLOW": "2"}
        settle_heap()  # as `jitspace serve` and `worker` have it once started
        ratios = []
        for n in range(1, args.rounds + 1):
            settle(url, fresh=n > 1)
            cpu = Cpu.now()
            seconds, written = rebuild(projection_env, url, head)
            rebuild_cpu = Cpu.now().since(cpu)
            settle(url)
            cpu = Cpu.now()
            base = baseline(url, head, written)
            baseline_cpu = Cpu.now().since(cpu)
            rate, base_rate = head / seconds, head / base
            ratios.append(rate / base_rate)
            print(
                f"round {n}\n"
                f"  rebuild : {head:,} events; {written.rows:,} matrix rows (~{written.row_bytes:,}"
                f" B of rule results each), {written.facts:,} investigation facts rows "
                f"and {written.items:,} item facts rows written, {written.facts_kept:,} "
                f"versions of the investigations' facts (~{written.facts_bytes:,} B) and "
                f"{written.items_kept:,} of items' (~{written.item_bytes:,} B) kept, "
                f"in {seconds:.2f} s = {rate:,.0f} events/s\n"
                f"            {rebuild_cpu}\n"
                f"  baseline: the same log rows read, the same rows written with batched raw SQL "
                f"in {base:.2f} s = {base_rate:,.0f} events/s\n"
                f"            {baseline_cpu}\n"
                f"  ratio   : {ratios[-1]:.1%}"
            )
    ratio = statistics.median(ratios)
    verdict = "PASS" if ratio >= GOAL else "MISS"
    print(
        f"ratio   : {ratio:.1%} of the baseline, the median of {len(ratios)} rounds "
        f"(goal >= {GOAL:.0%}): {verdict} (information only)"
    )
    return 0
