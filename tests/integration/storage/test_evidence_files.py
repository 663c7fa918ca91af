"""Evidence files: uploaded once, streamed, downloaded on record, re-hashed on demand.

Every test runs against both stores: the content-addressed directory (the embedded
default) and a real S3 server over HTTP, driven by the production minio adapter.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import socket
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from jitspace.auth.security_log import SecurityEntry, SecurityLog
from jitspace.services.application import JITspace
from jitspace.services.blob_sweep import sweep_blob_store
from jitspace.settings import Settings
from jitspace.storage.blobs import RemovedBlob
from jitspace.storage.blobs.s3 import S3Store
from jitspace.storage.database import eventsourcing_env
from tests import support
from tests.conftest import MAX_UPLOAD_BYTES, S3_BUCKET
from tests.integration.storage.stores import Store, register_item, upload
from tests.storage import BreakingProxy
from tests.support import Jit, log_of


def test_an_uploaded_file_is_recorded_with_its_hash_and_downloaded_on_record(
    team: Jit, store: Store
) -> None:
    # Given an item, when the investigator uploads its image (several parts on S3)
    item = register_item(team.investigator, team)
    data = os.urandom(11 * 1024 * 1024 + 123)
    sha256 = hashlib.sha256(data).hexdigest()
    response = upload(team.investigator, team, item["id"], data, **{"X-Content-SHA256": sha256})
    assert response.status_code == 201, response.text
    file = response.json()["file"]
    # then the item records the file with the hash and size computed as it flowed
    assert (file["sha256"], file["size"]) == (sha256, len(data))
    read = team.leader.get(team.path(f"/evidence/{item['id']}")).json()
    assert [f["id"] for f in read["files"]] == [file["id"]]
    # when the leader downloads it, stating why
    content = team.path(f"/evidence/{item['id']}/files/{file['id']}/content")
    got = team.leader.get(content, params={"purpose": "prepare the analysis"})
    # then they get the same bytes, and the download is on record
    assert got.status_code == 200
    assert got.content == data
    assert got.headers["content-disposition"].startswith('attachment; filename="laptop.E01"')
    last = log_of(team.leader, team.id)[-1]
    assert last["type"] == "EvidenceItem.Accessed"
    assert last["actor"]["user_id"] == str(team.leader.user_id)
    assert last["data"]["purpose"] == "prepare the analysis"
    assert last["data"]["file_id"] == file["id"]


def test_a_range_of_a_file_is_downloaded_and_recorded(team: Jit, store: Store) -> None:
    item = register_item(team.investigator, team)
    data = os.urandom(300_000)
    file = upload(team.investigator, team, item["id"], data).json()["file"]
    content = team.path(f"/evidence/{item['id']}/files/{file['id']}/content")
    part = team.legal.get(
        content, params={"purpose": "check the header"}, headers={"Range": "bytes=100-199"}
    )
    assert part.status_code == 206
    assert part.content == data[100:200]
    assert part.headers["content-range"] == f"bytes 100-199/{len(data)}"
    tail = team.legal.get(content, params={"purpose": "x"}, headers={"Range": "bytes=-10"})
    assert tail.content == data[-10:]
    outside = team.legal.get(content, params={"purpose": "x"}, headers={"Range": "bytes=999999-"})
    assert outside.status_code == 416
    assert outside.headers["content-range"] == f"bytes */{len(data)}"
    accesses = [e for e in log_of(team.legal, team.id) if e["type"] == "EvidenceItem.Accessed"]
    assert [(e["data"]["first_byte"], e["data"]["last_byte"]) for e in accesses] == [
        (100, 199),
        (len(data) - 10, len(data) - 1),
    ]


def test_a_download_without_a_purpose_is_refused_and_not_recorded(team: Jit, store: Store) -> None:
    item = register_item(team.investigator, team)
    file = upload(team.investigator, team, item["id"], b"ledger").json()["file"]
    before = len(log_of(team.leader, team.id))
    content = team.path(f"/evidence/{item['id']}/files/{file['id']}/content")
    for params in ({}, {"purpose": "   "}):
        refused = team.leader.get(content, params=params)
        assert refused.status_code == 400, refused.text
        assert refused.json()["errors"][0]["field"] == "purpose"
    assert len(log_of(team.leader, team.id)) == before


def test_an_item_holds_several_files(team: Jit, store: Store) -> None:
    item = register_item(team.investigator, team)
    image = upload(team.investigator, team, item["id"], os.urandom(5000), "disk.E01")
    log = upload(team.investigator, team, item["id"], b"acquired with FTK 4.7", "acq.log")
    assert (image.status_code, log.status_code) == (201, 201)
    read = team.leader.get(team.path(f"/evidence/{item['id']}")).json()
    assert [f["name"] for f in read["files"]] == ["disk.E01", "acq.log"]


def assert_nothing_kept(team: Jit, item: dict[str, Any], store: Store, before: set[str]) -> None:
    """The item claims no file, and the store holds what it held `before`."""
    assert team.leader.get(team.path(f"/evidence/{item['id']}")).json()["files"] == []
    assert store.contents() == before


def test_outsiders_neither_upload_nor_download(team: Jit, store: Store) -> None:
    item = register_item(team.investigator, team)
    file = upload(team.investigator, team, item["id"], b"statement").json()["file"]
    before = store.contents()
    assert upload(team.outsider, team, item["id"], b"planted").status_code == 404
    content = team.path(f"/evidence/{item['id']}/files/{file['id']}/content")
    assert team.outsider.get(content, params={"purpose": "curious"}).status_code == 404
    assert store.contents() == before


def test_a_wrong_declared_hash_keeps_nothing(team: Jit, store: Store) -> None:
    item = register_item(team.investigator, team)
    before = store.contents()
    data = os.urandom(7 * 1024 * 1024)
    wrong = hashlib.sha256(b"something else").hexdigest()
    response = upload(team.investigator, team, item["id"], data, **{"X-Content-SHA256": wrong})
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "X-Content-SHA256"
    assert_nothing_kept(team, item, store, before)


def test_a_file_over_the_limit_is_refused_and_nothing_kept(team: Jit, store: Store) -> None:
    item = register_item(team.investigator, team)
    before = store.contents()
    too_big = b"\0" * (MAX_UPLOAD_BYTES + 1)
    assert upload(team.investigator, team, item["id"], too_big).status_code == 413

    def unannounced() -> Iterator[bytes]:  # no Content-Length: the limit holds as bytes flow
        for _ in range(MAX_UPLOAD_BYTES // (1024 * 1024) + 1):
            yield b"\0" * (1024 * 1024)

    assert upload(team.investigator, team, item["id"], unannounced()).status_code == 413  # type: ignore[arg-type]
    assert_nothing_kept(team, item, store, before)


def test_a_file_altered_in_the_store_is_detected_and_recorded_as_a_violation(
    team: Jit, store: Store
) -> None:
    # Given an uploaded file that verifies
    item = register_item(team.investigator, team)
    file = upload(team.investigator, team, item["id"], b"original bytes").json()["file"]
    verify = team.path(f"/evidence/{item['id']}/verification")
    assert team.legal.post(verify).json()["files"][0]["integrity"] == "verified"
    # when someone alters it directly in the store, and the legal advisor verifies again
    read = team.leader.get(team.path(f"/evidence/{item['id']}")).json()
    key = _storage_key(team, item["id"], file["id"])
    store.tamper(key, b"altered bytes")
    result = team.legal.post(verify)
    # then the mismatch is recorded as an integrity violation, never repaired
    assert result.status_code == 200
    assert result.json()["files"][0]["integrity"] == "violated"
    last = log_of(team.legal, team.id)[-1]
    assert last["type"] == "EvidenceItem.IntegrityViolated"
    assert last["data"]["expected_sha256"] == file["sha256"]
    assert last["data"]["found_sha256"] == hashlib.sha256(b"altered bytes").hexdigest()
    # and it shows wherever the item appears
    read = team.leader.get(team.path(f"/evidence/{item['id']}")).json()
    assert read["integrity_violated"] is True
    row = next(r for r in team.leader.get(team.path("/evidence")).json() if r["id"] == item["id"])
    assert row["integrity"] == "violated"
    chain = team.leader.get(team.path(f"/evidence/{item['id']}/custody")).json()
    assert "hash-mismatch" in [d["code"] for d in chain["defects"]]


def _storage_key(team: Jit, item_id: str, file_id: str) -> str:
    for event in log_of(team.leader, team.id):
        if event["type"] == "EvidenceItem.FileAttached" and event["data"]["file_id"] == file_id:
            return str(event["data"]["storage_key"])
    raise AssertionError("no such file in the log")


# -- faults: the client gets a clear error, no record claims a file, nothing partial is left --


def upload_through(
    s3_proxy: BreakingProxy, team: Jit, item: dict[str, Any], data: bytes, **fault: Any
) -> httpx.Response:
    """The investigator's upload while the proxy to S3 misbehaves as `fault` says (its
    attributes), the proxy restored after."""
    for name, value in fault.items():
        setattr(s3_proxy, name, value)
    try:
        return upload(team.investigator, team, item["id"], data)
    finally:
        s3_proxy.restore()


@pytest.mark.parametrize("store", ["s3"], indirect=True)  # only S3 has a server to lose
def test_an_upload_while_the_object_store_is_down_fails_clearly(
    team: Jit, store: Store, s3_proxy: BreakingProxy
) -> None:
    item = register_item(team.investigator, team)
    before = store.contents()
    response = upload_through(s3_proxy, team, item, os.urandom(1024 * 1024), down=True)
    assert response.status_code == 503, response.text
    assert response.json()["title"] == "Object store unavailable"
    assert_nothing_kept(team, item, store, before)


@pytest.mark.parametrize("store", ["s3"], indirect=True)  # only S3 has a server to lose
def test_an_upload_the_object_store_drops_midway_leaves_nothing_once_swept(
    team: Jit, store: Store, s3_proxy: BreakingProxy
) -> None:
    item = register_item(team.investigator, team)
    before = store.contents()
    # the store goes away after the first 5 MiB part, with the multipart upload begun
    response = upload_through(
        s3_proxy, team, item, os.urandom(12 * 1024 * 1024), cut_after=6 * 1024 * 1024
    )
    assert response.status_code == 503, response.text
    assert team.leader.get(team.path(f"/evidence/{item['id']}")).json()["files"] == []
    # the abort could not reach the store; the sweep removes the upload once it is back
    assert store.client is not None
    S3Store(store.client, S3_BUCKET).sweep(timedelta(0))
    assert store.contents() == before


def test_a_client_that_disconnects_midway_leaves_nothing(team: Jit, store: Store) -> None:
    item = register_item(team.investigator, team)
    before = store.contents()
    url = httpx.URL(store.url)
    path = team.path(f"/evidence/{item['id']}/files?name=half.E01")
    token = team.investigator.client.headers["Authorization"]
    with socket.create_connection((url.host, url.port)) as conn:
        conn.sendall(
            f"POST {path} HTTP/1.1\r\nHost: {url.host}\r\nAuthorization: {token}\r\n"
            f"Content-Type: application/octet-stream\r\nContent-Length: {12 * 1024 * 1024}"
            "\r\n\r\n".encode()
        )
        conn.sendall(os.urandom(7 * 1024 * 1024))
    # the server works through what it received: the upload begins, then is undone
    assert _eventually(lambda: store.contents() != before), "the upload never began"
    assert _eventually(lambda: store.contents() == before), "the partial upload was left"
    assert team.leader.get(team.path(f"/evidence/{item['id']}")).json()["files"] == []


def _eventually(condition: Callable[[], bool], timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_a_range_header_of_absurd_length_is_ignored_not_an_error(team: Jit, store: Store) -> None:
    item = register_item(team.investigator, team)
    data = os.urandom(1000)
    file_id = upload(team.investigator, team, item["id"], data).json()["file"]["id"]
    content = team.path(f"/evidence/{item['id']}/files/{file_id}/content")
    got = team.leader.get(
        content, params={"purpose": "x"}, headers={"Range": "bytes=" + "9" * 5000 + "-"}
    )
    assert got.status_code == 200
    assert got.content == data


def test_an_upload_to_a_closed_investigation_is_refused_before_anything_is_stored(
    team: Jit, store: Store
) -> None:
    # Given an item, and its investigation closed after the item was registered
    item = register_item(team.investigator, team)
    closed = team.leader.post(team.path("/closure"), json={"reason": "case closed"})
    assert closed.status_code == 200, closed.text
    before = store.contents()
    # When a file is uploaded to it
    response = upload(team.investigator, team, item["id"], os.urandom(2048))
    # Then the client learns why, the item claims no file and the store took nothing
    assert response.status_code == 409, response.text
    assert "closed" in response.json()["detail"]
    assert_nothing_kept(team, item, store, before)


def test_an_upload_to_another_partys_item_is_refused_before_anything_is_stored(
    team: Jit, store: Store
) -> None:
    # Given an item of BE, and members of FR and NL who may attach files to their own items
    item = register_item(team.investigator, team)
    before, events = store.contents(), len(log_of(team.leader, team.id))
    for member in (team.leader, team.legal):
        # When they upload a file to BE's item (large enough to span several S3 parts)
        refused = upload(member, team, item["id"], os.urandom(6 * 1024 * 1024))
        # Then they are refused, and no byte of it was kept
        assert refused.status_code == 403, refused.text
        assert "originating party" in refused.json()["detail"]
    assert store.contents() == before
    assert len(log_of(team.leader, team.id)) == events


def test_a_form_upload_is_refused_naming_the_form_to_send(team: Jit, store: Store) -> None:
    # Given an item
    item = register_item(team.investigator, team)
    before, events = store.contents(), len(log_of(team.leader, team.id))
    path = team.path(f"/evidence/{item['id']}/files")
    attempts = {
        # curl -F file=@photo.jpg: the body is the multipart envelope around the photo
        "multipart/form-data": team.investigator.post(
            path,
            params={"name": "photo.jpg"},
            files={"file": ("photo.jpg", b"\xff\xd8\xff\xe0 a jpeg", "image/jpeg")},
        ),
        # curl --data-binary @photo.jpg with no Content-Type: curl calls it a form
        "application/x-www-form-urlencoded": team.investigator.post(
            path,
            params={"name": "photo.jpg"},
            content=b"\xff\xd8\xff\xe0 a jpeg",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ),
    }
    for media_type, refused in attempts.items():
        # Then each is refused (415), naming what was sent and how to send the file
        assert refused.status_code == 415, refused.text
        detail = refused.json()["detail"]
        assert media_type in detail
        assert "--data-binary @photo.jpg -H 'Content-Type: image/jpeg'" in detail
    # and nothing was stored or recorded
    assert store.contents() == before
    assert len(log_of(team.leader, team.id)) == events


def test_a_raw_upload_records_the_files_own_bytes_and_media_type(team: Jit, store: Store) -> None:
    item = register_item(team.investigator, team)
    photo = b"\xff\xd8\xff\xe0" + os.urandom(4000)
    response = upload(
        team.investigator, team, item["id"], photo, "photo.jpg", **{"Content-Type": "image/jpeg"}
    )
    assert response.status_code == 201, response.text
    file = response.json()["file"]
    assert (file["sha256"], file["size"]) == (hashlib.sha256(photo).hexdigest(), len(photo))
    assert file["media_type"] == "image/jpeg"
    content = team.path(f"/evidence/{item['id']}/files/{file['id']}/content")
    got = team.leader.get(content, params={"purpose": "compare with the seizure report"})
    assert (got.content, got.headers["content-type"]) == (photo, "image/jpeg")


def test_an_empty_file_is_refused_and_nothing_kept(team: Jit, store: Store) -> None:
    item = register_item(team.investigator, team)
    before, events = store.contents(), len(log_of(team.leader, team.id))

    def unannounced() -> Iterator[bytes]:  # chunked, no Content-Length: known only at the end
        yield b""

    for body in (b"", unannounced()):
        refused = upload(team.investigator, team, item["id"], body)  # type: ignore[arg-type]
        assert refused.status_code == 422, refused.text
        assert "empty" in refused.json()["detail"]
        assert refused.json()["errors"][0]["field"] == "body"
    assert_nothing_kept(team, item, store, before)
    assert len(log_of(team.leader, team.id)) == events


@pytest.fixture(scope="module")
def app(database_url: str, settings: Settings) -> Iterator[JITspace]:
    application = JITspace(env=eventsourcing_env(database_url, settings))
    yield application
    application.close()


def sweep(
    app: JITspace, store: Store, database_url: str, older_than: timedelta
) -> tuple[list[RemovedBlob], list[SecurityEntry]]:
    """Sweep the store as the app does at start; what it removed and the security log."""

    async def run() -> tuple[list[RemovedBlob], list[SecurityEntry]]:
        async with support.pool_of(database_url, 2) as pool:
            log = SecurityLog(pool)
            removed = await sweep_blob_store(app, store.adapter(), log, older_than)
            return removed, await log.recent(1000, kind="unclaimed_file_removed")

    return asyncio.run(run())


def test_files_no_record_claims_are_swept_after_a_grace_period_on_record(
    team: Jit, store: Store, app: JITspace, database_url: str
) -> None:
    # Given a recorded file, and a whole file in the store that no record claims (its
    # upload's record failed, or its process died before recording it)
    item = register_item(team.investigator, team)
    data = os.urandom(3000)
    recorded = upload(team.investigator, team, item["id"], data).json()["file"]
    recorded_key = _storage_key(team, item["id"], recorded["id"])
    orphan = store.adapter().put(iter([os.urandom(2000)]), max_bytes=10**6, declared_sha256=None)
    name = orphan.key.rsplit("/", 1)[1]  # as the store lists it
    # When the store is swept within the grace period, the unclaimed file stays (its record
    # may still be on its way)
    removed, _ = sweep(app, store, database_url, timedelta(hours=1))
    assert orphan.key not in {r.key for r in removed}
    assert any(name in c for c in store.contents())
    # When it is swept after the grace period
    removed, entries = sweep(app, store, database_url, timedelta(0))
    # Then the unclaimed file is gone, and its removal is in the security log
    assert orphan.key in {r.key for r in removed}
    assert not any(name in c for c in store.contents())
    assert any(
        orphan.key in e.detail and "claimed by no evidence record" in e.detail for e in entries
    )
    # while the recorded file is untouched and downloads as it was
    assert recorded_key not in {r.key for r in removed}
    content = team.path(f"/evidence/{item['id']}/files/{recorded['id']}/content")
    assert team.leader.get(content, params={"purpose": "check after the sweep"}).content == data
