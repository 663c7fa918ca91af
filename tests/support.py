"""Helpers shared by the integration tests and benchmarks: a server thread, people, a JIT."""

from __future__ import annotations

import asyncio
import hashlib
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

import asyncpg
import httpx
import msgspec
import pytest
import uvicorn

from domain.commands import OpenInvestigation, RegisterEvidence
from domain.investigation import Investigation
from domain.values import EvidenceKind, Party
from jitspace.api.app import create_app
from jitspace.auth.identity import Identity
from jitspace.auth.security_log import SecurityEntry, SecurityLog
from jitspace.bootstrap import migrate_database
from jitspace.cli import server_options
from jitspace.services.application import JITspace
from jitspace.settings import Settings
from jitspace.storage.database import create_database, with_database

PASSWORD = "correct horse battery"
T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerThread:
    """uvicorn serving the JITspace app in a background thread."""

    def __init__(self, settings: Settings) -> None:
        self.port = free_port()
        config = uvicorn.Config(
            create_app(settings),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            **server_options(settings),  # as `jitspace serve` runs it
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def fresh_database(database_url: str, prefix: str, *, migrated: bool = True) -> str:
    """The URL of a new database on the test PostgreSQL server, named `prefix_<random>`:
    migrated (as `jitspace migrate` leaves it, no records), or empty."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    create_database(with_database(database_url, "postgres"), name)
    url = with_database(database_url, name)
    if migrated:
        migrate_database(Settings(database_url=url))
    return url


def another_server(settings: Settings, **changes: Any) -> ServerThread:
    """Another process of the app on the session's deployment (`changes` to its settings):
    the session's server keeps the read models."""
    return ServerThread(
        msgspec.structs.replace(
            settings,
            run_projections=False,
            pool_size=2,  # the test PostgreSQL takes 100 connections, shared by every server
            **changes,
        )
    )


def serve_another(
    settings: Settings, tmp_path_factory: pytest.TempPathFactory, name: str, **changes: Any
) -> Iterator[ServerThread]:
    """For a fixture to `yield from`: another server (see `another_server`) with a data folder
    of its own, `<name>-data`, running while the fixture lasts."""
    data_dir = tmp_path_factory.mktemp(f"{name}-data")
    with another_server(settings, data_dir=data_dir, **changes) as running:
        yield running


@asynccontextmanager
async def pool_of(database_url: str, size: int = 1) -> AsyncIterator[asyncpg.Pool]:
    """A pool of at most `size` connections to the database, closed on the way out."""
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=size)
    try:
        yield pool
    finally:
        await pool.close()


def with_pool(database_url: str, call: Callable[[asyncpg.Pool], Awaitable[T]]) -> T:
    """What `call` answers with a pool of one connection to the database (from sync code)."""

    async def run() -> T:
        async with pool_of(database_url) as pool:
            return await call(pool)

    return asyncio.run(run())


def security_log(database_url: str, kind: str, recent: int = 1000) -> list[SecurityEntry]:
    """The security log's entries of this kind, among its `recent` latest."""
    return with_pool(database_url, lambda pool: SecurityLog(pool).recent(recent, kind=kind))


def add_user(
    database_url: str, username: str, display_name: str = "", *, administrator: bool = False
) -> uuid.UUID:
    user = with_pool(
        database_url,
        lambda pool: Identity(pool, timedelta(hours=1)).add_user(
            username, PASSWORD, display_name, administrator=administrator
        ),
    )
    return user.user_id


@dataclass
class Person:
    """A user of the test session, with an HTTP client logged in as them."""

    username: str
    user_id: uuid.UUID
    client: httpx.Client

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.client.get(path, **kw)

    def post(self, path: str, **kw: Any) -> httpx.Response:
        return self.client.post(path, **kw)


