"""Members of the team write at the same moment. Two writers who read the same version and
send a change together: one wins, the other is told the version moved on, and the log holds
the winner's event once. Many writers creating records at once: every record is logged
once, in a strict order, and listed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

import httpx
import pytest

from domain.values import ILLUSTRATIVE_STATES, STATES
from tests.support import Jit, People, Person, add_member, evidence_body, log_of

ROUNDS = 20


def race(*sends: Callable[[], httpx.Response]) -> list[httpx.Response]:
    """Send the requests at the same moment, each from its own thread."""
    barrier = threading.Barrier(len(sends))

    def run(send: Callable[[], httpx.Response]) -> httpx.Response:
        barrier.wait()
        return send()

    with ThreadPoolExecutor(len(sends)) as pool:
        return list(pool.map(run, sends))


@contextmanager
def own_clients(person: Person, count: int) -> Iterator[list[httpx.Client]]:
    """`count` HTTP clients logged in as `person`, one for each thread."""
    clients = [
        httpx.Client(base_url=person.client.base_url, headers=person.client.headers, timeout=60)
        for _ in range(count)
    ]
    try:
        yield clients
    finally:
        for client in clients:
            client.close()


def events_after(person: Person, jit: Jit, position: int) -> list[dict[str, Any]]:
    page = person.get(jit.path("/events"), params={"after": position, "limit": 1000})
    assert page.status_code == 200, page.text
    events: list[dict[str, Any]] = page.json()["events"]
    return events


def head_of(person: Person, jit: Jit) -> int:
    log = log_of(person, jit.id)
    return int(log[-1]["position"]) if log else 0


def version_of(response: httpx.Response) -> int:
    return int(response.headers["etag"].strip('"'))


# -- one record, two writers, the same expected version ------------------------------------


@dataclass
class Contest:
    """How two members each change one record in a different way, from its current state."""

    record: str  # the record's path under the investigation
    command: str  # the command's path under the record
    event: str  # the event type the winner's change is logged as
    writers: tuple[Person, Person]
    changes: Callable[[dict[str, Any], int], tuple[dict[str, Any], dict[str, Any]]]
    fact: str  # the field of the event's data that shows whose change was logged


def task_contest(
    jit: Jit,
    title: str,
    command: str,
    event: str,
    writers: tuple[Person, Person],
    field: str,
    values: list[str],
) -> Contest:
    """Two members change one task's `field` at once, each to a value it does not hold."""
    task = jit.leader.post(jit.path("/tasks"), json={"title": title}).json()

    def changes(record: dict[str, Any], _: int) -> tuple[dict[str, Any], dict[str, Any]]:
        first, second, *_rest = (value for value in values if value != record[field])
        return {field: first}, {field: second}

    return Contest(f"/tasks/{task['id']}", command, event, writers, changes, field)


def status_contest(jit: Jit, people: People) -> Contest:
    statuses = ["open", "in_progress", "blocked"]
    writers = (jit.leader, jit.investigator)
    return task_contest(
        jit, "Identify the courier", "/status", "Task.StatusChanged", writers, "status", statuses
    )


def assignment_contest(jit: Jit, people: People) -> Contest:
    members = [str(p.user_id) for p in (jit.leader, jit.investigator, jit.legal)]
    writers = (jit.leader, jit.legal)
    return task_contest(
        jit, "Trace the payments", "/assignment", "Task.Assigned", writers, "assignee_id", members
    )


def description_contest(jit: Jit, people: People) -> Contest:
    # only the originating party amends an item: two FR members race
    colleague = add_member(people, jit, "fr-national-member", "FR", "national_member")
    item = jit.leader.post(jit.path("/evidence"), json=evidence_body(reference="FR-2024-55")).json()

    def changes(_: dict[str, Any], round_: int) -> tuple[dict[str, Any], dict[str, Any]]:
        return (
            {"description": f"ledger, round {round_}, by the leader", "reason": "detail"},
            {"description": f"ledger, round {round_}, by the colleague", "reason": "detail"},
        )

    return Contest(
        f"/evidence/{item['id']}",
        "/description",
        "EvidenceItem.DescriptionAmended",
        (jit.leader, colleague),
        changes,
        "description",
    )


