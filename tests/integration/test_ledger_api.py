"""The ledger's public face: anyone can check a checkpoint against the published key."""

from __future__ import annotations

import base64
import time
import uuid
from pathlib import Path

import httpx

from jitspace.database import create_database, with_database
from jitspace.settings import Settings
from jitspace.signing import key_id, load_public_key, verify_signature
from tests.support import Jit, People, ServerThread, log_of


def test_a_checkpoint_signed_on_demand_checks_against_the_published_key(
    jit: Jit, server: ServerThread
) -> None:
    # Given the key the server publishes, without logging in
    published = httpx.get(f"{server.url}/ledger/public-key").json()
    key = load_public_key(published["public_key_pem"])
    assert published["algorithm"] == "Ed25519"
    assert published["key_id"] == key_id(key)
    # When a member asks for a checkpoint now
    response = jit.leader.post("/ledger/checkpoints")
    assert response.status_code == 201, response.text
    checkpoint = response.json()
    # Then it covers the head of the log and its signature checks with that key
    assert checkpoint["position"] >= log_of(jit.leader, jit.id)[-1]["position"]
    assert verify_signature(
        key, base64.b64decode(checkpoint["signature"]), checkpoint["statement"].encode()
    )
    assert not verify_signature(
        key, base64.b64decode(checkpoint["signature"]), checkpoint["statement"].encode() + b" "
    )
    # and it is listed with the others
    listed = jit.leader.get("/ledger/checkpoints").json()
    assert checkpoint in listed


def test_checkpoints_need_a_login(server: ServerThread) -> None:
    assert httpx.post(f"{server.url}/ledger/checkpoints").status_code == 401
    assert httpx.get(f"{server.url}/ledger/checkpoints").status_code == 401


def test_the_head_of_the_log_is_signed_periodically(database_url: str, tmp_path: Path) -> None:
    # Given a server that signs the head every second, on a database of its own
    name = f"periodic_{uuid.uuid4().hex[:8]}"
    create_database(with_database(database_url, "postgres"), name)
    url = with_database(database_url, name)
    settings = Settings(database_url=url, data_dir=tmp_path, checkpoint_interval_seconds=1)
    with ServerThread(settings) as server:
        people = People(server.url, url)
        # When a JIT is opened
        leader = people.new("fr-leader")
        opened = leader.post("/investigations", json=NEW_JIT)
        assert opened.status_code == 201
        head = log_of(leader, opened.json()["id"])[-1]["position"]
        # Then within a few seconds, without anyone asking, a checkpoint covers it
        deadline = time.monotonic() + 20
        while (
            max((c["position"] for c in leader.get("/ledger/checkpoints").json()), default=0) < head
        ):
            assert time.monotonic() < deadline, "no periodic checkpoint covered the new events"
            time.sleep(0.2)
        leader.client.close()


NEW_JIT = {
    "name": "Periodic JIT",
    "agreement_reference": "JIT-P",
    "purpose": "fraud",
    "period_start": "2024-01-01",
    "period_end": "2025-01-01",
    "parties": [{"country": "FR", "name": "France", "lead_authority": "PNF"}],
    "country": "FR",
}
