"""Use cases of retention: legal holds on an item, its deletion date, and the deletion of its
files once that date has passed (domain/evidence_retention.py).

Deleting is done in this order, so that nothing is ever half-done out of sight: the
deletion is recorded first (`EvidenceItem.DeletedUnderRetention`, with the files' SHA-256 and
sizes, the date and the retention that required it); only then does the store delete the
files. A file whose deletion is not on record is never deleted. If the store fails after the
record (it is down, the process dies), the file stays stored under a record that says it is
deleted: every run of the retention sweep (jitspace/services/retention_sweep.py) deletes what
such records still leave in the store, so the deletion completes on a later run. Deleting
twice is refused by the item (the record is there), and deleting a file already gone is
harmless.

A file the store shares between records (the directory store keeps one copy of identical
bytes) is deleted only once no record that still keeps it claims it.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.commands import DeleteUnderRetention, PlaceLegalHold, ReleaseLegalHold
from domain.evidence import EvidenceItem
from jitspace.services.base import Workspace
from jitspace.services.reading import Reading
from jitspace.storage.blobs import BlobError, BlobStore

logger = logging.getLogger(__name__)
FILE_ATTACHED = get_topic(EvidenceItem.FileAttached)
DELETED = get_topic(EvidenceItem.DeletedUnderRetention)
PAGE = 1000

# storage key -> the items that claim it and whose files are not deleted
Claims = dict[str, set[UUID]]


class Retention(Reading):
    def place_legal_hold(self, user_id: UUID, command: PlaceLegalHold) -> EvidenceItem:
        with self._changing(user_id, command, EvidenceItem, allow_closed=True) as (
            investigation,
            actor,
            item,
        ):
            item.place_legal_hold(investigation, actor, command)
        return item

    def release_legal_hold(self, user_id: UUID, command: ReleaseLegalHold) -> EvidenceItem:
        with self._changing(user_id, command, EvidenceItem, allow_closed=True) as (
            investigation,
            actor,
            item,
        ):
            item.release_legal_hold(investigation, actor, command)
        return item

    def delete_under_retention(
        self,
        user_id: UUID,
        command: DeleteUnderRetention,
        blobs: BlobStore,
        claims: Claims | None = None,
    ) -> EvidenceItem:
        """Record the deletion of the item's files, then delete them from the store (a
        failure of the store is logged: the sweep's next run deletes them)."""
        with self._changing(user_id, command, EvidenceItem, allow_closed=True) as (
            investigation,
            actor,
            item,
        ):
            due = self.deletion_date_of(investigation, item)
            item.delete_under_retention(investigation, actor, command, due)
        try:
            self.remove_deleted_files(item, blobs, claims)
        except BlobError as error:
            logger.warning(
                "evidence item %s: deletion recorded, but the store kept its files (%s); "
                "the retention sweep deletes them on its next run",
                item.id,
                error.message,
            )
        return item

    def remove_deleted_files(
        self, item: EvidenceItem, blobs: BlobStore, claims: Claims | None = None
    ) -> int:
        """Delete from the store the files of an item whose deletion is on record, unless a
        record that keeps its files claims the same stored file; how many the store still
        held. `claims`: `live_claims()` of this run (read afresh if None), kept up to date."""
        # never delete a file whose deletion is not on record
        assert item.retention_deletion is not None
        claims = live_claims(self) if claims is None else claims
        removed = 0
        for file in item.files.values():
            claimants = claims.get(file.storage_key, set())
            claimants.discard(item.id)
            if claimants:
                continue  # the same stored bytes are another record's, still kept
            if blobs.delete_under_retention(file.storage_key):
                removed += 1
        return removed


def live_claims(app: Workspace) -> Claims:
    """Every stored file that an item whose files are not deleted claims, with those items."""
    claims: Claims = defaultdict(set)
    keys_of: dict[UUID, list[str]] = defaultdict(list)
    deleted: set[UUID] = set()
    after = 0
    while page := app.recorder.select_notifications(
        after, PAGE, topics=[FILE_ATTACHED, DELETED], inclusive_of_start=False
    ):
        for notification in page:
            event = app.mapper.to_domain_event(notification)
            if isinstance(event, EvidenceItem.FileAttached):
                keys_of[event.originator_id].append(event.storage_key)
            else:
                deleted.add(event.originator_id)
        after = page[-1].id
    for item_id, keys in keys_of.items():
        if item_id not in deleted:
            for key in keys:
                claims[key].add(item_id)
    return dict(claims)
