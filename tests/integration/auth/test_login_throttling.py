"""Password guessing is slowed down: 5 failures for a username (or 20 from an address) within
the window, and logins for it are refused with 429 until the window has passed.

Each test has its own database (the counts live there) and its own app processes.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any, NamedTuple

import httpx
import pytest

from jitspace.settings import Settings
from tests.support import (
    PASSWORD,
    ServerThread,
    add_user,
    another_server,
    fresh_database,
    security_log,
)

WRONG = "Tr0ub4dor&3-not-it"
Servers = Callable[..., "Deployment"]


class Deployment(NamedTuple):
    database_url: str
    servers: list[ServerThread]

    @property
    def server(self) -> ServerThread:
        """The deployment's one server."""
        [server] = self.servers
        return server

    def new_user(self) -> str:
        username = f"member-{uuid.uuid4().hex[:8]}"
        add_user(self.database_url, username)
        return username


@pytest.fixture
def servers(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """start(n, **settings): n app processes on a database of their own."""
    with ExitStack() as stack:

        def start(count: int = 1, **changes: object) -> Deployment:
            own: dict[str, Any] = {
                "database_url": fresh_database(settings.database_url, "jitspace_throttle"),
                "data_dir": tmp_path_factory.mktemp("throttle-data"),
                "login_failures_per_client": 20,  # the default (the session's other tests lift it)
            }
            running = [
                stack.enter_context(another_server(settings, **own, **changes))
                for _ in range(count)
            ]
            return Deployment(own["database_url"], running)

        yield start


def log_in(server: ServerThread, username: str, password: str) -> httpx.Response:
    return httpx.post(
        f"{server.url}/auth/login", json={"username": username, "password": password}, timeout=30
    )


def refused_logins(server: ServerThread, username: str, times: int) -> None:
    """`times` logins with a wrong password, each refused as such (401)."""
    for _ in range(times):
        assert log_in(server, username, WRONG).status_code == 401


def test_five_failures_lock_the_username_even_for_the_right_password(servers: Servers) -> None:
    deployment = servers()
    server, username = deployment.server, deployment.new_user()
    # Given five wrong passwords for one username
    refused_logins(server, username, 5)
    # When its owner then types the right one
    response = log_in(server, username, PASSWORD)
    # Then the login is refused for now, saying when to try again
    assert response.status_code == 429, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    retry_after = int(response.headers["retry-after"])
    assert 0 < retry_after <= 15 * 60
    assert "5 failed logins for this username" in response.json()["detail"]
    # and another username (from the same address) is not affected
    assert log_in(server, deployment.new_user(), PASSWORD).status_code == 200


def test_the_security_log_names_the_username_never_the_password(servers: Servers) -> None:
    deployment = servers()
    server, username = deployment.server, deployment.new_user()
    for _ in range(5):
        log_in(server, username, WRONG)
    assert log_in(server, username, PASSWORD).status_code == 429
    database_url = deployment.database_url
    failed = security_log(database_url, "login_failed", 100)
    assert len(failed) == 5
    assert all(username in e.detail and e.client == "127.0.0.1" for e in failed)
    throttled = security_log(database_url, "login_throttled", 100)
    assert len(throttled) == 1 and username in throttled[0].detail
    for entry in [*failed, *throttled]:
        assert WRONG not in entry.detail and PASSWORD not in entry.detail


def test_failures_on_two_app_processes_count_together(servers: Servers) -> None:
    deployment = servers(2)
    first, second = deployment.servers
    username = deployment.new_user()
    # Given three failures on one process and two on another
    for server in (first, first, first, second, second):
        assert log_in(server, username, WRONG).status_code == 401
    # Then both refuse the right password
    assert log_in(first, username, PASSWORD).status_code == 429
    assert log_in(second, username, PASSWORD).status_code == 429


def test_a_success_resets_the_usernames_count(servers: Servers) -> None:
    deployment = servers()
    server, username = deployment.server, deployment.new_user()
    refused_logins(server, username, 4)
    assert log_in(server, username, PASSWORD).status_code == 200
    # four more failures: eight in the window, but only four since the success
    refused_logins(server, username, 4)
    assert log_in(server, username, PASSWORD).status_code == 200


def test_twenty_failures_from_one_address_lock_every_login_from_it(servers: Servers) -> None:
    deployment = servers()
    server, member = deployment.server, deployment.new_user()
    # Given twenty wrong passwords from one address, each for a different username
    for _ in range(20):
        response = log_in(server, f"guess-{uuid.uuid4().hex[:8]}", WRONG)
        assert response.status_code == 401, response.text
    # Then even a member with the right password is refused from that address
    response = log_in(server, member, PASSWORD)
    assert response.status_code == 429
    assert "20 failed logins from this address" in response.json()["detail"]
    assert int(response.headers["retry-after"]) > 0


def test_the_lock_lifts_when_the_window_has_passed(servers: Servers) -> None:
    deployment = servers(login_failure_window_seconds=10)
    # (ten seconds: five argon2 checks on a loaded machine must fit in the window)
    server, username = deployment.server, deployment.new_user()
    refused_logins(server, username, 5)
    refused = log_in(server, username, PASSWORD)
    assert refused.status_code == 429
    # refused attempts do not extend the lock: after Retry-After, the right password works
    time.sleep(int(refused.headers["retry-after"]) + 0.5)
    assert log_in(server, username, PASSWORD).status_code == 200
