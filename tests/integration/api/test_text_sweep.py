"""One rule for every text a request carries, swept over the whole API: every operation of
the served OpenAPI document, every text field of its body (nested ones and list items too),
every query and header parameter and every path value, given a value that breaks the rule
(NUL, another control character, a lone UTF-16 surrogate, bytes that are not UTF-8), is
refused with a 4xx that names the field, and nothing reaches the log.

A new operation or field is swept as soon as it is in the document.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import pytest

from jitspace.api.app import create_app
from jitspace.settings import Settings
from tests.support import (
    Jit,
    People,
    authorisation_body,
    open_investigation,
    register_item,
)

# (what it is, as a JSON string's escaped content, as percent-encoded UTF-8 in a URL)
BAD_TEXTS = [
    ("NUL", "a\\u0000b", "a%00b"),
    ("bell", "a\\u0007b", "a%07b"),
    ("escape", "\\u001b[31m", "%1B%5B31m"),
    ("C1 next-line", "a\\u0085b", "a%C2%85b"),
    ("lone surrogate", "a\\ud800b", "a%ED%A0%80b"),
    ("bytes that are not UTF-8", "", "a%FF%FEb"),
]
# JSON bodies with bytes that are not UTF-8 inside a string
RAW_NOT_UTF8 = b"a\xff\xfeb"
TYPED_HEADERS = {"If-Match", "Range", "Content-Type", "X-Content-SHA256"}


def served_document() -> dict[str, Any]:
    return create_app(Settings()).openapi_schema.to_schema()


DOCUMENT = served_document()


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    body_texts: tuple[tuple[str, ...], ...]  # paths (keys and list indexes) to text fields
    query: tuple[str, ...]
    headers: tuple[str, ...]
    path_params: tuple[str, ...]


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = DOCUMENT["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _text_paths(
    schema: dict[str, Any], at: tuple[str, ...], depth: int = 0
) -> Iterator[tuple[str, ...]]:
    schema = _resolve(schema)
    if depth > 6:
        return
    for option in schema.get("oneOf", []) + schema.get("anyOf", []):
        yield from _text_paths(option, at, depth + 1)
    kind = schema.get("type")
    if kind == "string" or (kind is None and "enum" in schema):
        yield at
    elif kind == "array":
        yield from _text_paths(schema.get("items", {}), (*at, "0"), depth + 1)
    elif kind == "object":
        for name, prop in schema.get("properties", {}).items():
            yield from _text_paths(prop, (*at, name), depth + 1)
        if schema.get("additionalProperties"):
            yield (*at, "any_key")


def operations() -> list[Operation]:
    found = []
    for path, item in DOCUMENT["paths"].items():
        for method, op in item.items():
            if method not in {"get", "post"}:
                continue
            params = op.get("parameters", [])
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            found.append(
                Operation(
                    method.upper(),
                    path,
                    tuple(dict.fromkeys(_text_paths(body["schema"], ()))) if body else (),
                    tuple(p["name"] for p in params if p["in"] == "query"),
                    tuple(p["name"] for p in params if p["in"] == "header"),
                    tuple(p["name"] for p in params if p["in"] == "path"),
                )
            )
    return found


OPERATIONS = operations()


def _nested(path: tuple[str, ...], leaf: str) -> str:
    """A JSON body holding `leaf` (raw JSON) at `path`; lists get one item."""
    value = leaf
    for key in reversed(path):
        value = f"[{value}]" if key == "0" else f"{{{json.dumps(key)}: {value}}}"
    return value


@dataclass
class World:
    jit: Jit
    ids: dict[str, str]
    database_url: str
    # the deployment's administrator, who sends what only administrators may (users)
    administrator: httpx.Client

    def url(self, op: Operation, bad_path: str | None = None) -> str:
        path = op.path
        for name in op.path_params:
            value = bad_path if bad_path is not None else self.ids.get(name, "FR")
            path = path.replace("{" + name + "}", value)
        return path

    def events(self) -> int:
        async def count() -> int:
            conn = await asyncpg.connect(self.database_url)
            try:
                return int(await conn.fetchval("SELECT count(*) FROM jitspace_events"))
            finally:
                await conn.close()

        return asyncio.run(count())


@pytest.fixture(scope="module")
def world(crowd: People, database_url: str) -> World:
    jit = open_investigation(crowd)
    leader = jit.leader
    item = register_item(leader, jit, reference="FR-SWEEP-1", description="lease")["id"]
    stored = leader.post(
        jit.path(f"/evidence/{item}/files"), params={"name": "lease.pdf"}, content=b"%PDF"
    ).json()
    task = leader.post(jit.path("/tasks"), json={"title": "check the lease"}).json()["id"]
    upload = leader.post(
        jit.path(f"/evidence/{item}/uploads"), json={"name": "scan.pdf", "size": 10}
    ).json()["id"]
    authorisation = leader.post(
        jit.path("/authorisations"),
        json=authorisation_body(kind="search_warrant", authority="JLD Paris", reference="JLD-1"),
    ).json()["id"]
    ids = {
        "investigation_id": jit.id,
        "evidence_id": item,
        "file_id": stored["file"]["id"],
        "task_id": task,
        "authorisation_id": authorisation,
        "member_id": str(jit.investigator.user_id),
        "country": "FR",
        "rule": "AU-02",
        "upload_id": upload,
        "number": "1",
        "user_id": str(jit.investigator.user_id),
    }
    return World(jit, ids, database_url, crowd.new("sweep-admin", administrator=True).client)


def send(
    world: World,
    op: Operation,
    *,
    url: str | None = None,
    content: bytes | None = None,
    headers: dict[str, Any] | None = None,
) -> httpx.Response:
    client = world.administrator if op.path.startswith("/users") else world.jit.leader.client
    sent = dict(headers or {})
    if content is not None:
        sent.setdefault("Content-Type", "application/json")
    return client.request(op.method, url or world.url(op), content=content, headers=sent)


def refused(response: httpx.Response, field: str | None) -> list[str]:
    """What is wrong with the answer to a bad value (nothing: a 4xx naming the field)."""
    if not 400 <= response.status_code < 500:
        return [f"answered {response.status_code}: {response.text[:200]}"]
    if field is None:
        return []
    problem = response.json()
    named = [e["field"] for e in problem.get("errors", [])]
    if response.status_code != 400 or field not in named:
        return [f"did not name {field}: {response.status_code} {problem}"]
    return []


def test_the_sweep_covers_the_api() -> None:
    # the sweep reaches bodies, queries, headers and paths: no operation is left out
    assert len(OPERATIONS) > 40
    assert sum(len(op.body_texts) for op in OPERATIONS) > 100
    assert {"purpose", "name", "as_of", "on"} <= {q for op in OPERATIONS for q in op.query}


def test_every_text_field_of_every_operation_refuses_what_text_cannot_be(world: World) -> None:
    before = world.events()
    faults: list[str] = []
    for op in OPERATIONS:
        where = f"{op.method} {op.path}"
        for field in op.body_texts:
            name = ".".join(field).replace(".0", "[0]") or "body"
            for what, escaped, _ in BAD_TEXTS:
                if escaped:
                    answer = send(world, op, content=_nested(field, f'"{escaped}"').encode())
                    faults += [f"{where} body {name} ({what}): {f}" for f in refused(answer, name)]
            raw = _nested(field, '"x"').encode().replace(b'"x"', b'"' + RAW_NOT_UTF8 + b'"')
            answer = send(world, op, content=raw)
            faults += [f"{where} body {name} (not UTF-8): {f}" for f in refused(answer, "body")]
        for param in op.query:
            for what, _, encoded in BAD_TEXTS:
                if encoded:
                    answer = send(world, op, url=f"{world.url(op)}?{param}={encoded}")
                    faults += [
                        f"{where} query {param} ({what}): {f}" for f in refused(answer, param)
                    ]
        for header in op.headers:
            for what, value in (("C1 byte", b"a\x85b"), ("DEL-range C1", b"\x9b31m")):
                answer = send(world, op, headers={header: value})
                faults += [
                    f"{where} header {header} ({what}): {f}" for f in refused(answer, header)
                ]
        if op.path_params:
            for what, _, encoded in BAD_TEXTS:
                if encoded:
                    answer = send(world, op, url=world.url(op, bad_path=encoded))
                    faults += [f"{where} path ({what}): {f}" for f in refused(answer, None)]
    assert not faults, "\n".join(faults[:40])
    # and nothing any of it sent reached the log
    assert world.events() == before


@pytest.mark.parametrize(
    "field", ["description", "reason"], ids=["free-text description", "free-text reason"]
)
def test_free_text_may_break_lines_and_one_line_fields_may_not(world: World, field: str) -> None:
    item = world.ids["evidence_id"]
    amended = world.jit.leader.post(
        world.jit.path(f"/evidence/{item}/description"),
        json={
            "description": "line one\nline two\tand a tab",
            "reason": "two\r\nlines",
            field: "a\nb",
        },
    )
    assert amended.status_code == 200, amended.text
    sealed = world.jit.leader.post(
        world.jit.path(f"/evidence/{item}/custody/storage"), json={"location": "shelf\n4"}
    )
    assert sealed.status_code == 400, sealed.text
    assert [e["field"] for e in sealed.json()["errors"]] == ["location"]
    assert "control character (U+000A)" in sealed.json()["detail"]
