"""Items imported from a CASE/UCO archive, all or none: the export of an investigation
imported into an empty one gives the same items, files and hashes; a CASE example made by
another tool imports; bad input is refused with every problem named by its node (place in
the document and @id) and leaves no event and no file."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from jitspace.settings import Settings
from tests.integration.interchange.case_support import (
    PHONE_IMAGE,
    REPORT,
    archive,
    export,
    record_evidence,
    twice_the_same_file,
)
from tests.storage import stored_files
from tests.support import Jit, People, Person, case_document, log_of, open_investigation

EXAMPLE = Path(__file__).parents[2] / "data" / "case" / "exif_data.json"
ZIP = {"Content-Type": "application/zip"}
JSON_LD = {"Content-Type": "application/ld+json"}


def import_archive(person: Person, jit: Jit, body: bytes, headers: dict[str, str] = ZIP) -> Any:
    return person.post(jit.path("/evidence/imports"), content=body, headers=headers)


def items_of(person: Person, jit: Jit) -> list[dict[str, Any]]:
    """Each item as recorded: what it is, how it was collected, its files and hashes."""
    register = person.get(jit.path("/evidence"))
    assert register.status_code == 200, register.text
    items = []
    for summary in register.json():
        item = person.get(jit.path(f"/evidence/{summary['id']}")).json()
        items.append(
            {
                "reference": item["reference"],
                "country": item["country"],
                "kind": item["kind"],
                "description": item["description"],
                "collected_at": item["collected_at"],
                "collected_by": item["collected_by"],
                "place": item["place"],
                "method": item["method"],
                "files": sorted(
                    (f["name"], f["media_type"], f["sha256"], f["size"]) for f in item["files"]
                ),
            }
        )
    return sorted(items, key=lambda i: i["reference"])


def normalized(document: dict[str, Any]) -> list[Any]:
    """The items and files of an exported graph, without the ids one investigation gives."""

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in ("@id", "uco-core:createdBy")}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    kept = [
        n
        for n in document["@graph"]
        if n["@type"] in ("uco-observable:ObservableObject", "uco-observable:File")
    ]
    for node in kept:
        node.pop("uco-core:objectCreatedTime", None)  # when it was registered: the import's
    return sorted(json.dumps(strip(n), sort_keys=True) for n in kept)


def nothing_left(person: Person, jit: Jit, settings: Settings) -> tuple[int, set[str]]:
    return len(log_of(person, jit.id)), stored_files(settings.data_dir / "blobs")


def test_an_export_imported_into_an_empty_investigation_gives_the_same_items(
    people: People, jit: Jit
) -> None:
    record_evidence(jit)
    exported = export(jit.leader, jit)
    empty = open_investigation(people)

    imported = import_archive(
        empty.leader, empty, archive(exported, {"a": PHONE_IMAGE, "b": REPORT})
    )

    assert imported.status_code == 201, imported.text
    assert {i["reference"] for i in imported.json()["items"]} == {"FR-PHONE-1", "FR-REPORT-1"}
    assert imported.json()["files_stored"] == 2
    assert items_of(empty.leader, empty) == items_of(jit.leader, jit)
    assert normalized(export(empty.leader, empty)) == normalized(exported)
    phone = next(i for i in imported.json()["items"] if i["reference"] == "FR-PHONE-1")
    item = empty.leader.get(empty.path(f"/evidence/{phone['id']}")).json()
    content = empty.leader.get(
        empty.path(f"/evidence/{phone['id']}/files/{item['files'][0]['id']}/content"),
        params={"purpose": "compare with the original"},
    )
    assert content.status_code == 200, content.text
    assert content.content == PHONE_IMAGE


def test_a_case_example_made_by_another_tool_imports_its_file_as_an_item(jit: Jit) -> None:
    imported = import_archive(jit.investigator, jit, EXAMPLE.read_bytes(), JSON_LD)

    assert imported.status_code == 201, imported.text
    assert imported.json()["files_stored"] == 0
    [item] = items_of(jit.investigator, jit)
    assert item["reference"] == "kb:digital_photograph1"
    assert item["country"] == "BE"
    assert item["kind"] == "document"
    assert item["collected_at"] == "2010-01-15T17:59:43.250000Z"
    assert item["method"] == "photo_taken with kb:camera1"
    assert item["description"].startswith("IMG_0123.jpg (/sdcard/IMG_0123.jpg)")
    # the graph declares the photograph's hash but the document carries no bytes: the item is
    # registered without a file, and its description keeps what the graph declared
    assert item["files"] == []
    assert (
        "not in the archive: IMG_0123.jpg (SHA-256 "
        "6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b, 35002 bytes)"
    ) in item["description"]


def unknown_party(document: dict[str, Any]) -> None:
    document["@graph"].append(
        {
            "@id": "kb:organization-1",
            "@type": "uco-identity:Organization",
            "uco-core:name": "Atlantis",
            "uco-core:tag": ["jitspace-party:AT"],
        }
    )
    document["@graph"][0]["uco-core:createdBy"] = {"@id": "kb:organization-1"}


BAD = {
    "broken JSON-LD": (
        lambda document: None,
        b'{"@graph": [\n  {"@id": "kb:file-1",\n  }\n]}',
        "document",
        "broken JSON at line 3, column 3",
    ),
    "a hash that does not match its file": (
        lambda document: None,
        None,
        '$["@graph"][0] (kb:file-1)',
        "hash to " + hashlib.sha256(b"tampered").hexdigest(),
    ),
    "a reference that exists": (
        lambda document: document["@graph"][0].update({"uco-core:name": "FR-PHONE-1"}),
        None,
        '$["@graph"][0] (kb:file-1)',
        "already holds evidence item 'FR-PHONE-1'",
    ),
    "an unknown party": (
        unknown_party,
        None,
        '$["@graph"][0] (kb:file-1)',
        "its party AT",
    ),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_input_is_refused_by_node_and_leaves_nothing(
    jit: Jit, settings: Settings, case: str
) -> None:
    record_evidence(jit)
    change, raw, where, reason = BAD[case]
    document = copy.deepcopy(case_document("FR-CHAT-1"))
    change(document)
    body = raw if raw is not None else archive(document, {})
    if case.startswith("a hash"):  # other bytes under the name of the file's hash
        body = archive(document, {}, {hashlib.sha256(b"chat").hexdigest(): b"tampered"})
    before = nothing_left(jit.leader, jit, settings)

    refused = import_archive(jit.leader, jit, body)

    assert refused.status_code == 422, refused.text
    errors = refused.json()["errors"]
    assert any(e["field"] == where and reason in e["message"] for e in errors), errors
    assert nothing_left(jit.leader, jit, settings) == before


def test_an_import_refused_after_its_files_were_stored_removes_them(
    jit: Jit, settings: Settings
) -> None:
    document = twice_the_same_file()
    before = nothing_left(jit.leader, jit, settings)

    refused = import_archive(jit.leader, jit, archive(document, {"chat": b"chat"}))

    assert refused.status_code == 422, refused.text
    assert "already attached" in refused.json()["detail"]
    assert nothing_left(jit.leader, jit, settings) == before
