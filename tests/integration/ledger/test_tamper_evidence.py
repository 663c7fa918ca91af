"""Tampering with the stored log behind JITspace's back, and `jitspace verify` naming it."""

from __future__ import annotations

import os
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec
import psycopg
import pytest

from domain.commands import CreateTask, Disclose
from jitspace.cli import main
from jitspace.disclosure.building import BundleContent
from jitspace.disclosure.checking import verify_bundle
from jitspace.ledger import chain
from jitspace.ledger.checkpoints import Ledger, LogRewritten
from jitspace.ledger.eventlog import EventLog
from jitspace.services.application import JITspace
from jitspace.settings import Settings
from jitspace.storage.database import eventsourcing_env
from tests.processes import jitspace
from tests.support import fresh_database, open_in_app


@dataclass
class Log:
    url: str
    data_dir: Path
    ledger: Ledger
    positions: list[int]
    gap: int  # a position the log skipped, as it does when a conflicting command is refused
    app: JITspace
    leader: uuid.UUID
    investigation_id: uuid.UUID

    def sql(self, statement: str, *params: object) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(statement, params)  # type: ignore[arg-type]

    def alter(self, position: int, assignment: str) -> None:
        """The stored event at `position` altered in the database (`SET assignment`)."""
        self.sql(f"UPDATE jitspace_events SET {assignment} WHERE notification_id = %s", position)

    def disclose(self) -> BundleContent:
        """A disclosure bundle of the investigation, by its leader, as of now."""
        return self.app.disclose(
            self.leader,
            Disclose(
                investigation_id=self.investigation_id,
                purpose="disclosure to the defence",
                as_of=None,
                up_to_position=None,
                withhold_parties=frozenset(),
            ),
            ledger=self.ledger,
        )

    def verify(self, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
        os.environ["JITSPACE_DATABASE_URL"] = self.url
        try:
            code = main(["verify", "--data-dir", str(self.data_dir), *args])
        finally:
            del os.environ["JITSPACE_DATABASE_URL"]
        return code, capsys.readouterr().out

    def keep_latest_checkpoint(self, path: Path) -> Path:
        """The latest checkpoint, kept in a file as `GET /ledger/checkpoints/latest` answers."""
        latest = self.ledger.latest()
        assert latest is not None
        path.write_bytes(msgspec.json.encode(latest.document()))
        return path

    def faulted(self, capsys: pytest.CaptureFixture[str], *args: str) -> str:
        """What `jitspace verify` says of a log it finds at fault (exit status 1)."""
        code, out = self.verify(capsys, *args)
        assert code == 1
        return out


@pytest.fixture
def log(database_url: str, tmp_path: Path) -> Iterator[Log]:
    """A fresh database holding one investigation of 12 events, and a checkpoint of it."""
    url = fresh_database(database_url, "tamper")
    settings = Settings(database_url=url, data_dir=tmp_path)
    app = JITspace(env=eventsourcing_env(url, settings))
    jit, leader = open_in_app(app, "Tamper JIT", "JIT-T")
    for n in range(10):
        if n == 5:
            with psycopg.connect(url) as conn:
                gap = conn.execute("SELECT nextval('jitspace_events_notification_id_seq')")
                gap_position = gap.fetchone()[0]  # type: ignore[index]
        app.create_task(
            leader,
            CreateTask(
                investigation_id=jit.id,
                title=f"task {n}",
                description="",
                due_on=None,
                evidence_ids=(),
                authorisation_ids=(),
            ),
        )
    assert isinstance(app.recorder, EventLog)
    ledger = Ledger.from_settings(app.recorder, settings)
    ledger.create_table()
    ledger.checkpoint()
    positions = [n.id for n in app.recorder.select_notifications(1, limit=100)]
    assert gap_position not in positions
    yield Log(url, tmp_path, ledger, positions, gap_position, app, leader, jit.id)
    app.close()


def test_an_untouched_log_verifies(log: Log) -> None:
    # When a clerk runs `jitspace verify` on the untouched log, as a separate program
    env = {**os.environ, "JITSPACE_DATABASE_URL": log.url}
    done = jitspace("verify", "--data-dir", str(log.data_dir), env=env)
    # Then it passes and says what it checked
    assert done.returncode == 0, done.stdout + done.stderr
    assert "12 events and 1 signed checkpoint(s) checked: OK" in done.stdout


def test_a_log_that_checks_is_read_once_and_held_nowhere(
    log: Log, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the rows the check reads counted, each read as it streams past
    reads: list[int] = []
    rows = Ledger._rows

    def counted(self: Ledger, *args: Any) -> Iterator[Any]:
        reads.append(0)
        for row in rows(self, *args):
            reads[-1] += 1
            yield row

    monkeypatch.setattr(Ledger, "_rows", counted)
    # When the untouched log is checked, it is read once, as a stream
    assert log.ledger.verify().ok
    assert reads == [12]
    # and a log at fault: the streamed pass stops at the fifth event, and the rows are read
    # again, whole, to name what is wrong in every chain
    log.alter(log.positions[4], "state = state || '\\x00'::bytea")
    report = log.ledger.verify()
    assert not report.ok and any(f.position == log.positions[4] for f in report.findings)
    assert reads == [12, 5, 12]


def test_one_changed_byte_is_named(log: Log, capsys: pytest.CaptureFixture[str]) -> None:
    # Given one byte of the fifth event's stored state changed ("task 2" -> "task 3")
    fifth = log.positions[4]
    log.alter(
        fifth,
        "state = overlay(state placing '3'::bytea from position('task 2'::bytea in state) + 5)",
    )
    # When the log is verified, then that event is named as altered
    out = log.faulted(capsys)
    assert f"position {fifth}: altered" in out


def test_a_deleted_event_is_named(log: Log, capsys: pytest.CaptureFixture[str]) -> None:
    deleted, after = log.positions[6], log.positions[7]
    log.sql("DELETE FROM jitspace_events WHERE notification_id = %s", deleted)
    out = log.faulted(capsys)
    assert (
        f"position {after}: missing: events are missing between position {log.positions[5]}" in out
    )


def test_two_swapped_events_are_named(log: Log, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = log.positions[3], log.positions[8]
    log.sql("UPDATE jitspace_events SET notification_id = -1 WHERE notification_id = %s", a)
    log.sql("UPDATE jitspace_events SET notification_id = %s WHERE notification_id = %s", a, b)
    log.sql("UPDATE jitspace_events SET notification_id = %s WHERE notification_id = -1", b)
    out = log.faulted(capsys)
    assert f"position {a}: reordered: the event at position {a} was recorded at position {b}" in out
    assert f"position {b}: reordered: the event at position {b} was recorded at position {a}" in out


def test_a_forged_event_is_named(log: Log, capsys: pytest.CaptureFixture[str]) -> None:
    # Given a forger who knows the layout puts a well-formed event into a gap of the log,
    # hashed and linked to the event before it
    before = max(p for p in log.positions if p < log.gap)
    with psycopg.connect(log.url) as conn:
        row = conn.execute(
            "SELECT originator_id, investigation_id, topic, state, chain_hash, "
            "investigation_hash, recorded_at FROM jitspace_events WHERE notification_id = %s",
            (before,),
        ).fetchone()
        assert row is not None
        originator_id, investigation_id, topic, state, link, investigation_link, at = row
        state = bytes(state).replace(b"task", b"fake")
        digest = chain.event_hash(
            log.gap, originator_id, 2, investigation_id, at, topic, chain.state_sha256(state)
        )
        conn.execute(
            "INSERT INTO jitspace_events VALUES (%s, %s, 2, %s, %s, %s, %s, %s, %s, %s)",
            (
                log.gap,
                originator_id,
                topic,
                state,
                investigation_id,
                at,
                digest,
                chain.link(bytes(link), digest),
                chain.link(bytes(investigation_link), digest),
            ),
        )
    # When the log is verified, then the forged event is named
    out = log.faulted(capsys)
    assert f"position {log.gap}: inserted" in out
    assert "altered" not in out


def test_a_truncated_tail_is_named(log: Log, capsys: pytest.CaptureFixture[str]) -> None:
    # Given the last three events, covered by the checkpoint, are deleted
    log.sql("DELETE FROM jitspace_events WHERE notification_id > %s", log.positions[-4])
    out = log.faulted(capsys)
    assert (
        f"position {log.positions[-1]}: truncated: the events end at position "
        f"{log.positions[-4]}" in out
    )


def rewrite_history(url: str, change: Callable[[bytes, datetime], tuple[bytes, datetime]]) -> None:
    """What a forger with the database and the layout does: change the stored events
    (`change` of each state and recorded_at) and recompute every hash consistently."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT notification_id, originator_id, originator_version, investigation_id, "
            "recorded_at, topic, state FROM jitspace_events ORDER BY notification_id"
        ).fetchall()
        link = chain.GENESIS
        links: dict[uuid.UUID, bytes] = {}
        for position, oid, version, iid, at, topic, state in rows:
            state, at = change(bytes(state), at)
            digest = chain.event_hash(
                position, oid, version, iid, at, topic, chain.state_sha256(state)
            )
            link = chain.link(link, digest)
            links[iid] = chain.link(links.get(iid, chain.GENESIS), digest)
            conn.execute(
                "UPDATE jitspace_events SET state = %s, recorded_at = %s, event_hash = %s, "
                "chain_hash = %s, investigation_hash = %s WHERE notification_id = %s",
                (state, at, digest, link, links[iid], position),
            )


def task_9_renamed(state: bytes, at: datetime) -> tuple[bytes, datetime]:
    return state.replace(b"task 9", b"task X"), at


def test_a_rewritten_history_does_not_match_its_checkpoint(
    log: Log, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a forger rewrites an event and recomputes every hash after it consistently
    rewrite_history(log.url, task_9_renamed)
    # Then only the signed checkpoint gives it away, and verify says so
    out = log.faulted(capsys)
    assert f"position {log.positions[-1]}: checkpoint: the history up to position" in out
    assert "altered" not in out


def test_a_rewrite_whose_checkpoints_were_deleted_is_caught_by_the_witness_file(
    log: Log, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a forger with the database (not the signing key, not the witness file) rewrites
    # an event, recomputes every hash and deletes every checkpoint stored in the database
    rewrite_history(log.url, task_9_renamed)
    log.sql("DELETE FROM jitspace_checkpoints")
    # When the log is verified, then the witness file gives the rewrite away: its checkpoint
    # is gone from the database, and the history no longer reaches the head it signed
    out = log.faulted(capsys)
    last = log.positions[-1]
    assert f"position {last}: checkpoint: the checkpoint of the log up to position {last}" in out
    assert "is in the witness file" in out and "no longer in the database" in out
    assert f"position {last}: checkpoint: the history up to position {last} differs" in out
    # and the signer refuses to vouch for the rewritten log, on demand or for a bundle
    os.environ["JITSPACE_DATABASE_URL"] = log.url
    try:
        assert main(["checkpoint", "--data-dir", str(log.data_dir)]) == 1
    finally:
        del os.environ["JITSPACE_DATABASE_URL"]
    assert f"the log no longer holds the head signed at position {last}" in capsys.readouterr().err
    with pytest.raises(LogRewritten):
        log.disclose()


def test_a_deleted_witness_file_and_checkpoints_fail_once_the_log_should_be_signed(
    log: Log, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a log recorded an hour ago (the head is signed every 5 minutes), whose
    # checkpoints were all deleted, from the database and the witness file alike
    rewrite_history(log.url, lambda state, at: (state, at - timedelta(hours=1)))
    log.sql("DELETE FROM jitspace_checkpoints")
    (log.data_dir / "witness.jsonl").unlink()
    # When the log is verified, then it is not accepted: it should have been signed long ago
    out = log.faulted(capsys)
    assert (
        f"position {log.positions[-1]}: unsigned: 12 event(s) up to position "
        f"{log.positions[-1]} were recorded more than 600 s ago, yet no signed checkpoint "
        "covers them" in out
    )


def test_a_kept_checkpoint_catches_a_rewrite_that_left_no_trace_in_the_deployment(
    log: Log, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Given a member kept the latest checkpoint of the log (GET /ledger/checkpoints/latest)
    kept = log.keep_latest_checkpoint(tmp_path / "kept-checkpoint.json")
    # and an operator with the database and the witness file rewrote the history since,
    # removing every checkpoint, so that the deployment alone no longer tells
    rewrite_history(log.url, task_9_renamed)
    log.sql("DELETE FROM jitspace_checkpoints")
    (log.data_dir / "witness.jsonl").unlink()
    assert log.verify(capsys)[0] == 0
    # When the log is verified against the kept checkpoint, then the rewrite is named
    out = log.faulted(capsys, "--against", str(kept))
    assert f"position {log.positions[-1]}: checkpoint: the history up to position" in out


def test_an_untouched_log_holds_a_kept_checkpoint(
    log: Log, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    kept = log.keep_latest_checkpoint(tmp_path / "kept-checkpoint.json")
    log.disclose()  # the log moves on
    code, out = log.verify(capsys, "--against", str(kept))
    assert code == 0, out


def test_a_moved_recording_time_is_named(log: Log, capsys: pytest.CaptureFixture[str]) -> None:
    # Given one event's recording time, which decides what `as_of` reads answer, moved back
    # a day in the database (its state and every hash left as they were)
    moved = log.positions[4]
    log.alter(moved, "recorded_at = recorded_at - interval '1 day'")
    # When the log is verified, then that event is named as altered
    out = log.faulted(capsys)
    assert f"position {moved}: altered: the event at position {moved} does not match" in out


def test_a_broken_investigation_link_is_named_by_the_whole_log_check(
    log: Log, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given the link of one event in its investigation's chain (what disclosures of that
    # investigation rest on) overwritten, the log's own chain left whole
    broken = log.positions[6]
    log.alter(broken, "investigation_hash = sha256(investigation_hash)")
    # When the whole log is verified, then the investigation's chain is checked too
    out = log.faulted(capsys)
    assert f"position {broken}: missing: in the chain of investigation" in out


def test_a_court_holding_an_earlier_bundle_catches_a_rewritten_history_in_a_later_one(
    log: Log, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Given a court received a bundle of the investigation
    earlier = tmp_path / "earlier.zip"
    earlier.write_bytes(log.disclose().data)
    # and an operator with the database and the witness file rewrote the history since,
    # removing every checkpoint, so that the deployment signs a new bundle of it
    rewrite_history(log.url, task_9_renamed)
    log.sql("DELETE FROM jitspace_checkpoints")
    (log.data_dir / "witness.jsonl").unlink()
    later = tmp_path / "later.zip"
    later.write_bytes(log.disclose().data)
    assert verify_bundle(later).ok  # on its own, a consistent rewrite signed anew
    # When the court checks the later bundle against the earlier one, then the rewrite shows
    assert main(["verify", str(later), "--against", str(earlier)]) == 1
    out = capsys.readouterr().out
    assert f"position {log.positions[-1]}: checkpoint: the history up to position" in out


def test_a_later_bundle_of_an_untouched_history_holds_the_earlier_bundles_checkpoint(
    log: Log, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    earlier, later = tmp_path / "earlier.zip", tmp_path / "later.zip"
    earlier.write_bytes(log.disclose().data)
    later.write_bytes(log.disclose().data)
    publisher = tmp_path / "publisher.pem"  # the key the court already trusts
    with zipfile.ZipFile(earlier) as bundle:
        publisher.write_bytes(bundle.read("public-key.pem"))
    checked = ["verify", str(later), "--public-key", str(publisher), "--against", str(earlier)]
    assert main(checked) == 0, capsys.readouterr().out
    # and the other way round, the earlier bundle cannot answer for the later one
    assert main(["verify", str(earlier), "--against", str(later)]) == 1
    assert "check the bundle that checkpoint came from against this one" in capsys.readouterr().out


def test_a_checkpoint_row_that_cannot_be_read_is_named(
    log: Log, capsys: pytest.CaptureFixture[str]
) -> None:
    log.sql(
        "INSERT INTO jitspace_checkpoints (scope, position, statement, signature, public_key) "
        "VALUES ('log', 1, 'not json', '', '')"
    )
    out = log.faulted(capsys)
    assert "checkpoint: a stored checkpoint cannot be read" in out
    assert "position 0" not in out
