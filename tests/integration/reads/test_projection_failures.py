"""One event a read model cannot take must not stop the system: the projection that fails
waits longer and longer between attempts, holds no connection while it waits, names the
event in the log and in /health, and carries on once the cause is gone; the others keep
working meanwhile."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import pytest

from domain.commands import RecordAccess
from jitspace.services.application import JITspace
from jitspace.settings import Settings
from jitspace.storage.database import eventsourcing_env
from tests.support import (
    Jit,
    People,
    ServerThread,
    evidence_body,
    fresh_database,
    log_of,
    open_investigation,
)

EVIDENCE = evidence_body(reference="FR-PV-2024-118", kind="seized_device")
# the database itself refuses the custody row of a seal: a real failure, that can be lifted
REFUSE_SEALS = (
    "CREATE FUNCTION refuse_seal() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'the custody table refuses seals today'; END $$",
    "CREATE TRIGGER refuse_seal BEFORE INSERT ON rm_custody_history FOR EACH ROW "
    "WHEN (NEW.kind = 'Sealed') EXECUTE FUNCTION refuse_seal()",
)
LIFT_REFUSAL = ("DROP TRIGGER refuse_seal ON rm_custody_history", "DROP FUNCTION refuse_seal()")


@pytest.fixture
def own_server(database_url: str, tmp_path: Path) -> Iterator[tuple[ServerThread, Settings]]:
    """A server with a database of its own: its custody projection is broken on purpose."""
    settings = Settings(
        database_url=fresh_database(database_url, "stall"),
        data_dir=tmp_path,
        pool_size=4,
        login_failures_per_client=1_000_000,
        checkpoint_interval_seconds=0,
        projection_retry_first_seconds=0.1,
        projection_retry_max_seconds=0.4,
    )
    with ServerThread(settings) as server:
        yield server, settings


def sql(url: str, *statements: str) -> Any:
    async def run() -> Any:
        conn = await asyncpg.connect(url)
        try:
            result = None
            for statement in statements:
                result = await conn.fetchval(statement)
            return result
        finally:
            await conn.close()

    return asyncio.run(run())


def connections(url: str) -> int:
    name = urlsplit(url).path.lstrip("/")
    # the counting connection itself is not counted
    return int(
        sql(
            url,
            "SELECT count(*) FROM pg_stat_activity "
            f"WHERE datname = '{name}' AND pid <> pg_backend_pid()",
        )
    )


def until(condition: Callable[[], Any], what: str, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, f"waited in vain for {what}"
        time.sleep(0.05)
    return result


def health(server: ServerThread, people: People) -> tuple[int, str]:
    client = people.made[0].client
    answer = client.get(f"{server.url}/health")
    return answer.status_code, answer.json().get("detail", "")


def attempts(detail: str) -> int:
    if "attempt" not in detail:
        return 0
    return int(detail.split(" attempt", 1)[0].rsplit("(", 1)[1])


def test_a_projection_failing_on_an_event_backs_off_holds_no_connections_and_recovers(
    own_server: tuple[ServerThread, Settings],
    caplog: pytest.LogCaptureFixture,
    print_in_summary: Callable[[str, list[str]], None],
) -> None:
    server, settings = own_server
    url = settings.database_url
    caplog.set_level(logging.ERROR, logger="jitspace.reads.projecting")
    people = People(server.url, url)
    jit = open_investigation(people)
    item = jit.leader.post(jit.path("/evidence"), json=EVIDENCE).json()["id"]
    collected = jit.leader.post(
        jit.path(f"/evidence/{item}/custody/collection"), json={"place": "Paris 18e"}
    )
    assert collected.status_code == 200, collected.text
    sql(url, *REFUSE_SEALS)

    # When a custody event arrives that the custody read model cannot take
    sealed = jit.leader.post(jit.path(f"/evidence/{item}/custody/seal"), json={"seal_number": "S1"})
    assert sealed.status_code == 200, sealed.text
    seal = next(e for e in log_of(jit.leader, jit.id) if e["type"].endswith("Sealed"))

    # Then /health names the projection, the event (position and topic) and the cause
    _, detail = until(
        lambda: (h := health(server, people))[0] == 503 and attempts(h[1]) >= 2 and h,
        "the failure in /health",
    )
    assert "the custody projection" in detail
    assert f"event {seal['position']} (domain.evidence:EvidenceItem.Sealed)" in detail, detail
    assert "refuses seals today" in detail
    # and so does the log
    assert any(
        f"event {seal['position']} (domain.evidence:EvidenceItem.Sealed)" in r.getMessage()
        for r in caplog.records
    )

    # and over many further attempts, the connections to the database do not grow
    counts: dict[int, int] = {}
    while len(counts) < 8:
        seen = attempts(health(server, people)[1])
        counts.setdefault(seen, connections(url))
    ordered = [counts[k] for k in sorted(counts)]
    print_in_summary(
        "connections to PostgreSQL while a projection fails, by attempt",
        [", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))],
    )
    assert max(ordered[2:]) <= ordered[0] + 3, counts  # a restart in flight holds a few
    assert ordered[-1] <= ordered[0] + 3, counts
    # and the waits grow (0.1, 0.2, 0.4, 0.4 s ...): no restart every moment
    assert max(counts) >= 4

    # Meanwhile the other read models keep up: a new item is in the register at once
    other = jit.leader.post(jit.path("/evidence"), json={**EVIDENCE, "reference": "FR-2"})
    assert other.status_code == 201, other.text
    register = jit.leader.get(jit.path("/evidence")).json()
    assert other.json()["id"] in [row["id"] for row in register]

    # When the cause is gone
    sql(url, *LIFT_REFUSAL)

    # Then the projection carries on from the event it failed on, and /health is ready
    until(lambda: health(server, people)[0] == 200, "the projection to recover")
    chain = jit.leader.get(jit.path(f"/evidence/{item}/custody")).json()
    assert [entry["kind"] for entry in chain["entries"]][-1] == "Sealed"
    for person in people.made:
        person.client.close()


def test_a_nul_already_in_the_log_does_not_stop_the_custody_chains(
    own_server: tuple[ServerThread, Settings],
) -> None:
    # Given a download recorded, before requests were checked, with a NUL in its purpose
    server, settings = own_server
    people = People(server.url, settings.database_url)
    jit: Jit = open_investigation(people)
    item = jit.leader.post(jit.path("/evidence"), json=EVIDENCE).json()["id"]
    stored = jit.leader.post(
        jit.path(f"/evidence/{item}/files"),
        params={"name": "phone.bin"},
        content=b"bytes",
        headers={"Content-Type": "application/octet-stream"},
    )
    assert stored.status_code == 201, stored.text
    app = JITspace(env=eventsourcing_env(settings.database_url, settings))
    try:
        app.record_evidence_access(
            jit.leader.user_id,
            RecordAccess(
                investigation_id=uuid.UUID(jit.id),
                evidence_id=uuid.UUID(item),
                file_id=uuid.UUID(stored.json()["file"]["id"]),
                purpose="\x00",
                first_byte=0,
                last_byte=4,
            ),
        )
    finally:
        app.close()

    # Then the chain of custody shows the download, and every read model keeps up
    def accessed() -> dict[str, Any] | None:
        chain = jit.leader.get(jit.path(f"/evidence/{item}/custody")).json()
        entries: list[dict[str, Any]] = chain["entries"]
        return next((e for e in entries if e["kind"] == "Accessed"), None)

    entry = until(accessed, "the download in the chain of custody")
    assert entry["details"]["purpose"] == "\ufffd"  # the log keeps the NUL as recorded
    assert health(server, people) == (200, "")
    for person in people.made:
        person.client.close()
