"""A rejected command leaves no trace: whether the request was unreadable (400), named an
unknown id (404), broke a rule of the investigation (422), named a stale version or hit a
closed investigation (409), the log holds the same events before and after, and every
register and record reads the same.
"""

from __future__ import annotations

import uuid
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
        if isinstance(value, dict):
            return {k: self.fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.fill(v) for v in value]
        if isinstance(value, str) and "{" in value:
            return value.format(random=uuid.uuid4(), **self.ids)
        return value

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


def rejected(status: int, attempt: Attempt, name: str) -> Any:
    return pytest.param(attempt, status, id=f"{status}-{name}")


REJECTIONS = [
    # the request cannot be read or is invalid
    rejected(400, Attempt("/tasks", content=b'{"title": "Interview'), "cut-off-json"),
    rejected(400, Attempt("/tasks", content=b"[]"), "array-body"),
    rejected(400, Attempt("/tasks", {"title": "x" * 201}), "title-201-chars"),
    rejected(400, Attempt("/tasks", {"title": "a\u0000b"}), "nul-in-title"),
    rejected(400, Attempt("/evidence", {**ITEM, "occurred_at": "2024-05-03T07:30"}), "naive"),
    rejected(400, Attempt("/evidence", {**ITEM, "kind": "phone"}), "evidence-kind"),
    rejected(
        400,
        Attempt("/authorisations", {**AUTHORISATION, "occurred_at": "2999-01-01T00:00:00Z"}),
        "issued-in-the-future",
    ),
    rejected(
        400,
        Attempt("/closure", {"reason": "r", "occurred_at": "0001-01-01T00:00:00+14:00"}),
        "closed-in-year-0",
    ),
    rejected(
        400,
        Attempt(
            "/members",
            {"username": "{outsider_name}", "country": "BE", "role": "analyst", "team": "A"},
        ),
        "member-unknown-field",
    ),
    rejected(400, Attempt("/tasks/{task}/status", {"status": "finished"}), "status-unknown"),
    rejected(400, Attempt("/closure", {"reason": ""}), "closure-without-reason"),
    rejected(
        400,
        Attempt("/tasks/{task}/status", {"status": "blocked"}, if_match="latest"),
        "if-match-word",
    ),
    rejected(413, Attempt("/tasks", {"title": "t", "description": "x" * 1_100_000}), "1.1MB"),
    # an id that is not there
    rejected(404, Attempt("/tasks", {"title": "t", "evidence_ids": ["{random}"]}), "evidence"),
    rejected(404, Attempt("/evidence", {**ITEM, "authorisation_id": "{random}"}), "authorisation"),
    rejected(404, Attempt("/tasks/{random}/status", {"status": "blocked"}), "task"),
    rejected(404, Attempt("/members/{outsider}/removal", {"reason": "r"}), "not-a-member"),
    # a rule of the investigation
    rejected(
        422,
        Attempt("/tasks/{task}/assignment", {"assignee_id": "{outsider}"}),
        "assign-to-non-member",
    ),
    rejected(
        422,
        Attempt("/tasks/{task}/assignment", {"assignee_id": "{investigator}"}),
        "assign-to-current-assignee",
    ),
    rejected(
        422,
        Attempt("/tasks/{done}/assignment", {"assignee_id": "{leader}"}),
        "assign-a-done-task",
    ),
    rejected(422, Attempt("/tasks/{task}/status", {"status": "open"}), "status-unchanged"),
    rejected(
        422, Attempt("/tasks/{cancelled}/status", {"status": "open"}), "reopen-cancelled-task"
    ),
    rejected(422, Attempt("/tasks", {"title": "  "}), "blank-title"),
    rejected(
        422,
        Attempt("/members", {"username": "{outsider_name}", "country": "DE", "role": "analyst"}),
        "member-for-non-party",
    ),
    rejected(
        422,
        Attempt("/members", {"username": "ghost-{random}", "country": "BE", "role": "analyst"}),
        "member-unknown-user",
    ),
    rejected(
        422,
        Attempt(
            "/members",
            {"username": "{investigator_name}", "country": "BE", "role": "investigator"},
        ),
        "member-twice",
    ),
    rejected(422, Attempt("/members/{leader}/removal", {"reason": "r"}), "remove-only-leader"),
    rejected(
        422,
        Attempt("/parties", {"country": "NL", "name": "Netherlands", "lead_authority": "OM"}),
        "party-twice",
    ),
    rejected(
        422,
        Attempt(
            "/authorisations",
            {**AUTHORISATION, "valid_until": "2024-02-01T00:00:00+01:00"},
        ),
        "valid-until-before-valid-from",
    ),
    rejected(
        422,
        Attempt("/authorisations", {**AUTHORISATION, "valid_until": AUTHORISATION["valid_from"]}),
        "valid-for-no-time",
    ),
    rejected(
        422, Attempt("/authorisations", {**AUTHORISATION, "country": "DE"}), "non-party-order"
    ),
    rejected(422, Attempt("/authorisations/{revoked}/revocation", {"reason": "r"}), "revoke-twice"),
    rejected(422, Attempt("/evidence", {**ITEM, "description": " "}), "blank-description"),
    rejected(
        422,
        Attempt(
            "/evidence/{item}/description", {"description": ITEM["description"], "reason": "r"}
        ),
        "description-unchanged",
    ),
    rejected(
        422,
        Attempt(
            "/evidence/{item}/description",
            {"description": "an iPhone 13", "reason": "r"},
            who="investigator",
        ),
        "amended-by-another-party",
    ),
    # a stale version
    rejected(409, Attempt("/tasks/{task}/status", {"status": "blocked"}, if_match='"1"'), "status"),
    rejected(
        409,
        Attempt("/tasks/{task}/assignment", {"assignee_id": "{leader}"}, if_match='"1"'),
        "assignment",
    ),
    rejected(
        409,
        Attempt("/evidence/{item}/description", {"description": "d", "reason": "r"}, if_match="7"),
        "description",
    ),
    rejected(
        409,
        Attempt("/authorisations/{authorisation}/revocation", {"reason": "r"}, if_match='"9"'),
        "revocation",
    ),
    rejected(
        409,
        Attempt(
            "/parties",
            {"country": "DE", "name": "Germany", "lead_authority": "BKA"},
            if_match='"1"',
        ),
        "party",
    ),
    rejected(
        409,
        Attempt(
            "/members",
            {"username": "{outsider_name}", "country": "BE", "role": "analyst"},
            if_match='"1"',
        ),
        "member",
    ),
    rejected(
        409, Attempt("/members/{investigator}/removal", {"reason": "r"}, if_match='"1"'), "removal"
    ),
    rejected(409, Attempt("/closure", {"reason": "r"}, if_match='W/"2"'), "closure"),
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
