"""Bulk import benchmark: items imported from JSON lines against a COPY of the same rows.

    .venv/bin/python -m tests.bench.bench_import [--items 100000] [--small 10000]
        [--files 0] [--read-models]

One PostgreSQL server (embedded in a temporary folder, or the server at
JITSPACE_TEST_DATABASE_URL), a fresh database, the real application and its directory store.

1. Import: a JSON lines document of N items (no files; --files F gives the first F items a
   small file each, in a zip beside the document) imported into one investigation through
   the import the API and the command line run (`jitspace.interchange.evidence_import`): every
   row checked, every item made by the domain, its events recorded in one transaction of the
   log with their hash chain links and unique keys (the references). Items/s, and the peak
   resident memory the import added, each size in a process of its own (the smaller size
   first, N last): the peak at the smaller size beside the peak at N shows whether memory
   stays flat.
2. Baseline, in the same run: the event rows the import recorded, read back into memory, then
   written by one COPY (asyncpg, binary) into a table made `LIKE` the event log's (its
   columns, primary key and indexes): rows/s. Goal: the import at least 0.3x the COPY, per
   item (an item without files is one event row). Printed as PASS/MISS, information only.
   Beside it, the CPU each took an item, in its process and in the database's (the server's
   processes for the benchmark's database, read from /proc when the server runs on this
   machine): on a busy machine the share of time each gets varies, the work does not.
3. With --read-models (information only): the time the read models then take to hold the
   N items (the projections, started afresh, taking in what the import recorded).

Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg

from domain.commands import OpenInvestigation
from domain.values import Party
from jitspace.bootstrap import open_runtime
from jitspace.cli import settle_heap
from jitspace.interchange.evidence_import import import_evidence
from jitspace.settings import Settings
from tests.bench.database import bench_database

GOAL = 0.30
EVENTS_TABLE = "jitspace_events"
LEADER = uuid.UUID("00000000-0000-4000-8000-000000000001")


def settings_for(url: str, data_dir: Path, *, projections: bool) -> Settings:
    return Settings(
        database_url=url,
        data_dir=data_dir,
        run_projections=projections,
        checkpoint_interval_seconds=0,
    )


def write_document(folder: Path, items: int, files: int, tag: str) -> Path:
    """N rows of JSON lines, as a forensic tool writes them (a zip with files if `files`)."""
    collected = (datetime.now(UTC) - timedelta(days=30)).replace(microsecond=0).isoformat()
    lines = folder / f"items-{tag}.jsonl"
    with lines.open("w") as out:
        for n in range(items):
            row: dict[str, Any] = {
                "reference": f"NL-EXT-{tag}-{n:07d}",
                "kind": "document",
                "description": f"message {n} of the extraction of the suspect's phone",
                "occurred_at": collected,
                "collected_by": "Inspecteur de Vries",
                "place": "Rotterdam",
                "method": "logical extraction",
            }
            if n < files:
                row |= {"file": f"files/{n}.txt", "sha256": _file_hash(n)}
            out.write(json.dumps(row) + "\n")
    if not files:
        return lines
    archive = folder / f"items-{tag}.zip"
    with zipfile.ZipFile(archive, "w") as written:
        written.write(lines, lines.name)
        for n in range(files):
            written.writestr(f"files/{n}.txt", _file_bytes(n))
    return archive


def _file_bytes(n: int) -> bytes:
    return f"the bytes of file {n}\n".encode()


def _file_hash(n: int) -> str:
    return hashlib.sha256(_file_bytes(n)).hexdigest()


# -- the import, in a process of its own -------------------------------------------------------


def child(url: str, data_dir: Path, investigation: uuid.UUID, path: Path) -> None:
    """Import the document and print its figures as JSON (run as a subprocess)."""

    async def run() -> dict[str, Any]:
        settings = settings_for(url, data_dir, projections=False)
        async with open_runtime(settings) as runtime:
            reading = await runtime.records.at(LEADER, investigation)
            await reading.authorisations()  # the read models hold the investigation already
            settle_heap()  # as the server and the command line have it when they import
            peak = PeakRss()
            peak.start()
            database_cpu = backends_cpu(url)
            start, cpu = time.perf_counter(), time.process_time()
            result = await import_evidence(
                runtime.app,
                runtime.blobs,
                LEADER,
                reading,
                path,
                name=path.name,
                max_bytes=settings.max_upload_bytes,
            )
            seconds = time.perf_counter() - start
            cpu = time.process_time() - cpu
            database_cpu = backends_cpu(url) - database_cpu
            peak.stopping.set()
            peak.join()
            return {
                "items": result.items,
                "events": result.events,
                "files": result.files_stored,
                "seconds": seconds,
                "cpu": cpu,
                "database_cpu": database_cpu,
                "peak_added": peak.peak - peak.base,
            }

    figures = asyncio.run(run())
    print(json.dumps(figures))


class PeakRss(threading.Thread):
    """The highest resident memory of this process while it runs, sampled every 5 ms."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.base = self.peak = _rss()
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(0.005):
            self.peak = max(self.peak, _rss())
        self.peak = max(self.peak, _rss())


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def backends_cpu(url: str) -> float:
    """The CPU seconds the server's processes for the URL's database have used so far (a
    server on this machine: its backends, by their titles; NaN if none is seen)."""
    database = urlsplit(url).path.lstrip("/").encode()
    ticks, seen = 0, False
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as title:
                words = title.read().split()
            if not words or words[0] != b"postgres:" or database not in words:
                continue
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
            seen = True
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return ticks / os.sysconf("SC_CLK_TCK") if seen else float("nan")


