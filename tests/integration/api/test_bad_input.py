"""Bad input, tried the way a new user would: every write endpoint and the reads answer
with a problem document (RFC 9457) that says what is wrong, with the status that fits:
400 unreadable or invalid request, 401 bad credentials, 404 unknown id, 409 stale version,
413 too large, 422 a rule of the investigation. Never a 500.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.support import (
    FRANCE,
    Jit,
    People,
    authorisation_body,
    evidence_body,
    fill,
    investigation_body,
    log_of,
    open_investigation,
)

MIB = 1024 * 1024
NAIVE = "2024-05-03T07:30:00"  # no time zone
FUTURE = "2999-05-03T07:30:00+02:00"
BEFORE_YEAR_ONE = "0001-01-01T00:30:00+14:00"  # 31 Dec of year 0 in UTC: no such instant
AFTER_YEAR_9999 = "9999-12-31T23:30:00-14:00"  # year 10000 in UTC

EVIDENCE = evidence_body(reference="FR-PV-2024-118", kind="seized_device")
AUTHORISATION = authorisation_body()
INVESTIGATION = investigation_body(
    "Operation Nightingale",
    agreement_reference="JIT-2024-07",
    period_end="2025-12-31",
    parties=[FRANCE],
)


def with_field(path: str, body: dict[str, Any], field: str, value: Any, *rest: Any, id: str) -> Any:
    """A request to `path`: `body` with `field` set to `value`; then `field` and what else the
    test takes (what the answer names)."""
    return pytest.param(path, {**body, field: value}, field, *rest, id=id)


# -- the investigation the new user tries things on -----------------------------------------


@dataclass
class World:
    """An open FR-BE-NL JIT, with an item, an authorisation and a task of the FR leader."""

    jit: Jit
    evidence_id: str
    authorisation_id: str
    task_id: str

    def fill(self, value: Any) -> Any:
        """`value` with its placeholders ({jit}, {task}, {random}, ...) filled in."""
        return fill(
            value,
            jit=self.jit.id,
            evidence=self.evidence_id,
            authorisation=self.authorisation_id,
            task=self.task_id,
            member=self.jit.investigator.user_id,
            leader=self.jit.leader.user_id,
            outsider=self.jit.outsider.username,
            outsider_id=self.jit.outsider.user_id,
            investigator=self.jit.investigator.username,
        )

    def send(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        content: bytes | None = None,
        headers: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
    ) -> httpx.Response:
        """The FR leader sends the request."""
        client = self.jit.leader.client
        if content is not None:
            headers = {"content-type": "application/json", **(headers or {})}
            return client.request(
                method, self.fill(path), content=content, headers=headers, params=params
            )
        if body is None:
            return client.request(method, self.fill(path), headers=headers, params=params)
        return client.request(
            method, self.fill(path), json=self.fill(body), headers=headers, params=params
        )


@pytest.fixture(scope="module")
def world(crowd: People) -> World:
    jit = open_investigation(crowd)
    leader = jit.leader
    evidence = leader.post(jit.path("/evidence"), json=EVIDENCE)
    authorisation = leader.post(jit.path("/authorisations"), json=AUTHORISATION)
    task = leader.post(jit.path("/tasks"), json={"title": "Trace the phone's contacts"})
    for created in (evidence, authorisation, task):
        assert created.status_code == 201, created.text
    return World(jit, evidence.json()["id"], authorisation.json()["id"], task.json()["id"])


def assert_problem(
    response: httpx.Response, status: int, *, field: str | None = None, names: str = ""
) -> dict[str, Any]:
    """A problem document with this status, whose detail names the problem (contains
    `names`) and, if a field is at fault, whose errors name that field."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem: dict[str, Any] = response.json()
    assert problem["status"] == status
    assert problem["detail"].strip(), problem
    assert names.lower() in problem["detail"].lower(), problem
    if field is not None:
        assert field in [error["field"] for error in problem.get("errors", [])], problem
    return problem


# -- every write endpoint: the same mistakes, the same kind of answer ----------------------


@dataclass(frozen=True)
class Endpoint:
    path: str
    body: dict[str, Any]  # a body it accepts
    required: str  # a field it cannot do without
    text: str  # a field that takes a string ...
    limit: int  # ... of at most this many characters (0: no such field)
    record: str | None = None  # the record whose version If-Match names


