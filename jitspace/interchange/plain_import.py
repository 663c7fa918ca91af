"""Evidence items imported from JSON lines or CSV, with their files: all or none, streamed.

The plain form of an import, for what is not CASE/UCO: one item per line, as a JSON object
(JSON lines) or a row under a header row (CSV, UTF-8), with the fields of an item's
registration (`ItemRow`). The document comes alone, or at the top of a zip archive that also
holds the items' files; a row names its file by its path in the archive (`file`), or by its
key in the store when the store already holds it (`storage_key`), always with its `sha256`.

Rows are read one at a time, twice: first every row is checked and the files are stored,
hashed as they are stored (an item's reference must be new to the investigation and to the
document, its party the importing member's, its authorisation one of the investigation's,
its time of collection not in the future, its file's bytes the SHA-256 it gives); every
problem is reported by its line. Then, if there was none, the rows are read again and their
items recorded in one transaction of the log, a batch at a time (`importing.record_items`);
a refused import removes the files it stored. Memory holds a few batches, and 8 bytes for
each reference (its hash: the rows whose hash repeats are compared by their references at
the end, to name a reference the document repeats), never the document nor the references.
"""

from __future__ import annotations

import bisect
import csv
import io
import mimetypes
import re
import zipfile
from array import array
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, Annotated
from uuid import UUID

import msgspec
from anyio import to_thread
from msgspec import Meta