def party_contest(jit: Jit, people: People) -> Contest:
    # the investigation itself: each writer adds a different state that joins the team
    codes = iter(sorted(STATES - {"FR", "BE", "NL"} - ILLUSTRATIVE_STATES))
    colleague = add_member(people, jit, "fr-national-member", "FR", "national_member")

    def changes(_: dict[str, Any], __: int) -> tuple[dict[str, Any], dict[str, Any]]:
        first, second = next(codes), next(codes)
        return (
            {"country": first, "name": f"State {first}", "lead_authority": "Prosecutor"},
            {"country": second, "name": f"State {second}", "lead_authority": "Prosecutor"},
        )

    return Contest(
        "", "/parties", "Investigation.PartyJoined", (jit.leader, colleague), changes, "party"
    )


CONTESTS = {
    "task status": status_contest,
    "task assignment": assignment_contest,
    "evidence description": description_contest,
    "investigation parties": party_contest,
}


@pytest.mark.parametrize("make", list(CONTESTS.values()), ids=list(CONTESTS))
def test_of_two_writers_with_the_same_version_exactly_one_wins(
    jit: Jit, people: People, make: Callable[[Jit, People], Contest]
) -> None:
    contest = make(jit, people)
    record_path = jit.path(contest.record)
    command = record_path + contest.command
    first, second = contest.writers
    start = version_of(first.get(record_path))
    wins = 0
    for round_ in range(ROUNDS):
        # Given both writers have read the record at the same version
        read = first.get(record_path)
        version = version_of(read)
        position = head_of(first, jit)
        change_a, change_b = contest.changes(read.json(), round_)
        # When both send a change naming that version, at the same moment
        if_match = {"If-Match": f'"{version}"'}
        responses = race(
            partial(first.post, command, json=change_a, headers=if_match),
            partial(second.post, command, json=change_b, headers=if_match),
        )
        # Then exactly one wins, and the other is told the version the winner made
        assert sorted(r.status_code for r in responses) == [200, 409], [r.text for r in responses]
        winner = next(r for r in responses if r.status_code == 200)
        loser = next(r for r in responses if r.status_code == 409)
        assert version_of(winner) == winner.json()["version"] == version + 1
        assert loser.json()["current_version"] == version + 1
        wins += 1
        # and the log holds the winner's change, once, and nothing of the loser's
        won = change_a if responses[0] is winner else change_b
        new = [e for e in events_after(first, jit, position) if e["type"] == contest.event]
        assert len(new) == 1, new
        assert new[0]["aggregate_version"] == version + 1
        logged = new[0]["data"][contest.fact]
        if contest.fact == "party":
            assert logged["country"] == won["country"]
        else:
            assert logged == won[contest.fact]
        assert events_after(first, jit, position) == new
    # After all rounds, the record moved one version per winner
    final = first.get(record_path)
    assert version_of(final) == final.json()["version"] == start + wins
    # and the log holds the record's versions once each, in order
    versions = [
        e["aggregate_version"]
        for e in log_of(first, jit.id)
        if e["aggregate_id"] == final.json()["id"]
    ]
    assert versions == list(range(1, start + wins + 1))


def test_a_new_record_moves_one_version_per_winner(jit: Jit) -> None:
    # The plain case the brief names: a task created at version 1 ends at wins + 1
    task = jit.leader.post(jit.path("/tasks"), json={"title": "Watch the port"}).json()
    path = jit.path(f"/tasks/{task['id']}/status")
    statuses = ["in_progress", "blocked", "open"]
    wins = 0
    for round_ in range(ROUNDS):
        # both read the task at the same version, and want the same next status
        body = {"status": statuses[round_ % 3]}
        if_match = {"If-Match": str(task["version"] + wins)}
        responses = race(
            partial(jit.leader.post, path, json=body, headers=if_match),
            partial(jit.legal.post, path, json=body, headers=if_match),
        )
        assert sorted(r.status_code for r in responses) == [200, 409]
        wins += 1
    final = jit.leader.get(jit.path(f"/tasks/{task['id']}")).json()
    assert final["version"] == wins + 1 == ROUNDS + 1


