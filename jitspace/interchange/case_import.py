"""Evidence items imported from a CASE/UCO JSON-LD graph, with their files: all or none.

An import is one zip archive (a forensic extraction): one JSON-LD document at its top
(`*.jsonld` or `*.json`) and the files under `files/<sha256>`; a JSON-LD document alone is an
archive without files. What it maps (the rest of the graph is not imported):

- an item: a node tagged with its kind (`jitspace-kind:...`, as JITspace exports), or a node
  with a file's facets (FileFacet, or a ContentDataFacet with a SHA-256) not contained within
  such an item (kind `document`). Its reference is its `uco-core:name` (else its provenance
  record's exhibit number, else its `@id`); its description its `uco-core:description` (else
  the file's name and path); its party the `uco-identity:Organization` that created it
  (`uco-core:createdBy`, tagged `jitspace-party:XX`), else the importing member's;
- its collection: the action whose result is the item (the one named as JITspace names the
  collection first): `startTime` the time collected, its performer's name who collected it,
  its location's name the place, its description (or name, and the tool it used) the method;
- its files: the item's own file facets, or the `uco-observable:File` nodes contained within
  it (`ObservableRelationship` `Contained_Within`), each with name, size, media type and
  SHA-256, the bytes from the archive (`files/<sha256>`). A file the archive does not hold is
  not attached: the item's description says which file the graph declared.

Everything is checked before anything is stored, and every problem is reported at once with
the node's place in the document and its `@id`: the parties, the references (new to the
investigation and to the document), the times (none in the future), the hashes (against the
bytes). Then the files are stored, then all items and their files are recorded in one
transaction of the log (all or none); if that fails, the files it stored and no record claims
are removed. Custody steps after collection, derivations and every other node (devices,
annotations, relationships of other kinds, facets of other kinds) are not imported: JITspace's
custody steps are each recorded by the member who took them.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import NamedTuple
from uuid import UUID

from anyio import to_thread

from domain.commands import ImportedFile, ImportedItem, RegisterEvidence
from domain.errors import Violations
from domain.evidence import reference_key
from domain.permissions import Action, check_permitted
from domain.values import EvidenceKind
from jitspace.documents.evidence import EvidenceSummary
from jitspace.documents.investigations import Investigation
from jitspace.interchange.case_graph import CaseGraph, Node
from jitspace.interchange.case_terms import (
    CASE_INVESTIGATION,
    COLLECTION,
    CONTAINED_WITHIN,
    KIND_TAG,
    PARTY_TAG,
    UCO_ACTION,
    UCO_CORE,
    UCO_IDENTITY,
    UCO_LOCATION,
    UCO_OBSERVABLE,
    UCO_TYPES,
)
from jitspace.interchange.importing import (
    ImportResult,
    Progress,
    Recorded,
    discard,
    is_zip,
    open_zip,
    quiet,
    record_items,
    top_document,
    unheard,
)
from jitspace.reads.records import Reading
from jitspace.services.application import JITspace
from jitspace.storage.blobs import BlobStore, StoredBlob

SHA256 = re.compile("^[0-9a-f]{64}$")
NOT_NAMED = "not named in the CASE document"


class Collection(NamedTuple):
    """When, where, how and by whom the item was collected."""

    occurred_at: datetime
    collected_by: str
    place: str
    method: str


@dataclass
class PlannedFile:
    name: str
    media_type: str
    sha256: str
    size: int


@dataclass
class PlannedItem:
    command: RegisterEvidence
    files: list[PlannedFile] = field(default_factory=list)


class Archive:
    """The import's archive: its JSON-LD document and its files by SHA-256."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        if not is_zip(path):
            self.document = path.read_bytes()
            self.files: dict[str, zipfile.ZipInfo] = {}
            return
        self.zip = open_zip(path)
        self.document = self.zip.read(top_document(self.zip))
        self.files = {
            i.filename.removeprefix("files/"): i
            for i in self.zip.infolist()
            if i.filename.startswith("files/") and not i.is_dir()
        }

    def chunks(self, sha256: str, size: int = 1 << 20) -> Iterator[bytes]:
        assert self.zip is not None
        with self.zip.open(self.files[sha256]) as member:
            while chunk := member.read(size):
                yield chunk

    def digest(self, sha256: str) -> tuple[str, int]:
        hashed, length = hashlib.sha256(), 0
        for chunk in self.chunks(sha256):
            hashed.update(chunk)
            length += len(chunk)
        return hashed.hexdigest(), length

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


