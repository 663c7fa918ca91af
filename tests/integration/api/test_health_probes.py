"""An orchestrator's probes: `/health/live` answers while the process does; `/health/ready`
answers 200 only while the database answers with the schema this JITspace needs and the
object store answers, and its 503 names what is wrong, without addresses or secrets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from jitspace.migrations import LATEST
from jitspace.settings import Settings
from tests.storage import ACCESS_KEY, SECRET_KEY, BreakingProxy
from tests.support import ServerThread, another_server, fresh_database


def probe(server: ServerThread, path: str) -> tuple[int, str]:
    answer = httpx.get(f"{server.url}{path}", timeout=30)
    return answer.status_code, answer.json().get("detail", "")


@pytest.mark.parametrize("store", ["directory", "s3"])
def test_a_working_server_is_live_and_ready(
    request: pytest.FixtureRequest, store: str, server: ServerThread
) -> None:
    serving = server if store == "directory" else request.getfixturevalue("s3_server")
    assert probe(serving, "/health/live") == (200, "")
    assert probe(serving, "/health/ready") == (200, "")


@pytest.fixture
def own_database(settings: Settings, tmp_path: Path) -> Iterator[tuple[ServerThread, str]]:
    url = fresh_database(settings.database_url, "ready")
    with another_server(settings, database_url=url, data_dir=tmp_path) as running:
        yield running, url


def test_a_database_behind_this_version_makes_the_server_unready_naming_the_schema(
    own_database: tuple[ServerThread, str],
) -> None:
    server, url = own_database
    assert probe(server, "/health/ready")[0] == 200
    # Given a database whose schema lacks the latest migration (an older backup restored
    # under a running server)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DELETE FROM schema_migrations WHERE version = %s", (LATEST,))

    status, detail = probe(server, "/health/ready")

    assert status == 503
    assert detail == (
        f"the database schema is at version {LATEST - 1}, this JITspace needs {LATEST}: "
        "run `jitspace migrate`"
    )
    # the process itself is fine: an orchestrator must not restart it for the database
    assert probe(server, "/health/live") == (200, "")


def test_an_object_store_that_does_not_answer_makes_the_server_unready_naming_it(
    s3_server: ServerThread, s3_proxy: BreakingProxy
) -> None:
    s3_proxy.down = True
    try:
        status, detail = probe(s3_server, "/health/ready")
        live = probe(s3_server, "/health/live")
    finally:
        s3_proxy.restore()

    assert status == 503
    assert detail == "the object store does not answer"
    assert live == (200, "")
    # and once it answers again, so is the server ready again
    assert probe(s3_server, "/health/ready") == (200, "")


def test_the_unready_answer_carries_no_address_or_credential(
    s3_server: ServerThread, s3_proxy: BreakingProxy
) -> None:
    s3_proxy.down = True
    try:
        answer = httpx.get(f"{s3_server.url}/health/ready", timeout=30).text
    finally:
        s3_proxy.restore()
    for secret in (s3_proxy.endpoint, str(s3_proxy.port), ACCESS_KEY, SECRET_KEY):
        assert secret not in answer
