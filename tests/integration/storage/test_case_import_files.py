"""An import of a CASE archive stores its files in either store, and an import refused once
its files were stored takes them out again: neither store keeps a file no record claims."""

from __future__ import annotations

import json

from tests.integration.interchange.case_support import PHONE_IMAGE, archive, twice_the_same_file
from tests.integration.storage.stores import Store
from tests.support import Jit, case_document


def test_an_imported_file_is_stored_and_read_back(team: Jit, store: Store) -> None:
    document = case_document("FR-CHAT-3")
    before = store.contents()

    imported = team.leader.post(
        team.path("/evidence/imports"), content=archive(document, {"chat": b"chat"})
    )

    assert imported.status_code == 201, imported.text
    [item] = imported.json()["items"]
    recorded = team.leader.get(team.path(f"/evidence/{item['id']}")).json()
    [file] = recorded["files"]
    content = team.leader.get(
        team.path(f"/evidence/{item['id']}/files/{file['id']}/content"),
        params={"purpose": "check the import"},
    )
    assert content.content == b"chat"
    assert len(store.contents() - before) == 1


def test_an_import_refused_after_storing_its_files_leaves_none(team: Jit, store: Store) -> None:
    before = store.contents()
    body = archive(twice_the_same_file(), {"chat": b"chat", "other": PHONE_IMAGE})

    refused = team.leader.post(team.path("/evidence/imports"), content=body)

    assert refused.status_code == 422, refused.text
    assert "already attached" in json.loads(refused.text)["detail"]
    assert store.contents() == before
