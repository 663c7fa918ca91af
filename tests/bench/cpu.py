"""CPU seconds spent by processes, for benchmarks that share the machine with what they
measure: a noisy machine moves wall-clock figures far more than CPU seconds."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

import psutil


def cpu_seconds(pids: Iterable[int]) -> float:
    """User and system CPU seconds of these processes so far (0 for one that is gone)."""
    total = 0.0
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            t = psutil.Process(pid).cpu_times()
            total += t.user + t.system
    return total


def postgres_seconds() -> float:
    """CPU seconds of every PostgreSQL process on the machine, ended backends included
    (they count in their server's children)."""
    total = 0.0
    for process in psutil.process_iter(["name"]):
        if process.info["name"] == "postgres":
            with contextlib.suppress(psutil.Error):
                t = process.cpu_times()
                total += t.user + t.system + t.children_user + t.children_system
    return total
