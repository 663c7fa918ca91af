"""Checking a disclosure bundle offline: no server, no database, every member read one way
only (jitspace/disclosure/strict_zip.py) and within its limits."""

from __future__ import annotations

import base64
import hashlib
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, nullcontext
from pathlib import Path
from typing import IO, Any, NamedTuple
from uuid import UUID

import msgspec
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from eventsourcing.persistence import Mapper

from jitspace.disclosure.contents import (
    FILE_ATTACHED,
    SIGNED_FILES,
    UNSIGNED_FILES,
    BundleEvent,
    Manifest,
    UnreadableFileRecord,
    attached_files,
)
from jitspace.disclosure.records import Records, ReportRows, rebuild_records
from jitspace.disclosure.strict_zip import DamagedZip, StrictZip
from jitspace.ledger import chain
from jitspace.ledger.checkpoints import Checkpoint, CheckpointDocument, VerificationReport
from jitspace.ledger.verification import Finding, Head, verify
from jitspace.signing import fingerprint, key_id, load_public_key, verify_signature

# the members the verifier holds whole in memory, and the most each may inflate to; the others
# are only hashed as they stream past, and events.jsonl is read a line at a time
HELD_LIMITS = {
    "manifest.json": 16 << 20,
    "manifest.sig": 1 << 10,
    "public-key.pem": 16 << 10,
    "checkpoint.json": 1 << 20,
}
EVENT_LINE_LIMIT = 16 << 20
# A bundle's JSON, HTML and text deflate 2 to 10 times (every event carries hashes and random
# ids, which do not compress), and evidence files are stored as they are. A member that
# inflates far more is a zip bomb: refused before it is inflated, so that checking a bundle
# takes time and memory in proportion to its size.
RATIO_LIMIT = 100


def kept_checkpoint(path: Path) -> Checkpoint:
    """A checkpoint someone kept: a saved `GET /ledger/checkpoints/latest` answer, or the
    checkpoint of an earlier disclosure bundle. ValueError if the file holds neither."""
    try:
        if zipfile.is_zipfile(path):
            with path.open("rb") as file:
                bundle = StrictZip(file)
                member = bundle.members.get("checkpoint.json")
                if member is None or member.size > HELD_LIMITS["checkpoint.json"]:
                    raise ValueError("the bundle has no checkpoint.json of a checkpoint's size")
                data = _held(bundle, "checkpoint.json")
        else:
            data = path.read_bytes()
        return msgspec.json.decode(data, type=CheckpointDocument).checkpoint()
    except (OSError, DamagedZip, msgspec.DecodeError, ValueError) as error:
        msg = f"{path} holds no signed checkpoint: {error}"
        raise ValueError(msg) from error


def _kept_heads(
    against: Sequence[Checkpoint], key: Any, manifest: Manifest, problem: Callable[..., None]
) -> list[Head]:
    """The heads of checkpoints kept from before that the bundle's chain must still hold:
    a history rewritten since then and disclosed again, signed anew, fails here."""
    heads: list[Head] = []
    for checkpoint in against:
        fields = checkpoint.fields
        if key_id(load_public_key(checkpoint.public_key_pem)) != key_id(key) or not (
            checkpoint.is_signed()
        ):
            problem(
                "checkpoint",
                f"the kept checkpoint at position {fields.position} is not validly signed with "
                "the bundle's key",
            )
        elif fields.scope != str(manifest.investigation_id):
            problem(
                "checkpoint",
                f"the kept checkpoint at position {fields.position} covers another "
                "investigation or the whole log, not this bundle's",
            )
        elif fields.position > manifest.up_to_position:
            problem(
                "checkpoint",
                f"the bundle ends at position {manifest.up_to_position}, before the kept "
                f"checkpoint (position {fields.position}): check the bundle that checkpoint "
                "came from against this one instead",
            )
        else:
            heads.append(checkpoint.head())
    return heads


class BundleReport(VerificationReport, kw_only=True):
    """The verdict on a bundle's contents (`findings`), and on who published it."""

    signed_by: str = ""  # the fingerprint of the key that signed the manifest
    publisher_checked: bool = False  # that key is one the verifier was told to trust


class Unreadable(Exception):
    """A part of the bundle cannot be read; the message says which and why."""


