"""The web page's session: a cookie no script can read, and requests proven to come from the page.

A browser logs in with `POST /auth/session`; the session then travels in an HttpOnly, Secure,
SameSite=Strict cookie. A change sent with that cookie needs the session's CSRF token and
this server's Origin; a read needs neither. Logging out ends the session for every tab and
live feed that uses it; `everywhere` ends every session of the user. Bearer tokens keep
working as before.

httpx keeps Secure cookies for HTTPS only, so these tests send the cookie by hand, as the
browser does on the loopback address (a secure context).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import websockets

from jitspace.api.browser import CSRF_HEADER, SESSION_COOKIE
from tests.support import PASSWORD, Jit, People, Person, add_member, log_of


@dataclass
class Page:
    """What the web page of one browser holds: its cookie (the browser's) and the CSRF token
    it learnt from the session document."""

    client: httpx.Client
    cookie: str
    csrf_token: str

    def post(self, path: str, csrf: str | None = "page", **kw: object) -> httpx.Response:
        headers = {"Cookie": f"{SESSION_COOKIE}={self.cookie}"}
        if csrf is not None:
            headers[CSRF_HEADER] = self.csrf_token if csrf == "page" else csrf
        headers.update(kw.pop("headers", {}))  # type: ignore[arg-type]
        return self.client.post(path, headers=headers, **kw)  # type: ignore[arg-type]

    def get(self, path: str) -> httpx.Response:
        return self.client.get(path, headers={"Cookie": f"{SESSION_COOKIE}={self.cookie}"})


def cookie_attributes(response: httpx.Response) -> tuple[str, dict[str, str]]:
    """The session cookie's value and attributes (lower-case names) from Set-Cookie."""
    header = next(h for h in response.headers.get_list("set-cookie") if SESSION_COOKIE in h)
    first, *rest = (part.strip() for part in header.split(";"))
    value = first.split("=", 1)[1]
    attributes = {}
    for part in rest:
        name, _, setting = part.partition("=")
        attributes[name.lower()] = setting
    return value, attributes


def open_page(server_url: str, person: Person) -> Page:
    client = httpx.Client(base_url=server_url, timeout=30)
    response = client.post(
        "/auth/session", json={"username": person.username, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    cookie, _ = cookie_attributes(response)
    return Page(client, cookie, response.json()["csrf_token"])


@pytest.fixture
def page(jit: Jit, people: People) -> Iterator[Page]:
    opened = open_page(people.base_url, jit.leader)
    yield opened
    opened.client.close()


def test_the_session_cookie_is_out_of_scripts_reach(jit: Jit, people: People) -> None:
    response = httpx.post(
        f"{people.base_url}/auth/session",
        json={"username": jit.leader.username, "password": PASSWORD},
    )
    assert response.status_code == 200, response.text
    value, attributes = cookie_attributes(response)
    assert len(value) >= 40
    assert {"httponly", "secure"} <= attributes.keys()
    assert attributes["samesite"].lower() == "strict"
    assert attributes["path"] == "/"
    assert "domain" not in attributes
    body = response.json()
    assert body["user"]["username"] == jit.leader.username
    assert len(body["csrf_token"]) == 64
    # the secret is in the cookie only: nothing a script reads holds it
    assert value not in response.text


def test_a_reload_learns_who_is_logged_in_from_the_cookie(page: Page, jit: Jit) -> None:
    again = page.get("/auth/session")
    assert again.status_code == 200, again.text
    assert again.json()["csrf_token"] == page.csrf_token
    assert again.json()["user"]["id"] == str(jit.leader.user_id)
    assert page.client.get("/auth/session").status_code == 401  # no cookie: log in


def test_another_site_cannot_log_a_browser_in(jit: Jit, people: People) -> None:
    response = httpx.post(
        f"{people.base_url}/auth/session",
        json={"username": jit.leader.username, "password": PASSWORD},
        headers={"Origin": "https://evil.example.org"},
    )
    assert response.status_code == 403, response.text
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")


def test_a_wrong_password_opens_no_session(jit: Jit, people: People) -> None:
    response = httpx.post(
        f"{people.base_url}/auth/session",
        json={"username": jit.leader.username, "password": "not the password"},
    )
    assert response.status_code == 401
    assert response.json()["detail"] == "unknown username or wrong password"
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")


def test_reads_need_only_the_cookie(page: Page, jit: Jit) -> None:
    response = page.get(jit.path())
    assert response.status_code == 200, response.text
    assert response.json()["id"] == jit.id


@pytest.mark.parametrize(
    ("csrf", "origin"),
    [
        (None, None),  # a form of another site: the browser sends the cookie, no header
        ("0" * 64, None),
        ("page", "https://evil.example.org"),
    ],
    ids=["no-token", "wrong-token", "other-origin"],
)
def test_a_change_without_the_page_s_proof_is_refused_and_leaves_no_event(
    page: Page, jit: Jit, csrf: str | None, origin: str | None
) -> None:
    before = log_of(jit.leader, jit.id)
    headers = {"Origin": origin} if origin else {}
    response = page.post(jit.path("/tasks"), csrf, json={"title": "forged"}, headers=headers)
    assert response.status_code == 403, response.text
    assert "page" in response.json()["detail"] or "site" in response.json()["detail"]
    assert log_of(jit.leader, jit.id) == before


def test_a_change_from_the_page_is_made(page: Page, jit: Jit, people: People) -> None:
    origin = people.base_url  # the page's own origin
    response = page.post(jit.path("/tasks"), json={"title": "Trace"}, headers={"Origin": origin})
    assert response.status_code == 201, response.text
    assert log_of(jit.leader, jit.id)[-1]["type"] == "Task.Created"


def test_a_bearer_token_needs_no_csrf_token(jit: Jit) -> None:
    response = jit.leader.post(jit.path("/tasks"), json={"title": "from the command line"})
    assert response.status_code == 201, response.text


def test_logout_ends_the_session_for_every_tab(page: Page, jit: Jit, people: People) -> None:
    # a second tab of the same browser shares the cookie
    response = page.post("/auth/logout")
    assert response.status_code == 204, response.text
    value, attributes = cookie_attributes(response)
    assert value.strip('"') == "" and attributes["max-age"] == "0"
    assert page.get("/auth/session").status_code == 401
    assert page.get(jit.path()).status_code == 401
    # the member's other sessions (the command line's token) go on
    assert jit.leader.get(jit.path()).status_code == 200


def test_logout_everywhere_ends_every_session_of_the_user(jit: Jit, people: People) -> None:
    person = people.new("leaving")
    first, second = open_page(people.base_url, person), open_page(people.base_url, person)
    try:
        assert first.post("/auth/logout?everywhere=true").status_code == 204
        assert second.get("/auth/session").status_code == 401
        assert person.get("/auth/me").status_code == 401  # the bearer token too
    finally:
        first.client.close()
        second.client.close()


def test_the_live_feed_opens_with_the_cookie_from_the_page_only(page: Page, jit: Jit) -> None:
    url = page.client.base_url.copy_with(scheme="ws", path=jit.path("/live"))
    host = f"{url.host}:{url.port}"

    async def first_message(origin: str) -> dict[str, object] | int:
        headers = {"Cookie": f"{SESSION_COOKIE}={page.cookie}"}
        async with websockets.connect(str(url), additional_headers=headers, origin=origin) as ws:  # type: ignore[arg-type]
            await ws.send(json.dumps({"type": "hello", "after": 0}))
            try:
                while True:
                    message: dict[str, object] = json.loads(await ws.recv())
                    if message["type"] == "caught_up":
                        return message
            except websockets.ConnectionClosed as closed:
                return closed.rcvd.code if closed.rcvd else 1006

    caught_up = asyncio.run(first_message(f"http://{host}"))
    assert isinstance(caught_up, dict) and caught_up["position"] > 0
    assert asyncio.run(first_message("https://evil.example.org")) == 4403


def test_the_session_document_is_the_cookie_s_own(page: Page, jit: Jit) -> None:
    # a bearer token of someone else beside the cookie does not change whose session it is
    response = page.client.get(
        "/auth/session",
        headers={
            "Cookie": f"{SESSION_COOKIE}={page.cookie}",
            "Authorization": jit.investigator.client.headers["Authorization"],
        },
    )
    assert response.status_code == 200, response.text
    assert response.json()["user"]["id"] == str(jit.leader.user_id)
    assert response.json()["csrf_token"] == page.csrf_token


def test_a_member_learns_what_they_may_do_here(jit: Jit, people: People) -> None:
    observer = add_member(people, jit, "eu-observer", "BE", "observer")
    theirs = observer.get(jit.path("/membership")).json()
    assert (theirs["country"], theirs["role"]) == ("BE", "observer")
    assert "view_evidence" in theirs["actions"]
    assert "download_files" not in theirs["actions"] and "comment" not in theirs["actions"]
    granted = {"rights": ["download_files"], "agreement_clause": "art. 7"}
    assert jit.leader.post(jit.path("/observer-rights"), json=granted).status_code == 200
    assert "download_files" in observer.get(jit.path("/membership")).json()["actions"]
    assert "close_investigation" in jit.leader.get(jit.path("/membership")).json()["actions"]
    assert jit.outsider.get(jit.path("/membership")).status_code == 404
