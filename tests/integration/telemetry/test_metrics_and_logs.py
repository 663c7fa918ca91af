"""What an operator sees of a real `jitspace serve` process after a small day's work: its
metrics at /metrics, each with plausible values, and its log, every line JSON, carrying the
request's id and never a password, a bearer token or a session cookie."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from jitspace.api.browser import SESSION_COOKIE
from jitspace.settings import Settings
from tests.live import Watcher, token_of
from tests.processes import Process, cluster_env
from tests.support import (
    PASSWORD,
    Jit,
    People,
    another_server,
    evidence_body,
    free_port,
    fresh_database,
    open_investigation,
    register_item,
)

WRONG_PASSWORD = "not the right horse"
SCRAPER_TOKEN = "a-scraper-token-of-this-test"


@dataclass
class Served:
    process: Process
    errors: Path  # the process's standard error: its log
    people: People


@pytest.fixture(scope="module")
def served(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("telemetry")
    url = fresh_database(database_url, "telemetry")
    env = cluster_env(
        url,
        folder,
        JITSPACE_ACCESS_LOG="true",
        JITSPACE_CHECKPOINT_INTERVAL_SECONDS="1",
    )
    errors = folder / "stderr.log"
    process = Process("serve", env, folder / "stdout.log", free_port(), errors=errors)
    process.start()
    people = People(process.url, url)
    try:
        yield Served(process, errors, people)
    finally:
        for person in people.made:
            person.client.close()
        process.stop()


@dataclass
class Workload:
    jit: Jit
    item: str
    uploaded: int  # bytes
    cookie: str  # a browser session's cookie value
    tokens: list[str]
    request_id: str  # of one answer, as its header said
    viewers_while_watching: float


def samples(text: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    """Every sample of the exposition, by its name."""
    found: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found.setdefault(sample.name, []).append((sample.labels, sample.value))
    return found


def scrape(served: Served) -> dict[str, list[tuple[dict[str, str], float]]]:
    response = httpx.get(f"{served.process.url}/metrics", timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return samples(response.text)


def total(found: dict[str, list[tuple[dict[str, str], float]]], name: str, **labels: str) -> float:
    return sum(
        value
        for have, value in found.get(name, [])
        if all(have.get(k) == v for k, v in labels.items())
    )


@pytest.fixture(scope="module")
async def workload(served: Served) -> Workload:
    """Log in (and fail to once), open an investigation, watch it live, register an item,
    upload a small file, verify it, open a browser session."""
    people = served.people
    jit = await asyncio.to_thread(open_investigation, people)
    refused = httpx.post(
        f"{served.process.url}/auth/login",
        json={"username": jit.leader.username, "password": WRONG_PASSWORD},
        timeout=30,
    )
    assert refused.status_code == 401
    async with Watcher([served.process.url], jit.id, token_of(jit.leader)) as watcher:
        await watcher.caught_up()
        viewers = total(await asyncio.to_thread(scrape, served), "jitspace_live_viewers")
        item = (await asyncio.to_thread(register_item, jit.investigator, jit))["id"]
        again = await asyncio.to_thread(
            jit.investigator.post, jit.path("/evidence"), json=evidence_body()
        )
        assert again.status_code == 409, again.text  # its reference is taken: refused
        data = b"a small extraction report\n" * 40
        uploaded = await asyncio.to_thread(
            jit.investigator.post,
            jit.path(f"/evidence/{item}/files"),
            params={"name": "report.txt"},
            content=data,
        )
        assert uploaded.status_code == 201, uploaded.text
        verified = await asyncio.to_thread(
            jit.leader.post, jit.path(f"/evidence/{item}/verification")
        )
        assert verified.status_code == 200, verified.text
        head = (await asyncio.to_thread(jit.leader.get, jit.path("/events"))).json()[
            "last_position"
        ]
        await watcher.reach(head)
    session = httpx.post(
        f"{served.process.url}/auth/session",
        json={"username": jit.legal.username, "password": PASSWORD},
        timeout=30,
    )
    assert session.status_code == 200, session.text
    cookie = session.cookies[SESSION_COOKIE]
    read = httpx.get(
        f"{served.process.url}/auth/session", cookies={SESSION_COOKIE: cookie}, timeout=30
    )
    assert read.status_code == 200, read.text
    return Workload(
        jit,
        item,
        len(data),
        cookie,
        [token_of(p) for p in (jit.leader, jit.investigator, jit.legal, jit.outsider)],
        verified.headers["X-Request-ID"],
        viewers,
    )


async def test_each_metric_shows_the_work_done(served: Served, workload: Workload) -> None:
    # a checkpoint is signed within a second of the log moving
    deadline = time.monotonic() + 20
    while "jitspace_checkpoint_age_seconds" not in (
        found := await asyncio.to_thread(scrape, served)
    ):
        assert time.monotonic() < deadline, "no checkpoint age after 20 s"
        await asyncio.sleep(0.2)
    # commands, by use case, and how long they took
    for use_case in ("open_investigation", "add_member", "register_evidence"):
        assert total(found, "jitspace_commands_total", use_case=use_case, outcome="ok") >= 1
        assert total(found, "jitspace_command_duration_seconds_count", use_case=use_case) >= 1
        assert total(found, "jitspace_command_duration_seconds_sum", use_case=use_case) > 0
    assert total(found, "jitspace_commands_total", use_case="add_member") >= 2
    refused = {"use_case": "register_evidence", "outcome": "refused"}
    assert total(found, "jitspace_commands_total", **refused) >= 1
    # answers by route as declared and status: the refused login among them
    login = {"method": "POST", "route": "/auth/login"}
    assert total(found, "jitspace_http_responses_total", **login, status="200") >= 4
    assert total(found, "jitspace_http_responses_total", **login, status="401") >= 1
    opened = {"method": "POST", "route": "/investigations"}
    assert total(found, "jitspace_http_responses_total", **opened, status="201") >= 1
    assert total(found, "jitspace_http_request_duration_seconds_count", **opened) >= 1
    # no label names an investigation, an item or a person
    everything = json.dumps(found)
    for named in (workload.jit.id, workload.item, workload.jit.leader.username):
        assert named not in everything
    # the live feed: a viewer while one watched, and the events delivered to it
    assert workload.viewers_while_watching >= 1
    assert total(found, "jitspace_live_viewers") >= 0
    assert total(found, "jitspace_live_deliveries_total") >= 4  # opened, 2 members, item...
    # uploads: the bytes and how fast they came
    assert total(found, "jitspace_upload_bytes_total", kind="file") >= workload.uploaded
    assert total(found, "jitspace_upload_seconds_total", kind="file") > 0
    assert total(found, "jitspace_upload_throughput_bytes_per_second_count", kind="file") >= 1
    # the verification's result
    assert total(found, "jitspace_integrity_verifications_total", result="verified") >= 1
    # every projection's lag, in events and seconds, never negative
    for projection in ("registers", "custody", "admissibility"):
        events = [
            v
            for labels, v in found["jitspace_projection_lag_events"]
            if labels == {"projection": projection}
        ]
        seconds = [
            v
            for labels, v in found["jitspace_projection_lag_seconds"]
            if labels == {"projection": projection}
        ]
        assert len(events) == len(seconds) == 1, projection
        assert events[0] >= 0 and seconds[0] >= 0
        assert total(found, "jitspace_projection_stalled", projection=projection) == 0
    # the newest checkpoint is young: one is signed every second the log moves
    assert 0 <= total(found, "jitspace_checkpoint_age_seconds") < 3600


def test_metrics_are_refused_to_a_request_a_proxy_relayed(served: Served) -> None:
    relayed = httpx.get(
        f"{served.process.url}/metrics", headers={"X-Forwarded-For": "203.0.113.7"}, timeout=30
    )
    assert relayed.status_code == 403
    assert "JITSPACE_METRICS_TOKEN" in relayed.json()["detail"]


def test_with_a_metrics_token_only_a_scraper_sending_it_reads_them(
    settings: Settings, people: People
) -> None:
    user = people.new("fr-leader").client.headers["Authorization"]
    with another_server(settings, metrics_token=SCRAPER_TOKEN) as server:
        url = f"{server.url}/metrics"
        assert httpx.get(url, timeout=30).status_code == 401
        assert httpx.get(url, headers={"Authorization": user}, timeout=30).status_code == 401
        scraper = {"Authorization": f"Bearer {SCRAPER_TOKEN}", "X-Forwarded-For": "203.0.113.7"}
        scraped = httpx.get(url, headers=scraper, timeout=30)
        assert scraped.status_code == 200
        assert "jitspace_http_responses_total" in scraped.text


async def test_every_log_line_is_json_with_ids_and_no_secret(
    served: Served, workload: Workload
) -> None:
    lines = [line for line in served.errors.read_text().splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # every line parses
    assert entries
    for secret in (PASSWORD, WRONG_PASSWORD, workload.cookie, *workload.tokens):
        assert not [line for line in lines if secret in line], "a secret in the log"
    requests = [e for e in entries if e.get("logger") == "jitspace.requests"]
    # one line per request, with its id, the route as declared, and who and what it was about
    answered = [e for e in requests if e.get("request_id") == workload.request_id]
    assert len(answered) == 1
    (verification,) = answered
    assert verification["route"].endswith("/verification")
    assert verification["status"] == 200
    assert verification["user_id"] == str(workload.jit.leader.user_id)
    assert verification["investigation_id"] == workload.jit.id
    assert all("request_id" in e and "time" in e and "level" in e for e in requests)
    assert any(e["status"] == 401 and e["route"] == "/auth/login" for e in requests)
