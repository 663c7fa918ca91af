"""The retention sweep of the working worker, against both stores: it deletes the files of
exactly the items past their deletion date with no legal hold on, records what it deleted,
skips held items, deletes nothing twice, and finishes on a later run a deletion the store
failed. Against the real S3 server: a stored file is under an object-lock legal hold that
the server enforces, released only by a deletion under retention."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from minio import Minio
from minio.error import S3Error

from jitspace.reads.queries import Queries
from jitspace.services.application import JITspace
from jitspace.services.retention_sweep import SweepReport, sweep_retention
from jitspace.settings import Settings
from jitspace.storage.blobs import BlobStore
from jitspace.storage.blobs.s3 import S3Store
from jitspace.storage.database import eventsourcing_env
from tests import support
from tests.conftest import S3_BUCKET
from tests.integration.storage.stores import Store, upload
from tests.storage import BreakingProxy, s3_client
from tests.support import Jit, People, ServerThread, log_of, open_investigation

AGREED = {"retention_days": 30, "agreement_clause": "art. 12: thirty days from collection"}


@pytest.fixture(scope="module")
def app(database_url: str, settings: Settings) -> Iterator[JITspace]:
    application = JITspace(env=eventsourcing_env(database_url, settings))
    yield application
    application.close()


def sweep(app: JITspace, blobs: BlobStore, database_url: str, team: Jit) -> SweepReport:
    """One run of the worker's sweep, as the team's leader."""

    async def run() -> SweepReport:
        async with support.pool_of(database_url, 2) as pool:
            queries = Queries(pool)
            await queries.caught_up(UUID(team.id))  # the leader's investigations are listed
            return await sweep_retention(app, queries, blobs, team.leader.user_id)

    return asyncio.run(run())


def item_with_file(team: Jit, reference: str, collected_days_ago: int) -> tuple[str, str]:
    """An item of BE collected that many days ago, with a file: its id and storage key."""
    item, file = item_and_file(team, reference, collected_days_ago)
    return item, storage_key(team, file)


def item_and_file(team: Jit, reference: str, collected_days_ago: int) -> tuple[str, str]:
    collected = datetime.now(UTC) - timedelta(days=collected_days_ago)
    item = support.register_item(
        team.investigator, team, reference=reference, occurred_at=collected.isoformat()
    )["id"]
    file = upload(team.investigator, team, item, os.urandom(2000)).json()["file"]
    return item, str(file["id"])


@pytest.fixture
def s3_team(server: ServerThread, s3_server: ServerThread, database_url: str) -> Iterator[Jit]:
    """A team whose files are in the S3 server (the first server keeps the read models)."""
    people = People(s3_server.url, database_url)
    yield open_investigation(people)
    for person in people.made:
        person.client.close()


@pytest.fixture
def s3(moto_endpoint: str) -> Minio:
    """The S3 server itself, spoken to directly (not through JITspace)."""
    return s3_client(moto_endpoint)


def storage_key(team: Jit, file_id: str) -> str:
    for event in log_of(team.leader, team.id):
        if event["type"] == "EvidenceItem.FileAttached" and event["data"]["file_id"] == file_id:
            return str(event["data"]["storage_key"])
    raise AssertionError("no such file in the log")


def deletions(team: Jit) -> list[dict[str, Any]]:
    return [
        e for e in log_of(team.leader, team.id) if e["type"] == "EvidenceItem.DeletedUnderRetention"
    ]


def test_the_sweep_deletes_exactly_the_expired_items_with_no_hold_once(
    team: Jit, store: Store, app: JITspace, database_url: str
) -> None:
    # Given the agreement keeps evidence 30 days; an item collected 40 days ago, another
    # as old under a legal hold, and one collected 5 days ago
    assert team.leader.post(team.path("/retention"), json=AGREED).status_code == 200
    expired, expired_key = item_with_file(team, "BE-OLD-1", 40)
    held, held_key = item_with_file(team, "BE-OLD-2", 40)
    _, fresh_key = item_with_file(team, "BE-NEW-1", 5)
    hold = {"reason": "appeal pending", "reference": "CA Bruxelles 2024/118"}
    assert team.legal.post(team.path(f"/evidence/{held}/legal-hold"), json=hold).status_code == 200
    blobs = store.adapter()

    # When the worker's sweep runs
    report = sweep(app, blobs, database_url, team)

    # Then exactly the expired item is deleted, and the held one is counted as kept
    assert (report.deleted, report.held) == ([UUID(expired)], [UUID(held)])
    [event] = deletions(team)
    assert event["aggregate_id"] == expired
    assert event["actor"]["user_id"] == str(team.leader.user_id)
    assert [f["size"] for f in event["data"]["files"]] == [2000]
    assert "the JIT agreement's retention of 30 days" in event["data"]["ground"]
    # its file is gone from the store; the others are kept
    assert blobs.digest(expired_key) is None
    assert blobs.digest(held_key) is not None
    assert blobs.digest(fresh_key) is not None

    # When the sweep runs again (a restart, another worker taking over), nothing is
    # deleted or recorded twice
    again = sweep(app, blobs, database_url, team)
    assert (again.deleted, again.files_removed) == ([], 0)
    assert len(deletions(team)) == 1

    # When the hold is released, the next run deletes the held item too
    release = {"reason": "the appeal was decided"}
    released = team.legal.post(team.path(f"/evidence/{held}/legal-hold/release"), json=release)
    assert released.status_code == 200, released.text
    assert sweep(app, blobs, database_url, team).deleted == [UUID(held)]
    assert blobs.digest(held_key) is None
    assert blobs.digest(fresh_key) is not None


def test_a_stored_file_is_under_a_legal_hold_the_s3_server_enforces(
    s3_team: Jit, s3: Minio, app: JITspace, database_url: str
) -> None:
    team, client, blobs = s3_team, s3, S3Store(s3, S3_BUCKET)
    # Given an item's file stored in S3, and the item held in JITspace
    assert team.leader.post(team.path("/retention"), json=AGREED).status_code == 200
    item, key = item_with_file(team, "BE-S3-1", 40)
    [version] = client.list_objects(S3_BUCKET, prefix=key, include_version=True)
    assert client.is_object_legal_hold_enabled(S3_BUCKET, key, version_id=version.version_id)
    # Then the server refuses to delete it
    with pytest.raises(S3Error) as refused:
        client.remove_object(S3_BUCKET, key, version_id=version.version_id)
    assert refused.value.code == "AccessDenied"

    # When the item is under a legal hold, the sweep keeps its S3 legal hold on
    hold = {"reason": "appeal pending"}
    assert team.legal.post(team.path(f"/evidence/{item}/legal-hold"), json=hold).status_code == 200
    assert sweep(app, blobs, database_url, team).held == [UUID(item)]
    assert client.is_object_legal_hold_enabled(S3_BUCKET, key, version_id=version.version_id)

    # When the hold is released and the sweep deletes the item
    release = {"reason": "the appeal was decided"}
    released = team.legal.post(team.path(f"/evidence/{item}/legal-hold/release"), json=release)
    assert released.status_code == 200, released.text
    assert sweep(app, blobs, database_url, team).deleted == [UUID(item)]
    # Then every version of the object is gone (no delete marker hides a kept version)
    assert list(client.list_objects(S3_BUCKET, prefix=key, include_version=True)) == []


def test_a_deletion_the_store_failed_is_on_record_and_finished_by_the_next_run(
    s3_team: Jit, s3: Minio, app: JITspace, database_url: str, s3_proxy: BreakingProxy
) -> None:
    team, direct = s3_team, S3Store(s3, S3_BUCKET)
    # Given an expired item whose file is in S3, and a sweep whose store goes down
    assert team.leader.post(team.path("/retention"), json=AGREED).status_code == 200
    item, file = item_and_file(team, "BE-DOWN-1", 40)
    key = storage_key(team, file)
    behind_proxy = S3Store(s3_client(s3_proxy.endpoint), S3_BUCKET)
    s3_proxy.down = True
    try:
        # When the sweep runs, the deletion is recorded first, and the store fails after
        report = sweep(app, behind_proxy, database_url, team)
    finally:
        s3_proxy.restore()
    assert report.deleted == [UUID(item)]
    assert len(deletions(team)) == 1
    # the file is still stored, and downloads are refused: its deletion is on record
    assert direct.digest(key) is not None
    content = team.path(f"/evidence/{item}/files/{file}/content")
    gone = team.leader.get(content, params={"purpose": "check"})
    assert gone.status_code == 410, gone.text
    assert "deleted under retention" in gone.json()["detail"]

    # When the next run finds the store back, it deletes the file, recording nothing more
    later = sweep(app, behind_proxy, database_url, team)
    assert (later.deleted, later.files_removed) == ([], 1)
    assert direct.digest(key) is None
    assert len(deletions(team)) == 1
