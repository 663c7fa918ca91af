"""Disclosure bundles: one investigation's history as of a date, checkable offline.

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

import base64
import hashlib
import html
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from uuid import UUID

import msgspec
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from eventsourcing.persistence import Mapper, StoredEvent
from eventsourcing.utils import get_topic

from domain.authorisation import LegalAuthorisation
from domain.base import replay
from domain.evidence import EvidenceItem
from domain.investigation import Investigation
from domain.task import Task
from jitspace.disclosure.strict_zip import DamagedZip, StrictZip
from jitspace.documents.views import (
    authorisation_view,
    custody_view,
    evidence_view,
    explanation_view,
    investigation_view,
    task_view,
)
from jitspace.ledger.checkpoints import Checkpoint, CheckpointDocument, VerificationReport
from jitspace.ledger.verification import Entry, Finding, Head, verify
from jitspace.signing import fingerprint, key_id, load_public_key, verify_signature
from projections.admissibility import matrix_as_of
from projections.custody import chains_as_of

FORMAT = "jitspace/disclosure/bundles/v2"
FILE_ATTACHED = get_topic(EvidenceItem.FileAttached)
SIGNED_FILES = ("checkpoint.json", "events.jsonl", "records.json", "report.html", "README.txt")


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


# -- records as of the bundle's position ----------------------------------------------------


def rebuild_records(events: Sequence[BundleEvent], mapper: Mapper[UUID]) -> dict[str, Any]:
    """Replay the bundle's events into the records they describe (withheld ones excepted)."""
    withheld = {event.originator_id for event in events if event.state is None}
    domain_events = [
        mapper.to_domain_event(
            StoredEvent(
                originator_id=event.originator_id,
                originator_version=event.originator_version,
                topic=event.topic,
                state=event.state.encode(),
            )
        )
        for event in events
        if event.state is not None
    ]
    aggregates = replay(domain_events)
    _, cells = matrix_as_of(domain_events)
    records: dict[str, Any] = {
        "investigation": None,
        "evidence": [],
        "custody": [
            custody_view(evidence_id, chain, version)
            for evidence_id, (chain, version) in chains_as_of(domain_events).items()
        ],
        "admissibility": [
            {"evidence_id": row.verdict.evidence_id, "reference": row.reference}
            | msgspec.to_builtins(explanation_view(row))
            for _, row in sorted(cells.items(), key=lambda kv: (kv[1].reference, str(kv[0])))
        ],
        "authorisations": [],
        "tasks": [],
        "withheld": sorted(str(i) for i in withheld),
    }
    for record_id, aggregate in aggregates.items():
        if record_id in withheld:
            continue
        if isinstance(aggregate, Investigation):
            records["investigation"] = investigation_view(aggregate)
        elif isinstance(aggregate, EvidenceItem):
            # withheld items are left out above: the disclosing party may read the others whole
            records["evidence"].append(evidence_view(aggregate, aggregate.country))
        elif isinstance(aggregate, LegalAuthorisation):
            records["authorisations"].append(authorisation_view(aggregate))
        elif isinstance(aggregate, Task):
            records["tasks"].append(task_view(aggregate))
    return msgspec.to_builtins(records)  # type: ignore[no-any-return]


