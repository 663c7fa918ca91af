"""Building a disclosure bundle as of a date: its files, signed, in a temporary zip file."""

from __future__ import annotations

import base64
import hashlib
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import IO, Any
from uuid import UUID

import msgspec
from eventsourcing.persistence import Mapper

from jitspace.disclosure.contents import Manifest, attached_files, bundle_event
from jitspace.disclosure.records import rebuild_records, render_report
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


def build_bundle(
    *,
    entries: Sequence[Entry],
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
) -> BundleContent:
    """The bundle; with `read_file` (storage key -> bytes), the evidence files go in too,
    but for those named in `withheld_files` (SHA-256: their originator does not let the
    disclosing party have them)."""
    events = [bundle_event(entry, withhold(entry)) for entry in entries]
    events_jsonl = b"".join(msgspec.json.encode(event) + b"\n" for event in events)
    records = rebuild_records(events, mapper)
    fields: dict[str, Any] = {
        "investigation_id": investigation_id,
        "investigation_name": investigation_name,
        "as_of": as_of,
        "up_to_position": checkpoint.fields.position,
        "produced_at": datetime.now(UTC),
        "produced_by": produced_by,
        "purpose": purpose,
        "events": len(events),
        "withheld": sum(1 for event in events if event.state is None),
        "key_id": checkpoint.fields.key_id,
    }
    files = {
        "checkpoint.json": msgspec.json.encode(checkpoint.document()),
        "events.jsonl": events_jsonl,
        "records.json": msgspec.json.encode(records),
        "report.html": render_report(msgspec.to_builtins(fields), events, records).encode(),
        "README.txt": README.encode(),
    }
    hashes = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    out = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the caller, closed after reading)
    try:
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            for name, data in files.items():
                bundle.writestr(name, data)
            attached = attached_files(events) if read_file else {}
            evidence_files = sorted(
                (sha256, key) for sha256, key in attached.items() if sha256 not in withheld_files
            )
            for sha256, key in evidence_files:
                assert read_file is not None
                name = f"files/{sha256}"
                digest = hashlib.sha256()
                with bundle.open(zipfile.ZipInfo(name), "w", force_zip64=True) as member:
                    for chunk in read_file(key):
                        digest.update(chunk)
                        member.write(chunk)
                # as found in the store: a file altered there shows up as not matching its name
                hashes[name] = digest.hexdigest()
            manifest = Manifest(**fields, files=hashes)
            manifest_bytes = msgspec.json.encode(manifest)
            bundle.writestr("manifest.json", manifest_bytes)
            bundle.writestr("manifest.sig", base64.b64encode(sign(manifest_bytes)))
            bundle.writestr("public-key.pem", checkpoint.public_key_pem)
    except BaseException:
        out.close()
        raise
    return BundleContent(out, manifest)