JIT = "/investigations/{jit}"
ENDPOINTS: dict[str, Endpoint] = {
    "open investigation": Endpoint(
        "/investigations", INVESTIGATION, required="parties", text="name", limit=200
    ),
    "add party": Endpoint(
        JIT + "/parties",
        {"country": "DE", "name": "Germany", "lead_authority": "BKA"},
        required="country",
        text="lead_authority",
        limit=200,
        record=JIT,
    ),
    "add member": Endpoint(
        JIT + "/members",
        {"username": "{outsider}", "country": "BE", "role": "analyst"},
        required="role",
        text="username",
        limit=100,
        record=JIT,
    ),
    "remove member": Endpoint(
        JIT + "/members/{member}/removal",
        {"reason": "returned to national duty"},
        required="reason",
        text="reason",
        limit=2_000,
        record=JIT,
    ),
    "close investigation": Endpoint(
        JIT + "/closure",
        {"reason": "all proceedings concluded"},
        required="reason",
        text="reason",
        limit=2_000,
        record=JIT,
    ),
    "register evidence": Endpoint(
        JIT + "/evidence", EVIDENCE, required="occurred_at", text="description", limit=10_000
    ),
    "amend evidence description": Endpoint(
        JIT + "/evidence/{evidence}/description",
        {"description": "Samsung phone, black", "reason": "typo"},
        required="reason",
        text="description",
        limit=10_000,
        record=JIT + "/evidence/{evidence}",
    ),
    "record authorisation": Endpoint(
        JIT + "/authorisations",
        AUTHORISATION,
        required="valid_until",
        text="conditions",
        limit=10_000,
    ),
    "revoke authorisation": Endpoint(
        JIT + "/authorisations/{authorisation}/revocation",
        {"reason": "quashed on appeal"},
        required="reason",
        text="reason",
        limit=2_000,
        record=JIT + "/authorisations/{authorisation}",
    ),
    "create task": Endpoint(
        JIT + "/tasks",
        {"title": "Interview the driver"},
        required="title",
        text="description",
        limit=10_000,
    ),
    "assign task": Endpoint(
        JIT + "/tasks/{task}/assignment",
        {"assignee_id": "{member}"},
        required="assignee_id",
        text="assignee_id",  # its only field, a UUID: no length limit to try
        limit=0,
        record=JIT + "/tasks/{task}",
    ),
    "change task status": Endpoint(
        JIT + "/tasks/{task}/status",
        {"status": "in_progress", "note": "started"},
        required="status",
        text="note",
        limit=10_000,
        record=JIT + "/tasks/{task}",
    ),
    "log in": Endpoint(
        "/auth/login",
        {"username": "someone", "password": "secret"},
        required="password",
        text="username",
        limit=100,
    ),
}
WITH_STRINGS = {name: e for name, e in ENDPOINTS.items() if e.limit}
VERSIONED = {name: e for name, e in ENDPOINTS.items() if e.record}