def render_report(
    manifest_fields: dict[str, Any], events: Sequence[BundleEvent], records: dict[str, Any]
) -> str:
    """The reading copy: deterministic, so that the verifier can render it again and compare."""
    e = html.escape
    investigation = records.get("investigation") or {}
    rows: list[str] = []
    for event in events:
        kind = event.topic.partition(":")[2]
        if event.state is None:
            recorded, who, what = "", "", "<em>withheld by its originating party</em>"
        else:
            state = msgspec.json.decode(event.state)
            actor = state.get("actor", {})
            recorded = e(str(state.get("timestamp", "")))
            who = e(f"{actor.get('country', '')} {actor.get('role', '')}")
            what = e(_summary(state))
        rows.append(
            f"<tr><td>{event.position}</td><td>{recorded}</td><td>{e(kind)}</td>"
            f"<td>{who}</td><td>{what}</td></tr>"
        )

    def table(title: str, items: Iterable[dict[str, Any]], columns: Sequence[str]) -> str:
        head = "".join(f"<th>{e(c)}</th>" for c in columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{e(_cell(item.get(c)))}</td>" for c in columns) + "</tr>"
            for item in items
        )
        return f"<h2>{e(title)}</h2><table><tr>{head}</tr>{body}</table>"

    references = {item["id"]: item["reference"] for item in records.get("evidence", [])}
    parties = ", ".join(
        f"{p['country']} ({p['lead_authority']})" for p in investigation.get("parties", [])
    )
    return (
        "<!doctype html><html lang=en><meta charset=utf-8>"
        f"<title>Disclosure: {e(str(manifest_fields['investigation_name']))}</title>"
        "<style>body{font:14px/1.4 sans-serif;margin:2em;max-width:70em}"
        "table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;padding:2px 6px;"
        "text-align:left;vertical-align:top}th{background:#eee}</style>"
        f"<h1>Disclosure: {e(str(manifest_fields['investigation_name']))}</h1>"
        f"<p>Investigation {e(str(manifest_fields['investigation_id']))}; parties: {e(parties)}."
        f"<br>History up to log position {manifest_fields['up_to_position']}"
        f"{' (as of ' + e(str(manifest_fields['as_of'])) + ')' if manifest_fields['as_of'] else ''}"
        f"; {manifest_fields['events']} events, {manifest_fields['withheld']} withheld."
        f"<br>Produced at {e(str(manifest_fields['produced_at']))} by "
        f"{e(str(manifest_fields['produced_by']))} for: {e(str(manifest_fields['purpose']))}.</p>"
        "<p>Check this bundle without trusting its publisher: <code>jitspace verify "
        "BUNDLE.zip --public-key PUBLISHER.pem</code>. It checks every event against the hash "
        "chain and the signed checkpoint, every file against the signed manifest, and rebuilds "
        "the records and this report from the events.</p>"
        + table("Members", investigation.get("members", []), ("name", "country", "role"))
        + table(
            "Evidence",
            records.get("evidence", []),
            ("reference", "country", "kind", "description", "collected_at", "authorisation_id"),
        )
        + table(
            "Chain of custody (risk flags for lawyers, not rulings: the court decides)",
            [
                {
                    "reference": references.get(c["evidence_id"], c["evidence_id"]),
                    "status": c["status"],
                    "holding party": c["holding_country"],
                    "integrity": c["integrity"],
                    "defects": "; ".join(d["message"] for d in c["defects"]) or "none",
                }
                for c in records.get("custody", [])
            ],
            ("reference", "status", "holding party", "integrity", "defects"),
        )
        + table(
            "Admissibility per country (risk flags for lawyers, not rulings: the court decides)",
            [
                {
                    "reference": v["reference"],
                    "country": v["country"],
                    "verdict": v["verdict"],
                    "reasons": "; ".join(
                        f"{r['rule']} {r['outcome']}: {r['reason']}"
                        for r in v["results"]
                        if r["outcome"] != "PASS"
                    )
                    or "no rule flags it",
                }
                for v in records.get("admissibility", [])
            ],
            ("reference", "country", "verdict", "reasons"),
        )
        + table(
            "Legal authorisations",
            records.get("authorisations", []),
            (
                "reference",
                "kind",
                "country",
                "authority",
                "valid_from",
                "valid_until",
                "revoked_at",
            ),
        )
        + table("Tasks", records.get("tasks", []), ("title", "status", "due_on"))
        + "<h2>Events</h2><table><tr><th>position</th><th>recorded</th><th>event</th>"
        "<th>by</th><th>facts</th></tr>" + "".join(rows) + "</table></html>"
    )


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def _summary(state: dict[str, Any]) -> str:
    skip = {"timestamp", "actor", "investigation_id", "originator_topic"}
    return "; ".join(f"{k}: {v}" for k, v in state.items() if k not in skip)[:500]


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


# -- producing a bundle -----------------------------------------------------------------------


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


def attached_files(events: Sequence[BundleEvent]) -> dict[str, str]:
    """The evidence files recorded by the bundle's (not withheld) events: SHA-256 -> key."""
    files: dict[str, str] = {}
    for event in events:
        if event.topic == FILE_ATTACHED and event.state is not None:
            state = msgspec.json.decode(event.state)
            files[state["sha256"]] = state["storage_key"]
    return files


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


