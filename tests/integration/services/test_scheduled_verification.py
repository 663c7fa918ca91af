"""The working worker re-hashes every stored evidence file on a schedule
(`JITSPACE_EVIDENCE_VERIFY_INTERVAL_SECONDS`), as the member `JITSPACE_EVIDENCE_VERIFY_AS`:
a file altered in the blob store is found and recorded as an integrity violation."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.processes import Process, worker_and_app
from tests.support import (
    Jit,
    add_user,
    evidence_body,
    fresh_database,
    investigation_on,
    log_of,
)

VERIFIER = "evidence-officer"


@pytest.fixture
def deployment(database_url: str, tmp_path: Path) -> Iterator[tuple[str, Process, Path]]:
    url = fresh_database(database_url, "verifying")
    with worker_and_app(
        url,
        tmp_path,
        JITSPACE_EVIDENCE_VERIFY_INTERVAL_SECONDS="1",
        JITSPACE_EVIDENCE_VERIFY_AS=VERIFIER,
    ) as app:
        yield url, app, tmp_path


@pytest.fixture
def team(deployment: tuple[str, Process, Path]) -> Iterator[Jit]:
    url, app, _ = deployment
    with investigation_on(app.url, url) as jit:
        yield jit


def events_of(jit: Jit, kind: str) -> list[dict[str, Any]]:
    return [e for e in log_of(jit.leader, jit.id) if e["type"] == f"EvidenceItem.{kind}"]


def wait_for(jit: Jit, kind: str, deadline: float) -> list[dict[str, Any]]:
    while not (found := events_of(jit, kind)):
        assert time.monotonic() < deadline, f"no {kind} by the deadline"
        time.sleep(0.2)
    return found


def test_a_file_altered_in_the_blob_store_is_found_by_the_scheduled_run(
    deployment: tuple[str, Process, Path], team: Jit
) -> None:
    url, _, data_dir = deployment
    # Given a member the scheduled re-verification acts as, and an item with a stored file
    verifier = add_user(url, VERIFIER, "Evidence Officer")
    added = team.leader.post(
        team.path("/members"), json={"username": VERIFIER, "country": "BE", "role": "investigator"}
    )
    assert added.status_code == 200, added.text
    item = team.investigator.post(team.path("/evidence"), json=evidence_body()).json()["id"]
    data = f"ledger {time.time_ns()}".encode()
    stored = team.investigator.post(
        team.path(f"/evidence/{item}/files"), params={"name": "ledger.pdf"}, content=data
    )
    assert stored.status_code in (200, 201), stored.text
    sha256 = stored.json()["file"]["sha256"]

    # Then the scheduled run verifies it, as the member
    verified = wait_for(team, "IntegrityVerified", time.monotonic() + 30)
    assert verified[0]["actor"]["user_id"] == str(verifier)

    # When the file is altered in the blob store
    blob = data_dir / "blobs" / "sha256" / sha256[:2] / sha256
    blob.chmod(0o600)
    blob.write_bytes(b"forged")

    # Then a later run finds it and records the violation, as the member
    violated = wait_for(team, "IntegrityViolated", time.monotonic() + 30)
    assert violated[0]["actor"]["user_id"] == str(verifier)
    assert violated[0]["data"]["expected_sha256"] == sha256
    # and the worker's log says so
    assert "evidence file altered or missing" in (data_dir / "worker.log").read_text()