def each(endpoints: dict[str, Endpoint]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("endpoint", list(endpoints.values()), ids=list(endpoints))


@each(ENDPOINTS)
@pytest.mark.parametrize(
    ("content", "names"),
    [
        pytest.param(b'{"title": "Interview the dri', "truncated", id="cut-off"),
        pytest.param(b'{"title": }', "malformed", id="no-value"),
        pytest.param(b"{'title': 'single quotes'}", "malformed", id="single-quotes"),
        pytest.param(b'{"title": "a",}', "malformed", id="trailing-comma"),
        pytest.param(b"title=Interview+the+driver", "malformed", id="form-encoded"),
    ],
)
def test_a_body_that_is_not_json_is_refused(
    world: World, endpoint: Endpoint, content: bytes, names: str
) -> None:
    # When a new user sends something that is not JSON, they are told it is unreadable
    response = world.send("POST", endpoint.path, content=content)
    assert_problem(response, 400, names=names)


@each(ENDPOINTS)
@pytest.mark.parametrize(
    ("content", "names"),
    [
        pytest.param(b"", "JSON object", id="empty"),
        pytest.param(b"null", "got `null`", id="null"),
        pytest.param(b"[]", "got `array`", id="empty-array"),
        pytest.param(b'[{"title": "a"}]', "got `array`", id="array-of-objects"),
        pytest.param(b'"Interview the driver"', "got `str`", id="string"),
        pytest.param(b"42", "got `int`", id="number"),
    ],
)
def test_a_body_that_is_not_an_object_is_refused(
    world: World, endpoint: Endpoint, content: bytes, names: str
) -> None:
    # When the body is JSON but not an object, the body as a whole is at fault
    response = world.send("POST", endpoint.path, content=content)
    assert_problem(response, 400, field="body", names=names)


@each(ENDPOINTS)
def test_a_missing_required_field_is_named(world: World, endpoint: Endpoint) -> None:
    # Given a body that would be accepted, when the user leaves out a required field
    body = {k: v for k, v in endpoint.body.items() if k != endpoint.required}
    response = world.send("POST", endpoint.path, body)
    # then the problem names it
    assert_problem(response, 400, field=endpoint.required, names="this field is required")


@each(ENDPOINTS)
def test_every_missing_field_is_named_at_once(world: World, endpoint: Endpoint) -> None:
    # When the user sends an empty object, every required field is named, not only the first
    response = world.send("POST", endpoint.path, {})
    problem = assert_problem(response, 400, names="this field is required")
    named = {error["field"] for error in problem["errors"]}
    assert named == set(ENDPOINT_REQUIRED.get(endpoint.path, [endpoint.required])), problem


# the required fields of the endpoints that have several
ENDPOINT_REQUIRED = {
    "/investigations": [
        "name",
        "agreement_reference",
        "purpose",
        "period_start",
        "period_end",
        "parties",
        "country",
    ],
    JIT + "/parties": ["country", "name", "lead_authority"],
    JIT + "/members": ["username", "country", "role"],
    JIT + "/evidence": [
        "reference",
        "kind",
        "description",
        "occurred_at",
        "collected_by",
        "place",
        "method",
    ],
    JIT + "/evidence/{evidence}/description": ["description", "reason"],
    JIT + "/authorisations": [
        "kind",
        "country",
        "authority",
        "reference",
        "occurred_at",
        "valid_from",
        "valid_until",
    ],
    "/auth/login": ["username", "password"],
}


@pytest.mark.parametrize(
    ("path", "parameter", "names"),
    [
        pytest.param(JIT + "/evidence", "as_of", "a time with a zone", id="as_of"),
        pytest.param(JIT + "/admissibility", "on", "a date (2025-02-15)", id="on"),
    ],
)
def test_a_time_parameter_that_cannot_be_read_says_what_it_may_be(
    world: World, path: str, parameter: str, names: str
) -> None:
    response = world.send("GET", path, params={parameter: "yesterday"})
    problem = assert_problem(response, 400, field=parameter, names=names)
    assert "'yesterday' is neither" in problem["detail"]


def test_an_upload_without_a_name_asks_for_the_name(world: World) -> None:
    response = world.send("POST", JIT + "/evidence/{evidence}/files", content=b"%PDF", headers={})
    problem = assert_problem(response, 400, field="name", names="the query parameter 'name'")
    assert "JSON" not in problem["detail"]


@each(ENDPOINTS)
def test_an_unknown_field_is_refused_not_ignored(world: World, endpoint: Endpoint) -> None:
    # When the user misspells a field, the typo is an error, not a silent no-op
    response = world.send("POST", endpoint.path, {**endpoint.body, "ocurred_at": NAIVE})
    assert_problem(response, 400, field="ocurred_at", names="unknown field")


@each(ENDPOINTS)
@pytest.mark.parametrize(
    ("value", "names"),
    [
        pytest.param(42, "got `int`", id="number"),
        pytest.param(True, "got `bool`", id="boolean"),
        pytest.param(["a"], "got `array`", id="array"),
        pytest.param({"a": 1}, "got `object`", id="object"),
    ],
)
def test_a_value_of_the_wrong_type_is_named(
    world: World, endpoint: Endpoint, value: object, names: str
) -> None:
    response = world.send("POST", endpoint.path, {**endpoint.body, endpoint.text: value})
    assert_problem(response, 400, field=endpoint.text, names=names)


@each(WITH_STRINGS)
def test_a_string_one_character_over_its_limit_is_refused(world: World, endpoint: Endpoint) -> None:
    too_long = "x" * (endpoint.limit + 1)
    response = world.send("POST", endpoint.path, {**endpoint.body, endpoint.text: too_long})
    assert_problem(response, 400, field=endpoint.text, names=f"length <= {endpoint.limit}")


@each(WITH_STRINGS)
def test_a_nul_character_is_refused(world: World, endpoint: Endpoint) -> None:
    # PostgreSQL text cannot hold NUL: it is refused at the door, not logged and choked on
    response = world.send("POST", endpoint.path, {**endpoint.body, endpoint.text: "a\u0000b"})
    assert_problem(response, 400, field=endpoint.text, names=endpoint.text)


@each(ENDPOINTS)
@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"[" * 100_000, id="100000-open-brackets"),
        pytest.param(b'{"title": ' + b'{"a": ' * 40 + b"1" + b"}" * 41, id="40-objects-deep"),
    ],
)
def test_deeply_nested_json_is_refused(world: World, endpoint: Endpoint, content: bytes) -> None:
    # JSON nested beyond any body of the API is refused in words, not with a server error
    response = world.send("POST", endpoint.path, content=content)
    assert_problem(response, 400, field="body", names="nested more than 32 levels deep")


@each(ENDPOINTS)
def test_a_body_that_is_not_utf8_is_refused(world: World, endpoint: Endpoint) -> None:
    content = b'{"' + endpoint.text.encode() + b'": "Interview the dri\xe9ver"}'
    response = world.send("POST", endpoint.path, content=content)
    assert_problem(response, 400, field="body", names="not valid UTF-8 (byte")


@each(ENDPOINTS)
def test_a_body_over_the_request_limit_is_refused(world: World, endpoint: Endpoint) -> None:
    # When a user pastes over 1 MiB into a request, it is refused as too large
    response = world.send("POST", endpoint.path, {endpoint.text: "x" * (MIB + 1)})
    assert_problem(response, 413, names="too large")