def test_writers_without_if_match_lose_nothing_and_double_nothing(jit: Jit, people: People) -> None:
    # Given an item of FR, and eight FR writers who do not say which version they read
    colleague = add_member(people, jit, "fr-analyst", "FR", "analyst")
    item = jit.leader.post(
        jit.path("/evidence"),
        json=evidence_body(reference="FR-2024-56", description="notebook"),
    ).json()
    path = jit.path(f"/evidence/{item['id']}/description")
    position = head_of(jit.leader, jit)
    with own_clients(jit.leader, 4) as leaders, own_clients(colleague, 4) as colleagues:
        clients = leaders + colleagues
        descriptions = [f"notebook, version by writer {n}" for n in range(len(clients))]
        # When they all amend the description at once, each with their own text
        responses = race(
            *(
                partial(client.post, path, json={"description": text, "reason": "r"})
                for client, text in zip(clients, descriptions, strict=True)
            )
        )
    # Then each is accepted or told to reload; never anything else
    assert {r.status_code for r in responses} <= {200, 409}, [r.text for r in responses]
    accepted = [d for d, r in zip(descriptions, responses, strict=True) if r.status_code == 200]
    assert accepted
    # and the log holds exactly the accepted changes, once each, at consecutive versions
    new = events_after(jit.leader, jit, position)
    assert sorted(e["data"]["description"] for e in new) == sorted(accepted)
    assert [e["aggregate_version"] for e in new] == list(range(2, 2 + len(accepted)))
    final = jit.leader.get(jit.path(f"/evidence/{item['id']}")).json()
    assert final["version"] == 1 + len(accepted)
    assert final["description"] == new[-1]["data"]["description"]


# -- many writers creating records at once -------------------------------------------------


def test_fifty_tasks_created_from_eight_threads_are_all_logged_once_and_listed(
    jit: Jit,
) -> None:
    # Given the three members of the team, working from eight threads
    position = head_of(jit.leader, jit)
    titles = [f"Lead {n:02d}" for n in range(50)]
    with (
        own_clients(jit.leader, 3) as leaders,
        own_clients(jit.investigator, 3) as investigators,
        own_clients(jit.legal, 2) as legals,
    ):
        clients = leaders + investigators + legals
        shares = [titles[n :: len(clients)] for n in range(len(clients))]
        barrier = threading.Barrier(len(clients))

        def create(client: httpx.Client, share: list[str]) -> list[httpx.Response]:
            barrier.wait()
            return [client.post(jit.path("/tasks"), json={"title": title}) for title in share]

        # When they create fifty tasks at once
        with ThreadPoolExecutor(len(clients)) as pool:
            responses = [r for share in pool.map(create, clients, shares) for r in share]
    # Then every one is created
    assert [r.status_code for r in responses] == [201] * 50, [r.text for r in responses]
    created = {r.json()["id"]: r.json()["title"] for r in responses}
    assert sorted(created.values()) == titles
    # and the log holds fifty creations, one per task, nothing else, in strict order
    new = events_after(jit.leader, jit, position)
    assert [e["type"] for e in new] == ["Task.Created"] * 50
    assert sorted(e["aggregate_id"] for e in new) == sorted(created)
    assert all(e["aggregate_version"] == 1 for e in new)
    positions = [e["position"] for e in new]
    assert positions == sorted(set(positions))
    assert {e["data"]["title"] for e in new} == set(titles)
    # and the task board lists all fifty
    board = jit.investigator.get(jit.path("/tasks"))
    assert board.status_code == 200, board.text
    assert sorted(row["id"] for row in board.json()) == sorted(created)