def imported_in_a_process(
    url: str, data_dir: Path, investigation: uuid.UUID, path: Path
) -> dict[str, Any]:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.bench.bench_import",
            "--child",
            url,
            str(data_dir),
            str(investigation),
            str(path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"the import failed:\n{done.stderr}")
    figures: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return figures


# -- the baseline ------------------------------------------------------------------------------


async def copy_baseline(url: str, investigation: uuid.UUID) -> tuple[int, float, float, float]:
    """The investigation's event rows, read into memory, then written by one COPY into a table
    shaped like the log: (rows, seconds of the COPY alone, its CPU seconds here and in the
    database's processes)."""
    connection = await asyncpg.connect(url)
    try:
        columns = [
            "notification_id",
            "originator_id",
            "originator_version",
            "topic",
            "state",
            "investigation_id",
            "recorded_at",
            "event_hash",
            "chain_hash",
            "investigation_hash",
        ]
        rows = [
            tuple(r)
            for r in await connection.fetch(
                f"SELECT {', '.join(columns)} FROM {EVENTS_TABLE} "
                "WHERE investigation_id = $1 AND topic LIKE 'domain.evidence:%' "
                "ORDER BY notification_id",
                investigation,
            )
        ]
        await connection.execute(f"CREATE TABLE copy_baseline (LIKE {EVENTS_TABLE} INCLUDING ALL)")
        database_cpu = backends_cpu(url)
        start, cpu = time.perf_counter(), time.process_time()
        async with connection.transaction():
            await connection.copy_records_to_table("copy_baseline", records=rows, columns=columns)
        seconds = time.perf_counter() - start
        cpu = time.process_time() - cpu
        database_cpu = backends_cpu(url) - database_cpu
        await connection.execute("DROP TABLE copy_baseline")
        return len(rows), seconds, cpu, database_cpu
    finally:
        await connection.close()


# -- the run -----------------------------------------------------------------------------------


async def prepare(url: str, data_dir: Path, investigations: int) -> list[uuid.UUID]:
    """Open the investigations the imports go to, and let the read models take them in."""
    async with open_runtime(settings_for(url, data_dir, projections=True)) as runtime:
        opened = [
            runtime.app.open_investigation(
                LEADER,
                OpenInvestigation(
                    founder_name="Leader",
                    country="NL",
                    name=f"import benchmark {n}",
                    agreement_reference=f"JIT-IMPORT-{n}",
                    purpose="benchmark",
                    period_start=date(2024, 1, 1),
                    period_end=date(datetime.now(UTC).year + 2, 12, 31),
                    parties=(Party("NL", "Netherlands", "OM"), Party("BE", "Belgium", "FP")),
                    occurred_at=datetime.now(UTC),
                ),
            ).id
            for n in range(investigations)
        ]
        assert await runtime.queries.caught_up(None, timeout=60)
        return opened


