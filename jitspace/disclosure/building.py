"""Building a disclosure bundle as of a date: its files, signed, in a temporary zip file,
written as the log streams past."""

from __future__ import annotations

import base64
import hashlib
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from typing import IO, Any
from uuid import UUID

import msgspec
from eventsourcing.persistence import Mapper

from jitspace.disclosure.contents import (
    FILE_ATTACHED,
    BundleEvent,
    Manifest,
    attached_files,
    bundle_event,
)
from jitspace.disclosure.records import ReportRows, rebuild_records
from jitspace.ledger.checkpoints import Checkpoint
from jitspace.ledger.verification import Entry

README = """This is a disclosure bundle of JITspace,
the shared workspace of a Joint Investigation Team.

Check it offline, with no server and no database:

    jitspace verify THIS-FILE.zip --public-key PUBLISHER-KEY.pem

Take PUBLISHER-KEY.pem from the publisher by a way you trust, and compare the fingerprint
verify prints with the one they announce. Anyone can sign a bundle with a key of their own:
without --public-key, verify cannot say who made this one, and says so (exit status 3).
The check covers every event (against the hash chain and the signed checkpoint), every file
(against the signed manifest.json), and the records and report (rebuilt from the events).
If you hold an earlier bundle of the same investigation, check that this one still holds
its history (a history rewritten since fails here, even if signed anew):

    jitspace verify THIS-FILE.zip --against EARLIER-FILE.zip
The byte layout of the hash chain is documented in JITspace's source (jitspace/ledger/chain.py).
Verdicts and flags in JITspace are risk indications for lawyers, not rulings: the court decides.
"""


class BundleContent:
    """A bundle, written to a temporary file (evidence files can be large)."""

    def __init__(self, file: IO[bytes], manifest: Manifest) -> None:
        self.file = file
        self.manifest = manifest
        digest = hashlib.sha256()
        self.size = 0
        for chunk in self.chunks(close=False):
            digest.update(chunk)
            self.size += len(chunk)
        self.sha256 = digest.hexdigest()

    def chunks(self, *, close: bool = True, size: int = 1 << 20) -> Iterator[bytes]:
        self.file.seek(0)
        try:
            while chunk := self.file.read(size):
                yield chunk
        finally:
            if close:
                self.file.close()

    @property
    def data(self) -> bytes:
        return b"".join(self.chunks(close=False))


# how often (in events) building reports its progress
PROGRESS_EVERY = 10_000
# events.jsonl is written in pieces of about this size
WRITE_SIZE = 1 << 16


def build_bundle(
    *,
    entries: Iterable[Entry],
    checkpoint: Checkpoint,
    mapper: Mapper[UUID],
    sign: Callable[[bytes], bytes],
    withhold: Callable[[Entry], bool],
    investigation_id: UUID,
    investigation_name: str,
    as_of: datetime | None,
    produced_by: str,
    purpose: str,
    read_file: Callable[[str], Iterable[bytes]] | None = None,
    withheld_files: frozenset[str] = frozenset(),
    progress: Callable[[int], None] | None = None,
) -> BundleContent:
    """The bundle; with `read_file` (storage key -> bytes), the evidence files go in too,
    but for those named in `withheld_files` (SHA-256: their originator does not let the
    disclosing party have them). `progress` hears how many events are written, every
    `PROGRESS_EVERY` and at the end.

    Memory stays flat whatever the history's length: the entries are read once, as they
    stream from the log, each written into events.jsonl in the zip (hashed as it passes),
    replayed into the records and rendered as the report's row (kept on disk until the
    records, which head the report, are known). The records are written to disk as each
    becomes final (records.json and the report's tables of them); what is held is what the
    replay needs: each record's state, not its history."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the caller, closed after reading)
    try:
        with (
            ExitStack() as stack,
            ReportRows() as rows,
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as bundle,
        ):
            produced_at = datetime.now(UTC)
            hashes: dict[str, str] = {}

            def opened(name: str) -> IO[bytes]:
                """A member to write: compressed, but for evidence files (stored as they
                are: most are compressed already)."""
                info = zipfile.ZipInfo(name, date_time=produced_at.timetuple()[:6])
                if not name.startswith("files/"):
                    info.compress_type = zipfile.ZIP_DEFLATED
                return bundle.open(info, "w", force_zip64=True)

            def member(name: str, parts: Iterable[bytes]) -> None:
                """A member written as its parts come, hashed as they pass."""
                digest = hashlib.sha256()
                with opened(name) as writing:
                    for part in parts:
                        digest.update(part)
                        writing.write(part)
                hashes[name] = digest.hexdigest()

            member("checkpoint.json", [msgspec.json.encode(checkpoint.document())])
            written = _Written()
            digest = hashlib.sha256()
            with opened("events.jsonl") as events_jsonl:
                events = _streamed(entries, withhold, events_jsonl, digest, written, progress)
                records = stack.enter_context(rebuild_records(rows.passing(events), mapper))
            hashes["events.jsonl"] = digest.hexdigest()
            fields: dict[str, Any] = {
                "investigation_id": investigation_id,
                "investigation_name": investigation_name,
                "as_of": as_of,
                "up_to_position": checkpoint.fields.position,
                "produced_at": produced_at,
                "produced_by": produced_by,
                "purpose": purpose,
                "events": written.events,
                "withheld": written.withheld,
                "key_id": checkpoint.fields.key_id,
            }
            member("records.json", records.json())
            member("report.html", rows.report(msgspec.to_builtins(fields), records))
            member("README.txt", [README.encode()])
            evidence_files = sorted(
                (sha256, key)
                for sha256, key in (written.files if read_file else {}).items()
                if sha256 not in withheld_files
            )
            for sha256, key in evidence_files:
                assert read_file is not None
                # as found in the store: a file altered there shows up as not matching its name
                member(f"files/{sha256}", read_file(key))
            manifest = Manifest(**fields, files=hashes)
            manifest_bytes = msgspec.json.encode(manifest)
            bundle.writestr("manifest.json", manifest_bytes)
            bundle.writestr("manifest.sig", base64.b64encode(sign(manifest_bytes)))
            bundle.writestr("public-key.pem", checkpoint.public_key_pem)
    except BaseException:
        out.close()
        raise
    return BundleContent(out, manifest)


class _Written:
    """What the events written so far come to."""

    def __init__(self) -> None:
        self.events = 0
        self.withheld = 0
        self.files: dict[str, str] = {}  # the evidence files recorded: SHA-256 -> storage key


def _streamed(
    entries: Iterable[Entry],
    withhold: Callable[[Entry], bool],
    out: IO[bytes],
    digest: Any,
    written: _Written,
    progress: Callable[[int], None] | None,
) -> Iterator[BundleEvent]:
    """The entries as the bundle's events, each written to `out` (events.jsonl) as a line
    and hashed into `digest` as it passes, in writes of about `WRITE_SIZE` bytes."""
    encoder = msgspec.json.Encoder()
    line = bytearray()
    pending = bytearray()
    for entry in entries:
        event = bundle_event(entry, withhold(entry))
        encoder.encode_into(event, line)
        pending += line
        pending += b"\n"
        if len(pending) >= WRITE_SIZE:
            digest.update(pending)
            out.write(pending)
            pending.clear()
        written.events += 1
        if event.state is None:
            written.withheld += 1
        elif event.topic == FILE_ATTACHED:
            written.files.update(attached_files([event]))
        if progress is not None and written.events % PROGRESS_EVERY == 0:
            progress(written.events)
        yield event
    digest.update(pending)
    out.write(pending)
    if progress is not None:
        progress(written.events)
