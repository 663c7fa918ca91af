"""Real JITspace processes for the multi-process tests and the live benchmark."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psycopg

from jitspace.reads.leadership import LOCK_HALVES
from tests.support import free_port

JITSPACE = str(Path(sys.executable).with_name("jitspace"))
# what a worker logs when it starts working, and when it waits for the one that works
WORKING = "projection worker running"
WAITING = "projection worker waiting"


class Process:
    """`jitspace serve` (with a port) or `jitspace worker` (without), restartable."""

    def __init__(
        self,
        command: str,
        env: dict[str, str],
        log: Path,
        port: int | None = None,
        *,
        errors: Path | None = None,
        args: tuple[str, ...] = (),
    ):
        self.command = command
        self.args = args  # more of the command line, after the port
        self.env = env
        self.port = port
        self.log = log
        self.errors = errors  # standard error apart from the output (the log lines), if given
        self.popen: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.popen.pid if self.popen is not None else 0

    @property
    def works(self) -> bool:
        """A worker that has said it works (since it started or was last killed)."""
        return WORKING in self.log.read_text()

    def start(self, timeout: float = 60) -> Process:
        args = [JITSPACE, self.command]
        if self.port is not None:
            args += ["--port", str(self.port)]
        args += self.args
        with self.log.open("ab") as log, (self.errors or self.log).open("ab") as errors:
            self.popen = subprocess.Popen(args, env=self.env, stdout=log, stderr=errors)
        deadline = time.monotonic() + timeout
        while not self.ready():
            if self.popen.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{self.command} did not start: {self.log.read_text()[-2000:]}")
            time.sleep(0.1)
        return self

    def ready(self) -> bool:
        if self.port is None:  # working, or waiting for the worker that works
            return any(said in self.log.read_text() for said in (WORKING, WAITING))
        try:
            return httpx.get(f"{self.url}/health", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def kill(self) -> None:
        """SIGKILL: no shutdown, no goodbye to clients or to PostgreSQL."""
        if self.popen is not None and self.popen.poll() is None:
            self.popen.send_signal(signal.SIGKILL)
            self.popen.wait(timeout=10)
        if self.port is None:  # a restarted worker announces itself again
            self.log.write_text("")

    def stop(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def jitspace(*args: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    """`jitspace <args>` run to its end as a separate program, its output read as text."""
    return subprocess.run(
        [sys.executable, "-m", "jitspace.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def cluster_env(database_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "JITSPACE_DATABASE_URL": database_url,
        "JITSPACE_DATA_DIR": str(data_dir),
        "JITSPACE_POOL_SIZE": "2",  # the test PostgreSQL takes 100 connections in all
        "JITSPACE_ACCESS_LOG": "false",
        "JITSPACE_CHECKPOINT_INTERVAL_SECONDS": "0",
        **extra,
    }


@contextmanager
def worker_and_app(
    database_url: str, data_dir: Path, *, worker_args: tuple[str, ...] = (), **extra: str
) -> Iterator[Process]:
    """A worker running its schedules with `extra`'s settings, and one app beside it that
    leaves it the read models: the app (the worker started first, as its lock wants)."""
    env = cluster_env(database_url, data_dir, **extra)
    worker = Process("worker", env, data_dir / "worker.log", args=worker_args)
    app = Process("serve", {**env, "JITSPACE_RUN_PROJECTIONS": "false"}, data_dir / "app.log")
    app.port = free_port()
    try:
        worker.start()
        app.start()
        yield app
    finally:
        app.stop()
        worker.stop()


class Cluster:
    """One projection worker and two app processes (no projections) on one database."""

    def __init__(self, database_url: str, data_dir: Path, **extra: str) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        env = cluster_env(database_url, data_dir, **extra)
        app_env = {**env, "JITSPACE_RUN_PROJECTIONS": "false"}
        self.worker = Process("worker", env, data_dir / "worker.log")
        self.a = Process("serve", app_env, data_dir / "a.log", free_port())
        self.b = Process("serve", app_env, data_dir / "b.log", free_port())

    def __enter__(self) -> Cluster:
        # the database is migrated already (as `jitspace migrate` leaves it); one at a time
        try:
            for process in (self.worker, self.a, self.b):
                process.start()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        for process in (self.a, self.b, self.worker):
            process.stop()


def workers_lock_holders(database_url: str) -> list[str]:
    """The `application_name` of each session holding the workers' lock."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
            "WHERE l.locktype = 'advisory' AND l.granted "
            "AND l.classid = %s AND l.objid = %s AND l.objsubid = 1",
            LOCK_HALVES,
        ).fetchall()
    return [row[0] for row in rows]
