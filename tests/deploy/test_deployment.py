"""The deployment of infra/compose, run for real on one machine without containers:
Debian's PostgreSQL server, an S3 server, `jitspace migrate`, two `jitspace serve` and two
`jitspace worker` processes with the compose env file's settings and their secrets read from
files, and nginx configured from infra/nginx's template, ending TLS with a certificate of a
test authority. A team works through the proxy over HTTPS (a 200 MB evidence file, the live
feed, a disclosure bundle checked offline), then an app process and the working worker are
killed (SIGKILL) while the team goes on: nothing acknowledged is lost or doubled, the live
feed resumes, and the other worker takes over within the 10 s the deployment promises."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import random
import ssl
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import psycopg
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from jitspace.live.client import LiveClient
from jitspace.storage.blobs.s3 import connect
from jitspace.storage.database import create_database, with_database
from tests.deploy.machine import INFRA, certificate_authority, env_example, nginx, postgres_server
from tests.live import Watcher
from tests.processes import Process, jitspace, workers_lock_holders
from tests.support import (
    BELGIUM,
    FRANCE,
    NETHERLANDS,
    PASSWORD,
    evidence_body,
    free_port,
    investigation_body,
)

MiB = 1024 * 1024
EVIDENCE_BYTES = 200 * MiB
TAKEOVER_DEADLINE = 10.0  # the deployment's promise (infra/README.md)
# the team's machine: another loopback address than the proxy's own, so that the address
# the security log names is the client's and not nginx's
CLIENT_ADDRESS = "127.0.0.2"
SECRETS = "/run/secrets/"  # where compose mounts the secrets (the env file names them there)


@dataclass
class Deployment:
    url: str  # the proxy, over HTTPS
    http_url: str  # the proxy's plain HTTP port
    database_url: str  # with the password (for the test's own looks at the database)
    env: dict[str, str]
    tls: ssl.SSLContext
    s3_endpoint: str
    apps: list[Process]
    workers: list[Process]

    def client(self, token: str = "") -> httpx.Client:
        transport = httpx.HTTPTransport(local_address=CLIENT_ADDRESS, verify=self.tls)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, transport=transport, timeout=120, headers=headers)

    def log_in(self, username: str) -> httpx.Client:
        with self.client() as anonymous:
            response = anonymous.post(
                "/auth/login", json={"username": username, "password": PASSWORD}
            )
        assert response.status_code == 200, response.text
        return self.client(response.json()["token"])

    def lock_holder(self) -> list[int]:
        """The process id of each session holding the workers' lock."""
        return [int(name.rsplit(":", 1)[1]) for name in workers_lock_holders(self.database_url)]


def secrets_folder(folder: Path) -> Path:
    folder.mkdir(mode=0o700)
    for name in (
        "postgres_password",
        "jitspace_db_password",
        "minio_app_secret_key",
        "metrics_token",
    ):
        (folder / name).write_text(uuid.uuid4().hex + "\n")  # as make-secrets.sh ends none
    key = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    (folder / "jitspace_signing_key").write_bytes(key)
    return folder