def plan_import(
    graph: CaseGraph,
    archive: Archive,
    investigation: Investigation,
    country: str,
    register: list[EvidenceSummary],
    now: datetime,
    max_bytes: int,
) -> list[PlannedItem]:
    """The items to register, or Violations naming every problem of the document."""
    planner = _Planner(graph, archive, investigation, country, register, now, max_bytes)
    planned = planner.items()
    if planner.problems:
        raise Violations(
            f"nothing was imported: the document has {len(planner.problems)} problem(s)",
            planner.problems,
        )
    if not planned:
        raise Violations(
            "nothing to import",
            [
                (
                    "document",
                    "the graph holds no evidence item: no node with a file's facets "
                    "(FileFacet, ContentDataFacet) or a JITspace kind",
                )
            ],
        )
    return planned


class _Planner:
    def __init__(
        self,
        graph: CaseGraph,
        archive: Archive,
        investigation: Investigation,
        country: str,
        register: list[EvidenceSummary],
        now: datetime,
        max_bytes: int,
    ) -> None:
        self.graph = graph
        self.archive = archive
        self.investigation = investigation
        self.country = country
        self.now = now
        self.max_bytes = max_bytes
        self.problems: list[tuple[str, str]] = []
        self.references = {reference_key(s.reference): s.reference for s in register}
        self.parties = {p.country for p in investigation.parties}
        self.contained: dict[str, list[str]] = {}  # item id -> ids of nodes within it
        for relation in graph.of_type(UCO_OBSERVABLE + "ObservableRelationship"):
            if relation.text(UCO_CORE + "kindOfRelationship") == CONTAINED_WITHIN:
                for source in relation.references(UCO_CORE + "source"):
                    for target in relation.references(UCO_CORE + "target"):
                        self.contained.setdefault(target, []).append(source)
        self.exhibits = {
            target: record.text(CASE_INVESTIGATION + "exhibitNumber")
            for record in graph.of_type(CASE_INVESTIGATION + "ProvenanceRecord")
            for target in record.references(UCO_CORE + "object")
        }
        self.results: dict[str, list[Node]] = {}
        for node in graph.by_id.values():
            if any(t.startswith((UCO_ACTION, CASE_INVESTIGATION)) for t in node.types):
                for result in node.references(UCO_ACTION + "result"):
                    self.results.setdefault(result, []).append(node)

    def problem(self, node: Node, message: str) -> None:
        self.problems.append((node.name, message))

    def items(self) -> list[PlannedItem]:
        tagged = [n for n in self.graph.by_id.values() if self._kind_tag(n) is not None]
        within_items = {i for n in tagged for i in self.contained.get(n.id, [])}
        files = [
            n
            for n in self.graph.by_id.values()
            if n not in tagged and n.id not in within_items and _file_facets(n)
        ]
        planned = []
        seen: dict[str, Node] = {}
        for node in sorted(tagged + files, key=lambda n: n.path):
            item = self._item(node, node in tagged)
            if item is None:
                continue
            key = reference_key(item.command.reference)
            if key in seen:
                self.problem(
                    node,
                    f"the reference {item.command.reference!r} is also that of "
                    f"{seen[key].name}: references are unique within an investigation",
                )
            seen[key] = node
            planned.append(item)
        return planned

    def _kind_tag(self, node: Node) -> str | None:
        for value in node.values(UCO_CORE + "tag"):
            text = getattr(value, "value", "")
            if text.startswith(KIND_TAG):
                return str(text.removeprefix(KIND_TAG))
        return None

    def _item(self, node: Node, tagged: bool) -> PlannedItem | None:
        before = len(self.problems)
        kind = EvidenceKind.DOCUMENT
        if tagged:
            written = self._kind_tag(node) or ""
            try:
                kind = EvidenceKind(written)
            except ValueError:
                self.problem(node, f"{written!r} is not a kind of evidence item")
        reference = (
            node.text(UCO_CORE + "name") or self.exhibits.get(node.id) or node.id or ""
        ).strip()
        if not reference:
            self.problem(node, "the item has no name (its reference) and no @id")
        elif reference_key(reference) in self.references:
            self.problem(
                node,
                f"the investigation already holds evidence item "
                f"{self.references[reference_key(reference)]!r}: references are unique",
            )
        self._check_party(node)
        files_nodes = (
            [self.graph.by_id[i] for i in self.contained.get(node.id, []) if i in self.graph.by_id]
            if tagged
            else [node]
        )
        files, missing = [], []
        for file_node in files_nodes:
            file = self._file(file_node)
            if file is None:
                continue
            if file.sha256 in self.archive.files:
                files.append(file)
            else:
                missing.append(file)
        description = (node.text(UCO_CORE + "description") or "").strip()
        if not description:
            description = _described(node) or reference
        for file in missing:
            description += (
                f"\nDeclared in the CASE document but not in the archive: {file.name} "
                f"(SHA-256 {file.sha256}, {file.size} bytes)"
            )
        collection = self._collection(node)
        if collection is None or len(self.problems) > before:
            return None
        return PlannedItem(
            RegisterEvidence(
                investigation_id=self.investigation.id,
                reference=reference,
                kind=kind,
                description=description,
                **collection._asdict(),
            ),
            files,
        )

    def _check_party(self, node: Node) -> None:
        for creator_id in node.references(UCO_CORE + "createdBy"):
            creator = self.graph.by_id.get(creator_id)
            if creator is None or UCO_IDENTITY + "Organization" not in creator.types:
                continue
            for value in creator.values(UCO_CORE + "tag"):
                text = getattr(value, "value", "")
                if not text.startswith(PARTY_TAG):
                    continue
                party = text.removeprefix(PARTY_TAG)
                if party not in self.parties:
                    self.problem(
                        node,
                        f"its party {party} ({creator.name}) is not a party of this investigation",
                    )
                elif party != self.country:
                    self.problem(
                        node,
                        f"it is an item of {party}: a member for {party} imports it "
                        f"(you act for {self.country})",
                    )

    def _file(self, node: Node) -> PlannedFile | None:
        facets = _file_facets(node)
        sha256 = None
        size = None
        name = None
        media_type = "application/octet-stream"
        for facet in facets:
            name = name or facet.text(UCO_OBSERVABLE + "fileName")
            size_text = facet.text(UCO_OBSERVABLE + "sizeInBytes")
            if size_text is not None and size is None and size_text.isdigit():
                size = int(size_text)
            media_type = facet.text(UCO_OBSERVABLE + "mimeType") or media_type
            for hashed in facet.nodes(UCO_OBSERVABLE + "hash"):
                method = (hashed.text(UCO_TYPES + "hashMethod") or "").upper().replace("-", "")
                value = (hashed.text(UCO_TYPES + "hashValue") or "").strip().lower()
                if method == "SHA256":
                    if not SHA256.match(value):
                        self.problem(node, f"{value[:80]!r} is not a SHA-256 (64 hex digits)")
                        return None
                    sha256 = value
        if sha256 is None:
            return None  # no SHA-256: nothing to check its bytes against, not attached
        file = PlannedFile(name or node.id or sha256, media_type, sha256, size or 0)
        if sha256 in self.archive.files:
            if self.archive.files[sha256].file_size > self.max_bytes:
                self.problem(node, f"the file is larger than the limit of {self.max_bytes} bytes")
                return None
            found, length = self.archive.digest(sha256)
            if found != sha256:
                self.problem(
                    node,
                    f"the bytes of files/{sha256} in the archive hash to {found}, "
                    "not the SHA-256 the graph gives",
                )
            elif size is not None and size != length:
                self.problem(node, f"the file holds {length} bytes; the graph says {size}")
            elif length == 0:
                self.problem(node, "the file is empty: an empty file is not evidence")
            file.size = length
        return file

    def _collection(self, node: Node) -> Collection | None:
        actions = sorted(
            self.results.get(node.id, []),
            key=lambda a: a.text(UCO_CORE + "name") != COLLECTION,
        )
        action = next((a for a in actions if a.text(UCO_ACTION + "startTime")), None)
        if action is None:
            when = node.text(UCO_CORE + "objectCreatedTime")
            if when is None:
                self.problem(
                    node,
                    "no time of collection: give the action that resulted in the item a startTime",
                )
                return None
            source: Node = node
        else:
            when = action.text(UCO_ACTION + "startTime")
            source = action
        occurred_at = self._time(source, when or "")
        if action is None:
            return Collection(occurred_at, NOT_NAMED, "", "")
        return Collection(
            occurred_at,
            self._name_of(action, UCO_ACTION + "performer") or NOT_NAMED,
            self._name_of(action, UCO_ACTION + "location") or "",
            self._method(action),
        )

    def _time(self, node: Node, text: str) -> datetime:
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            self.problem(node, f"{text[:60]!r} is not a date and time")
            return self.now
        if moment.tzinfo is None:
            self.problem(node, f"{text[:60]!r} has no time zone")
            return self.now
        if moment > self.now:
            self.problem(node, f"{text[:60]} is in the future")
        return moment.astimezone(UTC)

    def _name_of(self, action: Node, iri: str) -> str | None:
        for ref in action.references(iri):
            target = self.graph.by_id.get(ref)
            if target is None:
                continue
            name = target.text(UCO_CORE + "name")
            if name:
                return name
            if UCO_LOCATION + "Location" in target.types or UCO_IDENTITY + "Person" in target.types:
                return ref
        return None

    def _method(self, action: Node) -> str:
        described = action.text(UCO_CORE + "description")
        if described:
            return described
        method = action.text(UCO_CORE + "name") or ""
        tool = self._name_of(action, UCO_ACTION + "instrument") or next(
            iter(action.references(UCO_ACTION + "instrument")), None
        )
        return f"{method} with {tool}" if method and tool else method or (tool or "")


