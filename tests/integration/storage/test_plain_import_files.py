"""A plain import stores the files of its archive in either store, or takes a file the store
holds already; refused, once it had stored files, it takes them out again: neither store
keeps a file no record claims."""

from __future__ import annotations

import hashlib
import uuid

from tests.integration.interchange.plain_support import (
    CHAT,
    PHOTO,
    ZIP,
    json_lines,
    recorded_items,
    row,
    send,
    with_file,
    zipped,
)
from tests.integration.storage.stores import Store
from tests.support import Jit, log_of

SCAN = b"a scan the laboratory put in the store\n" * 50


def test_files_from_the_archive_and_the_store_are_recorded_and_read_back(
    team: Jit, store: Store
) -> None:
    in_store = store.adapter().put([SCAN], max_bytes=1 << 20, declared_sha256=None)
    # bytes no other test stored: the directory store keeps identical bytes once
    chat = CHAT + uuid.uuid4().bytes
    rows = [
        with_file("FR-ST-1", "chat.db", chat),
        row(
            "FR-ST-2",
            storage_key=in_store.key,
            sha256=hashlib.sha256(SCAN).hexdigest(),
            file_name="scan.pdf",
        ),
    ]
    before = store.contents()

    imported = send(
        team.leader, team, zipped("items.jsonl", json_lines(rows), {"chat.db": chat}), ZIP
    )

    assert imported.status_code == 201, imported.text
    assert imported.json()["files_stored"] == 1
    assert len(store.contents() - before) == 1
    items = recorded_items(team.leader, team)
    assert items["FR-ST-2"]["files"] == [
        ("scan.pdf", "application/pdf", hashlib.sha256(SCAN).hexdigest(), len(SCAN))
    ]
    for answered in imported.json()["items"]:
        item = team.leader.get(team.path(f"/evidence/{answered['id']}")).json()
        [file] = item["files"]
        content = team.leader.get(
            team.path(f"/evidence/{answered['id']}/files/{file['id']}/content"),
            params={"purpose": "check the import"},
        )
        assert content.content == (chat if answered["reference"] == "FR-ST-1" else SCAN)


def test_an_import_refused_after_storing_its_files_leaves_none(team: Jit, store: Store) -> None:
    rows = [
        with_file("FR-ST-3", "chat.db", CHAT),
        with_file("FR-ST-4", "photo.jpg", PHOTO),
        with_file("FR-ST-5", "other.jpg", PHOTO),  # the bytes of another file
    ]
    body = zipped(
        "items.jsonl", json_lines(rows), {"chat.db": CHAT, "photo.jpg": PHOTO, "other.jpg": CHAT}
    )
    before = store.contents(), len(log_of(team.leader, team.id))

    refused = send(team.leader, team, body, ZIP)

    assert refused.status_code == 422, refused.text
    [error] = refused.json()["errors"]
    assert error["field"] == "line 3"
    assert "hash to" in error["message"]
    assert (store.contents(), len(log_of(team.leader, team.id))) == before


def test_a_file_the_store_does_not_hold_is_refused(team: Jit, store: Store) -> None:
    key = "evidence/0b5e1e5e-0000-4000-8000-000000000000" if store.client else "sha256/" + "a" * 64
    rows = [row("FR-ST-6", storage_key=key, sha256="a" * 64)]

    refused = send(team.leader, team, json_lines(rows), {"Content-Type": "application/x-ndjson"})

    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["message"] == (
        f"the store holds no file under storage_key {key!r}"
    )