def app_role(admin_url: str, password_file: Path) -> str:
    """Make JITspace's role with infra/compose/initdb's script, as the postgres image does
    on its first start; the URL the env example gives, on this server, without password."""
    server = urlsplit(admin_url)
    made = subprocess.run(
        ["sh", str(INFRA / "compose" / "initdb" / "10-jitspace-app-role.sh")],
        env={
            "PATH": os.environ["PATH"],
            "POSTGRES_USER": server.username or "",
            "POSTGRES_DB": "jitspace",
            "PGHOST": server.hostname or "",
            "PGPORT": str(server.port),
            "PGPASSWORD": server.password or "",
            "JITSPACE_APP_PASSWORD_FILE": str(password_file),
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    example = urlsplit(env_example()["JITSPACE_DATABASE_URL"])
    return example._replace(netloc=f"{example.username}@{server.hostname}:{server.port}").geturl()


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    from moto.server import ThreadedMotoServer

    root = tmp_path_factory.mktemp("deployment")
    secrets = secrets_folder(root / "secrets")
    authority = certificate_authority(root)
    s3 = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    s3.start()
    host, s3_port = s3.get_host_and_port()
    try:
        with postgres_server("jitspace", secrets / "postgres_password") as server_url:
            password = (secrets / "postgres_password").read_text().strip()
            admin_url = server_url.replace("jitspace@", f"jitspace:{password}@")
            create_database(admin_url, "jitspace")
            # JITspace's own role, no superuser, made by the compose deployment's script
            database_url = app_role(admin_url, secrets / "jitspace_db_password")
            # the compose file's settings, with this machine's addresses and folders
            env = {k: v for k, v in os.environ.items() if not k.startswith("JITSPACE_")}
            for name, value in env_example().items():
                env[name] = value.replace(SECRETS, f"{secrets}/")
            env.update(
                JITSPACE_DATABASE_URL=database_url,
                JITSPACE_S3_ENDPOINT=f"{host}:{s3_port}",
                JITSPACE_TRUSTED_PROXIES="127.0.0.1",
                JITSPACE_DATA_DIR=str(root / "data"),
            )
            assert env["JITSPACE_SIGNING_KEY_FILE"] == str(secrets / "jitspace_signing_key")
            migrated = jitspace("migrate", env=env)
            assert migrated.returncode == 0, migrated.stderr
            app_env = {**env, "JITSPACE_RUN_PROJECTIONS": "false"}
            apps = [Process("serve", app_env, root / f"app{n}.log", free_port()) for n in (1, 2)]
            workers = [Process("worker", env, root / f"worker{n}.log") for n in (1, 2)]
            https_port, http_port = free_port(), free_port()
            proxy = {
                "PROXY_SERVER_NAME": "localhost",
                "PROXY_PUBLIC_ORIGIN": f"https://localhost:{https_port}",
                "PROXY_HTTP_PORT": f"127.0.0.1:{http_port}",
                "PROXY_HTTPS_PORT": f"127.0.0.1:{https_port}",
                "PROXY_APP_1": f"127.0.0.1:{apps[0].port}",
                "PROXY_APP_2": f"127.0.0.1:{apps[1].port}",
                "PROXY_CERTIFICATE": str(authority.certificate_file),
                "PROXY_CERTIFICATE_KEY": str(authority.key_file),
                # the image's own environment, which the filter keeps out of the template
                "NGINX_VERSION": "1.28.0",
                "HOSTNAME": "proxy",
            }
            try:
                for process in (*workers, *apps):
                    process.start()
                with nginx(root / "nginx", proxy, https_port):
                    yield Deployment(
                        url=f"https://127.0.0.1:{https_port}",
                        http_url=f"http://127.0.0.1:{http_port}",
                        database_url=with_database(admin_url, "jitspace"),
                        env=env,
                        tls=ssl.create_default_context(cafile=str(authority.ca_file)),
                        s3_endpoint=f"{host}:{s3_port}",
                        apps=apps,
                        workers=workers,
                    )
            finally:
                for process in (*apps, *workers):
                    process.stop()
    finally:
        s3.stop()


def add_user(deployment: Deployment, name: str) -> str:
    username = f"{name}-{uuid.uuid4().hex[:6]}"
    added = jitspace("user", "add", username, env=deployment.env, stdin=PASSWORD)
    assert added.returncode == 0, added.stderr
    return username


def events_of(client: httpx.Client, jit: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    after = 0
    while True:
        page = client.get(f"/investigations/{jit}/events", params={"after": after, "limit": 1000})
        assert page.status_code == 200, page.text
        if not page.json()["events"]:
            return events
        events.extend(page.json()["events"])
        after = page.json()["last_position"]


def evidence_chunks(digest: Any) -> Iterator[bytes]:
    """200 MB of bytes that do not compress, made as they are sent (never all in memory),
    hashed on the way."""
    made = random.Random(19)
    for _ in range(EVIDENCE_BYTES // MiB):
        chunk = made.randbytes(MiB)
        digest.update(chunk)
        yield chunk


@dataclass
class Team:
    """A leader writing tasks through the proxy, each acknowledged one kept."""

    client: httpx.Client
    jit: str
    acknowledged: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)

    def write(self) -> None:
        n = 0
        while not self.stopping.is_set():
            title = f"Task {n} {uuid.uuid4().hex[:8]}"
            n += 1
            try:
                response = self.client.post(
                    f"/investigations/{self.jit}/tasks", json={"title": title}
                )
            except httpx.HTTPError as error:
                self.refused.append((title, repr(error)))
                continue
            if response.status_code == 201:
                self.acknowledged.append(title)
            else:
                self.refused.append((title, f"{response.status_code} {response.text[:200]}"))
            time.sleep(0.05)

    def board(self) -> set[str]:
        response = self.client.get(f"/investigations/{self.jit}/tasks")
        assert response.status_code == 200, response.text
        return {task["title"] for task in response.json()}


def test_jitspace_reaches_the_database_as_its_own_role_and_no_superuser(
    deployment: Deployment,
) -> None:
    password = Path(deployment.env["JITSPACE_DATABASE_PASSWORD_FILE"]).read_text().strip()
    with psycopg.connect(
        deployment.env["JITSPACE_DATABASE_URL"], password=password, autocommit=True
    ) as conn:
        row = conn.execute(
            "SELECT current_user, rolsuper, rolcreaterole, rolcreatedb, rolreplication "
            "FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
        owner = conn.execute(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"
        ).fetchone()
        tables = conn.execute(
            "SELECT count(*) FROM pg_tables "
            "WHERE schemaname = 'public' AND tableowner = current_user"
        ).fetchone()
    assert row == ("jitspace_app", False, False, False, False)
    assert owner == ("jitspace_app",)
    assert tables is not None and tables[0] > 10  # `jitspace migrate` made them as this role


def test_the_deployment_serves_a_team_and_survives_losing_an_app_and_the_working_worker(
    deployment: Deployment,
) -> None:
    asyncio.run(a_team_works_through_the_proxy(deployment))


async def a_team_works_through_the_proxy(deployment: Deployment) -> None:
    leader_name, legal_name = add_user(deployment, "fr-leader"), add_user(deployment, "nl-legal")
    # The proxy: plain HTTP only redirects, HTTPS says so for two years, /metrics is not out
    redirected = httpx.get(f"{deployment.http_url}/investigations?x=1", follow_redirects=False)
    assert redirected.status_code == 301
    assert redirected.headers["location"].endswith("/investigations?x=1")
    assert redirected.headers["location"].startswith("https://localhost:")
    with deployment.client() as anonymous:
        health = anonymous.get("/health")
        assert health.status_code == 200
        assert health.headers.get_list("strict-transport-security") == [
            "max-age=63072000; includeSubDomains"
        ]
        assert anonymous.get("/metrics").status_code == 404
        # a wrong password, from the team's address, sent with a forged X-Forwarded-For: the
        # security log names the address the proxy saw
        failed = anonymous.post(
            "/auth/login",
            json={"username": leader_name, "password": "not it"},
            headers={"X-Forwarded-For": "10.9.9.9"},
        )
        assert failed.status_code == 401
    entries = security_entries(deployment.database_url, "login_failed")
    assert [entry["client"] for entry in entries] == [CLIENT_ADDRESS]

    leader, legal = deployment.log_in(leader_name), deployment.log_in(legal_name)
    opened = leader.post(
        "/investigations",
        json=investigation_body("Deployed JIT", parties=[FRANCE, BELGIUM, NETHERLANDS]),
    )
    assert opened.status_code == 201, opened.text
    jit = opened.json()["id"]
    member = {"username": legal_name, "country": "NL", "role": "legal_advisor"}
    assert leader.post(f"/investigations/{jit}/members", json=member).status_code == 200

    # Two live clients through the proxy (one on each app process: nginx takes turns)
    token = leader.headers["Authorization"].removeprefix("Bearer ")
    watchers = [Watcher([deployment.url], jit, token) for _ in range(2)]
    for watcher in watchers:
        watcher.client = LiveClient([deployment.url], jit, token, tls=deployment.tls)
        await watcher.__aenter__()
        await watcher.caught_up()
    try:
        # A 200 MB evidence file, streamed through TLS and the proxy to the object store
        item = leader.post(f"/investigations/{jit}/evidence", json=evidence_body())
        assert item.status_code == 201, item.text
        digest = hashlib.sha256()
        uploaded = await asyncio.to_thread(
            leader.post,
            f"/investigations/{jit}/evidence/{item.json()['id']}/files",
            params={"name": "image.dd"},
            content=evidence_chunks(digest),
            headers={"Content-Length": str(EVIDENCE_BYTES)},
            timeout=600,
        )
        assert uploaded.status_code == 201, uploaded.text
        assert uploaded.json()["file"]["sha256"] == digest.hexdigest()
        assert await asyncio.to_thread(stored_digests, deployment) == [digest.hexdigest()]

        # A disclosure bundle, checked offline with the publisher's key
        bundle, key = deployment_bundle(deployment, legal, jit)
        checked = jitspace("verify", str(bundle), "--public-key", str(key), env=offline())
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "OK" in checked.stdout

        # When the team keeps writing, and an app process and the working worker are killed
        team = Team(leader, jit)
        writer = threading.Thread(target=team.write)
        writer.start()
        try:
            await until(lambda: len(team.acknowledged) >= 10, in_(30), "ten tasks written")
            (working,) = deployment.lock_holder()
            worker = next(w for w in deployment.workers if w.pid == working)
            other = next(w for w in deployment.workers if w is not worker)
            app = deployment.apps[0]
            app.kill()
            worker.kill()
            killed_at = time.monotonic()
            written = len(team.acknowledged)
            # Then the other worker holds the lock, and the read models hold what was
            # acknowledged, within the deadline
            deadline = killed_at + TAKEOVER_DEADLINE
            try:
                await until(lambda: deployment.lock_holder() == [other.pid], deadline, "takeover")
            except AssertionError as late:
                raise AssertionError(
                    f"{late}; killed worker {worker.pid}, other {other.pid}, lock held by "
                    f"{deployment.lock_holder()}; the other's log: {other.log.read_text()[-3000:]}"
                ) from None
            taken_over = time.monotonic() - killed_at
            await until(
                lambda: set(team.acknowledged[:written]) <= team.board(), deadline, "read models"
            )
            caught_up = time.monotonic() - killed_at
            print(f"takeover {taken_over:.1f} s, read models caught up {caught_up:.1f} s")
            await until(lambda: len(team.acknowledged) >= written + 10, in_(30), "ten more tasks")
        finally:
            team.stopping.set()
            writer.join()
        # and every task acknowledged is in the log exactly once, and on the board
        log = await asyncio.to_thread(events_of, leader, jit)
        created = [json.dumps(event) for event in log]
        for title in team.acknowledged:
            assert sum(f'"{title}"' in text for text in created) == 1, title
        for title, _ in team.refused:  # a command cut off with its app: at most once
            assert sum(f'"{title}"' in text for text in created) <= 1, title
        await until(lambda: set(team.acknowledged) <= team.board(), in_(15), "the board")
        # and each live client resumed through the proxy and got every event once, in order
        for watcher in watchers:
            await watcher.reach(log[-1]["position"])
            assert watcher.events == [{"type": "event", "event": e} for e in log]
        assert sum(watcher.client.connections for watcher in watchers) >= 3
    finally:
        for watcher in watchers:
            await watcher.stop()


def in_(seconds: float) -> float:
    """The deadline `seconds` from now."""
    return time.monotonic() + seconds


async def until(done: Any, deadline: float, what: str) -> None:
    """Wait until `done()` holds, failing at `deadline` (time.monotonic)."""
    while not await asyncio.to_thread(done):
        assert time.monotonic() < deadline, f"not by the deadline: {what}"
        await asyncio.sleep(0.1)


def security_entries(database_url: str, kind: str) -> list[dict[str, Any]]:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.row_factory = psycopg.rows.dict_row
        return conn.execute("SELECT client FROM security_log WHERE kind = %s", (kind,)).fetchall()


def stored_digests(deployment: Deployment) -> list[str]:
    """The SHA-256 of each evidence file in the object store, read back from it."""
    env = deployment.env
    store = connect(
        deployment.s3_endpoint,
        env["JITSPACE_S3_ACCESS_KEY"],
        Path(env["JITSPACE_S3_SECRET_KEY_FILE"]).read_text().strip(),
        secure=False,
    )
    digests = []
    for stored in store.list_objects(env["JITSPACE_S3_BUCKET"], prefix="evidence/"):
        digest = hashlib.sha256()
        response = store.get_object(env["JITSPACE_S3_BUCKET"], stored.object_name)
        try:
            for chunk in response.stream(MiB):
                digest.update(chunk)
        finally:
            response.close()
            response.release_conn()
        digests.append(digest.hexdigest())
    return digests


def deployment_bundle(deployment: Deployment, legal: httpx.Client, jit: str) -> tuple[Path, Path]:
    folder = Path(deployment.env["JITSPACE_DATA_DIR"]).parent
    response = legal.post(
        f"/investigations/{jit}/disclosures", json={"purpose": "disclosure to the defence"}
    )
    assert response.status_code == 201, response.text
    bundle = folder / "bundle.zip"
    bundle.write_bytes(response.content)
    key = folder / "publisher.pem"
    key.write_text(legal.get("/ledger/public-key").json()["public_key_pem"])
    return bundle, key


def offline() -> dict[str, str]:
    """A clerk's environment: no JITspace settings, no database to reach."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JITSPACE_")}
    env["JITSPACE_DATABASE_URL"] = "postgresql://nobody@127.0.0.1:1/none"
    return env
