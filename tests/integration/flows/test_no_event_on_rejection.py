"""A rejected command leaves no trace: whether the request was unreadable (400), named an
unknown id (404), broke a rule of the investigation (422), named a stale version or hit a
closed investigation (409), the log holds the same events before and after, and every
register and record reads the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tests.support import (
    Jit,
    People,
    Person,
    authorisation_body,
    evidence_body,
    fill,
    log_of,
    open_investigation,
)

ITEM = evidence_body(reference="FR-PV-2024-7", kind="seized_device", description="iPhone 12, blue")
AUTHORISATION = authorisation_body(authority="JLD Lille", reference="JLD-2024-7")


@dataclass
class World:
    """An open FR-BE-NL JIT with records in every state a command can meet."""

    jit: Jit
    ids: dict[str, str] = field(default_factory=dict)

    def fill(self, value: Any) -> Any:
        return fill(value, **self.ids)

    def person(self, who: str) -> Person:
        return getattr(self.jit, who)  # type: ignore[no-any-return]

    def snapshot(self) -> dict[str, Any]:
        """Everything a member can read of the investigation: the log, the registers, the
        records (with their ETags), and the leader's list of investigations."""
        leader, path = self.jit.leader, self.jit.path
        reads = {
            "investigation": path(),
            "evidence register": path("/evidence"),
            "authorisations": path("/authorisations"),
            "task board": path("/tasks"),
            "my investigations": "/investigations",
            **{name: path(f"/{kind}/{self.ids[name]}") for name, kind in RECORDS.items()},
        }
        state: dict[str, Any] = {"log": log_of(leader, self.jit.id)}
        for name, read in reads.items():
            response = leader.get(read)
            assert response.status_code == 200, response.text
            state[name] = (response.json(), response.headers.get("etag"))
        return state


RECORDS = {
    "item": "evidence",
    "authorisation": "authorisations",
    "revoked": "authorisations",
    "task": "tasks",
    "done": "tasks",
    "cancelled": "tasks",
}


def build_world(people: People) -> World:
    world = World(open_investigation(people))
    jit = world.jit
    leader = jit.leader
    world.ids.update(
        jit=jit.id,
        leader=str(leader.user_id),
        investigator=str(jit.investigator.user_id),
        investigator_name=jit.investigator.username,
        outsider=str(jit.outsider.user_id),
        outsider_name=jit.outsider.username,
    )

    def created(path: str, body: dict[str, Any]) -> str:
        response = leader.post(jit.path(path), json=body)
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    def changed(path: str, body: dict[str, Any]) -> None:
        response = leader.post(jit.path(path), json=body)
        assert response.status_code == 200, response.text

    world.ids["item"] = created("/evidence", ITEM)
    world.ids["authorisation"] = created("/authorisations", AUTHORISATION)
    world.ids["revoked"] = created("/authorisations", {**AUTHORISATION, "reference": "JLD-2"})
    changed(f"/authorisations/{world.ids['revoked']}/revocation", {"reason": "quashed"})
    for name in ("task", "done", "cancelled"):
        world.ids[name] = created("/tasks", {"title": f"Task {name}"})
    changed(f"/tasks/{world.ids['task']}/assignment", {"assignee_id": world.ids["investigator"]})
    changed(f"/tasks/{world.ids['done']}/assignment", {"assignee_id": world.ids["investigator"]})
    changed(f"/tasks/{world.ids['done']}/status", {"status": "done"})
    changed(f"/tasks/{world.ids['cancelled']}/status", {"status": "cancelled"})
    return world


@pytest.fixture(scope="module")
def world(crowd: People) -> World:
    return build_world(crowd)


@pytest.fixture(scope="module")
def closed(crowd: People) -> World:
    """The same investigation, closed by its leader."""
    world = build_world(crowd)
    closure = world.jit.leader.post(world.jit.path("/closure"), json={"reason": "concluded"})
    assert closure.status_code == 200, closure.text
    return world


@dataclass(frozen=True)
class Attempt:
    path: str
    body: dict[str, Any] | None = None
    content: bytes | None = None
    who: str = "leader"
    if_match: str | None = None

    def send(self, world: World) -> httpx.Response:
        person = world.person(self.who)
        path = world.jit.path(world.fill(self.path))
        headers = {} if self.if_match is None else {"If-Match": self.if_match}
        if self.content is not None:
            headers["content-type"] = "application/json"
            return person.post(path, content=self.content, headers=headers)
        return person.post(path, json=world.fill(self.body), headers=headers)


