"""The working worker runs the retention sweep on a schedule
(`JITSPACE_RETENTION_INTERVAL_SECONDS`), as the member `JITSPACE_RETENTION_AS`: an item past
its deletion date has its files deleted, on record as done by that member."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.processes import Process, worker_and_app
from tests.support import (
    Jit,
    add_user,
    evidence_body,
    free_port,
    fresh_database,
    investigation_on,
    log_of,
)

OFFICER = "records-officer"
METRICS_TOKEN = "scraper-token-for-the-tests"


@pytest.fixture
def deployment(database_url: str, tmp_path: Path) -> Iterator[tuple[str, Process, Path]]:
    url = fresh_database(database_url, "retention")
    # the worker's health port also serves what it counts
    health_port = free_port()
    (tmp_path / "health-port").write_text(str(health_port))
    with worker_and_app(
        url,
        tmp_path,
        worker_args=("--health-port", str(health_port)),
        JITSPACE_RETENTION_INTERVAL_SECONDS="1",
        JITSPACE_RETENTION_AS=OFFICER,
        JITSPACE_METRICS_TOKEN=METRICS_TOKEN,
    ) as app:
        yield url, app, tmp_path


@pytest.fixture
def team(deployment: tuple[str, Process, Path]) -> Iterator[Jit]:
    url, app, _ = deployment
    with investigation_on(app.url, url) as jit:
        yield jit


def deletions(jit: Jit) -> list[dict[str, Any]]:
    return [
        e for e in log_of(jit.leader, jit.id) if e["type"] == "EvidenceItem.DeletedUnderRetention"
    ]


def test_the_worker_deletes_an_expired_item_on_its_schedule(
    deployment: tuple[str, Process, Path], team: Jit
) -> None:
    url, _, data_dir = deployment
    # Given a co-leader the sweep acts as, an agreement keeping evidence 30 days, and an
    # item collected 40 days ago with a file
    officer = add_user(url, OFFICER, "Records Officer")
    added = team.leader.post(
        team.path("/members"), json={"username": OFFICER, "country": "FR", "role": "jit_leader"}
    )
    assert added.status_code == 200, added.text
    agreed = {"retention_days": 30, "agreement_clause": "art. 12"}
    assert team.leader.post(team.path("/retention"), json=agreed).status_code == 200
    collected = (datetime.now(UTC) - timedelta(days=40)).isoformat()
    body = evidence_body(occurred_at=collected)
    item = team.investigator.post(team.path("/evidence"), json=body).json()["id"]
    stored = team.investigator.post(
        team.path(f"/evidence/{item}/files"), params={"name": "ledger.pdf"}, content=b"ledger"
    )
    assert stored.status_code == 201, stored.text

    # Then a scheduled run deletes it, as the member
    deadline = time.monotonic() + 30
    while not (found := deletions(team)):
        assert time.monotonic() < deadline, "no deletion by the deadline"
        time.sleep(0.2)
    [deleted] = found
    assert (deleted["aggregate_id"], deleted["actor"]["user_id"]) == (item, str(officer))
    # and the worker's log says so (once the run is over)
    while "retention sweep: items deleted: 1;" not in (data_dir / "worker.log").read_text():
        assert time.monotonic() < deadline, "the worker's log does not say so"
        time.sleep(0.2)
    # and its metrics count it, for the scraper with the token only
    metrics = f"http://127.0.0.1:{(data_dir / 'health-port').read_text()}/metrics"
    assert httpx.get(metrics, timeout=5).status_code == 401
    scraped = httpx.get(metrics, headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=5)
    assert scraped.status_code == 200
    assert 'jitspace_retention_items_total{action="deleted"} 1.0' in scraped.text
