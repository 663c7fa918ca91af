"""Checkpoints: signed on demand and periodically, checked against this ledger's own key."""

from __future__ import annotations

import os
import time
from pathlib import Path

import httpx
import msgspec
import psycopg
import pytest

from jitspace.cli import main
from jitspace.ledger.checkpoints import CheckpointDocument, Ledger
from jitspace.ledger.eventlog import EventLog
from jitspace.ledger.witness import Witness
from jitspace.services.application import JITspace
from jitspace.settings import Settings
from jitspace.signing import SigningKey, key_id, load_public_key
from jitspace.storage.database import eventsourcing_env
from tests.integration.ledger.test_tamper_evidence import rewrite_history
from tests.support import (
    Jit,
    People,
    ServerThread,
    fresh_database,
    investigation_body,
    log_of,
    open_in_app,
)


def test_the_published_key_is_the_one_that_signs(server: ServerThread, settings: Settings) -> None:
    published = httpx.get(f"{server.url}/ledger/public-key").json()
    assert published["algorithm"] == "Ed25519"
    assert published["key_id"] == key_id(load_public_key(published["public_key_pem"]))
    assert published["key_id"] == settings.signing_key().key_id


def test_a_checkpoint_on_demand_covers_the_head(
    jit: Jit, database_url: str, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    # When an operator signs the head now
    os.environ["JITSPACE_DATABASE_URL"] = database_url
    try:
        assert main(["checkpoint", "--data-dir", str(settings.data_dir)]) == 0
    finally:
        del os.environ["JITSPACE_DATABASE_URL"]
    # Then the checkpoint covers every event so far, with the published key
    head = log_of(jit.leader, jit.id)[-1]["position"]
    assert "signed the log at position" in capsys.readouterr().out
    app = JITspace(env=eventsourcing_env(database_url, settings))
    try:
        assert isinstance(app.recorder, EventLog)
        ledger = Ledger.from_settings(app.recorder, settings)
        latest = ledger.checkpoints()[-1].fields
        assert latest.position >= head
        assert latest.key_id == settings.signing_key().key_id
    finally:
        app.close()


def test_an_empty_log_has_nothing_to_sign(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    os.environ["JITSPACE_DATABASE_URL"] = fresh_database(database_url, "empty")
    try:
        assert main(["checkpoint", "--data-dir", str(tmp_path)]) == 1
        assert "nothing to sign" in capsys.readouterr().err
        # and verifying it says there is nothing to check, rather than OK
        assert main(["verify", "--data-dir", str(tmp_path)]) == 2
        assert "holds no events here: nothing to verify" in capsys.readouterr().err
    finally:
        del os.environ["JITSPACE_DATABASE_URL"]


def test_a_checkpoint_signed_with_another_key_does_not_count(
    database_url: str, tmp_path: Path
) -> None:
    # Given a log whose checkpoint was signed by someone else's key (written to the database)
    url = fresh_database(database_url, "forged")
    settings = Settings(database_url=url, data_dir=tmp_path / "ours")
    app = JITspace(env=eventsourcing_env(url, settings))
    try:
        open_in_app(app, "Log JIT", "JIT-LOG")
        assert isinstance(app.recorder, EventLog)
        forger = SigningKey.load(tmp_path / "theirs.pem", create=True)
        theirs = Ledger(app.recorder, forger, Witness(tmp_path / "theirs.jsonl"))
        theirs.create_table()
        theirs.checkpoint()
        # When the log is verified with the deployment's own key
        report = Ledger.from_settings(app.recorder, settings).verify()
        # Then the forged checkpoint is named, not trusted
        assert [f.kind for f in report.findings] == ["checkpoint"]
        assert "not with this ledger's key" in report.findings[0].detail
    finally:
        app.close()


def test_the_head_of_the_log_is_signed_periodically(database_url: str, tmp_path: Path) -> None:
    # Given a server that signs the head every second, on a database of its own
    url = fresh_database(database_url, "periodic")
    settings = Settings(database_url=url, data_dir=tmp_path, checkpoint_interval_seconds=1)
    with ServerThread(settings) as server:
        people = People(server.url, url)
        # When a JIT is opened
        leader = people.new("fr-leader")
        opened = leader.post("/investigations", json=NEW_JIT)
        assert opened.status_code == 201
        head = log_of(leader, opened.json()["id"])[-1]["position"]
        leader.client.close()
        # Then within a few seconds, without anyone asking, a checkpoint covers it
        app = JITspace(env=eventsourcing_env(url, settings))
        try:
            assert isinstance(app.recorder, EventLog)
            ledger = Ledger.from_settings(app.recorder, settings)
            deadline = time.monotonic() + 20
            while max((c.fields.position for c in ledger.checkpoints()), default=0) < head:
                assert time.monotonic() < deadline, "no periodic checkpoint covered the events"
                time.sleep(0.2)
            assert ledger.verify().findings == []
        finally:
            app.close()


NEW_JIT = investigation_body("Periodic JIT", agreement_reference="JIT-P")


def test_a_member_keeps_the_latest_checkpoint_and_a_rewritten_log_is_not_disclosed(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a server on a database of its own, signing only on demand
    url = fresh_database(database_url, "kept")
    settings = Settings(database_url=url, data_dir=tmp_path, checkpoint_interval_seconds=0)
    with ServerThread(settings) as server:
        people = People(server.url, url)
        leader = people.new("fr-leader")
        assert httpx.get(f"{server.url}/ledger/checkpoints/latest").status_code == 401
        assert leader.get("/ledger/checkpoints/latest").status_code == 404  # none yet
        opened = leader.post("/investigations", json=NEW_JIT)
        assert opened.status_code == 201
        jit_id = opened.json()["id"]
        app = JITspace(env=eventsourcing_env(url, settings))
        try:
            assert isinstance(app.recorder, EventLog)
            signed = Ledger.from_settings(app.recorder, settings).checkpoint()
        finally:
            app.close()
        # When a member fetches the latest checkpoint, then it is the one signed, verifiable
        # with the published key
        kept = leader.get("/ledger/checkpoints/latest")
        assert kept.status_code == 200
        document = msgspec.json.decode(kept.content, type=CheckpointDocument)
        assert document.checkpoint().statement == signed.statement
        assert document.checkpoint().is_signed()
        saved = tmp_path / "kept.json"
        saved.write_bytes(kept.content)
        token = leader.client.headers["Authorization"].removeprefix("Bearer ")

        def check_from_outside() -> tuple[int, str]:
            # the member's own machine: no database, only the server's API
            os.environ["JITSPACE_TOKEN"] = token
            try:
                code = main(["verify", "--server", server.url, "--against", str(saved)])
            finally:
                del os.environ["JITSPACE_TOKEN"]
            return code, capsys.readouterr().out

        assert check_from_outside() == (
            0,
            f"the log at {server.url}: 1 kept checkpoint(s): OK\n",
        )
        assert leader.get("/ledger/chain/999999").status_code == 404
        assert leader.get(f"/ledger/chain/{2**64}").status_code == 404
        # When someone with the database rewrites the history and deletes its checkpoints
        rewrite_history(url, lambda state, at: (state.replace(b"Periodic", b"Harmless"), at))
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DELETE FROM jitspace_checkpoints")
        # Then the member who kept the checkpoint sees the fork from outside
        code, out = check_from_outside()
        position = signed.fields.position
        assert code == 1
        assert f"position {position}: fork: the server's log no longer holds the head" in out
        # and the server refuses to sign a bundle of it, says why, and records nothing
        before = len(log_of(leader, jit_id))
        refused = leader.post(
            f"/investigations/{jit_id}/disclosures", json={"purpose": "disclosure to a court"}
        )
        assert refused.status_code == 503, refused.text
        assert refused.json()["title"] == "Log integrity in doubt"
        assert "jitspace verify" in refused.json()["detail"]
        assert str(tmp_path) not in refused.text
        assert len(log_of(leader, jit_id)) == before
        leader.client.close()