def test_a_streamed_body_over_the_request_limit_is_refused(world: World) -> None:
    # A body sent in chunks, without a length announced up front, is cut off at the limit too
    def chunks() -> Iterator[bytes]:
        yield b'{"title": "'
        for _ in range(32):
            yield b"x" * 65_536
        yield b'"}'

    response = world.jit.leader.client.post(
        world.fill("/investigations/{jit}/tasks"),
        content=chunks(),
        headers={"content-type": "application/json"},
    )
    assert_problem(response, 413, names="too large")


# -- If-Match ------------------------------------------------------------------------------


@each(VERSIONED)
@pytest.mark.parametrize(
    "if_match",
    [
        pytest.param("abc", id="word"),
        pytest.param('"1.5"', id="decimal"),
        pytest.param('"-1"', id="negative"),
        pytest.param("", id="empty"),
        pytest.param("²".encode("latin-1"), id="superscript-two"),
        pytest.param("1" * 5_000, id="5000-digits"),
    ],
)
def test_an_if_match_that_names_no_version_is_refused(
    world: World, endpoint: Endpoint, if_match: str | bytes
) -> None:
    response = world.send("POST", endpoint.path, endpoint.body, headers={"If-Match": if_match})
    assert_problem(response, 400, field="If-Match", names="version")


@each(VERSIONED)
def test_a_stale_if_match_is_a_conflict_that_names_the_current_version(
    world: World, endpoint: Endpoint
) -> None:
    # Given the record's current version, when the user names another one
    current = world.send("GET", endpoint.record)
    version = int(current.headers["etag"].strip('"'))
    response = world.send("POST", endpoint.path, endpoint.body, headers={"If-Match": '"999"'})
    # then they are told to reload, and which version to send
    problem = assert_problem(response, 409, names=f"version {version}")
    assert problem["current_version"] == version


# -- times ---------------------------------------------------------------------------------

EVIDENCE_PATH = JIT + "/evidence"
AUTHORISATIONS_PATH = JIT + "/authorisations"
MEMBERS_PATH = JIT + "/members"
CLOSURE_PATH = JIT + "/closure"
REMOVAL_PATH = JIT + "/members/{member}/removal"
REVOCATION_PATH = JIT + "/authorisations/{authorisation}/revocation"
TASKS_PATH = JIT + "/tasks"
NEW_MEMBER = {"username": "{outsider}", "country": "BE", "role": "analyst"}
REASON = {"reason": "routine"}


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        with_field(EVIDENCE_PATH, EVIDENCE, "occurred_at", NAIVE, id="evidence-collected"),
        with_field(
            AUTHORISATIONS_PATH, AUTHORISATION, "occurred_at", NAIVE, id="authorisation-issued"
        ),
        with_field(AUTHORISATIONS_PATH, AUTHORISATION, "valid_from", NAIVE, id="valid-from"),
        with_field(AUTHORISATIONS_PATH, AUTHORISATION, "valid_until", NAIVE, id="valid-until"),
        with_field(MEMBERS_PATH, NEW_MEMBER, "occurred_at", NAIVE, id="member-added"),
        with_field(REMOVAL_PATH, REASON, "occurred_at", NAIVE, id="member-removed"),
        with_field(CLOSURE_PATH, REASON, "occurred_at", NAIVE, id="closed"),
        with_field(REVOCATION_PATH, REASON, "occurred_at", NAIVE, id="revoked"),
    ],
)
def test_a_time_without_a_time_zone_is_refused(
    world: World, path: str, body: dict[str, Any], field: str
) -> None:
    # "07:30" means nothing in a team spread over several time zones
    response = world.send("POST", path, body)
    assert_problem(response, 400, field=field, names="timezone")


@pytest.mark.parametrize(
    ("path", "body"),
    [
        pytest.param(EVIDENCE_PATH, {**EVIDENCE, "occurred_at": FUTURE}, id="evidence"),
        pytest.param(
            AUTHORISATIONS_PATH, {**AUTHORISATION, "occurred_at": FUTURE}, id="authorisation"
        ),
        pytest.param(MEMBERS_PATH, {**NEW_MEMBER, "occurred_at": FUTURE}, id="member"),
        pytest.param(REMOVAL_PATH, {**REASON, "occurred_at": FUTURE}, id="removal"),
        pytest.param(CLOSURE_PATH, {**REASON, "occurred_at": FUTURE}, id="closure"),
        pytest.param(REVOCATION_PATH, {**REASON, "occurred_at": FUTURE}, id="revocation"),
    ],
)
def test_a_fact_reported_to_happen_in_the_future_is_refused(
    world: World, path: str, body: dict[str, Any]
) -> None:
    response = world.send("POST", path, body)
    assert_problem(response, 400, field="occurred_at", names="later than now")


