"""What a disclosure bundle holds: one investigation's history as of a date, checkable offline.

A bundle is a zip file:

    manifest.json     what the bundle holds: the investigation, the position it stops at, and
                      the SHA-256 of every other file
    manifest.sig      Ed25519 signature over the exact bytes of manifest.json
    public-key.pem    the publisher's public key (compare its fingerprint with the one the
                      publisher announces: `GET /ledger/public-key`)
    checkpoint.json   a signed checkpoint of the investigation's chain at that position
    events.jsonl      every event of the investigation up to that position, one JSON object a
                      line, with its state (the exact stored bytes, as text) and its hashes
    records.json      the investigation's records as of that position, rebuilt from the events
    report.html       the same, for people: a court clerk's reading copy
    README.txt        how to check the bundle
    files/SHA256      optionally, the evidence files, each named by the SHA-256 recorded when
                      it was attached (the verifier re-hashes each against its name)

A withheld event (a party restricted it) keeps its header and `state_sha256`; its state is
left out. The chain commits to the state only through that hash (see chain.py), so the
chain still verifies; only the withheld content cannot be read or checked, and the records
that depend on it are listed as withheld.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from uuid import UUID

import msgspec
from eventsourcing.utils import get_topic

from domain.evidence import EvidenceItem
from jitspace.ledger.verification import Entry

FORMAT = "jitspace/disclosure/bundles/v2"
FILE_ATTACHED = get_topic(EvidenceItem.FileAttached)
SIGNED_FILES = ("checkpoint.json", "events.jsonl", "records.json", "report.html", "README.txt")
UNSIGNED_FILES = ("manifest.json", "manifest.sig", "public-key.pem")


class BundleEvent(msgspec.Struct, frozen=True, kw_only=True):
    position: int
    originator_id: UUID
    originator_version: int
    investigation_id: UUID
    recorded_at: datetime  # UTC, to the microsecond (the event hash covers it)
    topic: str
    state: str | None  # the stored state, as text; None when withheld
    state_sha256: str
    event_hash: str
    investigation_hash: str

    def entry(self) -> Entry:
        return Entry(
            position=self.position,
            originator_id=self.originator_id,
            originator_version=self.originator_version,
            investigation_id=self.investigation_id,
            recorded_at=self.recorded_at,
            topic=self.topic,
            state_sha256=bytes.fromhex(self.state_sha256),
            event_hash=bytes.fromhex(self.event_hash),
            link=bytes.fromhex(self.investigation_hash),
            state=None if self.state is None else self.state.encode(),
        )


class Manifest(msgspec.Struct, frozen=True, kw_only=True):
    format: str = FORMAT
    investigation_id: UUID
    investigation_name: str
    as_of: datetime | None
    up_to_position: int
    produced_at: datetime
    produced_by: str
    purpose: str
    events: int
    withheld: int
    key_id: str
    files: dict[str, str]  # name -> SHA-256 (hex)


def bundle_event(entry: Entry, withheld: bool) -> BundleEvent:
    return BundleEvent(
        position=entry.position,
        originator_id=entry.originator_id,
        originator_version=entry.originator_version,
        investigation_id=entry.investigation_id,
        recorded_at=entry.recorded_at.astimezone(UTC),
        topic=entry.topic,
        state=None if withheld or entry.state is None else entry.state.decode(),
        state_sha256=entry.state_sha256.hex(),
        event_hash=entry.event_hash.hex(),
        investigation_hash=entry.link.hex(),
    )


class UnreadableFileRecord(ValueError):
    """An event that records an evidence file, in a form JITspace does not write."""


class _FileRecord(msgspec.Struct):
    """The part of a FileAttached event's state that names its file."""

    sha256: str
    storage_key: str


def attached_files(events: Sequence[BundleEvent]) -> dict[str, str]:
    """The evidence files recorded by the bundle's (not withheld) events: SHA-256 -> key."""
    files: dict[str, str] = {}
    for event in events:
        if event.topic == FILE_ATTACHED and event.state is not None:
            try:
                state = msgspec.json.decode(event.state, type=_FileRecord)
            except msgspec.DecodeError as error:
                raise UnreadableFileRecord(
                    f"the event at position {event.position} records an evidence file in a "
                    f"form that cannot be read ({error})"
                ) from error
            files[state.sha256] = state.storage_key
    return files