def rejected(status: int, attempts: dict[str, Attempt]) -> list[Any]:
    """The attempts refused with `status`, by name."""
    return [pytest.param(a, status, id=f"{status}-{name}") for name, a in attempts.items()]


REJECTIONS = [
    # the request cannot be read or is invalid
    *rejected(
        400,
        {
            "cut-off-json": Attempt("/tasks", content=b'{"title": "Interview'),
            "array-body": Attempt("/tasks", content=b"[]"),
            "title-201-chars": Attempt("/tasks", {"title": "x" * 201}),
            "nul-in-title": Attempt("/tasks", {"title": "a\u0000b"}),
            "naive": Attempt("/evidence", {**ITEM, "occurred_at": "2024-05-03T07:30"}),
            "evidence-kind": Attempt("/evidence", {**ITEM, "kind": "phone"}),
            "issued-in-the-future": Attempt(
                "/authorisations", {**AUTHORISATION, "occurred_at": "2999-01-01T00:00:00Z"}
            ),
            "closed-in-year-0": Attempt(
                "/closure", {"reason": "r", "occurred_at": "0001-01-01T00:00:00+14:00"}
            ),
            "member-unknown-field": Attempt(
                "/members",
                {"username": "{outsider_name}", "country": "BE", "role": "analyst", "team": "A"},
            ),
            "status-unknown": Attempt("/tasks/{task}/status", {"status": "finished"}),
            "closure-without-reason": Attempt("/closure", {"reason": ""}),
            "if-match-word": Attempt(
                "/tasks/{task}/status", {"status": "blocked"}, if_match="latest"
            ),
        },
    ),
    *rejected(
        413,
        {
            "1.1MB": Attempt("/tasks", {"title": "t", "description": "x" * 1_100_000}),
        },
    ),
    # an id that is not there
    *rejected(
        404,
        {
            "evidence": Attempt("/tasks", {"title": "t", "evidence_ids": ["{random}"]}),
            "authorisation": Attempt("/evidence", {**ITEM, "authorisation_id": "{random}"}),
            "task": Attempt("/tasks/{random}/status", {"status": "blocked"}),
            "not-a-member": Attempt("/members/{outsider}/removal", {"reason": "r"}),
        },
    ),
    # a rule of the investigation
    *rejected(
        422,
        {
            "assign-to-non-member": Attempt(
                "/tasks/{task}/assignment", {"assignee_id": "{outsider}"}
            ),
            "assign-to-current-assignee": Attempt(
                "/tasks/{task}/assignment", {"assignee_id": "{investigator}"}
            ),
            "assign-a-done-task": Attempt("/tasks/{done}/assignment", {"assignee_id": "{leader}"}),
            "status-unchanged": Attempt("/tasks/{task}/status", {"status": "open"}),
            "reopen-cancelled-task": Attempt("/tasks/{cancelled}/status", {"status": "open"}),
            "blank-title": Attempt("/tasks", {"title": "  "}),
            "member-for-non-party": Attempt(
                "/members", {"username": "{outsider_name}", "country": "DE", "role": "analyst"}
            ),
            "member-unknown-user": Attempt(
                "/members", {"username": "ghost-{random}", "country": "BE", "role": "analyst"}
            ),
            "member-twice": Attempt(
                "/members",
                {"username": "{investigator_name}", "country": "BE", "role": "investigator"},
            ),
            "remove-only-leader": Attempt("/members/{leader}/removal", {"reason": "r"}),
            "party-twice": Attempt(
                "/parties", {"country": "NL", "name": "Netherlands", "lead_authority": "OM"}
            ),
            "valid-until-before-valid-from": Attempt(
                "/authorisations",
                {**AUTHORISATION, "valid_until": "2024-02-01T00:00:00+01:00"},
            ),
            "valid-for-no-time": Attempt(
                "/authorisations", {**AUTHORISATION, "valid_until": AUTHORISATION["valid_from"]}
            ),
            "non-party-order": Attempt("/authorisations", {**AUTHORISATION, "country": "DE"}),
            "revoke-twice": Attempt("/authorisations/{revoked}/revocation", {"reason": "r"}),
            "blank-description": Attempt("/evidence", {**ITEM, "description": " "}),
            "description-unchanged": Attempt(
                "/evidence/{item}/description", {"description": ITEM["description"], "reason": "r"}
            ),
            "amended-by-another-party": Attempt(
                "/evidence/{item}/description",
                {"description": "an iPhone 13", "reason": "r"},
                who="investigator",
            ),
        },
    ),
    # a stale version
    *rejected(
        409,
        {
            "status": Attempt("/tasks/{task}/status", {"status": "blocked"}, if_match='"1"'),
            "assignment": Attempt(
                "/tasks/{task}/assignment", {"assignee_id": "{leader}"}, if_match='"1"'
            ),
            "description": Attempt(
                "/evidence/{item}/description", {"description": "d", "reason": "r"}, if_match="7"
            ),
            "revocation": Attempt(
                "/authorisations/{authorisation}/revocation", {"reason": "r"}, if_match='"9"'
            ),
            "party": Attempt(
                "/parties",
                {"country": "DE", "name": "Germany", "lead_authority": "BKA"},
                if_match='"1"',
            ),
            "member": Attempt(
                "/members",
                {"username": "{outsider_name}", "country": "BE", "role": "analyst"},
                if_match='"1"',
            ),
            "removal": Attempt("/members/{investigator}/removal", {"reason": "r"}, if_match='"1"'),
            "closure": Attempt("/closure", {"reason": "r"}, if_match='W/"2"'),
        },
    ),
]


