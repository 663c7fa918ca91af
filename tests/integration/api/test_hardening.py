"""Hardening: what a browser, a proxy or a hostile client sees of JITspace.

Security headers on every response, CORS only for configured origins, no internal detail
in errors, downloads that cannot be rendered or mis-saved, bounded requests, ids that say
nothing.
"""

from __future__ import annotations

import select
import socket
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import msgspec
import pytest
from litestar import get
from litestar.exceptions import InternalServerException
from litestar.testing import TestClient

from jitspace.api.access import PUBLIC
from jitspace.api.app import create_app
from jitspace.api.files import content_disposition
from jitspace.api.hardening import SECURITY_HEADERS
from jitspace.settings import BadSetting, Settings
from tests import support
from tests.processes import Process, cluster_env
from tests.support import PASSWORD, Jit, Person, ServerThread, authorisation_body, free_port

ALLOWED_ORIGIN = "https://jit.example.org"
MIB = 1024 * 1024


def assert_hardened(response: httpx.Response) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (name, response.request.url)
    assert response.headers["cache-control"] == "no-store"
    assert "access-control-allow-origin" not in response.headers


def login_client(base_url: str, username: str) -> httpx.Client:
    response = httpx.post(
        f"{base_url}/auth/login", json={"username": username, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    headers = {"Authorization": f"Bearer {response.json()['token']}"}
    return httpx.Client(base_url=base_url, timeout=30, headers=headers)


def register_item(person: Person, jit: Jit) -> str:
    item = support.register_item(
        person, jit, reference="BE-DOC-1", description="papers found in the van", place="Antwerp"
    )
    return str(item["id"])


def upload(person: Person, jit: Jit, item_id: str, name: str, media_type: str) -> httpx.Response:
    return person.post(
        jit.path(f"/evidence/{item_id}/files"),
        params={"name": name},
        content=f"contents of {name!r} as {media_type}".encode(),
        headers={"Content-Type": media_type.encode("latin-1")},
    )


# -- security headers -----------------------------------------------------------------------


def test_every_response_carries_the_security_headers(server: ServerThread, jit: Jit) -> None:
    # Given a member and an anonymous client, from another site (an Origin header)
    anonymous = httpx.Client(base_url=server.url, headers={"Origin": "https://evil.example"})
    with anonymous:
        responses = [
            anonymous.get("/health"),  # 200, public
            anonymous.get("/schema/openapi.json"),  # the OpenAPI document
            anonymous.get("/investigations"),  # 401
            anonymous.get("/no/such/page"),  # 404 from the router
            anonymous.post("/auth/login", content=b"{not json"),  # 400
            jit.leader.get(jit.path()),  # a record
            jit.outsider.get(jit.path()),  # 404: not a member
        ]
        preflight = anonymous.options(
            "/investigations", headers={"Access-Control-Request-Method": "GET"}
        )
    # Then every one carries the headers, and none lets the other site read it (no CORS)
    assert [r.status_code for r in responses] == [200, 200, 401, 404, 400, 200, 404]
    for response in responses:
        assert_hardened(response)
    # no HSTS on the embedded default: it serves plain HTTP on localhost
    assert "strict-transport-security" not in responses[0].headers
    assert "access-control-allow-origin" not in preflight.headers


def test_the_openapi_document_is_served_but_no_html_viewer(server: ServerThread) -> None:
    assert httpx.get(f"{server.url}/schema/openapi.json").json()["info"]["title"] == "JITspace"
    for page in ("/schema/swagger", "/schema/redoc", "/schema/elements", "/schema/rapidoc"):
        assert httpx.get(f"{server.url}{page}").status_code == 404, page


def test_wildcard_cors_origins_are_refused_when_settings_load() -> None:
    for origins in ("*", "https://*.example.org", f"{ALLOWED_ORIGIN}/"):
        with pytest.raises(BadSetting, match="JITSPACE_CORS_ORIGINS"):
            Settings.from_env({"JITSPACE_CORS_ORIGINS": origins})
    both = Settings.from_env({"JITSPACE_CORS_ORIGINS": f"{ALLOWED_ORIGIN}, http://localhost:3000"})
    assert both.cors_origins == (ALLOWED_ORIGIN, "http://localhost:3000")


@pytest.fixture(scope="module")
def behind_https(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`jitspace serve` as a deployment behind HTTPS runs it, with one browser origin."""
    data_dir = tmp_path_factory.mktemp("https")
    env = cluster_env(
        database_url,
        data_dir,
        JITSPACE_RUN_PROJECTIONS="false",
        JITSPACE_HSTS="true",
        JITSPACE_CORS_ORIGINS=ALLOWED_ORIGIN,
    )
    process = Process("serve", env, data_dir / "serve.log", free_port()).start()
    try:
        yield process.url
    finally:
        process.stop()


def test_hsts_and_cors_for_the_configured_origin_only(behind_https: str, jit: Jit) -> None:
    with login_client(behind_https, jit.leader.username) as client:
        # Given the configured origin, a preflight for a versioned command is allowed
        preflight = client.options(
            jit.path("/tasks"),
            headers={
                "Origin": ALLOWED_ORIGIN,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type, if-match",
            },
        )
        assert preflight.status_code in (200, 204), preflight.text
        assert preflight.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
        assert "access-control-allow-credentials" not in preflight.headers
        # and its script may read the record, its ETag and a download's name
        read = client.get(jit.path(), headers={"Origin": ALLOWED_ORIGIN})
        assert read.status_code == 200
        assert read.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
        exposed = {
            h.strip().lower() for h in read.headers["access-control-expose-headers"].split(",")
        }
        assert {"etag", "content-disposition"} <= exposed
        assert read.headers["strict-transport-security"].startswith("max-age=")
        # When another site asks, it gets no CORS answer at all
        other = client.get(jit.path(), headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
        refused = client.options(
            jit.path("/tasks"),
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        )
        assert refused.headers.get("access-control-allow-origin") != "https://evil.example"
        assert refused.status_code >= 400


def test_serve_bounds_request_headers(behind_https: str) -> None:
    # Given `jitspace serve`, a request head that goes on and on is cut off before the app
    # (h11 buffers at most 16 KiB of an unfinished request head, beyond what one read brings)
    host, port = behind_https.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(b"GET /health HTTP/1.1\r\nHost: jit\r\nX-Padding: ")
        answer = b""
        for _ in range(256):  # up to 1 MiB, 4 KiB at a time, until the server answers
            connection.sendall(b"x" * 4096)
            if select.select([connection], [], [], 0.02)[0]:
                answer = connection.recv(4096)
                break
    assert answer.startswith(b"HTTP/1.1 400"), answer
    # while ordinary headers pass
    assert httpx.get(f"{behind_https}/health", headers={"X-Padding": "x" * 4096}).is_success


def test_a_large_request_head_sent_in_one_write_is_refused(behind_https: str) -> None:
    # Given a 100 KB request head that arrives whole, in one write (which the server's bound
    # on unfinished heads never sees)
    host, port = behind_https.removeprefix("http://").split(":")
    head = b"GET /health HTTP/1.1\r\nHost: jit\r\nX-Padding: " + b"x" * 100_000 + b"\r\n\r\n"
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(head)
        answer = b""
        while b"are read" not in answer and (more := connection.recv(4096)):
            answer += more
    # Then it is refused as too large, in words
    assert answer.startswith(b"HTTP/1.1 431"), answer
    assert b"at most 16384 are read" in answer


# -- errors ---------------------------------------------------------------------------------

SECRET = "password=hunter2 at /srv/jitspace/secret_module.py"


@get("/test-only/fault", sync_to_thread=False, access=PUBLIC)
def fault() -> None:
    raise RuntimeError(SECRET)


@get("/test-only/framework-fault", sync_to_thread=False, access=PUBLIC)
def framework_fault() -> None:
    raise InternalServerException(SECRET)


def test_an_unexpected_error_answers_a_bare_problem_500(settings: Settings) -> None:
    # Given the production app, with a route that fails (only in this test)
    app = create_app(msgspec.structs.replace(settings, run_projections=False, pool_size=2))
    assert app.debug is False
    app.register(fault)
    app.register(framework_fault)
    with TestClient(app) as client:
        for path in ("/test-only/fault", "/test-only/framework-fault"):
            # When it fails
            response = client.get(path)
            # Then the client gets a generic problem document: no exception, no traceback
            assert response.status_code == 500
            assert response.headers["content-type"].startswith("application/problem+json")
            problem: dict[str, Any] = response.json()
            assert problem["title"] == "Internal error"
            for leak in ("hunter2", "secret_module", "Traceback", "RuntimeError", "File "):
                assert leak not in response.text, (path, leak)
            assert_hardened(response)


# -- downloads ------------------------------------------------------------------------------


def test_downloads_are_attachments_never_active_content(jit: Jit) -> None:
    item_id = register_item(jit.investigator, jit)
    cases = [
        # (name, recorded type, served type, plain name)
        ("report.html", "text/html", "application/octet-stream", "report.html"),
        ("map.svg", "image/svg+xml", "application/octet-stream", "map.svg"),
        ("loader.js", "application/javascript", "application/octet-stream", "loader.js"),
        ('the "real" ledger.pdf', "application/pdf", "application/pdf", "the real ledger.pdf"),
        ("Überweisung café.png", "IMAGE/PNG", "image/png", "Uberweisung cafe.png"),
        ("notes.txt", "text/plain; charset=latin1", "text/plain", "notes.txt"),
    ]
    for name, recorded, served, plain in cases:
        # Given a file uploaded with this name and media type
        stored = upload(jit.investigator, jit, item_id, name, recorded)
        assert stored.status_code == 201, stored.text
        file = stored.json()["file"]
        # When a member downloads it
        got = jit.leader.get(
            jit.path(f"/evidence/{item_id}/files/{file['id']}/content"),
            params={"purpose": "review"},
        )
        # Then it is served as an attachment with a type no browser runs, and a safe name
        assert got.status_code == 200, got.text
        assert got.headers["content-type"].split(";")[0] == served, name
        disposition = got.headers["content-disposition"]
        assert disposition.startswith(f"attachment; filename=\"{plain}\"; filename*=UTF-8''"), (
            disposition
        )
        assert_hardened(got)
    # and the record keeps the type as given (lower-cased), for the chain of custody
    files = jit.leader.get(jit.path(f"/evidence/{item_id}")).json()["files"]
    assert "text/html" in [f["media_type"] for f in files]


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("../../etc/passwd", "a path"),
        ("..", "the parent directory"),
        ('a"b\r\nX-Injected: 1.txt', "a line break"),
        ("invoice\u202efdp.exe", "a right-to-left override"),
        ("x" * 500 + ".pdf", "500 characters"),
    ],
)
def test_an_upload_with_a_harmful_file_name_is_refused(jit: Jit, name: str, why: str) -> None:
    item_id = register_item(jit.investigator, jit)
    response = upload(jit.investigator, jit, item_id, name, "application/pdf")
    assert response.status_code == 400, (why, response.text)
    assert "name" in [e["field"] for e in response.json()["errors"]], why
    assert jit.leader.get(jit.path(f"/evidence/{item_id}")).json()["files"] == []


@pytest.mark.parametrize("media_type", ["téxt/plain", "text", "text/html<script>", "/pdf"])
def test_an_upload_with_a_malformed_media_type_is_refused(jit: Jit, media_type: str) -> None:
    item_id = register_item(jit.investigator, jit)
    response = upload(jit.investigator, jit, item_id, "scan.pdf", media_type)
    assert response.status_code == 400, (media_type, response.text)
    assert "Content-Type" in [e["field"] for e in response.json()["errors"]]


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd",
        'a"b\r\nX-Injected: 1.txt',
        "x" * 500,
        "..\\..\\boot.ini",
        "\u202egpj.exe",
    ],
)
def test_a_recorded_name_of_any_shape_gives_a_safe_header(name: str) -> None:
    # names recorded before today's upload rules, or by other means, are made safe on the way out
    header = content_disposition(name)
    assert header.isascii() and header.isprintable()
    plain = header.split('filename="', 1)[1].split('"', 1)[0]
    encoded = header.split("filename*=UTF-8''", 1)[1]
    for part in (plain, encoded):
        assert "/" not in part and "\\" not in part and '"' not in part
        assert not part.startswith(".")
    assert len(plain) <= 200
    assert "%0D" not in encoded and "%0A" not in encoded and "%E2%80%AE" not in encoded


# -- request sizes (uploads over max_upload_bytes: test_evidence_files) -----------------------


def test_a_json_body_over_the_limit_is_refused_with_413(jit: Jit) -> None:
    response = jit.leader.post(jit.path("/tasks"), json={"title": "x" * (MIB + 1)})
    assert response.status_code == 413, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert_hardened(response)
    assert jit.leader.get(jit.path("/tasks")).json() == []


# -- ids ------------------------------------------------------------------------------------


def test_every_id_the_api_hands_out_is_a_random_uuid4(jit: Jit) -> None:
    # Given an investigation with members, an evidence item with a file, a task and an
    # authorisation
    item_id = register_item(jit.investigator, jit)
    stored = upload(jit.investigator, jit, item_id, "scan.pdf", "application/pdf")
    task = jit.leader.post(jit.path("/tasks"), json={"title": "check the van's registration"})
    authorisation = jit.leader.post(jit.path("/authorisations"), json=authorisation_body())
    assert (stored.status_code, task.status_code, authorisation.status_code) == (201,) * 3
    investigation = jit.leader.get(jit.path()).json()
    ids = {
        "investigation": investigation["id"],
        "evidence item": item_id,
        "evidence file": stored.json()["file"]["id"],
        "task": task.json()["id"],
        "authorisation": authorisation.json()["id"],
        **{f"member {m['user_id']}": m["user_id"] for m in investigation["members"]},
    }
    # Then each is a version 4 (random) UUID: it says nothing of when, where or by whom
    for what, value in ids.items():
        assert uuid.UUID(value).version == 4, what
    assert len(set(ids.values())) == len(ids)