# -- checking a bundle, offline ---------------------------------------------------------------

UNSIGNED_FILES = ("manifest.json", "manifest.sig", "public-key.pem")
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
    # every byte once, streamed: a damaged member stops the check here
    found = {name: _sha256_of(bundle, name) for name in bundle.members}
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
    for name in sorted(names - set(UNSIGNED_FILES)):
        expected = manifest.files.get(name)
        if expected is None:
            problem("file", f"{name} is not listed in the manifest")
        elif found[name] != expected:
            problem("file", f"{name} was altered: its SHA-256 differs from the manifest's")
        if name.startswith("files/") and found[name] != name.removeprefix("files/"):
            problem("file", f"{name} does not match the hash recorded for it when it was attached")
    for name in sorted(set(manifest.files) - names):
        problem("file", f"{name} is listed in the manifest but missing from the bundle")

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

    try:
        events = _read_events(bundle)
        entries = [event.entry() for event in events]
    except Unreadable as error:
        problem("events", str(error))
        return report(0, len(heads), signed_by)
    except ValueError as error:
        problem("events", f"events.jsonl cannot be read: {error}")
        return report(0, len(heads), signed_by)
    findings.extend(verify(entries, heads))
    recorded = attached_files(events)
    for name in sorted(n for n in names if n.startswith("files/")):
        if name.removeprefix("files/") not in recorded:
            problem("file", f"{name} is not a file the bundle's events record")
    if any(event.investigation_id != manifest.investigation_id for event in events):
        problem("events", "events.jsonl holds events of another investigation")

    if not findings:
        # the records and the report are compared by their hashes: both were hashed as they
        # streamed past, and neither is ever held whole
        try:
            records = _replayed(events, MsgspecMapper(transcoder=None))  # type: ignore[arg-type]
        except Unreadable as error:
            problem("records", str(error))
            return report(len(events), len(heads), signed_by)
        if hashlib.sha256(msgspec.json.encode(records)).hexdigest() != found["records.json"]:
            problem("records", "records.json does not match the records the events describe")
        rendered = render_report(
            msgspec.to_builtins(
                {k: getattr(manifest, k) for k in Manifest.__struct_fields__ if k != "files"}
            ),
            events,
            records,
        )
        if hashlib.sha256(rendered.encode()).hexdigest() != found["report.html"]:
            problem("report", "report.html does not match the report the events describe")
    return report(len(events), len(heads), signed_by)


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


def _read_events(bundle: StrictZip) -> list[BundleEvent]:
    """events.jsonl, a line at a time, none longer than `EVENT_LINE_LIMIT`."""
    events: list[BundleEvent] = []
    line = bytearray()

    def decoded(line: bytes) -> BundleEvent:
        try:
            return msgspec.json.decode(line, type=BundleEvent)
        except msgspec.DecodeError as error:
            raise Unreadable(
                f"events.jsonl cannot be read: line {len(events) + 1}: {error}"
            ) from None

    for chunk in bundle.chunks("events.jsonl"):
        start = 0
        while (end := chunk.find(b"\n", start)) >= 0:
            line += chunk[start:end]
            events.append(decoded(bytes(line)))
            line.clear()
            start = end + 1
        line += chunk[start:]
        if len(line) > EVENT_LINE_LIMIT:
            raise Unreadable(
                f"events.jsonl: line {len(events) + 1} is longer than any event can be "
                f"({EVENT_LINE_LIMIT} bytes)"
            )
    if line:
        events.append(decoded(bytes(line)))
    return events


def _replayed(events: Sequence[BundleEvent], mapper: Mapper[UUID]) -> dict[str, Any]:
    """The records the events describe. The events are only known to be consistent with
    their chain, not to come from JITspace: a topic outside the domain is never imported, and
    events that do not replay are a finding, not a crash."""
    for event in events:
        if not event.topic.startswith("domain."):
            raise Unreadable(
                f"the event at position {event.position} is of an unknown kind: {event.topic}"
            )
    try:
        return rebuild_records(events, mapper)
    except Exception as error:  # any failure of untrusted events is a verdict, not a crash
        raise Unreadable(f"the events do not replay into records: {error}") from None
