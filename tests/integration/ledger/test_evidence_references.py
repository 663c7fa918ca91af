"""References are unique within an investigation: a second item with one is refused (409),
naming the item that holds it, and leaves no event, however close the race."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from psycopg.sql import SQL, Identifier

from domain.commands import RegisterEvidence
from domain.errors import Duplicate
from domain.evidence import EvidenceItem
from domain.values import Actor, Role
from jitspace.ledger.eventlog import EventLog
from jitspace.services.application import JITspace
from jitspace.settings import Settings
from jitspace.storage.database import eventsourcing_env
from tests.support import (
    Jit,
    People,
    Person,
    ServerThread,
    evidence_body,
    fresh_database,
    log_of,
    open_in_app,
    open_investigation,
    registering,
)

EVIDENCE = evidence_body(description="lease contract of the warehouse")


def register(person: Person, jit: Jit, reference: str) -> httpx.Response:
    return person.post(jit.path("/evidence"), json={**EVIDENCE, "reference": reference})


def registered(jit: Jit) -> list[dict[str, Any]]:
    return [e for e in log_of(jit.leader, jit.id) if e["type"] == "EvidenceItem.Registered"]


def test_a_second_item_with_a_reference_is_refused_naming_the_first(jit: Jit) -> None:
    # Given an item FR-DOC-7
    first = register(jit.leader, jit, "FR-DOC-7")
    assert first.status_code == 201, first.text
    events = len(log_of(jit.leader, jit.id))
    # When the same reference is registered again, also spelled differently, by any party
    for person, reference in (
        (jit.leader, "FR-DOC-7"),
        (jit.leader, "fr-doc-7"),
        (jit.investigator, "  FR-DOC-7 "),
        (
            jit.legal,
            "\uff26\uff32-\uff24\uff2f\uff23-\uff17",
        ),  # full-width forms of the same characters
    ):
        refused = register(person, jit, reference)
        # Then it is refused, naming the item that holds the reference
        assert refused.status_code == 409, refused.text
        problem = refused.json()
        assert problem["existing_id"] == first.json()["id"]
        assert first.json()["id"] in problem["detail"]
        assert "'FR-DOC-7'" in problem["detail"]
        assert problem["errors"][0]["field"] == "reference"
    # and nothing was recorded
    assert len(log_of(jit.leader, jit.id)) == events
    # while another reference is new
    assert register(jit.leader, jit, "FR-DOC-8").status_code == 201


def test_the_same_reference_in_another_investigation_is_another_item(
    people: People, jit: Jit
) -> None:
    other = open_investigation(people)
    assert register(jit.leader, jit, "FR-DOC-7").status_code == 201
    assert register(other.leader, other, "FR-DOC-7").status_code == 201


def test_of_simultaneous_registrations_of_one_reference_one_is_recorded(
    jit: Jit, server: ServerThread, s3_server: ServerThread
) -> None:
    # Given members sending the same reference at the same moment, through two app
    # processes (each with its own committer) on the same log
    token = jit.leader.client.headers["Authorization"]
    clients = [
        httpx.Client(base_url=url, timeout=30, headers={"Authorization": token})
        for url in [server.url, s3_server.url] * 4
    ]
    start = threading.Barrier(len(clients))
    answers: list[httpx.Response] = []

    def send(client: httpx.Client) -> None:
        start.wait()
        answer = client.post(jit.path("/evidence"), json={**EVIDENCE, "reference": "FR-DOC-9"})
        answers.append(answer)

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for client in clients:
        client.close()
    # Then exactly one is recorded, and every other names it
    created = [a for a in answers if a.status_code == 201]
    assert len(created) == 1, [a.text for a in answers]
    winner = created[0].json()["id"]
    refused = [a for a in answers if a is not created[0]]
    assert {a.status_code for a in refused} == {409}
    assert {a.json()["existing_id"] for a in refused} == {winner}
    assert [e["aggregate_id"] for e in registered(jit)] == [winner]


# -- a log written before references were unique ------------------------------------------


@pytest.fixture
def fresh_app(database_url: str, settings: Settings) -> Iterator[JITspace]:
    url = fresh_database(database_url, "jitspace_refs")
    application = JITspace(env=eventsourcing_env(url, settings))
    yield application
    application.close()


def test_a_log_with_repeated_references_keeps_the_first_holder(fresh_app: JITspace) -> None:
    app = fresh_app
    assert isinstance(app.recorder, EventLog)
    now = datetime.now(UTC)
    jit, leader = open_in_app(
        app, "Old JIT", "JIT-OLD", period_end=date(2030, 1, 1), occurred_at=now
    )

    def command(reference: str) -> RegisterEvidence:
        """What every item here says, but for its reference."""
        return registering(jit.id, reference, now)

    def item(reference: str) -> EvidenceItem:
        actor = Actor(user_id=leader, country="FR", role=Role.JIT_LEADER)
        return EvidenceItem.register(jit, actor, command(reference))

    # Given a log that, as written before references were unique, holds one twice
    first, second = item("FR-OLD-1"), item("fr-old-1")
    for record in (first, second):
        stored = [
            dataclasses.replace(app.mapper.to_stored_event(e), unique_key=None)  # type: ignore[type-var]
            for e in record.collect_events()
        ]
        app.recorder.insert_events(stored)
    with app.recorder.datastore.transaction(commit=True) as curs:
        curs.execute(
            SQL("DROP TABLE {}").format(Identifier(f"{app.recorder.events_table_name}_unique_keys"))
        )
    # When the application starts on it (the table of references is built again)
    app.recorder.create_table()
    # Then the reference belongs to the item registered first, and a third is refused
    with pytest.raises(Duplicate) as refused:
        app.register_evidence(leader, command("FR-OLD-1"))
    assert refused.value.existing_id == first.id