def _file_facets(node: Node) -> list[Node]:
    return [
        facet
        for facet in node.nodes(UCO_CORE + "hasFacet")
        if facet.types & {UCO_OBSERVABLE + "FileFacet", UCO_OBSERVABLE + "ContentDataFacet"}
    ]


def _described(node: Node) -> str:
    for facet in _file_facets(node):
        name = facet.text(UCO_OBSERVABLE + "fileName")
        path = facet.text(UCO_OBSERVABLE + "filePath")
        if name or path:
            return f"{name or ''} ({path})" if name and path else name or path or ""
    return ""


async def import_case(
    app: JITspace,
    blobs: BlobStore,
    user_id: UUID,
    reading: Reading,
    archive_path: Path,
    *,
    max_bytes: int,
    progress: Progress = quiet,
    recorded: Callable[[Recorded], object] = unheard,
) -> ImportResult:
    """Check the archive whole, store its files, record its items in one transaction
    (`importing.record_items`). `reading`: the investigation now, as the importing member
    reads it."""
    investigation = await reading.investigation()
    member = next(m for m in investigation.members if m.user_id == user_id)
    rights = frozenset(investigation.observer_rights)
    check_permitted(member.role, Action.REGISTER_EVIDENCE, rights)
    country = member.country
    register = await reading.evidence_register(country)
    archive = await to_thread.run_sync(Archive, archive_path)
    try:
        graph = await to_thread.run_sync(CaseGraph.read, archive.document)
        planned = await to_thread.run_sync(
            lambda: plan_import(
                graph, archive, investigation, country, register, datetime.now(UTC), max_bytes
            )
        )
        progress("items validated", len(planned), len(planned))
        wanted = sorted({f.sha256 for p in planned for f in p.files})
        stored: dict[str, StoredBlob] = {}
        try:
            for sha256 in wanted:
                put = partial(blobs.put, max_bytes=max_bytes, declared_sha256=sha256)
                stored[sha256] = await to_thread.run_sync(put, archive.chunks(sha256))
                progress("files stored", len(stored), len(wanted))
        except BaseException:
            await to_thread.run_sync(discard, app, blobs, [b.key for b in stored.values()])
            raise
        items = [
            ImportedItem(
                item=p.command,
                files=tuple(
                    ImportedFile(
                        name=f.name,
                        media_type=f.media_type,
                        sha256=f.sha256,
                        size=f.size,
                        storage_key=stored[f.sha256].key,
                    )
                    for f in p.files
                ),
            )
            for p in planned
        ]
        events = await record_items(
            app,
            blobs,
            user_id,
            investigation.id,
            items,
            [b.key for b in stored.values()],
            count=len(items),
            progress=progress,
            recorded=recorded,
        )
        return ImportResult(len(items), len(stored), events)
    finally:
        archive.close()
