"""A deadline passing changes verdicts with no event: the working worker finds the matrix
cells whose deadline has passed (`JITSPACE_DEADLINE_INTERVAL_SECONDS`), evaluates them
again, writes them to the read model and tells the open pages on the live feed. Real
processes: a worker and an app process; dates relative to now."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.integration.admissibility_support import Team, open_team
from tests.live import Watcher, token_of
from tests.processes import Process, cluster_env
from tests.support import People, Person, free_port, fresh_database, log_of


@pytest.fixture
def deployment(database_url: str, tmp_path: Path) -> Iterator[tuple[str, Process]]:
    url = fresh_database(database_url, "deadlines")
    env = cluster_env(url, tmp_path, JITSPACE_DEADLINE_INTERVAL_SECONDS="1")
    worker = Process("worker", env, tmp_path / "worker.log")
    app = Process("serve", {**env, "JITSPACE_RUN_PROJECTIONS": "false"}, tmp_path / "app.log")
    app.port = free_port()
    try:
        worker.start()
        app.start()
        yield url, app
    finally:
        app.stop()
        worker.stop()


@pytest.fixture
def people(deployment: tuple[str, Process]) -> Iterator[People]:
    url, app = deployment
    made = People(app.url, url)
    yield made
    for person in made.made:
        person.client.close()


def stored_cell(url: str, evidence_id: str, country: str, **expected: Any) -> dict[str, Any]:
    """The cell as the read model holds it (the API's reads would evaluate a passed
    deadline themselves: this is what the worker wrote), once it holds `expected` (the
    projection writes in its own time), or as it is after a few seconds."""
    give_up = time.monotonic() + 10
    while True:
        with psycopg.connect(url, autocommit=True) as conn, conn.cursor() as curs:
            curs.execute(
                "SELECT outcome, changes_on, evaluated_on FROM rm_admissibility "
                "WHERE evidence_id = %s AND country = %s",
                (evidence_id, country),
            )
            row = curs.fetchone()
        cell = (
            {}
            if row is None
            else dict(zip(("outcome", "changes_on", "evaluated_on"), row, strict=True))
        )
        if (cell and cell.items() >= expected.items()) or time.monotonic() > give_up:
            return cell
        time.sleep(0.1)


def forfeit_in_seconds(team: Team, seconds: float) -> tuple[str, datetime]:
    """An FR item collected under an expired order, whose six months to raise the defect
    before the FR court (PR-01, 180 days in the FR rulebook) end in `seconds`."""
    now = datetime.now(UTC)
    collected = now - timedelta(days=180) + timedelta(seconds=seconds)
    order = team.authorisation(
        "FR",
        kind="interception_order",
        authority="juge d'instruction, Paris",
        occurred_at=(now - timedelta(days=400)).isoformat(),
        valid_from=(now - timedelta(days=400)).isoformat(),
        valid_until=(now - timedelta(days=300)).isoformat(),
        scope={"targets": ["phone +33 6 00 00 00 01"], "methods": ["interception"]},
    )
    item = team.collected(
        "FR",
        "LATE-1",
        kind="intercepted_communication",
        method="interception",
        occurred_at=collected.isoformat(),
        authorisation_id=order,
        kept_at=(collected + timedelta(seconds=1)).isoformat(),
        content=b"intercepts",
    )
    return item, collected + timedelta(days=180)


def team_with_observer(people: People) -> tuple[Team, Person]:
    """An FR-BE-NL JIT with an observer (who may not read the matrix)."""
    team = open_team(people, ["FR", "BE", "NL"])
    observer = people.new("observer")
    added = team.leader.post(
        team.path("/members"),
        json={"username": observer.username, "country": "FR", "role": "observer"},
    )
    assert added.status_code == 200, added.text
    return team, observer


async def test_a_passing_deadline_is_written_to_the_read_model_and_pushed_live(
    deployment: tuple[str, Process], people: People
) -> None:
    url, app = deployment
    # Given an FR-BE-NL JIT with an observer (who may not read the matrix)
    team, observer = await asyncio.to_thread(team_with_observer, people)
    # and an item whose failure is forfeited before the FR court in a few seconds
    item, deadline = await asyncio.to_thread(forfeit_in_seconds, team, 8)
    head = log_of(team.leader, team.id)[-1]["position"]
    async with (
        Watcher([app.url], team.id, token_of(team.legal["FR"])) as lawyer,
        Watcher([app.url], team.id, token_of(observer)) as looking,
    ):
        await lawyer.caught_up()
        await looking.caught_up()
        # Then, before the deadline, the read model holds the failure and when it ends
        before = stored_cell(url, item, "FR", changes_on=deadline)
        assert (before["outcome"], before["changes_on"]) == ("FAIL", deadline)
        # When the deadline passes, with nothing recorded
        await lawyer.until(
            lambda: any(item in m["evidence_ids"] for m in lawyer.of_type("verdicts")),
            timeout=max(0.0, (deadline - datetime.now(UTC)).total_seconds()) + 20,
            what="the verdicts message",
        )
        # Then the read model holds the forfeited failure, evaluated after the deadline,
        # with no deadline left
        after = stored_cell(url, item, "FR")
        assert after["outcome"] == "FORFEITED"
        assert after["changes_on"] is None
        assert after["evaluated_on"] >= deadline
        # and BE and NL, whose courts have no such deadline, are as they were
        assert stored_cell(url, item, "BE")["outcome"] == "FAIL"
        # and the page reads it through the API, as the read model holds it
        read = team.matrix()[("LATE-1", "FR")]
        assert (read["verdict"], read["outcome"]) == ("admissible", "FORFEITED")
        # and nothing was recorded in the log: no event, no command
        assert log_of(team.leader, team.id)[-1]["position"] == head
        assert [m["event"]["position"] for m in lawyer.events][-1] == head
        # and the item was announced once (the next runs find nothing passed), and not to
        # the observer, who may not read the matrix
        await asyncio.sleep(2.5)
        assert [m for m in lawyer.of_type("verdicts") if item in m["evidence_ids"]] == [
            {"type": "verdicts", "evidence_ids": [item]}
        ]
        assert looking.of_type("verdicts") == []
    # and a page reconnecting from its last position gets no event again and no message
    # twice: it reads its matrix from the read model, which holds the new cell
    async with Watcher([app.url], team.id, token_of(team.legal["FR"]), after=head) as back:
        await back.caught_up()
        started = time.monotonic()
        await asyncio.sleep(1.5)
        assert back.events == [] and back.of_type("verdicts") == [], time.monotonic() - started