@dataclass
class People:
    base_url: str
    database_url: str
    made: list[Person] = field(default_factory=list)

    def new(self, name: str, *, administrator: bool = False) -> Person:
        """A new user, logged in (an administrator of the deployment, with `administrator`)."""
        username = f"{name}-{uuid.uuid4().hex[:8]}"
        user_id = add_user(
            self.database_url,
            username,
            name.replace("-", " ").title(),
            administrator=administrator,
        )
        client = httpx.Client(base_url=self.base_url, timeout=30)
        response = client.post("/auth/login", json={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.text
        client.headers["Authorization"] = f"Bearer {response.json()['token']}"
        person = Person(username, user_id, client)
        self.made.append(person)
        return person


@dataclass
class Jit:
    """An open FR-BE-NL investigation with a leader (FR), an investigator (BE), a legal
    advisor (NL), and an outsider who is a user but no member."""

    id: str
    leader: Person
    investigator: Person
    legal: Person
    outsider: Person

    def path(self, rest: str = "") -> str:
        return f"/investigations/{self.id}{rest}"


def fill(value: Any, **names: Any) -> Any:
    """`value` (a path, a body) with its placeholders ({jit}, {task}, ...) filled in from
    `names`, at any depth; {random} is a new UUID each time."""
    if isinstance(value, dict):
        return {key: fill(item, **names) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, **names) for item in value]
    if isinstance(value, str) and "{" in value:
        return value.format(**{"random": uuid.uuid4(), **names})
    return value


def period_end() -> str:
    """The end of a test JIT's period: two years after today, so that facts dated relative
    to today fall inside it whatever the day the tests run."""
    return f"{datetime.now(UTC).year + 2}-12-31"


FRANCE = {"country": "FR", "name": "France", "lead_authority": "Parquet de Paris"}
BELGIUM = {"country": "BE", "name": "Belgium", "lead_authority": "Federal Prosecutor"}
NETHERLANDS = {"country": "NL", "name": "Netherlands", "lead_authority": "OM"}


def investigation_body(name: str, **fields: Any) -> dict[str, Any]:
    """What opening an investigation sends: a FR-BE JIT led from France, its period ending
    after today whatever the day (`fields` replace any of these)."""
    return {
        "name": name,
        "agreement_reference": "JIT-TEST-1",
        "purpose": "human trafficking",
        "period_start": "2024-01-01",
        "period_end": period_end(),
        "country": "FR",
        **fields,
        "parties": [dict(party) for party in fields.get("parties", [FRANCE, BELGIUM])],
    }


def evidence_body(**fields: Any) -> dict[str, Any]:
    """What registering an evidence item sends: a ledger seized in Brussels (`fields` replace
    any of these)."""
    return {
        "reference": "BE-1",
        "kind": "document",
        "description": "ledger",
        "occurred_at": "2024-05-03T07:30:00+02:00",
        "collected_by": "S. Peeters",
        "place": "Brussels",
        "method": "seizure",
        **fields,
    }


def authorisation_body(**fields: Any) -> dict[str, Any]:
    """What recording an authorisation sends: a French interception order (`fields` replace
    any of these)."""
    return {
        "kind": "interception_order",
        "country": "FR",
        "authority": "Juge des libertés et de la détention, Paris",
        "reference": "JLD-2024-0042",
        "occurred_at": "2024-03-01T10:00:00+01:00",
        "valid_from": "2024-03-01T00:00:00+01:00",
        "valid_until": "2024-06-30T23:59:59+02:00",
        **fields,
    }


# an authorisation valid for April 2024 (Paris time), recorded on its first morning
APRIL_2024 = {
    "occurred_at": "2024-04-01T09:00:00+02:00",
    "valid_from": "2024-04-01T00:00:00+02:00",
    "valid_until": "2024-05-01T00:00:00+02:00",
}


@contextmanager
def investigation_on(base_url: str, database_url: str) -> Iterator[Jit]:
    """An investigation opened through the app at `base_url`; its people's clients closed
    after."""
    people = People(base_url, database_url)
    try:
        yield open_investigation(people)
    finally:
        for person in people.made:
            person.client.close()


def open_investigation(people: People) -> Jit:
    leader = people.new("fr-leader")
    investigator = people.new("be-investigator")
    legal = people.new("nl-legal")
    outsider = people.new("outsider")
    response = leader.post(
        "/investigations",
        json=investigation_body(
            "Test JIT", period_end=period_end(), parties=[FRANCE, BELGIUM, NETHERLANDS]
        ),
    )
    assert response.status_code == 201, response.text
    jit_id = response.json()["id"]
    for person, country, role in (
        (investigator, "BE", "investigator"),
        (legal, "NL", "legal_advisor"),
    ):
        added = leader.post(
            f"/investigations/{jit_id}/members",
            json={"username": person.username, "country": country, "role": role},
        )
        assert added.status_code == 200, added.text
    return Jit(jit_id, leader, investigator, legal, outsider)


def register_item(person: Person, jit: Jit, **fields: Any) -> dict[str, Any]:
    """An evidence item `person` registers in the JIT (`fields` as for `evidence_body`), as
    the API answered."""
    created = person.post(jit.path("/evidence"), json=evidence_body(**fields))
    assert created.status_code == 201, created.text
    item: dict[str, Any] = created.json()
    return item


def opening(
    name: str,
    agreement_reference: str,
    *,
    founder_name: str = "Leader",
    parties: tuple[Party, ...] = (Party("FR", "France", "PNF"),),
    period_end: date = date(2025, 1, 1),
    occurred_at: datetime | None = None,
) -> OpenInvestigation:
    """What opening a fraud investigation from 2024 says, led by its first party."""
    return OpenInvestigation(
        founder_name=founder_name,
        country=parties[0].country,
        name=name,
        agreement_reference=agreement_reference,
        purpose="fraud",
        period_start=date(2024, 1, 1),
        period_end=period_end,
        parties=parties,
        occurred_at=occurred_at or datetime.now(UTC),
    )


def open_in_app(
    app: JITspace,
    name: str,
    agreement_reference: str,
    *,
    period_end: date = date(2025, 1, 1),
    occurred_at: datetime | None = None,
) -> tuple[Investigation, uuid.UUID]:
    """A French investigation opened through the application itself (no HTTP), and the id of
    its leader."""
    leader = uuid.uuid4()
    command = opening(name, agreement_reference, period_end=period_end, occurred_at=occurred_at)
    return app.open_investigation(leader, command), leader


def registering(
    investigation_id: uuid.UUID, reference: str, occurred_at: datetime, **fields: Any
) -> RegisterEvidence:
    """What registering a ledger the PNF seized in Paris says (`fields` replace any of these)."""
    return RegisterEvidence(
        **{
            "investigation_id": investigation_id,
            "reference": reference,
            "kind": EvidenceKind.DOCUMENT,
            "description": "ledger",
            "occurred_at": occurred_at,
            "collected_by": "PNF",
            "place": "Paris",
            "method": "search",
            **fields,
        }
    )


def add_member(people: People, jit: Jit, name: str, country: str, role: str) -> Person:
    """A new user, added to the JIT by its leader for `country` in `role`."""
    person = people.new(name)
    added = jit.leader.post(
        jit.path("/members"), json={"username": person.username, "country": country, "role": role}
    )
    assert added.status_code == 200, added.text
    return person


def remove_member(
    jit: Jit, member: Person, reason: str, *, current_version: bool = False, **fields: Any
) -> None:
    """The leader removes `member` from the JIT (with `current_version`, naming the version
    of the investigation they read: If-Match)."""
    headers = {"If-Match": jit.leader.get(jit.path()).headers["ETag"]} if current_version else {}
    removed = jit.leader.post(
        jit.path(f"/members/{member.user_id}/removal"),
        json={"reason": reason, **fields},
        headers=headers,
    )
    assert removed.status_code == 200, removed.text


def log_of(person: Person, jit_id: str) -> list[dict[str, Any]]:
    """Every event of the investigation, read back through the API."""
    events: list[dict[str, Any]] = []
    after = 0
    while True:
        page = person.get(
            f"/investigations/{jit_id}/events", params={"after": after, "limit": 1000}
        )
        assert page.status_code == 200, page.text
        body = page.json()
        events.extend(body["events"])
        if not body["events"]:
            return events
        after = body["last_position"]


def case_document(reference: str, **item: Any) -> dict[str, Any]:
    """A CASE/UCO JSON-LD document of one item, as a forensic tool writes it: a file with its
    SHA-256 (`item` adds properties to it) and the action that acquired it."""
    uco = "https://ontology.unifiedcyberontology.org/uco/"
    return {
        "@context": {
            "kb": "http://example.org/kb/",
            "uco-core": f"{uco}core/",
            "uco-observable": f"{uco}observable/",
            "uco-action": f"{uco}action/",
            "uco-identity": f"{uco}identity/",
            "uco-types": f"{uco}types/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@graph": [
            {
                "@id": "kb:file-1",
                "@type": "uco-observable:File",
                "uco-core:name": reference,
                "uco-core:hasFacet": [
                    {
                        "@type": "uco-observable:FileFacet",
                        "uco-observable:fileName": "chat.db",
                        "uco-observable:sizeInBytes": 4,
                    },
                    {
                        "@type": "uco-observable:ContentDataFacet",
                        "uco-observable:hash": [
                            {
                                "@type": "uco-types:Hash",
                                "uco-types:hashMethod": "SHA256",
                                "uco-types:hashValue": {
                                    "@type": "xsd:hexBinary",
                                    "@value": hashlib.sha256(b"chat").hexdigest().upper(),
                                },
                            }
                        ],
                    },
                ],
                **item,
            },
            {"@id": "kb:examiner-1", "@type": "uco-identity:Person", "uco-core:name": "J. Dupont"},
            {
                "@id": "kb:acquisition-1",
                "@type": "uco-action:Action",
                "uco-core:name": "acquisition",
                "uco-action:startTime": {
                    "@type": "xsd:dateTime",
                    "@value": "2024-05-03T07:30:00Z",
                },
                "uco-action:performer": {"@id": "kb:examiner-1"},
                "uco-action:result": [{"@id": "kb:file-1"}],
            },
        ],
    }
