"""Administrators of the deployment manage its users through the API: add, disable and
enable, reset a password, link an identity provider's subject. Every change is in the
security log (who did what to whom); bad input is refused in words and writes nothing; a
disabled user is refused at once, at the login and with the tokens they hold; anyone else
is refused every administration route and learns nothing."""

from __future__ import annotations

import uuid

import httpx

from jitspace.api.access import ADMINISTRATOR, access_of
from jitspace.api.app import create_app
from jitspace.api.browser import SESSION_COOKIE
from jitspace.settings import Settings
from tests.support import PASSWORD, People, Person, ServerThread, security_log

NEW_PASSWORD = "a longer secret 2"


def log_in(server: ServerThread, username: str, password: str = PASSWORD) -> httpx.Response:
    return httpx.post(f"{server.url}/auth/login", json={"username": username, "password": password})


def add(admin: Person, username: str, **fields: str) -> httpx.Response:
    body = {"username": username, "display_name": "Nora Keller", "password": PASSWORD, **fields}
    return admin.post("/users", json=body)


def fresh_name() -> str:
    return f"nora-{uuid.uuid4().hex[:8]}"


def test_an_administrator_adds_a_user_who_then_logs_in(
    server: ServerThread, people: People, database_url: str
) -> None:
    admin = people.new("deployment-admin", administrator=True)
    me = admin.get("/auth/me").json()
    assert me["administrator"] is True

    username = fresh_name()
    added = add(admin, username)
    assert added.status_code == 201, added.text
    account = added.json()
    assert account["display_name"] == "Nora Keller"
    assert account["administrator"] is False and account["disabled_at"] is None
    assert account["local_login"] is True
    listed = {u["username"]: u for u in admin.get("/users").json()}
    assert listed[username]["id"] == account["id"]

    login = log_in(server, username)
    assert login.status_code == 200, login.text
    token = login.json()["token"]
    her = httpx.get(f"{server.url}/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert her.json()["administrator"] is False

    [entry] = [
        e for e in security_log(database_url, "user_added") if str(e.subject_id) == account["id"]
    ]
    assert entry.user_id == admin.user_id
    assert entry.detail == f"by Deployment Admin ({admin.username}): Nora Keller ({username})"


def test_bad_input_is_refused_in_words_and_writes_nothing(
    people: People, database_url: str
) -> None:
    admin = people.new("deployment-admin", administrator=True)
    taken = people.new("taken")
    before = len(admin.get("/users").json())
    entries = len(security_log(database_url, "user_added"))

    refused = add(admin, taken.username)
    assert refused.status_code == 409
    assert refused.json()["detail"] == f"user {taken.username!r} exists already"
    weak = add(admin, fresh_name(), password="short")
    assert weak.status_code == 422
    assert weak.json()["detail"] == "a password has at least 10 characters"
    empty = add(admin, fresh_name(), password="")
    assert empty.status_code == 422
    assert empty.json()["detail"] == "a password has at least 10 characters"
    malformed = add(admin, "Nora Keller")
    assert malformed.status_code == 422
    assert "lower-case letters" in malformed.json()["detail"]
    reset = admin.post(f"/users/{taken.user_id}/password", json={"password": "short"})
    assert reset.status_code == 422

    nobody = uuid.uuid4()
    for action, body in (
        ("disabling", None),
        ("enabling", None),
        ("password", {"password": NEW_PASSWORD}),
        ("identities", {"issuer": "https://idp.example", "subject": "nora"}),
    ):
        unknown = admin.post(f"/users/{nobody}/{action}", json=body)
        assert unknown.status_code == 404, (action, unknown.text)
        assert unknown.json()["detail"] == f"there is no user {nobody}"

    assert len(admin.get("/users").json()) == before
    assert len(security_log(database_url, "user_added")) == entries
    assert not [
        e for e in security_log(database_url, "password_reset") if e.subject_id == taken.user_id
    ]


def test_a_disabled_user_is_refused_at_once_and_can_be_enabled_again(
    server: ServerThread, people: People, database_url: str
) -> None:
    admin = people.new("deployment-admin", administrator=True)
    member = people.new("leaving-member")
    # the page's session too: a cookie opened by the login form
    page = httpx.post(
        f"{server.url}/auth/session",
        json={"username": member.username, "password": PASSWORD},
        headers={"Origin": server.url},
    )
    assert page.status_code == 200, page.text
    cookie = {"Cookie": f"{SESSION_COOKIE}={page.cookies[SESSION_COOKIE]}"}
    assert member.get("/investigations").status_code == 200  # the token is known and trusted

    disabled = admin.post(f"/users/{member.user_id}/disabling")
    assert disabled.status_code == 200, disabled.text
    assert disabled.json()["disabled_at"] is not None

    # the bearer token and the page's session stop at once
    assert member.get("/investigations").status_code == 401
    assert httpx.get(f"{server.url}/auth/session", headers=cookie).status_code == 401
    # the right password: a plain 403; a wrong one: the usual 401 (nothing learnt)
    refused = log_in(server, member.username)
    assert refused.status_code == 403
    assert refused.json()["detail"] == (
        "this user is disabled: an administrator of this deployment can enable it again"
    )
    assert log_in(server, member.username, "not the password").status_code == 401
    [entry] = [
        e for e in security_log(database_url, "login_disabled") if e.user_id == member.user_id
    ]
    assert entry.detail == f"username {member.username}"

    enabled = admin.post(f"/users/{member.user_id}/enabling")
    assert enabled.status_code == 200 and enabled.json()["disabled_at"] is None
    assert log_in(server, member.username).status_code == 200

    kinds = [
        e.detail
        for kind in ("user_disabled", "user_enabled")
        for e in security_log(database_url, kind)
        if e.subject_id == member.user_id and e.user_id == admin.user_id
    ]
    assert len(kinds) == 2


def test_an_administrator_cannot_disable_themselves(people: People) -> None:
    admin = people.new("deployment-admin", administrator=True)
    refused = admin.post(f"/users/{admin.user_id}/disabling")
    assert refused.status_code == 409
    assert refused.json()["detail"] == "you cannot disable yourself: another administrator can"
    assert admin.get("/auth/me").status_code == 200


def test_a_reset_password_ends_the_old_sessions(
    server: ServerThread, people: People, database_url: str
) -> None:
    admin = people.new("deployment-admin", administrator=True)
    forgetful = people.new("forgetful")
    reset = admin.post(f"/users/{forgetful.user_id}/password", json={"password": NEW_PASSWORD})
    assert reset.status_code == 200, reset.text
    assert forgetful.get("/auth/me").status_code == 401
    assert log_in(server, forgetful.username).status_code == 401
    assert log_in(server, forgetful.username, NEW_PASSWORD).status_code == 200
    [entry] = [
        e for e in security_log(database_url, "password_reset") if e.subject_id == forgetful.user_id
    ]
    assert NEW_PASSWORD not in entry.detail and entry.user_id == admin.user_id


def test_an_identity_providers_subject_is_linked_once(people: People, database_url: str) -> None:
    admin = people.new("deployment-admin", administrator=True)
    first, second = people.new("first"), people.new("second")
    subject = f"sub-{uuid.uuid4().hex[:8]}"
    body = {"issuer": "https://idp.example", "subject": subject}
    linked = admin.post(f"/users/{first.user_id}/identities", json=body)
    assert linked.status_code == 200, linked.text
    assert linked.json()["identities"] == [body]
    assert linked.json()["local_login"] is True
    again = admin.post(f"/users/{second.user_id}/identities", json=body)
    assert again.status_code == 409
    assert "is linked to a user already" in again.json()["detail"]
    [entry] = [
        e for e in security_log(database_url, "identity_linked") if e.subject_id == first.user_id
    ]
    assert entry.detail.endswith(f"logs in at https://idp.example as {subject}")


def admin_routes(settings: Settings) -> list[tuple[str, str]]:
    """Every route only administrators may use, with its path filled in."""
    found = []
    for route in create_app(settings).route_handler_method_map.items():
        path, handlers = route
        for method, handler in handlers.items():
            if method != "HEAD" and access_of(handler) == ADMINISTRATOR:  # type: ignore[arg-type]
                found.append((method, path.replace("{user_id:uuid}", "{user}")))
    return found


def test_anyone_else_is_refused_every_administration_route_and_learns_nothing(
    settings: Settings, people: People, database_url: str
) -> None:
    member = people.new("curious-member")
    victim = people.new("victim")
    routes = admin_routes(settings)
    assert {path for _, path in routes} >= {
        "/users",
        "/users/{user}/disabling",
        "/users/{user}/enabling",
        "/users/{user}/password",
        "/users/{user}/identities",
        "/security-log",
    }
    for method, path in routes:
        body = {"password": NEW_PASSWORD, "issuer": "i", "subject": "s"}
        if path == "/users":
            body = {"username": fresh_name(), "display_name": "X", "password": PASSWORD}
        response = member.client.request(
            method,
            path.replace("{user}", str(victim.user_id)),
            json=body if method == "POST" else None,
        )
        assert response.status_code == 403, (method, path, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["detail"] == (
            "you are not an administrator of this deployment: only they manage its users and "
            "read its whole security log"
        )
        assert victim.username not in response.text
    assert victim.get("/auth/me").status_code == 200  # nothing was done to them
    refusals = [
        e
        for e in security_log(database_url, "access_refused")
        if e.user_id == member.user_id and e.detail.startswith("administration")
    ]
    assert len(refusals) == len(routes)