async def read_models_catch_up(url: str, data_dir: Path, investigation: uuid.UUID) -> float:
    start = time.perf_counter()
    async with open_runtime(settings_for(url, data_dir, projections=True)) as runtime:
        while not await runtime.queries.caught_up(investigation, timeout=600):
            pass
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=0)
    parser.add_argument(
        "--read-models", action="store_true", help="time the read models taking the items in"
    )
    parser.add_argument("--child", nargs=4, metavar=("URL", "DATA", "JIT", "PATH"))
    args = parser.parse_args()
    if args.child:
        url, data, jit, path = args.child
        child(url, Path(data), uuid.UUID(jit), Path(path))
        return
    with (
        tempfile.TemporaryDirectory() as folder,
        bench_database(Path(folder), "bench_import") as url,
    ):
        tmp, data_dir = Path(folder), Path(folder) / "data"
        small_jit, large_jit = asyncio.run(prepare(url, data_dir, 2))
        small_doc = write_document(tmp, args.small, min(args.files, args.small), "s")
        large_doc = write_document(tmp, args.items, args.files, "l")
        small = imported_in_a_process(url, data_dir, small_jit, small_doc)
        large = imported_in_a_process(url, data_dir, large_jit, large_doc)
        rows, copy_seconds, copy_cpu, copy_database_cpu = asyncio.run(copy_baseline(url, large_jit))
        catch_up = (
            asyncio.run(read_models_catch_up(url, data_dir, large_jit)) if args.read_models else 0
        )
    mib = 1024 * 1024
    print(f"\nbulk import, JSON lines, {args.files} files (PostgreSQL {url.split('@')[-1][:40]})")
    print(f"{'':34}{'items':>9}{'events':>9}{'seconds':>9}{'items/s':>10}{'peak MiB':>10}")
    for name, figures in (
        (f"import of {args.small:,}", small),
        (f"import of {args.items:,}", large),
    ):
        print(
            f"{name:34}{figures['items']:>9}{figures['events']:>9}{figures['seconds']:>9.2f}"
            f"{figures['items'] / figures['seconds']:>10,.0f}{figures['peak_added'] / mib:>10.1f}"
        )
    copy_rate = rows / copy_seconds
    print(
        f"{'COPY of the same event rows':34}{'':>9}{rows:>9}{copy_seconds:>9.2f}{copy_rate:>10,.0f}"
    )
    ratio = (large["items"] / large["seconds"]) / (copy_rate * large["items"] / rows)
    print(
        f"\nimport / COPY (per item): {ratio:.2f}x, goal {GOAL}x: "
        f"{'PASS' if ratio >= GOAL else 'MISS'} (information, not asserted)"
    )
    us = 1e6 / large["items"]
    import_cpu = large["cpu"] + large["database_cpu"]
    baseline_cpu = copy_cpu + copy_database_cpu
    print(
        f"CPU an item: the import {import_cpu * us:.0f} µs (its process {large['cpu'] * us:.0f}, "
        f"the database {large['database_cpu'] * us:.0f}); the COPY {baseline_cpu * us:.0f} µs "
        f"(its process {copy_cpu * us:.0f}, the database {copy_database_cpu * us:.0f}): "
        f"{baseline_cpu / import_cpu:.2f}x by CPU (information: what a busy machine's share of "
        "time does not change)"
    )
    growth = large["peak_added"] / max(small["peak_added"], 1)
    print(
        f"peak memory added: {small['peak_added'] / mib:.1f} MiB at {args.small:,} items, "
        f"{large['peak_added'] / mib:.1f} MiB at {args.items:,} ({growth:.2f}x for "
        f"{args.items / args.small:.0f}x the items)"
    )
    if args.read_models:
        print(f"read models holding the {args.items:,} items: {catch_up:.1f} s after the import")


if __name__ == "__main__":
    main()
