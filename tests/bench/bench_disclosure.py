"""Disclosure export and its offline check, each against a baseline made of the standard
library's `zipfile`, at two sizes, in one run.

    .venv/bin/python -m tests.bench.bench_disclosure [--sizes 20000 100000] [--rounds 3]

One PostgreSQL server (embedded in a temporary folder, or the server at
JITSPACE_TEST_DATABASE_URL); for each size a fresh database, one investigation of that many
events made by the domain and saved by the application: with `--shape tasks`,
tests/bench/bench_ledger.py's generation (a task for every one or two events: the records
grow with the log); with `--shape history`, 500 tasks whatever the size, each moved between
statuses again and again (the log grows, the records do not); with `--shape evidence`,
tests/bench/bench_growth.py's investigation (items seized, sealed, sent, received, used with
consent, 7 events each, and a task started for each: the records, and their admissibility
and custody, grow with the log). Then, interleaved round by
round, the best of `--rounds`:

- export: `JITspace.disclose` of the investigation, against a baseline that reads the same
  rows (`Ledger.entries`, the same stream) and writes the same zip members with `zipfile`:
  events.jsonl encoded line by line from the rows, the other members copied from files
  holding the exported bundle's bytes (unzipped before the clock starts);
- check: `verify_bundle` of the bundle, against a baseline that reads every member of the
  same bundle with `zipfile` and hashes it (SHA-256).

The records (records.json, and the report's tables) are written to disk as each becomes
final; what memory holds is the replay's state: each record as it stands, not its history.

Rates in events/s, ratios to the baseline (goal: at least 0.5), and peak memory of each (how
far the resident memory rose above where it stood, in a run of its own; Linux). Memory is flat when
the peak at the larger size is about the peak at the smaller. Nothing is asserted: the goals
are printed as information only.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import hashlib
import os
import shutil
import sys
import tempfile
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from domain.commands import ChangeTaskStatus, Disclose
from domain.values import TaskStatus
from jitspace.disclosure.building import BundleContent
from jitspace.disclosure.checking import verify_bundle
from jitspace.disclosure.contents import bundle_event
from jitspace.ledger.checkpoints import Ledger
from jitspace.ledger.eventlog import EventLog
from jitspace.services.application import JITspace
from jitspace.settings import Settings
from tests.bench.bench_ledger import Team, application, fresh_database, generate, postgres, timed

GOAL = 0.5
CHUNK = 1 << 20
T = TypeVar("T")


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith(field + ":"))
    return int(line.split()[1])


def peak_mb(fn: Callable[[], T]) -> tuple[float, T]:
    """How far the process's resident memory rose above where it stood while `fn` ran, in
    MB: its high-water mark (reset before, by /proc/self/clear_refs) less its size before.
    Everything counts (the database driver's and zlib's buffers too), and nothing slows."""
    gc.collect()
    before = _status_kb("VmRSS")
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")  # the high-water mark starts again from the size now
    result = fn()
    return (_status_kb("VmHWM") - before) / 1e3, result


def long_history(app: JITspace, team: Team, events: int, tasks: int = 500) -> int:
    """`events` events on a fixed number of tasks: each created, then moved between in
    progress and blocked again and again (a long history of few records)."""
    board = [team.task(n) for n in range(tasks)]
    app.save(*board)
    made = tasks
    statuses = (TaskStatus.IN_PROGRESS, TaskStatus.BLOCKED)
    turn = 0
    while made < events:
        batch = board[: min(tasks, events - made)]
        for task in batch:
            command = ChangeTaskStatus(
                investigation_id=team.investigation.id,
                task_id=task.id,
                status=statuses[turn % 2],
                note="moved",
            )
            task.change_status(team.investigation, team.actor, command)
        app.save(*batch)
        made += len(batch)
        turn += 1
    return made


def seized_items(app: JITspace, events: int) -> tuple[uuid.UUID, uuid.UUID]:
    """About `events` events of tests/bench/bench_growth.py's investigation: each item with
    its custody and consent, and a task started. The investigation's id and its leader's."""
    from tests.bench import bench_growth

    team = bench_growth.Team(app, uuid.uuid4())
    units = max(1, events // bench_growth.EVENTS_PER_UNIT)
    for first in range(0, units, bench_growth.UNITS_PER_SAVE):
        made: list[Any] = []
        for n in range(first, min(first + bench_growth.UNITS_PER_SAVE, units)):
            made += [team.item(n), team.task(n)]
        app.save(*made)
    return team.inv.id, team.leader.user_id


def baseline_export(ledger: Ledger, jit_id: uuid.UUID, up_to: int, members: Path, out: Path) -> int:
    """The same rows read, the same members written with zipfile: events.jsonl from the rows,
    the others from their bytes on disk. Returns the events written."""
    import msgspec

    encoder = msgspec.json.Encoder()
    events = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        with bundle.open(zipfile.ZipInfo("events.jsonl"), "w", force_zip64=True) as member:
            line = bytearray()
            for entry in ledger.entries(jit_id, up_to=up_to):
                encoder.encode_into(bundle_event(entry, False), line)
                line += b"\n"
                member.write(line)
                events += 1
        for path in sorted(members.rglob("*")):
            name = path.relative_to(members).as_posix()
            if path.is_dir() or name == "events.jsonl":
                continue
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            with path.open("rb") as source, bundle.open(info, "w", force_zip64=True) as member:
                shutil.copyfileobj(source, member, CHUNK)
    return events


def baseline_check(path: Path) -> int:
    """Every member of the bundle read with zipfile and hashed. Returns the members."""
    with zipfile.ZipFile(path) as bundle:
        for info in bundle.infolist():
            digest = hashlib.sha256()
            with bundle.open(info) as member:
                while chunk := member.read(CHUNK):
                    digest.update(chunk)
        return len(bundle.infolist())


class Measured:
    def __init__(self) -> None:
        self.seconds: dict[str, list[float]] = {}
        self.peaks: dict[str, float] = {}

    def time(self, label: str, fn: Callable[[], T]) -> T:
        seconds, result = timed(fn)
        self.seconds.setdefault(label, []).append(seconds)
        return result

    def best(self, label: str) -> float:
        return min(self.seconds[label])


def measure(
    server_url: str, tmp: Path, events: int, rounds: int, shape: str
) -> tuple[int, Measured]:
    name = f"jitspace_bench_disclosure_{uuid.uuid4().hex[:8]}"
    measured = Measured()
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(fresh_database(server_url, name))
        data = tmp / name
        app = stack.enter_context(application(url, data))
        assert isinstance(app.recorder, EventLog)
        ledger = Ledger.from_settings(app.recorder, Settings(data_dir=data))
        ledger.create_table()
        if shape == "evidence":
            seconds, (jit_id, leader) = timed(lambda: seized_items(app, events))
            made = events
        else:
            team = Team(app, "Big")
            jit_id, leader = team.investigation.id, team.leader
            if shape == "history":
                seconds, made = timed(lambda: long_history(app, team, events))
            else:
                seconds, made = timed(lambda: generate(app, [(team, events)]))
        print(f"  about {made} events generated in {seconds:.0f} s", flush=True)

        def disclose() -> BundleContent:
            return app.disclose(
                leader,
                Disclose(investigation_id=jit_id, purpose="benchmark"),
                ledger=ledger,
            )

        bundle_path, copy_path, members = tmp / "bundle.zip", tmp / "copy.zip", tmp / "members"
        written = 0
        for _ in range(rounds):
            bundle = measured.time("export", disclose)
            up_to, written = bundle.manifest.up_to_position, bundle.manifest.events
            with bundle_path.open("wb") as out:
                for chunk in bundle.chunks():
                    out.write(chunk)
            shutil.rmtree(members, ignore_errors=True)
            with zipfile.ZipFile(bundle_path) as opened:
                opened.extractall(members)
            copied = measured.time(
                "export baseline",
                lambda up_to=up_to: baseline_export(ledger, jit_id, up_to, members, copy_path),
            )
            assert copied == written, (copied, written)
            report = measured.time("check", lambda: verify_bundle(bundle_path))
            assert report.ok and report.events_checked == written, report.findings[:3]
            measured.time("check baseline", lambda: baseline_check(bundle_path))
        up_to = bundle.manifest.up_to_position
        measured.peaks["export"], bundle = peak_mb(disclose)
        bundle.file.close()
        measured.peaks["export baseline"], _ = peak_mb(
            lambda: baseline_export(ledger, jit_id, up_to, members, copy_path)
        )
        measured.peaks["check"], _ = peak_mb(lambda: verify_bundle(bundle_path))
        measured.peaks["check baseline"], _ = peak_mb(lambda: baseline_check(bundle_path))
        size = bundle_path.stat().st_size
        print(f"  bundle: {written} events, {size / 1e6:.1f} MB", flush=True)
    return written, measured


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[20_000, 100_000])
    parser.add_argument("--rounds", type=int, default=3, help="repeats of each measurement")
    parser.add_argument(
        "--shape",
        choices=("tasks", "history", "evidence"),
        default="tasks",
        help="tasks: a record for every one or two events (bench_ledger's generation); "
        "history: 500 tasks whatever the size, each with a long history; "
        "evidence: items with their custody and consent, and tasks (bench_growth's)",
    )
    args = parser.parse_args(argv)
    print(
        f"sizes {args.sizes[0]} and {args.sizes[1]} events ({args.shape}), best of "
        f"{args.rounds}; Python "
        f"{sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} cores",
        flush=True,
    )
    results: list[tuple[int, Measured]] = []
    with contextlib.ExitStack() as stack:
        tmp = Path(
            stack.enter_context(
                tempfile.TemporaryDirectory(prefix="jitspace-bench-", ignore_cleanup_errors=True)
            )
        )
        server_url = stack.enter_context(postgres(tmp))
        for events in args.sizes:
            print(f"\n{events} events:", flush=True)
            results.append(measure(server_url, tmp, events, args.rounds, args.shape))

    print(f"\n{'':<22} {'events':>8} {'events/s':>10} {'baseline/s':>11} {'ratio':>6}  goal")
    ratios: list[tuple[str, float]] = []
    for events, measured in results:
        for step in ("export", "check"):
            rate = events / measured.best(step)
            baseline = events / measured.best(f"{step} baseline")
            ratio = rate / baseline
            verdict = "PASS" if ratio >= GOAL else "MISS"
            ratios.append((f"{step} at {events}", ratio))
            print(
                f"{step:<22} {events:>8} {rate:>10,.0f} {baseline:>11,.0f} {ratio:>6.2f}  "
                f">= {GOAL} {verdict}"
            )
    print(f"\n{'peak memory (MB)':<22} {'events':>8} {'itself':>10} {'baseline':>11}")
    for events, measured in results:
        for step in ("export", "check"):
            print(
                f"{step:<22} {events:>8} {measured.peaks[step]:>10.1f} "
                f"{measured.peaks[f'{step} baseline']:>11.1f}"
            )
    (small, at_small), (large, at_large) = results
    print(f"\nGoals (information only, not asserted), {small} -> {large} events:")
    for step in ("export", "check"):
        growth = at_large.peaks[step] / max(at_small.peaks[step], 0.001)
        print(f"  {step}: peak memory x{growth:.2f} for x{large / small:.0f} the events")
    for label, ratio in ratios:
        print(f"  {label}: {ratio:.2f} of the baseline  {'PASS' if ratio >= GOAL else 'MISS'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