@pytest.mark.parametrize(
    ("path", "body", "field", "names"),
    [
        with_field(
            EVIDENCE_PATH, EVIDENCE, "occurred_at", "2024-05-03", "datetime", id="date-only"
        ),
        with_field(
            EVIDENCE_PATH,
            EVIDENCE,
            "occurred_at",
            "2024-02-30T10:00:00+01:00",
            "datetime",
            id="30-february",
        ),
        with_field(
            EVIDENCE_PATH, EVIDENCE, "occurred_at", "3 May 2024, 7.30am CET", "datetime", id="prose"
        ),
        with_field(
            EVIDENCE_PATH,
            EVIDENCE,
            "occurred_at",
            BEFORE_YEAR_ONE,
            "not a representable time",
            id="before-year-1",
        ),
        with_field(
            CLOSURE_PATH,
            REASON,
            "occurred_at",
            BEFORE_YEAR_ONE,
            "not a representable time",
            id="closure-before-year-1",
        ),
        with_field(
            AUTHORISATIONS_PATH,
            AUTHORISATION,
            "valid_from",
            BEFORE_YEAR_ONE,
            "not a representable time",
            id="valid-from-before-year-1",
        ),
        with_field(
            AUTHORISATIONS_PATH,
            AUTHORISATION,
            "valid_until",
            AFTER_YEAR_9999,
            "not a representable time",
            id="valid-until-after-year-9999",
        ),
        with_field(
            TASKS_PATH,
            {"title": "Check alibi"},
            "due_on",
            "2024-02-30",
            "date",
            id="due-on-30-february",
        ),
        with_field(
            TASKS_PATH, {"title": "Check alibi"}, "due_on", "next Friday", "date", id="due-on-prose"
        ),
        with_field(
            "/investigations",
            INVESTIGATION,
            "period_start",
            "01/01/2024",
            "date",
            id="period-start-not-iso",
        ),
    ],
)
def test_a_time_that_cannot_be_read_is_refused(
    world: World, path: str, body: dict[str, Any], field: str, names: str
) -> None:
    response = world.send("POST", path, body)
    assert_problem(response, 400, field=field, names=names)


# -- fixed vocabularies: enums and party codes ---------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        with_field(EVIDENCE_PATH, EVIDENCE, "kind", "phone", id="evidence-kind"),
        with_field(EVIDENCE_PATH, EVIDENCE, "kind", "SEIZED_DEVICE", id="evidence-kind-caps"),
        with_field(AUTHORISATIONS_PATH, AUTHORISATION, "kind", "warrant", id="authorisation-kind"),
        pytest.param(
            AUTHORISATIONS_PATH,
            {**AUTHORISATION, "scope": {"evidence_kinds": ["seized_device", "phone"]}},
            "scope.evidence_kinds[1]",
            id="scope-evidence-kind",
        ),
        with_field(MEMBERS_PATH, NEW_MEMBER, "role", "boss", id="role"),
        pytest.param(
            "/investigations/{jit}/tasks/{task}/status",
            {"status": "DONE"},
            "status",
            id="status-caps",
        ),
        pytest.param(
            "/investigations/{jit}/tasks/{task}/status",
            {"status": "closed"},
            "status",
            id="status-unknown",
        ),
    ],
)
def test_a_value_outside_its_vocabulary_is_refused(
    world: World, path: str, body: dict[str, Any], field: str
) -> None:
    response = world.send("POST", path, body)
    # and the values it allows are listed
    assert_problem(response, 400, field=field, names="not a known value")
    assert "allowed: " in response.json()["detail"]


PARTIES_PATH = "/investigations/{jit}/parties"
GERMANY = {"country": "DE", "name": "Germany", "lead_authority": "BKA"}


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        with_field(PARTIES_PATH, GERMANY, "country", "de", id="lower-case"),
        with_field(PARTIES_PATH, GERMANY, "country", "DEU", id="alpha-3"),
        with_field(PARTIES_PATH, GERMANY, "country", "D", id="one-letter"),
        with_field(PARTIES_PATH, GERMANY, "country", "", id="empty"),
        with_field(PARTIES_PATH, GERMANY, "country", "Interpol", id="not-eu"),
        with_field(PARTIES_PATH, GERMANY, "country", " DE", id="space"),
        with_field(MEMBERS_PATH, NEW_MEMBER, "country", "be", id="member"),
        with_field(AUTHORISATIONS_PATH, AUTHORISATION, "country", "France", id="authorisation"),
        with_field("/investigations", INVESTIGATION, "country", "fr", id="founder"),
        pytest.param(
            "/investigations",
            {**INVESTIGATION, "parties": [{**GERMANY, "country": "Deutschland"}]},
            "parties[0].country",
            id="investigation-party",
        ),
    ],
)
def test_a_malformed_party_code_is_refused(
    world: World, path: str, body: dict[str, Any], field: str
) -> None:
    response = world.send("POST", path, body)
    # in words, not as the regular expression that checks it
    problem = assert_problem(response, 400, field=field, names="ISO 3166-1 alpha-2 code")
    assert "regex" not in response.text and "[A-Z]" not in response.text, problem


