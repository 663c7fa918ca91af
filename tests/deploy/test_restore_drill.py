"""The restore drill: back up during writes, lose the database, restore it to a point in time.

PostgreSQL 18 archives its WAL with infra/backup/postgresql-archiving.conf; `jitspace serve`
takes evidence items through its API while infra/backup/base-backup.sh copies the database;
the database is then destroyed (the server dies, its data directory goes) and with it the
signing key's file; infra/backup/restore.sh brings the database back to a moment T between
two acknowledged commands, the key comes back from escrow (escrow-signing-key.sh), and the
witness file is trimmed to the restored log (trim-witness.sh). Every command acknowledged
before T is there exactly once, none after, and `jitspace verify` passes.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import httpx
import psycopg

from tests.deploy.restore_drill import (
    BACKUP_TOOLS,
    Postgres,
    Writer,
    archive_command,
    items_answered,
    registrations,
)
from tests.processes import Process, cluster_env, jitspace
from tests.support import PASSWORD, People, evidence_body, free_port, open_investigation


def operator(*args: str | Path, env: dict[str, str] | None = None) -> str:
    """One of the backup tools, run by the operator (who runs JITspace)."""
    done = subprocess.run(
        [str(arg) for arg in args], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
    return done.stderr


def test_restore_to_a_point_in_time_keeps_every_command_acknowledged_before_it(
    tmp_path: Path,
) -> None:
    with Postgres(tmp_path / "postgres") as postgres:
        drill(postgres, tmp_path)


def drill(postgres: Postgres, tmp_path: Path) -> None:
    postgres.initdb()
    postgres.start()
    with psycopg.connect(postgres.url(), autocommit=True) as connection:
        connection.execute("CREATE DATABASE jitspace")
    database_url = postgres.url("jitspace")

    data_dir = tmp_path / "jitspace"
    data_dir.mkdir()
    key = data_dir / "signing-key.pem"
    operator("openssl", "genpkey", "-algorithm", "ed25519", "-out", key)
    escrow = tmp_path / "escrow"
    escrow.mkdir()
    (escrow / "officer-a").write_text("the first officer's passphrase\n")
    (escrow / "officer-b").write_text("the second officer's passphrase\n")
    escrowed = escrow / "signing-key.escrow"
    operator(
        BACKUP_TOOLS / "escrow-signing-key.sh",
        "seal",
        key,
        escrowed,
        escrow / "officer-a",
        escrow / "officer-b",
    )
    env = cluster_env(database_url, data_dir, JITSPACE_SIGNING_KEY_FILE=str(key))
    assert jitspace("migrate", env=env).returncode == 0

    server = Process("serve", env, data_dir / "serve.log", free_port()).start()
    people = People(server.url, database_url)
    try:
        jit = open_investigation(people)
        with Writer(jit.leader.client, jit.id, database_url) as writer:
            writer.wait_for(10)
            before_backup = len(writer.acknowledged)
            backup = Path(postgres.script("base-backup.sh", postgres.backups).strip())
            acknowledged_during_backup = len(writer.acknowledged) - before_backup
            writer.wait_for(len(writer.acknowledged) + 10)
            signed = jitspace("checkpoint", env=env)
            assert signed.returncode == 0, signed.stderr
            writer.wait_for(len(writer.acknowledged) + 10)
            target, before = writer.mark()
            writer.wait_for(before + 15)
            signed_after = jitspace("checkpoint", env=env)
            assert signed_after.returncode == 0, signed_after.stderr
            writer.wait_for(len(writer.acknowledged) + 5)
        assert not writer.refused, writer.refused
        # the archive holds T and what came after it: the segment being written is closed
        postgres.switch_wal()
    finally:
        server.stop()
        for person in people.made:
            person.client.close()

    # the database is lost, and the key's file with the host
    postgres.destroy()
    key.unlink()

    postgres.script(
        "restore.sh", "--start", postgres.backups, postgres.archive, postgres.data, str(target)
    )
    operator(
        BACKUP_TOOLS / "escrow-signing-key.sh",
        "unseal",
        escrowed,
        key,
        escrow / "officer-a",
        escrow / "officer-b",
    )
    operator(
        BACKUP_TOOLS / "trim-witness.sh", data_dir / "witness.jsonl", "jitspace", env=postgres.env
    )
    set_aside = list(data_dir.glob("witness.jsonl.before-restore-*"))

    migrated = jitspace("migrate", env=env)
    verified = jitspace("verify", env=env)
    kept = writer.acknowledged[:before]
    lost = writer.acknowledged[before:]
    in_log = registrations(database_url)
    server = Process("serve", env, data_dir / "restored.log", free_port()).start()
    try:
        client = httpx.Client(base_url=server.url, timeout=30)
        login = client.post(
            "/auth/login", json={"username": jit.leader.username, "password": PASSWORD}
        )
        assert login.status_code == 200, login.text
        client.headers["Authorization"] = f"Bearer {login.json()['token']}"
        answered = items_answered(client, jit.id, [item.item_id for item in writer.acknowledged])
        health = client.get("/health").status_code
        after_restore = client.post(
            f"/investigations/{jit.id}/evidence",
            json=evidence_body(reference="AFTER-RESTORE"),
        )
        signed_again = jitspace("checkpoint", env=env)
        verified_again = jitspace("verify", env=env)
    finally:
        server.stop()
    with_old_witness = jitspace("verify", env={**env, "JITSPACE_WITNESS_FILE": str(set_aside[0])})

    print(verified.stdout, verified_again.stdout, sep="")
    replayed = postgres.restore_log.read_text()
    assert "from archive" in replayed  # the segments after the backup came from the archive
    assert "recovery stopping before commit of transaction" in replayed
    assert "archive recovery complete" in replayed
    assert backup.parent == postgres.backups
    assert acknowledged_during_backup > 0, "the writes went on while the backup was taken"
    assert len(kept) >= 30
    assert len(lost) >= 15
    assert migrated.returncode == 0
    assert "up to date" in migrated.stdout, migrated.stdout
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "1 signed checkpoint(s) checked: OK" in verified.stdout, verified.stdout
    assert all(in_log.get(item.item_id) == 1 for item in kept), [
        (item.reference, in_log.get(item.item_id)) for item in kept
    ]
    assert not any(item.item_id in in_log for item in lost)
    assert all(answered[item.item_id] == 200 for item in kept)
    assert all(answered[item.item_id] == 404 for item in lost)
    assert health == 200
    assert after_restore.status_code == 201, after_restore.text
    assert signed_again.returncode == 0, signed_again.stderr
    assert verified_again.returncode == 0, verified_again.stdout + verified_again.stderr
    assert "2 signed checkpoint(s) checked: OK" in verified_again.stdout
    # the witness file as it was still says what the restore cut off
    assert len(set_aside) == 1
    assert with_old_witness.returncode == 1
    assert "no longer in the database" in with_old_witness.stdout


def archive(segment: Path, archive_dir: Path | None) -> int:
    """The archiving settings' archive_command run on one segment, as PostgreSQL runs it."""
    command = archive_command().replace("%p", str(segment)).replace("%f", segment.name)
    env = {key: value for key, value in os.environ.items() if key != "JITSPACE_WAL_ARCHIVE"}
    if archive_dir is not None:
        env["JITSPACE_WAL_ARCHIVE"] = str(archive_dir)
    return subprocess.run(
        ["sh", "-c", command], env=env, capture_output=True, check=False
    ).returncode


def test_the_archive_takes_a_segment_whole_once_and_never_overwrites_a_different_one(
    tmp_path: Path,
) -> None:
    archive_dir = tmp_path / "archive"
    archive_dir.mkdir()
    segment = tmp_path / "000000010000000000000007"
    segment.write_bytes(b"first" * 1000)

    archived = archive(segment, archive_dir)
    again = archive(segment, archive_dir)  # after a crash, PostgreSQL may archive it again
    segment.write_bytes(b"other" * 1000)
    different = archive(segment, archive_dir)
    unset = archive(tmp_path / "000000010000000000000007", None)

    assert (archived, again) == (0, 0)
    assert different != 0
    assert unset != 0
    assert (archive_dir / segment.name).read_bytes() == b"first" * 1000
    assert sorted(p.name for p in archive_dir.iterdir()) == [segment.name]
