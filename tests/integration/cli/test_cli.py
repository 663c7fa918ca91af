"""The command line as scripts and deployments use it, on the embedded default."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.processes import jitspace
from tests.support import PASSWORD, free_port, investigation_body

JITSPACE = [sys.executable, "-m", "jitspace.cli"]


def cli_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JITSPACE_")}
    env["PYTHONUNBUFFERED"] = "1"
    return env


@contextmanager
def running(command: str, data_dir: Path, log: Path, banner: str = "") -> Iterator[str]:
    """`jitspace COMMAND` on a free port, until the block ends; yields its base URL. Once
    `banner` is printed, the server must answer at once."""
    port = free_port()
    with log.open("ab") as out:
        process = subprocess.Popen(
            [*JITSPACE, command, "--port", str(port), "--data-dir", str(data_dir)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=cli_env(),
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, log.read_text()
            announced = bool(banner) and banner in log.read_text()
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                assert not announced, f"{banner!r} was printed before the server listened"
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        # uvicorn shuts down gracefully, then re-raises the signal it caught
        assert process.wait(timeout=60) in (0, -signal.SIGTERM), log.read_text()


def login(url: str, username: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=30)
    response = client.post("/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    client.headers["Authorization"] = f"Bearer {response.json()['token']}"
    return client


def add_user(
    data_dir: Path, username: str, password: str, *options: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*JITSPACE, "user", "add", username, *options, "--data-dir", str(data_dir)],
        input=password + "\n",
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=120,
        check=False,
    )


def test_data_survives_a_restart_of_serve(tmp_path: Path) -> None:
    data_dir, log = tmp_path / "data", tmp_path / "serve.log"
    # Given a user added with the CLI and an investigation opened through the API
    added = add_user(data_dir, "fr.leader", PASSWORD)
    assert added.returncode == 0, added.stderr
    assert "added user fr.leader" in added.stdout
    with running("serve", data_dir, log) as url:
        client = login(url, "fr.leader", PASSWORD)
        opened = client.post(
            "/investigations",
            json={
                "name": "Restart JIT",
                "agreement_reference": "JIT-R",
                "purpose": "fraud",
                "period_start": "2024-01-01",
                "period_end": "2025-01-01",
                "parties": [{"country": "FR", "name": "France", "lead_authority": "PNF"}],
                "country": "FR",
            },
        )
        assert opened.status_code == 201, opened.text
        jit_id = opened.json()["id"]
        before = client.get(f"/investigations/{jit_id}/events").json()
    # When the server stops and starts again on the same data directory
    with running("serve", data_dir, log) as url:
        client = login(url, "fr.leader", PASSWORD)
        # Then the same investigations and the same events are there
        assert [i["id"] for i in client.get("/investigations").json()] == [jit_id]
        assert client.get(f"/investigations/{jit_id}").json()["name"] == "Restart JIT"
        assert client.get(f"/investigations/{jit_id}/events").json() == before
    assert len(before["events"]) == 2


def test_user_add_refuses_a_duplicate_and_a_short_password(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    assert add_user(data_dir, "be.legal", PASSWORD).returncode == 0
    again = add_user(data_dir, "be.legal", PASSWORD)
    assert again.returncode == 2
    assert "exists already" in again.stderr
    short = add_user(data_dir, "nl.legal", "short")
    assert short.returncode == 2
    assert "at least 10 characters" in short.stderr


def test_the_first_administrator_comes_from_the_command_line_and_the_last_stays(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    added = add_user(data_dir, "ops.admin", PASSWORD, "--admin", "--name", "Ops Admin")
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip().endswith(", an administrator")
    assert add_user(data_dir, "ops.deputy", PASSWORD).returncode == 0

    def administrator(*args: str) -> subprocess.CompletedProcess[str]:
        return jitspace("user", "administrator", *args, "--data-dir", str(data_dir), env=cli_env())

    last = administrator("ops.admin", "--withdraw")
    assert last.returncode == 2
    assert last.stderr == (
        "jitspace: Ops Admin is the last administrator of this deployment: make someone else "
        "one first\n"
    )
    granted = administrator("ops.deputy")
    assert granted.returncode == 0 and "is an administrator" in granted.stdout
    withdrawn = administrator("ops.admin", "--withdraw")
    assert withdrawn.returncode == 0 and "no longer an administrator" in withdrawn.stdout
    assert administrator("nobody").stderr == "jitspace: there is no user 'nobody'\n"
    logged = jitspace(
        "security-log",
        "--kind",
        "administrator_withdrawn",
        "--data-dir",
        str(data_dir),
        env=cli_env(),
    )
    assert "client=command line by command line: Ops Admin (ops.admin)" in logged.stdout


def test_demo_serves_a_seeded_jit_and_prints_its_logins(tmp_path: Path) -> None:
    log, data_dir = tmp_path / "demo.log", tmp_path / "demo"
    with running("demo", data_dir, log, banner="JITspace demo at ") as url:
        printed = log.read_text()
        assert f"JITspace demo at {url}" in printed
        assert "fr.leader" in printed and "lantern-demo-2024" in printed
        assert "Ingrid Halvorsen, administrator of the deployment" in printed
        admin = login(url, "admin", "lantern-demo-2024")
        assert admin.get("/auth/me").json()["administrator"] is True
        assert admin.get("/investigations").json() == []  # a member of none
        assert any(u["username"] == "fr.leader" for u in admin.get("/users").json())
        # the banner names where the demo keeps its data, and how to check its log
        assert f"jitspace verify --data-dir {data_dir}" in printed
        client = login(url, "be.investigator", "lantern-demo-2024")
        [jit] = client.get("/investigations").json()
        assert sorted(jit["parties"]) == ["BE", "EUROPOL", "FR", "NL"]
        assert len(client.get(f"/investigations/{jit['id']}/evidence").json()) >= 5
        assert len(client.get(f"/investigations/{jit['id']}/tasks").json()) >= 3
        assert len(client.get(f"/investigations/{jit['id']}/authorisations").json()) >= 3
        assert httpx.get(f"{url}/schema/openapi.json").json()["info"]["title"] == "JITspace"
    # and that command checks the demo's own log
    verified = jitspace("verify", "--data-dir", str(data_dir), env=cli_env())
    assert "the log: " in verified.stdout and " 0 events" not in verified.stdout, verified
    assert verified.stderr == "", verified.stderr


def test_demo_on_a_taken_port_says_so_in_one_line_and_prints_no_logins(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        done = jitspace(
            "demo", "--port", str(port), "--data-dir", str(tmp_path / "demo"), env=cli_env()
        )
    assert done.returncode == 1
    assert done.stderr == (
        f"jitspace: cannot listen on 127.0.0.1:{port}: Address already in use "
        "(give another --port or --host)\n"
    )
    assert "lantern-demo-2024" not in done.stdout
    # nothing was started or made for a server that could not be
    assert not (tmp_path / "demo").exists()


def test_verify_where_there_is_no_log_says_so_and_creates_nothing(tmp_path: Path) -> None:
    # a data directory that was never used
    nowhere = tmp_path / "never-used"
    done = jitspace("verify", "--data-dir", str(nowhere), env=cli_env())
    assert done.returncode == 2
    assert done.stderr.startswith(f"jitspace: there is no event log in {nowhere} (no database")
    assert done.stdout == ""
    assert not nowhere.exists()
    # a data directory with users but no events yet
    users_only = tmp_path / "users-only"
    assert add_user(users_only, "fr.leader", PASSWORD).returncode == 0
    done = jitspace("verify", "--data-dir", str(users_only), env=cli_env())
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "jitspace: the log holds no events here: nothing to verify\n"


def test_a_provider_user_is_added_without_password_and_the_security_log_shows_a_guess(
    tmp_path: Path,
) -> None:
    data_dir, log = tmp_path / "data", tmp_path / "serve.log"
    oidc = cli_env() | {
        "JITSPACE_OIDC_ISSUER": "https://id.example.test/realms/jit",
        "JITSPACE_OIDC_AUDIENCE": "jitspace",
        "JITSPACE_OIDC_JWKS_URL": "https://id.example.test/realms/jit/certs",
    }
    where = ("--data-dir", str(data_dir))
    # Given a user linked to the provider's subject f3a1
    added = jitspace("user", "add", "nl.prosecutor", "--oidc-subject", "f3a1", *where, env=oidc)
    assert added.returncode == 0, added.stderr
    assert "logs in at https://id.example.test/realms/jit as f3a1" in added.stdout
    # the same subject cannot be linked to a second user, nor a subject without a provider
    twice = jitspace("user", "add", "be.prosecutor", "--oidc-subject", "f3a1", *where, env=oidc)
    assert twice.returncode == 2
    assert "linked to another user already" in twice.stderr
    no_provider = jitspace("user", "add", "x.user", "--oidc-subject", "b2", *where, env=cli_env())
    assert no_provider.returncode == 2
    assert "JITSPACE_OIDC_ISSUER" in no_provider.stderr
    # When someone guesses a password for that user
    with running("serve", data_dir, log) as url:
        guess = httpx.post(
            f"{url}/auth/login", json={"username": "nl.prosecutor", "password": "guess-1234"}
        )
        assert guess.status_code == 401
    # Then the security log shows the failed login, without the password
    printed = jitspace("security-log", "--kind", "login_failed", *where, env=cli_env())
    assert printed.returncode == 0, printed.stderr
    [line] = printed.stdout.splitlines()
    assert "login_failed" in line and "nl.prosecutor" in line and "client=127.0.0.1" in line
    assert "guess-1234" not in printed.stdout


def test_a_bad_setting_stops_the_command_with_one_line_naming_the_variable(
    tmp_path: Path,
) -> None:
    for variable, value, says in (
        ("JITSPACE_CORS_ORIGINS", "*", "wildcards are not accepted"),
        ("JITSPACE_MAX_CONNECTIONS", "many", "JITSPACE_MAX_CONNECTIONS='many': Expected `int`"),
    ):
        done = subprocess.run(
            [*JITSPACE, "serve", "--port", str(free_port()), "--data-dir", str(tmp_path)],
            env={**cli_env(), variable: value},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 2
        assert done.stderr.startswith(f"jitspace: {variable}")
        assert says in done.stderr
        assert "Traceback" not in done.stderr


def test_user_link_lets_an_existing_user_log_in_through_the_provider(tmp_path: Path) -> None:
    where = ("--data-dir", str(tmp_path / "data"))
    oidc = cli_env() | {
        "JITSPACE_OIDC_ISSUER": "https://id.example.test/realms/jit",
        "JITSPACE_OIDC_AUDIENCE": "jitspace",
        "JITSPACE_OIDC_JWKS_URL": "https://id.example.test/realms/jit/certs",
    }
    added = jitspace("user", "add", "fr.analyst", *where, env=oidc, stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    linked = jitspace(
        "user", "link", "fr.analyst", "--oidc-subject", "9c2e", "--drop-password", *where, env=oidc
    )
    assert linked.returncode == 0, linked.stderr
    assert "logs in at https://id.example.test/realms/jit as 9c2e" in linked.stdout
    assert "no longer with a password" in linked.stdout
    unknown = jitspace("user", "link", "nobody", "--oidc-subject", "77", *where, env=oidc)
    assert unknown.returncode == 2
    assert "there is no user 'nobody'" in unknown.stderr
    no_provider = jitspace(
        "user", "link", "fr.analyst", "--oidc-subject", "77", *where, env=cli_env()
    )
    assert no_provider.returncode == 2
    assert "JITSPACE_OIDC_ISSUER" in no_provider.stderr


def test_watch_fails_in_one_line(tmp_path: Path) -> None:
    data_dir, log = tmp_path / "data", tmp_path / "serve.log"
    assert add_user(data_dir, "fr.leader", PASSWORD).returncode == 0
    with running("serve", data_dir, log) as url:
        client = login(url, "fr.leader", PASSWORD)
        opened = client.post("/investigations", json=investigation("Watch JIT"))
        assert opened.status_code == 201, opened.text
        jit_id = opened.json()["id"]
        head = client.get(f"/investigations/{jit_id}/events").json()["events"][-1]["position"]

        def watch(*args: str, server: str = url, stdin: str = PASSWORD) -> tuple[int, str]:
            done = jitspace(
                "watch", jit_id, "--server", server, *args, env=cli_env(), stdin=stdin + "\n"
            )
            assert done.stdout == ""
            return done.returncode, done.stderr

        # a wrong password
        assert watch("--username", "fr.leader", stdin="not-the-password") == (
            1,
            "jitspace: the server refused the login (401: unknown username or wrong password)\n",
        )
        # a position beyond the last event of the investigation
        assert watch("--username", "fr.leader", "--after", str(head + 100)) == (
            1,
            f"jitspace: the server refused the feed (4400: bad hello: after {head + 100} is "
            f"beyond the last event ({head}))\n",
        )
        # a server that is not there, with a password or a token
        nobody = f"http://127.0.0.1:{free_port()}"
        code, said = watch("--username", "fr.leader", server=nobody)
        assert code == 1
        assert said == f"jitspace: cannot reach {nobody}/auth/login: Connection refused\n"
        token = client.headers["Authorization"].removeprefix("Bearer ")
        done = jitspace(
            "watch", jit_id, "--server", nobody, env=cli_env() | {"JITSPACE_TOKEN": token}
        )
        assert done.returncode == 1
        assert done.stderr.startswith("jitspace: cannot reach ws://127.0.0.1:")
        assert done.stderr.endswith(": Connection refused\n")


def investigation(name: str) -> dict[str, object]:
    france = {"country": "FR", "name": "France", "lead_authority": "PNF"}
    return investigation_body(
        name,
        agreement_reference="JIT-W",
        purpose="fraud",
        period_end="2025-01-01",
        parties=[france],
    )