@pytest.mark.parametrize(
    ("code", "hint"), [("UK", "use GB"), ("EL", "use GR"), ("XX", "not the ISO 3166-1")]
)
def test_a_code_iso_3166_gives_no_state_is_refused_with_a_hint(
    world: World, code: str, hint: str
) -> None:
    before = len(log_of(world.jit.leader, world.jit.id))
    response = world.send("POST", PARTIES_PATH, {**GERMANY, "country": code})
    assert_problem(response, 422, field="country", names=hint)
    assert len(log_of(world.jit.leader, world.jit.id)) == before


# -- other invalid values ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "field", "names"),
    [
        pytest.param(TASKS_PATH, {"title": ""}, "title", "length >= 1", id="empty-title"),
        pytest.param(REVOCATION_PATH, {"reason": ""}, "reason", "length >= 1", id="empty-reason"),
        pytest.param(
            "/auth/login",
            {"username": "", "password": "secret"},
            "username",
            "length >= 1",
            id="empty-username",
        ),
        with_field(
            "/auth/login",
            {"username": "someone"},
            "password",
            "x" * 1_001,
            "length <= 1000",
            id="password-1001",
        ),
        with_field("/investigations", INVESTIGATION, "parties", [], "length >= 1", id="no-parties"),
        with_field(
            "/investigations",
            INVESTIGATION,
            "parties",
            [GERMANY] * 41,
            "length <= 40",
            id="41-parties",
        ),
        pytest.param(
            "/investigations",
            {**INVESTIGATION, "parties": [{"country": "FR", "name": "France"}]},
            "parties[0].lead_authority",
            "this field is required",
            id="party-without-authority",
        ),
        pytest.param(
            "/investigations",
            {**INVESTIGATION, "parties": [{**GERMANY, "flag": "black-red-gold"}]},
            "parties[0].flag",
            "unknown field",
            id="party-unknown-field",
        ),
        with_field(
            "/investigations",
            INVESTIGATION,
            "purpose",
            "x" * 10_001,
            "length <= 10000",
            id="purpose-10001",
        ),
        pytest.param(
            AUTHORISATIONS_PATH,
            {**AUTHORISATION, "scope": {"targets": ["x" * 201]}},
            "scope.targets[0]",
            "length <= 200",
            id="scope-target-201",
        ),
        pytest.param(
            AUTHORISATIONS_PATH,
            {**AUTHORISATION, "scope": {"targets": ["a"] * 101}},
            "scope.targets",
            "length <= 100",
            id="101-targets",
        ),
        pytest.param(
            AUTHORISATIONS_PATH,
            {**AUTHORISATION, "scope": {"phones": ["+33 6 12 34 56 78"]}},
            "scope.phones",
            "unknown field",
            id="scope-unknown-field",
        ),
        with_field(
            TASKS_PATH,
            {"title": "Review"},
            "evidence_ids",
            ["{random}"] * 101,
            "length <= 100",
            id="101-evidence-ids",
        ),
        pytest.param(
            TASKS_PATH,
            {"title": "Review", "evidence_ids": ["FR-PV-2024-118"]},
            "evidence_ids[0]",
            "invalid uuid",
            id="evidence-id-not-a-uuid",
        ),
        with_field(
            EVIDENCE_PATH,
            EVIDENCE,
            "authorisation_id",
            "JLD-2024-0042",
            "invalid uuid",
            id="authorisation-id-not-a-uuid",
        ),
        pytest.param(
            "/investigations/{jit}/tasks/{task}/assignment",
            {"assignee_id": "be-investigator"},
            "assignee_id",
            "invalid uuid",
            id="assignee-not-a-uuid",
        ),
    ],
)
def test_an_invalid_value_is_named(
    world: World, path: str, body: dict[str, Any], field: str, names: str
) -> None:
    response = world.send("POST", path, body)
    assert_problem(response, 400, field=field, names=names)


# -- rules of the investigation (the request is well formed) -------------------------------