def verify_bundle(
    bundle: Path | IO[bytes],
    *,
    trusted_keys: Sequence[Ed25519PublicKey] = (),
    against: Sequence[Checkpoint] = (),
) -> BundleReport:
    """Check everything in a bundle (a file, or its bytes opened for reading). No server, no
    database. With `trusted_keys`, the bundle must also be signed by one of them; without,
    who signed it is left unchecked. `against`: checkpoints kept from before (earlier
    bundles'), whose heads the bundle's chain must hold."""
    scope = str(bundle) if isinstance(bundle, Path) else "bundle"
    try:
        with bundle.open("rb") if isinstance(bundle, Path) else nullcontext(bundle) as file:
            return _verify(StrictZip(file), scope, trusted_keys, against)
    except OSError as error:
        detail = f"the bundle cannot be read: {error.strerror or error}"
    except DamagedZip as error:
        detail = f"not a bundle as JITspace exports it, or damaged: {error}"
    return BundleReport(scope, 0, 0, [Finding("bundle", 0, detail)])


def _verify(
    bundle: StrictZip,
    scope: str,
    trusted_keys: Sequence[Ed25519PublicKey],
    against: Sequence[Checkpoint],
) -> BundleReport:
    from jitspace.ledger.eventlog import MsgspecMapper

    findings: list[Finding] = []

    def problem(kind: str, detail: str, position: int = 0) -> None:
        findings.append(Finding(kind, position, detail))

    def report(events: int = 0, checkpoints: int = 0, signed_by: str = "") -> BundleReport:
        checked = bool(signed_by) and signed_by in {fingerprint(k) for k in trusted_keys}
        return BundleReport(
            scope,
            events,
            checkpoints,
            findings,
            signed_by=signed_by,
            publisher_checked=checked,
        )

    names = set(bundle.members)
    missing = {*UNSIGNED_FILES, *SIGNED_FILES} - names
    if missing:
        problem("bundle", f"files missing from the bundle: {', '.join(sorted(missing))}")
        return report()
    oversized = _oversized(bundle)
    if oversized:
        problem("bundle", oversized)
        return report()
    # every byte once, streamed: a damaged member stops the check here (events.jsonl is
    # hashed as it is read, once, below)
    found = {name: _sha256_of(bundle, name) for name in bundle.members if name != "events.jsonl"}
    try:
        key = load_public_key(_held(bundle, "public-key.pem"))
    except (ValueError, TypeError, UnsupportedAlgorithm):
        problem("signature", "public-key.pem is not an Ed25519 public key")
        return report()
    signed_by = fingerprint(key)
    if trusted_keys and signed_by not in {fingerprint(k) for k in trusted_keys}:
        problem(
            "signature",
            f"the bundle is signed with key {signed_by}, which is not "
            + ("the trusted key" if len(trusted_keys) == 1 else "one of the trusted keys")
            + f" ({', '.join(fingerprint(k) for k in trusted_keys)})",
        )
    manifest_bytes = _held(bundle, "manifest.json")
    try:
        signature = base64.b64decode(_held(bundle, "manifest.sig"), validate=True)
    except ValueError:
        signature = b""
    if not verify_signature(key, signature, manifest_bytes):
        problem("manifest", "manifest.json was altered: its signature does not match")
    try:
        manifest = msgspec.json.decode(manifest_bytes, type=Manifest)
    except msgspec.DecodeError as error:
        problem("manifest", f"manifest.json cannot be read: {error}")
        return report(signed_by=signed_by)
    files_at = len(findings)  # where the files' findings go, once events.jsonl is hashed

    heads: list[Head] = []
    try:
        checkpoint = msgspec.json.decode(_held(bundle, "checkpoint.json"), type=CheckpointDocument)
        statement = checkpoint.statement.encode()
        checkpoint_key = load_public_key(checkpoint.public_key_pem)
        checkpoint_signature = base64.b64decode(checkpoint.signature, validate=True)
        signed = key_id(checkpoint_key) == key_id(key) and verify_signature(
            checkpoint_key, checkpoint_signature, statement
        )
        fields = Checkpoint(statement, b"", checkpoint.public_key_pem).fields
        head = Head(fields.position, bytes.fromhex(fields.head_hash))
    except (msgspec.DecodeError, ValueError, TypeError, UnsupportedAlgorithm) as error:
        problem("checkpoint", f"checkpoint.json cannot be read: {error}")
    else:
        if not signed:
            problem("checkpoint", "the checkpoint is not validly signed by the bundle's key")
        else:
            if fields.scope != str(manifest.investigation_id):
                problem("checkpoint", "the checkpoint covers another investigation")
            heads.append(head)
            if fields.position != manifest.up_to_position:
                problem("manifest", "the manifest and the checkpoint end at different positions")
    heads.extend(_kept_heads(against, key, manifest, problem))

    with ReportRows() as rows, ExitStack() as stack:
        try:
            read = _read(bundle, heads, rows, MsgspecMapper(transcoder=None))  # type: ignore[arg-type]
        except Unreadable as error:
            # the other members are still checked against the manifest
            findings[files_at:files_at] = _files_findings(names, manifest, found)
            problem("events", str(error))
            return report(0, len(heads), signed_by)
        found["events.jsonl"] = read.sha256
        if isinstance(read.records, Records):
            stack.enter_context(read.records)
        findings[files_at:files_at] = _files_findings(names, manifest, found)
        if not read.chained:
            # a chain that does not check: its findings need the events side by side
            findings.extend(verify([event.entry() for event in _events(bundle)], heads))
        if read.unreadable_file is not None:
            problem("events", read.unreadable_file)
        for name in sorted(n for n in names if n.startswith("files/")):
            if name.removeprefix("files/") not in read.files:
                problem("file", f"{name} is not a file the bundle's events record")
        if any(i != manifest.investigation_id for i in read.investigations):
            problem("events", "events.jsonl holds events of another investigation")

        if not findings:
            # the records and the report are compared by their hashes: the records as the
            # one pass over the events replayed them, the report from the rows it rendered
            if isinstance(read.records, Unreadable):
                problem("records", str(read.records))
                return report(read.events, len(heads), signed_by)
            records_sha256 = hashlib.sha256()
            for part in read.records.json():
                records_sha256.update(part)
            if records_sha256.hexdigest() != found["records.json"]:
                problem("records", "records.json does not match the records the events describe")
            manifest_fields = {
                k: getattr(manifest, k) for k in Manifest.__struct_fields__ if k != "files"
            }
            rendered = hashlib.sha256()
            for part in rows.report(msgspec.to_builtins(manifest_fields), read.records):
                rendered.update(part)
            if rendered.hexdigest() != found["report.html"]:
                problem("report", "report.html does not match the report the events describe")
    return report(read.events, len(heads), signed_by)


