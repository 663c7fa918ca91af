"""`jitspace disclose` on the command line: a bundle that verifies offline, its progress on
stderr as the events are written, and a refusal in words that writes nothing."""

from __future__ import annotations

from pathlib import Path

from jitspace.disclosure.checking import verify_bundle
from jitspace.settings import Settings
from tests.processes import cluster_env, jitspace
from tests.support import Jit, log_of, register_item


def test_a_bundle_written_by_the_cli_verifies_and_its_progress_is_shown(
    jit: Jit, settings: Settings, database_url: str, tmp_path: Path
) -> None:
    register_item(jit.leader, jit, reference="FR-PHONE")
    events = len(log_of(jit.legal, jit.id))
    output = tmp_path / "bundle.zip"

    written = jitspace(
        "disclose",
        jit.id,
        "--as",
        jit.legal.username,
        "--purpose",
        "disclosure to the defence",
        "--output",
        str(output),
        env=cluster_env(database_url, settings.data_dir),
    )

    assert written.returncode == 0, written.stdout + written.stderr
    assert f"disclose: {events} events written" in written.stderr
    report = verify_bundle(output)
    assert report.ok, report.findings
    assert report.events_checked == events


def test_a_member_who_may_not_disclose_is_refused_in_words(
    jit: Jit, settings: Settings, database_url: str, tmp_path: Path
) -> None:
    before = len(log_of(jit.leader, jit.id))
    output = tmp_path / "bundle.zip"

    refused = jitspace(
        "disclose",
        jit.id,
        "--as",
        jit.investigator.username,
        "--purpose",
        "curiosity",
        "--output",
        str(output),
        env=cluster_env(database_url, settings.data_dir),
    )

    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "jitspace:" in refused.stderr
    assert not output.exists()
    assert len(log_of(jit.leader, jit.id)) == before