from domain.commands import ImportedFile, ImportedItem, RegisterEvidence
from domain.errors import Violations
from domain.evidence import reference_claim, reference_key
from domain.permissions import Action, check_permitted
from domain.values import EvidenceKind
from jitspace.documents.fields import (
    Description,
    FileName,
    Instant,
    Name,
    PartyCode,
    ShortText,
    Struct,
)
from jitspace.documents.investigations import Investigation
from jitspace.documents.text import text_problem
from jitspace.interchange.importing import (
    CSV,
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
from jitspace.ledger.eventlog import EventLog
from jitspace.reads.records import Reading
from jitspace.services.application import JITspace
from jitspace.services.blob_sweep import claimed_keys
from jitspace.services.evidence import IMPORT_BATCH
from jitspace.storage.blobs import BlobError, BlobMissing, BlobStore, HashMismatch, StoredBlob

Sha256 = Annotated[str, Meta(pattern="^[0-9a-f]{64}$", description="64 hex digits")]
MAX_LINE = 64 * 1024  # a line longer than this is no item (a description holds 10,000)
CHECK_BATCH = IMPORT_BATCH  # rows whose references are looked up in the log at a time
LISTED = 100  # problems listed in a refusal; the rest are counted
NOT_MORE = "the document's problems from here on are not listed"


class ItemRow(Struct):
    """One item of a plain import: the fields of an item's registration, and its file."""

    reference: Annotated[Name, Meta(description="the originating party's own reference")]
    kind: EvidenceKind
    description: Description
    occurred_at: Annotated[Instant, Meta(description="when the item was collected")]
    collected_by: Name
    place: Name
    method: Name
    party: Annotated[PartyCode | None, Meta(description="the importing member's")] = None
    authorisation_id: UUID | None = None
    file: Annotated[ShortText | None, Meta(description="the file's path in the archive")] = None
    storage_key: Annotated[ShortText | None, Meta(description="the file's key in the store")] = None
    file_name: FileName | None = None
    media_type: ShortText | None = None
    sha256: Sha256 | None = None


COLUMNS = tuple(ItemRow.__struct_fields__)
Check = Callable[[ItemRow], ItemRow | str]
_LINES = frozenset({"description"})
_ONE_LINE = tuple(c for c in COLUMNS if c not in _LINES)


class Problems:
    """What is wrong with the document, by line; the LISTED of them on the first lines are
    kept, in the order of their lines, whatever the order they were found in."""

    def __init__(self) -> None:
        self.first: list[tuple[int, int, str]] = []  # (line, as found, message)
        self.count = 0

    def add(self, line: int, message: str) -> None:
        self.count += 1
        if len(self.first) < LISTED or line < self.first[-1][0]:
            bisect.insort(self.first, (line, self.count, message))
            del self.first[LISTED:]

    def __bool__(self) -> bool:
        return self.count > 0

    def refusal(self) -> Violations:
        listed = [(f"line {line}", message) for line, _, message in self.first]
        if self.count > len(listed):
            listed.append(("document", f"and {self.count - len(listed)} more problems"))
        return Violations(f"nothing was imported: the document has {self.count} problem(s)", listed)


class Document:
    """The import's document and its files: a JSON lines or CSV file, alone or at the top of
    a zip archive; its rows read one at a time, as (line, row or the problem with it)."""

    def __init__(self, path: Path, form: str) -> None:
        self.path = path
        self.form = form
        self.zip: zipfile.ZipFile | None = None
        self.member: zipfile.ZipInfo | None = None
        self.files: dict[str, zipfile.ZipInfo] = {}
        if is_zip(path):
            self.zip = open_zip(path)
            self.member = top_document(self.zip)
            self.files = {
                i.filename: i
                for i in self.zip.infolist()
                if not i.is_dir() and i is not self.member
            }

    @contextmanager
    def _text(self) -> Iterator[IO[str]]:
        raw: IO[bytes] = (
            self.zip.open(self.member)
            if self.zip is not None and self.member is not None
            else self.path.open("rb")
        )
        with raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text:
            yield text

    def rows(self, *, checked: bool = False) -> Iterator[tuple[int, ItemRow | str]]:
        """The rows (`checked`: read before, their text is not looked at again)."""
        check = _as_read if checked else _checked
        with self._text() as text:
            yield from (_csv_rows(text, check) if self.form == CSV else _json_rows(text, check))

    def chunks(self, name: str, size: int = 1 << 20) -> Iterator[bytes]:
        assert self.zip is not None
        with self.zip.open(self.files[name]) as member:
            while chunk := member.read(size):
                yield chunk

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


def _json_rows(text: IO[str], check: Check) -> Iterator[tuple[int, ItemRow | str]]:
    line = 0
    while True:
        line += 1
        try:
            read = text.readline(MAX_LINE + 1)
        except UnicodeDecodeError:
            yield line, "is not UTF-8 text"
            return
        if not read:
            return
        if len(read) > MAX_LINE:
            yield line, f"is longer than {MAX_LINE} characters: no item is so long"
            return
        if not read.strip():
            continue  # a blank line (a last line break, say) holds no item
        try:
            yield line, check(msgspec.json.decode(read, type=ItemRow))
        except msgspec.ValidationError as error:  # a DecodeError too: asked first
            yield line, _in_words(str(error))
        except msgspec.DecodeError as error:
            yield line, f"is not a JSON object: {error}"


def _csv_rows(text: IO[str], check: Check) -> Iterator[tuple[int, ItemRow | str]]:
    reader = csv.reader(text, strict=True)
    try:
        header = next(reader, None)
        if header is None:
            return
        names = [h.strip() for h in header]
        unknown = [n for n in names if n not in COLUMNS]
        if unknown:
            yield (
                1,
                (
                    f"the columns {', '.join(map(repr, unknown))} are not fields of an item "
                    f"(the columns: {', '.join(COLUMNS)})"
                ),
            )
            return
        while True:
            line = reader.line_num + 1
            values = next(reader, None)
            if values is None:
                return
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(names):
                yield line, f"has {len(values)} cells under a header of {len(names)} columns"
                continue
            given = {n: v for n, v in zip(names, values, strict=True) if v != ""}
            try:
                yield line, check(msgspec.convert(given, type=ItemRow, strict=False))
            except msgspec.ValidationError as error:
                yield line, _in_words(str(error))
    except csv.Error as error:
        yield reader.line_num, f"is not CSV: {error}"
    except UnicodeDecodeError:
        yield reader.line_num + 1, "is not UTF-8 text"


def _as_read(row: ItemRow) -> ItemRow | str:
    return row


def _checked(row: ItemRow) -> ItemRow | str:
    """The row, or what is wrong with its text (the one rule for text a request carries)."""
    words = "".join(v for n in _ONE_LINE if isinstance(v := getattr(row, n), str))
    if text_problem(words) is None and text_problem(row.description, lines=True) is None:
        return row  # one look at all of it; the field at fault is sought only if needed
    for name in COLUMNS:
        value = getattr(row, name)
        if isinstance(value, str) and (problem := text_problem(value, lines=name in _LINES)):
            return f"{name} {problem}"
    return row


_WHERE = re.compile(r" - at `\$\.(\w+)`$")
_WORDS = (
    (re.compile(r"^Expected `str` of length >= 1$"), "{field} is empty"),
    (re.compile(r"^Expected `str` of length <= (\d+)$"), "{field} is longer than {0} characters"),
    (re.compile(r"^Expected `datetime` with a timezone component$"), "{field} has no time zone"),
    (
        re.compile(r"^Invalid RFC3339 encoded datetime$"),
        "{field} is not a date and time (ISO 8601 with a time zone, like 2024-03-01T09:30:00Z)",
    ),
    (
        re.compile(r"^Invalid enum value '(.*)'$"),
        "{field}: {0!r} is not one of " + ", ".join(k.value for k in EvidenceKind),
    ),
    (re.compile(r"^Invalid UUID$"), "{field} is not an id (a UUID)"),
    (re.compile(r"^Object missing required field `(\w+)`$"), "{0} is missing"),
    (
        re.compile(r"^Object contains unknown field `(\w+)`$"),
        "{0!r} is not a field of an item (the fields: " + ", ".join(COLUMNS) + ")",
    ),
    (re.compile(r"^Expected `str` matching regex .*$"), "{field} is not {description}"),
)


def _in_words(error: str) -> str:
    """A row's decoding error as a person reads it."""
    found = _WHERE.search(error)
    field = found.group(1) if found else "the item"
    message = error[: found.start()] if found else error
    for pattern, words in _WORDS:
        if matched := pattern.match(message):
            return words.format(*matched.groups(), field=field, description=_described(field))
    return f"{field}: {message}"


def _described(field: str) -> str:
    hints = {
        "sha256": "a SHA-256 (64 hex digits, in lower case)",
        "party": "a party's code (ISO 3166-1 alpha-2, or EUROPOL, EUROJUST, OLAF, EPPO)",
        "file_name": "a file's name (no path)",
    }
    return hints.get(field, "in the expected form")


class _Checker:
    """The first reading: every row checked, the files stored, the problems by line."""

    def __init__(
        self,
        app: JITspace,
        blobs: BlobStore,
        document: Document,
        investigation: Investigation,
        country: str,
        authorisations: set[UUID],
        max_bytes: int,
        progress: Progress,
    ) -> None:
        self.app = app
        self.blobs = blobs
        self.document = document
        self.investigation = investigation
        self.country = country
        self.authorisations = authorisations
        self.parties = {p.country for p in investigation.parties}
        self.max_bytes = max_bytes
        self.progress = progress
        self.now = datetime.now(UTC)
        self.problems = Problems()
        # the hashes of the references' keys, 8 bytes each (not the keys: memory stays
        # small), in arrays by their last byte, to find the hashes that repeat at the end
        self.hashes = [array("q") for _ in range(256)]
        self.unchecked: list[tuple[int, str]] = []  # (line, reference) to look up in the log
        self.stored: dict[str, StoredBlob] = {}  # path in the archive -> the file stored
        self.named: dict[str, StoredBlob] = {}  # a key in the store -> its file as found
        self.claimed: set[str] | None = None
        self.rows = 0

    def check(self) -> None:
        for line, row in self.document.rows():
            if isinstance(row, str):
                self.problems.add(line, row)
                continue
            self.rows += 1
            self._row(line, row)
            if len(self.unchecked) >= CHECK_BATCH:
                self._look_up_references()
                self.progress("rows checked", self.rows, 0)
        self._look_up_references()
        self._name_repeats()
        self.progress("rows checked", self.rows, self.rows)

    def _row(self, line: int, row: ItemRow) -> None:
        key = reference_key(row.reference)
        if not key:
            self.problems.add(line, "reference is empty")
        else:
            hashed = hash(key)
            self.hashes[hashed & 255].append(hashed)
            self.unchecked.append((line, row.reference))
        if not row.description.strip():
            self.problems.add(line, "description is empty: describe the item")
        if row.occurred_at > self.now:
            self.problems.add(line, f"occurred_at {row.occurred_at.isoformat()} is in the future")
        party = row.party or self.country
        if party not in self.parties:
            self.problems.add(line, f"{party} is not a party of this investigation")
        elif party != self.country:
            self.problems.add(
                line,
                f"it is an item of {party}: a member for {party} imports it "
                f"(you act for {self.country})",
            )
        if row.authorisation_id is not None and row.authorisation_id not in self.authorisations:
            self.problems.add(
                line, f"authorisation {row.authorisation_id} is not one of this investigation"
            )
        self._file(line, row)

    def _file(self, line: int, row: ItemRow) -> None:
        if row.file is None and row.storage_key is None:
            if row.sha256 or row.file_name or row.media_type:
                self.problems.add(line, "name its file: give file (in the archive) or storage_key")
            return
        if row.file is not None and row.storage_key is not None:
            self.problems.add(line, "give file (in the archive) or storage_key, not both")
            return
        if row.sha256 is None:
            self.problems.add(line, "give the file's sha256, to check its bytes against")
            return
        if row.file is not None:
            self._archived(line, row.file, row.sha256)
        elif row.storage_key is not None:
            self._in_store(line, row.storage_key, row.sha256)

    def _archived(self, line: int, name: str, sha256: str) -> None:
        if self.document.zip is None:
            self.problems.add(
                line, f"file {name!r}: a file comes in a zip archive, beside the document"
            )
            return
        if name not in self.document.files:
            self.problems.add(line, f"the archive holds no file {name!r}")
            return
        known = self.stored.get(name)
        if known is None:
            try:
                known = self.blobs.put(
                    self.document.chunks(name), max_bytes=self.max_bytes, declared_sha256=None
                )
            except BlobError as error:
                self.problems.add(line, f"file {name!r}: {error.message}")
                return
            self.stored[name] = known
        if known.sha256 != sha256:
            self.problems.add(
                line, f"the bytes of {name!r} hash to {known.sha256}, not the sha256 given"
            )

    def _in_store(self, line: int, key: str, sha256: str) -> None:
        if self.claimed is None:
            self.claimed = claimed_keys(self.app)
        if key in self.claimed:
            self.problems.add(
                line,
                f"the file under storage_key {key!r} is a record's already: "
                "put a copy in the archive",
            )
            return
        found = self.named.get(key)
        if found is None:
            try:
                digest = self.blobs.digest(key)
            except (BlobMissing, HashMismatch):
                digest = None
            except BlobError as error:
                self.problems.add(line, f"storage_key {key!r}: {error.message}")
                return
            if digest is None:
                self.problems.add(line, f"the store holds no file under storage_key {key!r}")
                return
            found = self.named[key] = StoredBlob(key, digest.sha256, digest.size)
        if found.sha256 != sha256:
            self.problems.add(
                line,
                f"the file under storage_key {key!r} hashes to {found.sha256}, "
                "not the sha256 given",
            )
        elif found.size == 0:
            self.problems.add(line, f"the file under storage_key {key!r} is empty")

    def _name_repeats(self) -> None:
        """The references the document repeats, each named on the lines after its first: the
        hashes that repeat are found array by array; only if there are any is the document
        read again, to compare the rows with those hashes by their references."""
        repeated: set[int] = set()
        for hashes in self.hashes:
            seen: set[int] = set()
            for hashed in hashes:
                if hashed in seen:
                    repeated.add(hashed)
                seen.add(hashed)
        self.hashes = []
        if not repeated:
            return
        first: dict[str, int] = {}
        for line, row in self.document.rows():  # the rows that passed the check, as before
            if not isinstance(row, ItemRow):
                continue
            key = reference_key(row.reference)
            if not key or hash(key) not in repeated:
                continue
            had = first.setdefault(key, line)
            if had != line:
                self.problems.add(
                    line,
                    f"the reference {row.reference!r} is also that of line {had}: "
                    "references are unique within an investigation",
                )

    def _look_up_references(self) -> None:
        if not self.unchecked:
            return
        log = self.app.recorder
        assert isinstance(log, EventLog)
        held = log.held_keys(self.investigation.id, [reference_claim(r) for _, r in self.unchecked])
        for line, reference in self.unchecked:
            if reference_claim(reference) in held:
                self.problems.add(
                    line,
                    f"the investigation already holds an evidence item with the reference "
                    f"{reference!r}: references are unique within an investigation",
                )
        self.unchecked = []


def _items(
    document: Document, investigation_id: UUID, files: Callable[[ItemRow], ImportedFile | None]
) -> Iterator[ImportedItem]:
    """The second reading: the rows, checked already, as the items to record."""
    for _, row in document.rows(checked=True):
        assert isinstance(row, ItemRow)
        file = files(row)
        yield ImportedItem(
            item=RegisterEvidence(
                investigation_id=investigation_id,
                reference=row.reference,
                kind=row.kind,
                description=row.description,
                occurred_at=row.occurred_at.astimezone(UTC),
                collected_by=row.collected_by,
                place=row.place,
                method=row.method,
                authorisation_id=row.authorisation_id,
            ),
            files=(file,) if file is not None else (),
        )


async def import_plain(
    app: JITspace,
    blobs: BlobStore,
    user_id: UUID,
    reading: Reading,
    path: Path,
    form: str,
    *,
    max_bytes: int,
    progress: Progress = quiet,
    recorded: Callable[[Recorded], object] = unheard,
) -> ImportResult:
    """Check every row and store the files, then record the items in one transaction; a
    problem anywhere (each named by its line) records nothing and keeps no file stored."""
    investigation = await reading.investigation()
    member = next(m for m in investigation.members if m.user_id == user_id)
    check_permitted(member.role, Action.REGISTER_EVIDENCE, frozenset(investigation.observer_rights))
    authorisations = {a.id for a in await reading.authorisations()}
    document = await to_thread.run_sync(Document, path, form)
    try:
        checker = _Checker(
            app,
            blobs,
            document,
            investigation,
            member.country,
            authorisations,
            max_bytes,
            progress,
        )
        try:
            await to_thread.run_sync(checker.check)
        except BaseException:
            await to_thread.run_sync(discard, app, blobs, [b.key for b in checker.stored.values()])
            raise
        stored_keys = [b.key for b in checker.stored.values()]
        if checker.problems or not checker.rows:
            await to_thread.run_sync(discard, app, blobs, stored_keys)
            if not checker.rows and not checker.problems:
                raise Violations("nothing to import", [("document", "the document holds no item")])
            raise checker.problems.refusal()
        if checker.stored:
            progress("files stored", len(checker.stored), len(checker.stored))

        def file_of(row: ItemRow) -> ImportedFile | None:
            if row.file is not None:
                blob = checker.stored[row.file]
                name = row.file_name or PurePosixPath(row.file).name
            elif row.storage_key is not None:
                blob = checker.named[row.storage_key]
                name = row.file_name or PurePosixPath(row.storage_key).name
            else:
                return None
            media_type = row.media_type or mimetypes.guess_type(name)[0]
            return ImportedFile(
                name=name,
                media_type=media_type or "application/octet-stream",
                sha256=blob.sha256,
                size=blob.size,
                storage_key=blob.key,
            )

        events = await record_items(
            app,
            blobs,
            user_id,
            investigation.id,
            _items(document, investigation.id, file_of),
            stored_keys,
            found_keys=list(checker.named),
            count=checker.rows,
            progress=progress,
            recorded=recorded,
        )
        return ImportResult(checker.rows, len(checker.stored), events)
    finally:
        document.close()