def _files_findings(names: set[str], manifest: Manifest, found: dict[str, str]) -> list[Finding]:
    """Every member hashed (in `found`) against the manifest's hash of it, every file
    against its name."""
    findings: list[Finding] = []

    def problem(detail: str) -> None:
        findings.append(Finding("file", 0, detail))

    for name in sorted((names & found.keys()) - set(UNSIGNED_FILES)):
        expected = manifest.files.get(name)
        if expected is None:
            problem(f"{name} is not listed in the manifest")
        elif found[name] != expected:
            problem(f"{name} was altered: its SHA-256 differs from the manifest's")
        if name.startswith("files/") and found[name] != name.removeprefix("files/"):
            problem(f"{name} does not match the hash recorded for it when it was attached")
    for name in sorted(set(manifest.files) - names):
        problem(f"{name} is listed in the manifest but missing from the bundle")
    return findings


class _Read(NamedTuple):
    events: int
    sha256: str  # of events.jsonl
    chained: bool  # every event matches its hashes, every link follows, every head is reached
    files: dict[str, str]  # the evidence files the events record: SHA-256 -> storage key
    unreadable_file: str | None  # why an event recording a file cannot be read, if one cannot
    investigations: set[UUID]
    records: Records | Unreadable  # the records the events replay to, or why they do not


def _read(
    bundle: StrictZip, heads: Sequence[Head], rows: ReportRows, mapper: Mapper[UUID]
) -> _Read:
    """events.jsonl read once, an event at a time, none kept: hashed whole; whether its
    chain checks (as `verify` finds nothing exactly when it does); what the events record
    of files; the records they replay to; each one's row of the report, into `rows`.

    The events are only known to be consistent with their chain when the pass ends, not
    to come from JITspace: a topic outside the domain is never imported, and events that
    do not replay are a verdict, not a crash (the chain is still read to its end)."""
    digest = hashlib.sha256()
    events = _events(bundle, digest)
    scan = _Scan(heads)

    def passing() -> Iterator[BundleEvent]:
        for event in events:
            scan.add(event)
            if not event.topic.startswith("domain."):
                raise Unreadable(
                    f"the event at position {event.position} is of an unknown kind: {event.topic}"
                )
            yield event
            rows.add(event)  # once replayed: the state is one the domain reads

    records: Records | Unreadable
    try:
        records = rebuild_records(passing(), mapper)
    except (_UnreadableLine, DamagedZip):
        raise
    except Unreadable as error:
        records = error
    except Exception as error:  # any failure of untrusted events is a verdict, not a crash
        records = Unreadable(f"the events do not replay into records: {error}")
    try:
        for event in events:  # the rest, when the replay stopped before the end
            scan.add(event)
    except BaseException:
        if isinstance(records, Records):
            records.close()
        raise
    chained = scan.chained and all(scan.reached.get(p) == h for p, h in scan.wanted.items())
    return _Read(
        scan.events,
        digest.hexdigest(),
        chained,
        # an event recording a file that cannot be read: no file counts as recorded
        {} if scan.unreadable_file else scan.files,
        scan.unreadable_file,
        scan.investigations,
        records,
    )


