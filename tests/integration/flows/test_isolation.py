"""Investigations are sealed from each other: what one team holds, no one else can read,
write, or even learn exists. A member of one JIT using another JIT's ids, and a user who
is no member at all, get "not found", exactly as for an id that does not exist; without a
valid token nothing is served.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.support import (
    APRIL_2024,
    PASSWORD,
    Jit,
    People,
    Person,
    add_member,
    authorisation_body,
    evidence_body,
    fill,
    log_of,
    open_investigation,
    remove_member,
)

PROBLEM_KEYS = {"type", "title", "status", "detail", "errors"}


@dataclass
class Team:
    """An open JIT with a registered item, an authorisation and a task."""

    jit: Jit
    evidence_id: str
    authorisation_id: str
    task_id: str
    secrets: tuple[str, ...]  # words that appear only in this team's records


def build_team(people: People, tag: str) -> Team:
    jit = open_investigation(people)
    leader = jit.leader
    authorisation = leader.post(
        jit.path("/authorisations"),
        json=authorisation_body(
            kind="search_warrant",
            authority=f"Juge d'instruction {tag}",
            reference=f"WARRANT-{tag}",
            **APRIL_2024,
        ),
    )
    assert authorisation.status_code == 201, authorisation.text
    evidence = leader.post(
        jit.path("/evidence"),
        json=evidence_body(
            reference=f"ITEM-{tag}",
            description=f"ledger of {tag}",
            occurred_at="2024-04-02T10:00:00+02:00",
            authorisation_id=authorisation.json()["id"],
        ),
    )
    assert evidence.status_code == 201, evidence.text
    task = leader.post(jit.path("/tasks"), json={"title": f"Decode the ledger of {tag}"})
    assert task.status_code == 201, task.text
    return Team(
        jit,
        evidence.json()["id"],
        authorisation.json()["id"],
        task.json()["id"],
        secrets=(f"WARRANT-{tag}", f"ITEM-{tag}", f"ledger of {tag}"),
    )


@pytest.fixture(scope="module")
def teams(crowd: People) -> tuple[Team, Team]:
    """Two investigations, A and B, with members of their own."""
    return build_team(crowd, "ALPHA"), build_team(crowd, "BRAVO")


def assert_not_found(response: httpx.Response, *hidden: str) -> dict[str, Any]:
    """404 (never 403), a problem document and nothing else: none of the hidden words."""
    assert response.status_code == 404, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem: dict[str, Any] = response.json()
    assert set(problem) <= PROBLEM_KEYS
    assert problem["detail"].startswith("no such"), problem
    for word in hidden:
        assert word not in response.text
    return problem


# -- the calls a member can make on one investigation, given the ids they name ----------------


@dataclass(frozen=True)
class Call:
    method: str
    path: str  # with {jit}, {evidence}, {authorisation}, {task}, {member}
    body: dict[str, Any] | None = None

    def send(self, person: Person, **ids: str) -> httpx.Response:
        path = self.path.format(**ids)
        if self.method == "GET":
            return person.get(path)
        return person.post(path, json=fill(self.body or {}, **ids))


REASON = {"reason": "routine"}
ITEM = evidence_body(reference="X-1", description="a note", occurred_at="2024-04-03T10:00:00+02:00")
AUTHORISATION = authorisation_body(
    kind="production_order", authority="Parquet", reference="PO-1", **APRIL_2024
)

# calls that name a record (an item, an authorisation, a task) inside an investigation
RECORD_CALLS = {
    "read evidence": Call("GET", "/investigations/{jit}/evidence/{evidence}"),
    "amend evidence": Call(
        "POST",
        "/investigations/{jit}/evidence/{evidence}/description",
        {"description": "rewritten", "reason": "typo"},
    ),
    "read authorisation": Call("GET", "/investigations/{jit}/authorisations/{authorisation}"),
    "revoke authorisation": Call(
        "POST", "/investigations/{jit}/authorisations/{authorisation}/revocation", REASON
    ),
    "read task": Call("GET", "/investigations/{jit}/tasks/{task}"),
    "assign task": Call(
        "POST", "/investigations/{jit}/tasks/{task}/assignment", {"assignee_id": "{member}"}
    ),
    "change task status": Call(
        "POST", "/investigations/{jit}/tasks/{task}/status", {"status": "cancelled"}
    ),
    "link evidence to a task": Call(
        "POST", "/investigations/{jit}/tasks", {"title": "Review", "evidence_ids": ["{evidence}"]}
    ),
    "link authorisation to a task": Call(
        "POST",
        "/investigations/{jit}/tasks",
        {"title": "Review", "authorisation_ids": ["{authorisation}"]},
    ),
    "cite authorisation for evidence": Call(
        "POST", "/investigations/{jit}/evidence", {**ITEM, "authorisation_id": "{authorisation}"}
    ),
}
# every call on an investigation
INVESTIGATION_CALLS = {
    "read investigation": Call("GET", "/investigations/{jit}"),
    "read events": Call("GET", "/investigations/{jit}/events"),
    "list evidence": Call("GET", "/investigations/{jit}/evidence"),
    "list authorisations": Call("GET", "/investigations/{jit}/authorisations"),
    "list tasks": Call("GET", "/investigations/{jit}/tasks"),
    "add party": Call(
        "POST",
        "/investigations/{jit}/parties",
        {"country": "DE", "name": "Germany", "lead_authority": "BKA"},
    ),
    "add member": Call(
        "POST",
        "/investigations/{jit}/members",
        {"username": "{username}", "country": "FR", "role": "observer"},
    ),
    "remove member": Call("POST", "/investigations/{jit}/members/{member}/removal", REASON),
    "close investigation": Call("POST", "/investigations/{jit}/closure", REASON),
    "register evidence": Call("POST", "/investigations/{jit}/evidence", ITEM),
    "record authorisation": Call("POST", "/investigations/{jit}/authorisations", AUTHORISATION),
    "create task": Call("POST", "/investigations/{jit}/tasks", {"title": "Review"}),
    **RECORD_CALLS,
}


def ids_of(team: Team, *, jit: Team | None = None, **changes: str) -> dict[str, str]:
    """The ids a call names: the records of `team`, under the path of `jit` (default: the
    same team). The member is the team's investigator; the user to add, its own outsider."""
    ids = {
        "jit": (jit or team).jit.id,
        "evidence": team.evidence_id,
        "authorisation": team.authorisation_id,
        "task": team.task_id,
        "member": str(team.jit.investigator.user_id),
        "username": team.jit.outsider.username,
    }
    return {**ids, **changes}