@pytest.mark.parametrize(
    ("path", "body", "field", "names"),
    [
        with_field(
            "/investigations",
            INVESTIGATION,
            "period_end",
            "2023-12-31",
            "end after it starts",
            id="period-ends-before-start",
        ),
        with_field(
            "/investigations",
            INVESTIGATION,
            "country",
            "DE",
            "not a party",
            id="founder-not-a-party",
        ),
        pytest.param(
            "/investigations",
            {**INVESTIGATION, "parties": INVESTIGATION["parties"] * 2},
            "parties[1].country",
            "listed twice",
            id="party-twice",
        ),
        pytest.param(
            PARTIES_PATH,
            {"country": "FR", "name": "France", "lead_authority": "PNF"},
            "country",
            "already a party",
            id="party-again",
        ),
        with_field(
            MEMBERS_PATH, NEW_MEMBER, "country", "DE", "not a party", id="member-for-a-non-party"
        ),
        with_field(
            MEMBERS_PATH,
            NEW_MEMBER,
            "username",
            "nobody-{random}",
            "no user",
            id="member-unknown-user",
        ),
        with_field(
            MEMBERS_PATH,
            NEW_MEMBER,
            "username",
            "{investigator}",
            "already a member",
            id="member-twice",
        ),
        pytest.param(
            "/investigations/{jit}/members/{leader}/removal",
            REASON,
            "user_id",
            "keeps a leader",
            id="remove-the-only-leader",
        ),
        with_field(
            AUTHORISATIONS_PATH,
            AUTHORISATION,
            "country",
            "DE",
            "not a party",
            id="authorisation-of-a-non-party",
        ),
        with_field(
            AUTHORISATIONS_PATH,
            AUTHORISATION,
            "valid_until",
            "2024-02-29T23:59:59+01:00",
            "end after it starts",
            id="valid-until-before-valid-from",
        ),
        with_field(
            EVIDENCE_PATH,
            EVIDENCE,
            "description",
            "   ",
            "describe the item",
            id="blank-description",
        ),
        pytest.param(
            "/investigations/{jit}/evidence/{evidence}/description",
            {"description": EVIDENCE["description"], "reason": "no change"},
            "description",
            "unchanged",
            id="description-unchanged",
        ),
        pytest.param(TASKS_PATH, {"title": "   "}, "title", "needs a title", id="blank-title"),
        pytest.param(
            "/investigations/{jit}/tasks/{task}/assignment",
            {"assignee_id": "{outsider_id}"},
            "assignee_id",
            "member",
            id="assign-to-a-non-member",
        ),
        pytest.param(
            "/investigations/{jit}/tasks/{task}/status",
            {"status": "open"},
            "status",
            "already open",
            id="status-unchanged",
        ),
    ],
)
def test_a_command_that_breaks_a_rule_is_unprocessable(
    world: World, path: str, body: dict[str, Any], field: str, names: str
) -> None:
    response = world.send("POST", path, body)
    assert_problem(response, 422, field=field, names=names)


# -- ids -----------------------------------------------------------------------------------

WRITE_PATHS_WITH_IDS = [
    "/investigations/{id}/parties",
    "/investigations/{id}/members",
    "/investigations/{id}/closure",
    "/investigations/{id}/evidence",
    "/investigations/{id}/authorisations",
    "/investigations/{id}/tasks",
    "/investigations/{jit}/members/{id}/removal",
    "/investigations/{jit}/evidence/{id}/description",
    "/investigations/{jit}/authorisations/{id}/revocation",
    "/investigations/{jit}/tasks/{id}/assignment",
    "/investigations/{jit}/tasks/{id}/status",
]
READ_PATHS_WITH_IDS = [
    "/investigations/{id}",
    "/investigations/{id}/events",
    "/investigations/{id}/evidence",
    "/investigations/{id}/authorisations",
    "/investigations/{id}/tasks",
    "/investigations/{jit}/evidence/{id}",
    "/investigations/{jit}/authorisations/{id}",
    "/investigations/{jit}/tasks/{id}",
]
NOT_A_UUID = ["42", "not-a-uuid", "{jit}x", "JIT-2024-07"]


@pytest.mark.parametrize("path", WRITE_PATHS_WITH_IDS)
@pytest.mark.parametrize("bad_id", NOT_A_UUID)
def test_a_write_to_an_id_that_is_not_a_uuid_is_not_found(
    world: World, path: str, bad_id: str
) -> None:
    response = world.send("POST", path.replace("{id}", bad_id), {"reason": "routine"})
    assert_problem(response, 404, names="not found")


@pytest.mark.parametrize("path", READ_PATHS_WITH_IDS)
@pytest.mark.parametrize("bad_id", NOT_A_UUID)
def test_a_read_of_an_id_that_is_not_a_uuid_is_not_found(
    world: World, path: str, bad_id: str
) -> None:
    response = world.send("GET", path.replace("{id}", bad_id))
    assert_problem(response, 404, names="not found")