class _Scan:
    """The chain recomputed and the files recorded, an event at a time."""

    def __init__(self, heads: Sequence[Head]) -> None:
        self.wanted = {head.position: head.head_hash for head in heads}
        self.reached: dict[int, bytes] = {}
        self.previous = chain.GENESIS
        self.chained = True
        self.events = 0
        self.files: dict[str, str] = {}
        self.unreadable_file: str | None = None
        self.investigations: set[UUID] = set()

    def add(self, event: BundleEvent) -> None:
        try:
            self._add(event)
        except ValueError as error:  # a hash that is not hex, a time without its zone
            raise _UnreadableLine(f"events.jsonl cannot be read: {error}") from None

    def _add(self, event: BundleEvent) -> None:
        self.events += 1
        self.investigations.add(event.investigation_id)
        if self.chained:
            state_sha256 = bytes.fromhex(event.state_sha256)
            digest = chain.event_hash(
                event.position,
                event.originator_id,
                event.originator_version,
                event.investigation_id,
                event.recorded_at,
                event.topic,
                state_sha256,
            )
            state_ok = (
                event.state is None or chain.state_sha256(event.state.encode()) == state_sha256
            )
            self.previous = chain.link(self.previous, digest)
            self.chained = (
                state_ok
                and digest == bytes.fromhex(event.event_hash)
                and self.previous == bytes.fromhex(event.investigation_hash)
            )
            if event.position in self.wanted:
                self.reached[event.position] = self.previous
        if event.topic == FILE_ATTACHED and self.unreadable_file is None:
            try:
                self.files.update(attached_files([event]))
            except UnreadableFileRecord as error:
                self.unreadable_file = str(error)


def _oversized(bundle: StrictZip) -> str | None:
    """Why a member the verifier reads is too large to be read, if one is."""
    for name, limit in HELD_LIMITS.items():
        if bundle.members[name].size > limit:
            return f"{name} is {bundle.members[name].size} bytes; a bundle's is at most {limit}"
    for name, member in bundle.members.items():
        if member.size > RATIO_LIMIT * max(member.compressed_size, 1):
            return (
                f"{name} would inflate {member.size // max(member.compressed_size, 1)} times its "
                f"compressed size; nothing in a bundle compresses beyond {RATIO_LIMIT} times"
            )
    return None


def _held(bundle: StrictZip, name: str) -> bytes:
    """A small member, whole (its size was checked against `HELD_LIMITS`)."""
    return b"".join(bundle.chunks(name))


def _sha256_of(bundle: StrictZip, name: str) -> str:
    digest = hashlib.sha256()
    for chunk in bundle.chunks(name):
        digest.update(chunk)
    return digest.hexdigest()


class _UnreadableLine(Unreadable):
    """A line of events.jsonl that is not an event."""


def _events(bundle: StrictZip, digest: Any = None) -> Iterator[BundleEvent]:
    """events.jsonl, a line at a time, none longer than `EVENT_LINE_LIMIT`; with `digest`
    (hashlib's), hashed as it is read."""
    line = bytearray()
    decoder = msgspec.json.Decoder(BundleEvent)
    read = 0

    def decoded(line: bytes) -> BundleEvent:
        try:
            return decoder.decode(line)
        except msgspec.DecodeError as error:
            raise _UnreadableLine(
                f"events.jsonl cannot be read: line {read + 1}: {error}"
            ) from None

    for chunk in bundle.chunks("events.jsonl"):
        if digest is not None:
            digest.update(chunk)
        start = 0
        while (end := chunk.find(b"\n", start)) >= 0:
            line += chunk[start:end]
            yield decoded(bytes(line))
            read += 1
            line.clear()
            start = end + 1
        line += chunk[start:]
        if len(line) > EVENT_LINE_LIMIT:
            raise _UnreadableLine(
                f"events.jsonl: line {read + 1} is longer than any event can be "
                f"({EVENT_LINE_LIMIT} bytes)"
            )
    if line:
        yield decoded(bytes(line))