@pytest.mark.parametrize(("attempt", "status"), REJECTIONS)
def test_a_rejected_command_leaves_no_trace(world: World, attempt: Attempt, status: int) -> None:
    # Given everything a member can read of the investigation
    before = world.snapshot()
    # When a command is rejected
    response = attempt.send(world)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    # Then the log, the registers and the records read exactly as before
    assert world.snapshot() == before


CLOSED_COMMANDS = {
    "add party": Attempt("/parties", {"country": "DE", "name": "Germany", "lead_authority": "BKA"}),
    "add member": Attempt(
        "/members", {"username": "{outsider_name}", "country": "BE", "role": "analyst"}
    ),
    "remove member": Attempt("/members/{investigator}/removal", {"reason": "left"}),
    "close again": Attempt("/closure", {"reason": "really concluded"}),
    "register evidence": Attempt("/evidence", {**ITEM, "reference": "FR-PV-2024-8"}),
    "amend evidence": Attempt(
        "/evidence/{item}/description", {"description": "an iPhone 13", "reason": "typo"}
    ),
    "record authorisation": Attempt("/authorisations", AUTHORISATION),
    "revoke authorisation": Attempt("/authorisations/{authorisation}/revocation", {"reason": "r"}),
    "create task": Attempt("/tasks", {"title": "One more thing"}),
    "assign task": Attempt("/tasks/{task}/assignment", {"assignee_id": "{leader}"}),
    "change task status": Attempt("/tasks/{task}/status", {"status": "done"}),
    "investigator creates task": Attempt("/tasks", {"title": "Mine"}, who="investigator"),
}


@pytest.mark.parametrize("attempt", list(CLOSED_COMMANDS.values()), ids=list(CLOSED_COMMANDS))
def test_a_closed_investigation_refuses_every_command_and_stays_as_it_was(
    closed: World, attempt: Attempt
) -> None:
    # Given a closed investigation, still readable by its members
    before = closed.snapshot()
    assert before["log"][-1]["type"] == "Investigation.Closed"
    # When a member sends a command that an open investigation would accept
    response = attempt.send(closed)
    # Then it is refused as a conflict with the investigation's state
    assert response.status_code == 409, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "closed" in response.json()["detail"]
    # and nothing changed
    assert closed.snapshot() == before


def test_the_same_commands_are_accepted_while_the_investigation_is_open(crowd: People) -> None:
    # The test above means something only if its commands are valid: on an open investigation
    # each is accepted and logged (the removal and the closure last, as they end the others)
    world = build_world(crowd)
    last = ("remove member", "close again")
    order = [name for name in CLOSED_COMMANDS if name not in last] + list(last)
    for name in order:
        before = len(log_of(world.jit.leader, world.jit.id))
        response = CLOSED_COMMANDS[name].send(world)
        assert response.status_code in (200, 201), f"{name}: {response.text}"
        assert len(log_of(world.jit.leader, world.jit.id)) == before + 1, name