def each(calls: dict[str, Call]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("call", list(calls.values()), ids=list(calls))


def not_found_as_unknown(
    call: Call, sender: Person, b: Team, ids: dict[str, str], unknown: dict[str, str]
) -> dict[str, Any]:
    """What `sender` is answered for `call` naming B's `ids`: not found (not forbidden, and
    nothing of B shows), the very answer for ids that do not exist (`unknown`): it tells
    nothing of B. B's log is untouched."""
    before = log_of(b.jit.leader, b.jit.id)
    problem = assert_not_found(call.send(sender, **ids), *b.secrets)
    assert call.send(sender, **unknown).json() == problem
    assert log_of(b.jit.leader, b.jit.id) == before
    return problem


@each(RECORD_CALLS)
def test_a_member_naming_another_investigations_record_under_their_own_path_is_not_found(
    teams: tuple[Team, Team], call: Call
) -> None:
    a, b = teams
    # Given A's leader, who knows (somehow) the ids of B's item, authorisation and task,
    # when they use them under A's path, then they are not found, as ids that do not exist
    own_member = str(a.jit.investigator.user_id)
    random_ids = {k: str(uuid.uuid4()) for k in ("evidence", "authorisation", "task")}
    not_found_as_unknown(
        call,
        a.jit.leader,
        b,
        ids_of(b, jit=a, member=own_member),
        ids_of(b, jit=a, member=own_member, **random_ids),
    )


@each(INVESTIGATION_CALLS)
def test_a_member_of_one_investigation_finds_nothing_under_anothers_path(
    teams: tuple[Team, Team], call: Call
) -> None:
    a, b = teams
    # When A's leader uses B's path, with B's own ids, then B's investigation does not exist
    # for them, exactly as an investigation that does not exist
    unknown = {**ids_of(b), "jit": str(uuid.uuid4())}
    problem = not_found_as_unknown(call, a.jit.leader, b, ids_of(b), unknown)
    assert problem["errors"] == [{"field": "investigation_id", "message": "no such investigation"}]


@each(INVESTIGATION_CALLS)
def test_a_user_who_is_no_member_finds_nothing(teams: tuple[Team, Team], call: Call) -> None:
    a, _ = teams
    before = log_of(a.jit.leader, a.jit.id)
    # When A's outsider (a user of JITspace, no member of A) tries any read or write on A,
    # even adding themselves as a member
    response = call.send(a.jit.outsider, **ids_of(a))
    # Then A does not exist for them, and nothing was written
    assert_not_found(response, *a.secrets)
    assert log_of(a.jit.leader, a.jit.id) == before


def test_a_user_who_is_no_member_does_not_see_the_investigation_in_their_list(
    teams: tuple[Team, Team],
) -> None:
    a, b = teams
    # Each leader sees their own investigation only; the outsider sees neither
    assert [row["id"] for row in a.jit.leader.get("/investigations").json()] == [a.jit.id]
    assert [row["id"] for row in b.jit.leader.get("/investigations").json()] == [b.jit.id]
    assert a.jit.outsider.get("/investigations").json() == []


def test_a_removed_member_loses_access_at_once(teams: tuple[Team, Team], crowd: People) -> None:
    a, _ = teams
    # Given a new analyst added to A, who can read its tasks
    analyst = add_member(crowd, a.jit, "fr-analyst", "FR", "analyst")
    assert analyst.get(a.jit.path("/tasks")).status_code == 200
    # When the leader removes them
    remove_member(a.jit, analyst, "left")
    # Then every read of A is "not found" for them, the log included
    for call in ("read investigation", "read events", "list tasks", "read task"):
        assert_not_found(INVESTIGATION_CALLS[call].send(analyst, **ids_of(a)), *a.secrets)


# -- tokens --------------------------------------------------------------------------------

AUTHENTICATED_CALLS = {
    "who am I": Call("GET", "/auth/me"),
    "log out": Call("POST", "/auth/logout"),
    "my investigations": Call("GET", "/investigations"),
    "open investigation": Call(
        "POST",
        "/investigations",
        {
            "name": "Mine",
            "agreement_reference": "JIT-X",
            "purpose": "fraud",
            "period_start": "2024-01-01",
            "period_end": "2025-01-01",
            "parties": [{"country": "FR", "name": "France", "lead_authority": "PNF"}],
            "country": "FR",
        },
    ),
    **INVESTIGATION_CALLS,
}


def anonymous(person: Person, authorization: str | None) -> Person:
    """The same base URL, with this Authorization header (or none)."""
    headers = {} if authorization is None else {"Authorization": authorization}
    client = httpx.Client(base_url=person.client.base_url, headers=headers, timeout=30)
    return Person("anonymous", uuid.uuid4(), client)


@each(AUTHENTICATED_CALLS)
@pytest.mark.parametrize(
    ("authorization", "names"),
    [
        pytest.param(None, "Authorization: Bearer", id="no-token"),
        pytest.param("Bearer", "Authorization: Bearer", id="empty-bearer"),
        pytest.param("Basic Zm9vOmJhcg==", "Authorization: Bearer", id="basic-auth"),
        pytest.param("Bearer not-a-token", "log in again", id="garbage-token"),
        pytest.param("Bearer " + "x" * 4_000, "log in again", id="long-garbage-token"),
    ],
)
def test_without_a_valid_token_nothing_is_served(
    teams: tuple[Team, Team], call: Call, authorization: str | None, names: str
) -> None:
    a, _ = teams
    before = log_of(a.jit.leader, a.jit.id)
    stranger = anonymous(a.jit.leader, authorization)
    with stranger.client:
        response = call.send(stranger, **ids_of(a))
    assert response.status_code == 401, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert names in response.json()["detail"]
    for word in a.secrets:
        assert word not in response.text
    assert log_of(a.jit.leader, a.jit.id) == before


def test_after_logging_out_the_token_is_refused(crowd: People) -> None:
    # Given a user who works, then logs out
    person = crowd.new("nl-prosecutor")
    assert person.get("/auth/me").status_code == 200
    logged_out = person.post("/auth/logout")
    assert logged_out.status_code == 204, logged_out.text
    # When they use the same token again, it is refused everywhere, logging out included
    for response in (
        person.get("/auth/me"),
        person.get("/investigations"),
        person.post("/auth/logout"),
    ):
        assert response.status_code == 401, response.text
        assert "log in again" in response.json()["detail"]


def test_logging_out_ends_only_that_session(crowd: People) -> None:
    # Given a user logged in on two machines
    laptop = crowd.new("be-analyst")
    with httpx.Client(base_url=laptop.client.base_url, timeout=30) as desk:
        login = desk.post("/auth/login", json={"username": laptop.username, "password": PASSWORD})
        assert login.status_code == 200, login.text
        desk.headers["Authorization"] = f"Bearer {login.json()['token']}"
        # When they log out on the laptop
        assert laptop.post("/auth/logout").status_code == 204
        # Then the laptop's token is refused, and the desk's still works
        assert laptop.get("/auth/me").status_code == 401
        me = desk.get("/auth/me")
        assert me.status_code == 200, me.text
        assert me.json()["username"] == laptop.username
