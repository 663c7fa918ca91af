"""An investigation's evidence, custody and provenance exported as CASE/UCO JSON-LD: the
CASE project's validator accepts it, and it holds what the member may read, no more."""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration.interchange.case_support import case_validate, export, record_evidence
from tests.support import Jit, log_of

UCO_FILE = "uco-observable:File"


def test_the_export_of_a_recorded_investigation_passes_case_validate(
    jit: Jit, tmp_path: Path
) -> None:
    record_evidence(jit)

    document = export(jit.investigator, jit)
    path = tmp_path / "evidence.jsonld"
    path.write_text(json.dumps(document))
    checked = case_validate(path)

    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Conforms: True" in checked.stdout, checked.stdout
    nodes = document["@graph"]
    names = {n.get("uco-core:name") for n in nodes}
    assert {"FR-PHONE-1", "FR-REPORT-1", "Capitaine Martin", "Received"} <= names
    files = [n for n in nodes if n["@type"] == UCO_FILE]
    assert len(files) == 2


def test_a_member_is_not_given_the_items_their_party_may_not_read(jit: Jit) -> None:
    phone, _ = record_evidence(jit)
    restricted = jit.leader.post(
        jit.path(f"/evidence/{phone['id']}/handling"), json={"description_to": ["BE"]}
    )
    assert restricted.status_code == 200, restricted.text

    for_belgium = json.dumps(export(jit.investigator, jit))
    for_netherlands = json.dumps(export(jit.legal, jit))

    assert "FR-PHONE-1" in for_belgium and "Samsung" in for_belgium
    assert "FR-PHONE-1" not in for_netherlands and "Samsung" not in for_netherlands
    assert "FR-REPORT-1" in for_netherlands


def test_the_export_as_of_a_past_point_holds_what_was_recorded_by_then(jit: Jit) -> None:
    record_evidence(jit)
    position = log_of(jit.leader, jit.id)[-1]["position"]
    later = jit.leader.post(
        jit.path("/evidence"),
        json={
            "reference": "FR-LATER",
            "kind": "document",
            "description": "found later",
            "occurred_at": "2024-06-01T10:00:00Z",
            "collected_by": "X",
            "place": "Paris",
            "method": "seizure",
        },
    )
    assert later.status_code == 201, later.text

    then = json.dumps(export(jit.leader, jit, as_of=str(position)))
    now = json.dumps(export(jit.leader, jit))

    assert "FR-PHONE-1" in then and "FR-LATER" not in then
    assert "FR-LATER" in now
