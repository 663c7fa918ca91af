"""`jitspace evidence verify`: re-hash stored files from the command line, on record."""

from __future__ import annotations

import os
import subprocess
import time

from jitspace.settings import Settings
from tests.processes import jitspace
from tests.support import Jit, evidence_body, log_of


def test_evidence_verify_rehashes_files_and_records_a_violation(
    jit: Jit, settings: Settings, database_url: str
) -> None:
    created = jit.investigator.post(jit.path("/evidence"), json=evidence_body(reference="BE-CLI-1"))
    item = created.json()["id"]
    data = f"ledger {time.time_ns()}".encode()
    file = jit.investigator.post(
        jit.path(f"/evidence/{item}/files"), params={"name": "ledger.pdf"}, content=data
    ).json()["file"]
    jit.leader.get(jit.path("/evidence"))  # the register is caught up

    def verify() -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "JITSPACE_DATABASE_URL": database_url}
        return jitspace(
            *("evidence", "verify", "--as", jit.legal.username, "--investigation", jit.id),
            *("--data-dir", str(settings.data_dir)),
            env=env,
        )

    passed = verify()
    assert passed.returncode == 0, passed.stderr
    assert "1 files verified, 0 integrity violations" in passed.stdout
    stored = settings.data_dir / "blobs" / "sha256" / file["sha256"][:2] / file["sha256"]
    stored.chmod(0o600)
    stored.write_bytes(b"forged")
    failed = verify()
    assert failed.returncode == 1, failed.stderr
    assert "violated" in failed.stdout
    last = log_of(jit.leader, jit.id)[-1]
    assert last["type"] == "EvidenceItem.IntegrityViolated"
    assert last["actor"]["user_id"] == str(jit.legal.user_id)
