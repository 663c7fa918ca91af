"""`jitspace case export` and `jitspace case import` (CASE, JSON lines, CSV) on the command
line: the same documents as the API, an import's progress on stderr, and a refusal's reasons
by node or by line."""

from __future__ import annotations

import json
from pathlib import Path

from jitspace.settings import Settings
from tests.integration.interchange.case_support import PHONE_IMAGE, REPORT, archive, record_evidence
from tests.integration.interchange.plain_support import csv_text, json_lines, row
from tests.processes import cluster_env, jitspace
from tests.support import Jit, People, case_document, log_of, open_investigation


def test_an_export_written_by_the_cli_imports_with_progress(
    people: People, jit: Jit, settings: Settings, database_url: str, tmp_path: Path
) -> None:
    record_evidence(jit)
    env = cluster_env(database_url, settings.data_dir)
    output = tmp_path / "evidence.jsonld"

    exported = jitspace(
        "case",
        "export",
        jit.id,
        "--as",
        jit.leader.username,
        "--output",
        str(output),
        "--validate",
        env=env,
    )
    assert exported.returncode == 0, exported.stdout + exported.stderr
    assert "Conforms: True" in exported.stdout
    document = json.loads(output.read_text())
    bundle = tmp_path / "extraction.zip"
    bundle.write_bytes(archive(document, {"phone": PHONE_IMAGE, "report": REPORT}))
    empty = open_investigation(people)

    imported = jitspace(
        "case", "import", empty.id, str(bundle), "--as", empty.leader.username, env=env
    )

    assert imported.returncode == 0, imported.stderr
    assert "items validated: 2 of 2" in imported.stderr
    assert "files stored: 2 of 2" in imported.stderr
    assert "events recorded:" in imported.stderr
    assert "FR-PHONE-1 (1 files)" in imported.stdout


def test_a_refused_import_names_each_node_and_records_nothing(
    jit: Jit, settings: Settings, database_url: str, tmp_path: Path
) -> None:
    record_evidence(jit)
    document = case_document("FR-PHONE-1")  # the investigation holds it already
    path = tmp_path / "extraction.jsonld"
    path.write_text(json.dumps(document))
    before = len(log_of(jit.leader, jit.id))

    refused = jitspace(
        "case",
        "import",
        jit.id,
        str(path),
        "--as",
        jit.leader.username,
        env=cluster_env(database_url, settings.data_dir),
    )

    assert refused.returncode == 1
    assert '$["@graph"][0] (kb:file-1): the investigation already holds' in refused.stderr
    assert len(log_of(jit.leader, jit.id)) == before


def test_json_lines_import_on_the_cli_with_a_progress_line_per_batch(
    jit: Jit, settings: Settings, database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "extraction.jsonl"
    path.write_bytes(json_lines([row(f"FR-BULK-{n}") for n in range(2500)]))

    imported = jitspace(
        "case",
        "import",
        jit.id,
        str(path),
        "--as",
        jit.leader.username,
        env=cluster_env(database_url, settings.data_dir),
    )

    assert imported.returncode == 0, imported.stderr
    progress = imported.stderr.splitlines()
    assert progress == [
        "rows checked: 2000",
        "rows checked: 2500 of 2500",
        "items recorded: 2000 of 2500",
        "items recorded: 2500 of 2500",
        "events recorded: 2500 of 2500",
    ]
    assert len(imported.stdout.splitlines()) == 2500
    assert "FR-BULK-2499 (0 files)" in imported.stdout


def test_a_refused_csv_import_names_each_line_and_records_nothing(
    jit: Jit, settings: Settings, database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "extraction.csv"
    path.write_bytes(csv_text([row("FR-CSV-1"), row("FR-CSV-1"), row("FR-CSV-2", party="AT")]))
    before = len(log_of(jit.leader, jit.id))

    refused = jitspace(
        "case",
        "import",
        jit.id,
        str(path),
        "--as",
        jit.leader.username,
        env=cluster_env(database_url, settings.data_dir),
    )

    assert refused.returncode == 1
    assert "line 3: the reference 'FR-CSV-1' is also that of line 2" in refused.stderr
    assert "line 4: AT is not a party of this investigation" in refused.stderr
    assert len(log_of(jit.leader, jit.id)) == before
