"""Every operation of the live OpenAPI document, fuzzed: never a server error, and every
answer as the document says (its status is declared, its body matches the schema).

The fuzzer is a member (the JIT leader) of a fresh investigation per operation, holding an
evidence item with a file, a task and an authorisation, and the path's ids name those
records: random ids would only ever reach the 404 of the membership check. Examples are few
and derandomized, so CI is reproducible and quick; every failure is a bug to fix in the app
or its document, not here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from jitspace.api.app import create_app
from jitspace.settings import Settings
from tests.support import (
    PASSWORD,
    People,
    Person,
    ServerThread,
    authorisation_body,
    evidence_body,
    investigation_body,
)

EXAMPLES_PER_OPERATION = 15
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@dataclass
class World:
    """The records a fuzzed path names, by path parameter, and the fuzzer's own token (the
    fuzzer may log it out)."""

    token: str
    ids: dict[str, str]


@pytest.fixture(scope="module")
def fuzz_people(crowd: People) -> tuple[Person, Person]:
    return crowd.new("fuzz-leader"), crowd.new("fuzz-investigator")


@pytest.fixture
def world(fuzz_people: tuple[Person, Person]) -> World:
    leader, investigator = fuzz_people
    jit = created(
        leader,
        "/investigations",
        investigation_body(
            "Fuzzed JIT", agreement_reference="JIT-FUZZ-1", purpose="fuzzing the API"
        ),
    )
    base = f"/investigations/{jit}"
    added = leader.post(
        f"{base}/members",
        json={"username": investigator.username, "country": "BE", "role": "investigator"},
    )
    assert added.status_code == 200, added.text
    item = created(
        leader,
        f"{base}/evidence",
        evidence_body(reference="FR-DOC-1", description="lease of the warehouse"),
    )
    stored = leader.post(
        f"{base}/evidence/{item}/files",
        params={"name": "lease.pdf"},
        content=b"%PDF-1.7 lease",
        headers={"Content-Type": "application/pdf"},
    )
    assert stored.status_code == 201, stored.text
    task = created(leader, f"{base}/tasks", {"title": "check the lease"})
    authorisation = created(leader, f"{base}/authorisations", authorisation_body())
    login = leader.post("/auth/login", json={"username": leader.username, "password": PASSWORD})
    assert login.status_code == 200, login.text
    return World(
        login.json()["token"],
        {
            "investigation_id": jit,
            "evidence_id": item,
            "file_id": stored.json()["file"]["id"],
            "task_id": task,
            "authorisation_id": authorisation,
            "member_id": str(investigator.user_id),
            "country": "FR",
        },
    )


def created(person: Person, path: str, body: dict[str, object]) -> str:
    response = person.post(path, json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def served_document() -> dict[str, object]:
    """The OpenAPI document the app serves, built by the production app factory (the tests
    are made from it when they are collected, before any server runs)."""
    return create_app(Settings()).openapi_schema.to_schema()


schema = schemathesis.openapi.from_dict(served_document())


def test_the_fuzzed_document_is_the_one_served(server: ServerThread) -> None:
    served = requests.get(f"{server.url}/schema/openapi.json", timeout=30)
    assert served.status_code == 200
    assert served.json() == served_document()


@pytest.fixture(scope="module")
def session() -> Iterator[requests.Session]:
    statuses: Counter[int] = Counter()
    with requests.Session() as opened:
        opened.hooks["response"].append(
            lambda response, **_: statuses.update([response.status_code])
        )
        yield opened
    # in the CI log: how much was fuzzed, and how far it got past the checks at the door
    print(f"\nschema fuzzing: {statuses.total()} requests, by status: {sorted(statuses.items())}")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    database=None,
    deadline=None,
    # no shrinking: a failure is reported as found, and a failing run stays short
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented(
    case: schemathesis.Case, world: World, server: ServerThread, session: requests.Session
) -> None:
    for name in case.path_parameters or {}:
        if name in world.ids:
            case.path_parameters[name] = world.ids[name]  # type: ignore[index]
    case.call_and_validate(
        base_url=server.url,
        session=session,
        headers={"Authorization": f"Bearer {world.token}"},
        checks=CHECKS,
        timeout=30,
    )