UNKNOWN_ID_WRITES = [
    pytest.param("/investigations/{random}/parties", GERMANY, "investigation_id", id="parties"),
    pytest.param("/investigations/{random}/members", NEW_MEMBER, "investigation_id", id="members"),
    pytest.param("/investigations/{random}/closure", REASON, "investigation_id", id="closure"),
    pytest.param("/investigations/{random}/evidence", EVIDENCE, "investigation_id", id="evidence"),
    pytest.param(
        "/investigations/{random}/authorisations",
        AUTHORISATION,
        "investigation_id",
        id="authorisations",
    ),
    pytest.param(
        "/investigations/{random}/tasks", {"title": "Review"}, "investigation_id", id="tasks"
    ),
    pytest.param("/investigations/{jit}/members/{random}/removal", REASON, "user_id", id="removal"),
    pytest.param(
        "/investigations/{jit}/evidence/{random}/description",
        {"description": "phone", "reason": "typo"},
        "evidence_id",
        id="description",
    ),
    pytest.param(
        "/investigations/{jit}/authorisations/{random}/revocation",
        REASON,
        "authorisation_id",
        id="revocation",
    ),
    pytest.param(
        "/investigations/{jit}/tasks/{random}/assignment",
        {"assignee_id": "{member}"},
        "task_id",
        id="assignment",
    ),
    pytest.param(
        "/investigations/{jit}/tasks/{random}/status", {"status": "done"}, "task_id", id="status"
    ),
    pytest.param(
        "/investigations/{jit}/tasks/{evidence}/status",
        {"status": "done"},
        "task_id",
        id="evidence-id-as-task-id",
    ),
    with_field(
        EVIDENCE_PATH, EVIDENCE, "authorisation_id", "{random}", id="evidence-authorisation-id"
    ),
    with_field(
        TASKS_PATH,
        {"title": "Review"},
        "evidence_ids",
        ["{evidence}", "{random}"],
        id="task-evidence-ids",
    ),
    with_field(
        TASKS_PATH,
        {"title": "Review"},
        "authorisation_ids",
        ["{random}"],
        id="task-authorisation-ids",
    ),
    with_field(
        TASKS_PATH, {"title": "Review"}, "evidence_ids", ["{task}"], id="task-id-as-evidence-id"
    ),
]


@pytest.mark.parametrize(("path", "body", "field"), UNKNOWN_ID_WRITES)
def test_a_write_naming_an_unknown_id_is_not_found(
    world: World, path: str, body: dict[str, Any], field: str
) -> None:
    response = world.send("POST", path, body)
    assert_problem(response, 404, field=field, names="no such")


@pytest.mark.parametrize("path", READ_PATHS_WITH_IDS)
def test_a_read_of_an_unknown_id_is_not_found(world: World, path: str) -> None:
    response = world.send("GET", path.replace("{id}", "{random}"))
    assert_problem(response, 404, names="no such")


@each(ENDPOINTS)
def test_a_form_instead_of_json_is_refused(world: World, endpoint: Endpoint) -> None:
    # A user who posts an HTML form is told the body is not JSON
    response = world.jit.leader.client.post(world.fill(endpoint.path), data={"title": "Review"})
    assert_problem(response, 400, names="JSON")


# -- the log's paging ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field", "names"),
    [
        pytest.param({"after": -1}, "after", ">= 0", id="after-negative"),
        pytest.param({"after": 2**63}, "after", "<=", id="after-beyond-bigint"),
        pytest.param({"after": "latest"}, "after", "expected `int`", id="after-word"),
        pytest.param({"limit": 0}, "limit", ">= 1", id="limit-zero"),
        pytest.param({"limit": -5}, "limit", ">= 1", id="limit-negative"),
        pytest.param({"limit": 5000}, "limit", "<= 1000", id="limit-5000"),
        pytest.param({"limit": "all"}, "limit", "expected `int`", id="limit-word"),
        pytest.param({"limit": "1.5"}, "limit", "expected `int`", id="limit-decimal"),
    ],
)
def test_a_page_of_the_log_out_of_bounds_is_refused(
    world: World, params: dict[str, Any], field: str, names: str
) -> None:
    response = world.send("GET", "/investigations/{jit}/events", params=params)
    assert_problem(response, 400, field=field, names=names)


# -- logging in ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "credentials",
    [
        pytest.param({"username": "nobody-{random}", "password": "whatever"}, id="unknown"),
        pytest.param({"username": "{investigator}", "password": "wrong password"}, id="wrong"),
        pytest.param({"username": "{investigator}", "password": " "}, id="blank-password"),
    ],
)
def test_wrong_credentials_are_not_authenticated(world: World, credentials: dict[str, str]) -> None:
    # A well-formed login with wrong credentials is 401, and tells nothing about who exists
    response = world.send("POST", "/auth/login", credentials)
    assert_problem(response, 401, names="unknown username or wrong password")


def test_nothing_bad_input_tried_reached_the_record(world: World) -> None:
    # After all of the above, the record still holds only what the world was built with
    log = world.send("GET", "/investigations/{jit}/events", params={"limit": 1000}).json()
    types = [event["type"] for event in log["events"]]
    assert types == [
        "Investigation.Opened",
        "Investigation.MemberAdded",
        "Investigation.MemberAdded",
        "Investigation.MemberAdded",
        "EvidenceItem.Registered",
        "LegalAuthorisation.Recorded",
        "Task.Created",
    ]
    mine = world.send("GET", "/investigations").json()
    assert [row["name"] for row in mine] == ["Test JIT"]
