"""The chain of custody of each evidence item, with its defects flagged.

For each item: its custody history in order (who acted, when it happened, when it was
recorded, and who held the item after each step) and the defects a lawyer must see:

- `handover-not-received` (CU-02): a handover or transfer whose recipient never recorded
  the receipt;
- `no-custodian` (CU-01): no custodian on record since the collection, custody taken up
  more than the custody gap after it, or an item in transit longer than the gap;
- `access-by-non-member` (CU-04): a file downloaded by someone who was not a member of the
  investigation at that moment, as membership stands in the log (a removal back-dated to
  before the download makes it one);
- `hash-not-verified` (IN-02): a file never re-hashed since it was attached or since the
  item last changed hands;
- `hash-mismatch` (IN-02): a re-hash that did not match: an integrity violation;
- `seal-broken` (CU-03): a recipient found the seal broken or missing, or a number other
  than the one sealed.

The custody defects (`no-custodian`, `handover-not-received`) are found by the custody rules
of domain/custody.py, which CU-01 and CU-02 apply too, with the gap (the longest stretch with
no custodian) that the rulebook of the item's originating party (the party that collected
and registered it) sets in CU-01, as that rulebook stands now; the catalogue's 24 hours where
that party has no rulebook, or one with no CU-01. That party's, because the register is one
record that every party reads, so its defects cannot depend on the reader; the collection
and the custody after it are judged under the collecting state's law (lex loci); and the
originating party never changes, so a defect on record does not come and go as the item
moves between parties. The register thus agrees with that party's verdict (CU-01); a forum
whose rulebook sets another gap judges the same stretch by it in its own verdict.

Defects are recomputed, in the transaction that records each event (behind the head of the
log, a batch of events: projections/batches.py), after the event's own rows, from the item's
history, the investigation's membership periods and its parties' custody gaps; the result is
stored with the item.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any
from uuid import UUID

import msgspec
from eventsourcing.postgres import PostgresDatastore
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL

from domain import custody
from domain.custody import DEFAULT_GAP, Lapse, Transfer
from domain.evidence import EvidenceItem
from domain.investigation import Investigation
from domain.rulebook import Rulebook
from domain.wording import person, span
from projections.batches import InBatches, Statement, TrackedView, Write, read
from projections.history import Kept

TABLES = (
    """CREATE TABLE IF NOT EXISTS rm_custody_history (
        evidence_id uuid NOT NULL, version bigint NOT NULL, investigation_id uuid NOT NULL,
        kind text NOT NULL, actor_id uuid NOT NULL, actor_country text NOT NULL,
        actor_role text NOT NULL, occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL, details jsonb NOT NULL,
        PRIMARY KEY (evidence_id, version))""",
    """CREATE TABLE IF NOT EXISTS rm_custody_members (
        investigation_id uuid NOT NULL, user_id uuid NOT NULL, joined_at timestamptz NOT NULL,
        left_at timestamptz, PRIMARY KEY (investigation_id, user_id, joined_at))""",
    """CREATE TABLE IF NOT EXISTS rm_custody_items (
        evidence_id uuid PRIMARY KEY, investigation_id uuid NOT NULL,
        status text NOT NULL, custodian_id uuid, holding_country text NOT NULL,
        integrity text NOT NULL, defect_count int NOT NULL, chain jsonb NOT NULL,
        version bigint NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS rm_custody_items_inv_idx ON rm_custody_items (investigation_id)",
    # defects name people, not ids (members recorded before: named by id until a rebuild)
    "ALTER TABLE rm_custody_members ADD COLUMN IF NOT EXISTS name text NOT NULL DEFAULT ''",
    "ALTER TABLE rm_custody_members ADD COLUMN IF NOT EXISTS country text NOT NULL DEFAULT ''",
    # each party's custody gap, as its rulebook sets it (no row: the catalogue's default; a
    # register that had passed a rulebook's events before this table: the default until a
    # rebuild)
    """CREATE TABLE IF NOT EXISTS rm_custody_gaps (
        investigation_id uuid NOT NULL, country text NOT NULL, gap interval NOT NULL,
        PRIMARY KEY (investigation_id, country))""",
)

# each item's chain as it stood at each point of the log (projections/history.py): the
# register and the custody audit as of a point read it
KEPT_CHAINS = Kept(
    "rm_custody_items",
    "evidence_id",
    (
        "evidence_id",
        "investigation_id",
        "status",
        "custodian_id",
        "holding_country",
        "integrity",
        "defect_count",
        "chain",
        "version",
    ),
)
HISTORY_TABLES = KEPT_CHAINS.create(
    "evidence_id uuid NOT NULL, investigation_id uuid NOT NULL, status text NOT NULL, "
    "custodian_id uuid, holding_country text NOT NULL, integrity text NOT NULL, "
    "defect_count int NOT NULL, chain jsonb NOT NULL, version bigint NOT NULL"
)

# the item's events that make up its custody history (a description amendment does not)
CUSTODY_EVENTS = (
    EvidenceItem.Registered,
    EvidenceItem.FileAttached,
    EvidenceItem.Collected,
    EvidenceItem.Sealed,
    EvidenceItem.SealOpened,
    EvidenceItem.HandedOver,
    EvidenceItem.TransferredToParty,
    EvidenceItem.Received,
    EvidenceItem.Stored,
    EvidenceItem.Accessed,
    EvidenceItem.IntegrityVerified,
    EvidenceItem.IntegrityViolated,
    EvidenceItem.Returned,
    EvidenceItem.Destroyed,
)
_ENVELOPE = frozenset(
    {"originator_id", "originator_version", "timestamp", "investigation_id", "actor"}
)


# -- the chain, computed from the history (pure) ---------------------------------------------


class Defect(msgspec.Struct):
    code: str
    message: str  # in English
    version: int | None = None  # the step at fault, if one is
    # what the message says, for readers who word it themselves (another language, their
    # time zone): `reason` names the wording, `facts` fill it (times in ISO 8601 UTC,
    # lengths in seconds, people by user id, files by SHA-256)
    reason: str = ""
    facts: dict[str, str] = msgspec.field(default_factory=dict)


class Step(msgspec.Struct, frozen=True):
    """One stored history row."""

    version: int
    kind: str
    actor_id: UUID
    actor_country: str
    actor_role: str
    occurred_at: datetime
    recorded_at: datetime
    details: dict[str, Any]


class Entry(Step, frozen=True):
    """A step of the chain, and who held the item after it."""

    custodian_id: UUID | None


class Chain(msgspec.Struct):
    status: str  # no custodian | held | in transit | returned | destroyed
    custodian_id: UUID | None
    holding_country: str
    integrity: str  # no files | unverified | verified | violated
    entries: list[Entry]
    defects: list[Defect]


@dataclass(frozen=True)
class Membership:
    user_id: UUID
    joined_at: datetime
    left_at: datetime | None
    name: str = ""
    country: str = ""


def step_of(e: Any) -> Step:
    """The history row of one custody event (details as they read back from JSON)."""
    details = {k: v for k, v in vars(e).items() if k not in _ENVELOPE}
    occurred_at = details.pop("occurred_at", e.timestamp)
    return Step(
        version=e.originator_version,
        kind=type(e).__name__,
        actor_id=e.actor.user_id,
        actor_country=e.actor.country,
        actor_role=e.actor.role.value,
        occurred_at=occurred_at,
        recorded_at=e.timestamp,
        details=msgspec.to_builtins(details),
    )


_GAP, _JOINED, _LEFT, _STEP = "gap", "joined", "left", "step"


@cache
def _part_in_chains(cls: type) -> str | None:
    """What an event of this class is to the chains of custody (most are nothing): looked
    up once for each class, not tried against every kind for every event."""
    if issubclass(cls, Rulebook.Event):
        return _GAP
    if issubclass(cls, Investigation.MemberAdded):
        return _JOINED
    if issubclass(cls, Investigation.MemberRemoved):
        return _LEFT
    if issubclass(cls, CUSTODY_EVENTS):
        return _STEP
    return None


def chains_as_of(events: Iterable[Any]) -> dict[UUID, tuple[Chain, int]]:
    """Each item's chain (and the version of its last custody step) from an investigation's
    events in log order: the same chains the projection keeps, for any point of the past."""
    steps: dict[UUID, list[Step]] = {}
    members: dict[UUID, list[Membership]] = {}
    gaps: dict[str, timedelta] = {}
    for e in events:
        part = _part_in_chains(e.__class__)
        if part is _GAP:
            if (set_by := custody.gap_set_by(e)) is not None:
                party, gap = set_by
                gaps[party] = gap
        elif part is _JOINED:
            members.setdefault(e.member.user_id, []).append(
                Membership(e.member.user_id, e.occurred_at, None, e.member.name, e.member.country)
            )
        elif part is _LEFT:
            periods = members.get(e.user_id, [])
            if periods and periods[-1].left_at is None:
                periods[-1] = dataclasses.replace(periods[-1], left_at=e.occurred_at)
        elif part is _STEP:
            steps.setdefault(e.originator_id, []).append(step_of(e))
    periods = [period for user in members.values() for period in user]
    return {
        evidence_id: (
            chain_of(history, periods, gaps.get(originating_party(history) or "", DEFAULT_GAP)),
            history[-1].version,
        )
        for evidence_id, history in steps.items()
    }


def originating_party(steps: list[Step]) -> str | None:
    """The party that registered the item: its rulebook's gap governs the item's custody."""
    return next((s.details["country"] for s in steps if s.kind == "Registered"), None)


def moment(at: datetime) -> str:
    """A moment as defects print it: to the minute, in UTC."""
    return f"{at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def chain_of(steps: list[Step], members: list[Membership], gap: timedelta) -> Chain:
    """The chain of an item from its history in order, its custody defects by `gap`."""
    custodian: UUID | None = None
    status = "no custodian"
    holding_country = ""
    sealed: str | None = None
    handover: Step | None = None
    last_hand_change = 0
    files: dict[str, int] = {}  # file id -> version attached
    hashes: dict[str, str] = {}  # file id -> its SHA-256, as defects name a file
    verified: dict[str, int] = {}  # file id -> version of the last matching re-hash
    violated: set[str] = set()
    entries: list[Entry] = []
    defects: list[Defect] = []
    ended_by, lasting = custody_defects(steps, members, gap)

    for step in steps:
        d = step.details
        defects.extend(ended_by.get(step.version, ()))
        if step.kind == "Registered":
            holding_country = d["country"]
        elif step.kind == "Collected":
            custodian, status = step.actor_id, "held"
        elif step.kind == "Sealed":
            sealed = d["seal_number"]
        elif step.kind == "SealOpened":
            if sealed is not None and d["seal_number"] != sealed:
                defects.append(
                    Defect(
                        "seal-broken",
                        f"sealed as {sealed!r}, opened with seal {d['seal_number']!r}",
                        step.version,
                        "seal-changed-at-opening",
                        {"sealed": sealed, "found": d["seal_number"]},
                    )
                )
            sealed = None  # open now: a later receipt is compared with the next seal
        elif step.kind in ("HandedOver", "TransferredToParty"):
            handover, custodian, status = step, None, "in transit"
        elif step.kind == "Received":
            if handover is not None and handover.kind == "TransferredToParty":
                holding_country = handover.details["country"]
            custodian, status, handover = step.actor_id, "held", None
            last_hand_change = step.version
            defects.extend(_seal_defects(step, sealed))
        elif step.kind in ("Returned", "Destroyed"):
            custodian, status = None, "returned" if step.kind == "Returned" else "destroyed"
        elif step.kind == "FileAttached":
            files[d["file_id"]] = step.version
            hashes[d["file_id"]] = d["sha256"]
        elif step.kind == "IntegrityVerified":
            verified[d["file_id"]] = step.version
        elif step.kind == "IntegrityViolated":
            violated.add(d["file_id"])
            found = d.get("found_sha256") or "nothing (the file is gone)"
            defects.append(
                Defect(
                    "hash-mismatch",
                    f"{_file(hashes, d['file_id'])} re-hashed to {found}, "
                    f"not {d['expected_sha256']}",
                    step.version,
                    "hash-mismatch" if d.get("found_sha256") else "file-gone",
                    {
                        **_file_facts(hashes, d["file_id"]),
                        "found": d.get("found_sha256") or "",
                        "expected": d["expected_sha256"],
                    },
                )
            )
        elif step.kind == "Accessed" and not custody.member_at(
            members, step.actor_id, step.occurred_at
        ):
            defects.append(
                Defect(
                    "access-by-non-member",
                    f"{_file(hashes, d['file_id'])} downloaded on {moment(step.occurred_at)} "
                    f"by {person(members, step.actor_id)}, who was not a member of the team then",
                    step.version,
                    "access-by-non-member",
                    {
                        **_file_facts(hashes, d["file_id"]),
                        "at": step.occurred_at.isoformat(),
                        "person": str(step.actor_id),
                    },
                )
            )
        entries.append(Entry(**msgspec.structs.asdict(step), custodian_id=custodian))

    defects.extend(lasting)
    for file_id, attached in files.items():
        last = verified.get(file_id)
        if file_id in violated:
            continue
        if last is None or last < max(attached, last_hand_change):
            since = "it was attached" if last is None else "the item last changed hands"
            defects.append(
                Defect(
                    "hash-not-verified",
                    f"{_file(hashes, file_id)} not re-hashed since {since}",
                    reason="not-rehashed-since-attached"
                    if last is None
                    else "not-rehashed-since-handover",
                    facts=_file_facts(hashes, file_id),
                )
            )
    integrity = (
        "no files"
        if not files
        else "violated"
        if violated
        else "verified"
        if all(f in verified for f in files)
        else "unverified"
    )
    return Chain(status, custodian, holding_country, integrity, entries, defects)


def custody_defects(
    steps: list[Step], members: list[Membership], gap: timedelta
) -> tuple[dict[int, list[Defect]], list[Defect]]:
    """The defects the custody rules (domain/custody.py) find in the history, in the
    register's words: those a step ends (custody taken up late, a receipt after a long
    transit) by the version of that step, and those that last (no receipt, no custodian)."""
    registered = next((s for s in steps if s.kind == "Registered"), None)
    if registered is None:
        return {}, []
    collection = next((s for s in steps if s.kind == "Collected"), None)
    transfers: list[tuple[Step, Step | None]] = []  # a handover and its receipt
    for step in steps:
        if step.kind in ("HandedOver", "TransferredToParty"):
            transfers.append((step, None))
        elif step.kind == "Received" and transfers and transfers[-1][1] is None:
            transfers[-1] = (transfers[-1][0], step)
    found = custody.defects(
        registered.occurred_at,
        None if collection is None else collection.occurred_at,
        [Transfer(h.occurred_at, None if r is None else r.occurred_at) for h, r in transfers],
        gap,
    )
    ended_by: dict[int, list[Defect]] = {}
    lasting: list[Defect] = []
    for lapse, start, end, transfer in found:
        if lapse is Lapse.LATE_CUSTODY:
            assert collection is not None and end is not None
            ended_by.setdefault(collection.version, []).append(
                Defect(
                    "no-custodian",
                    f"no custodian for {span(end - start)}: from the collection "
                    f"({moment(start)}) until custody was taken up ({moment(end)})",
                    collection.version,
                    "late-custody",
                    _stretch(start, end),
                )
            )
        elif lapse is Lapse.LONG_TRANSIT:
            assert transfer is not None and end is not None
            receipt = transfers[transfer][1]
            assert receipt is not None
            ended_by.setdefault(receipt.version, []).append(
                Defect(
                    "no-custodian",
                    f"in transit with no custodian for {span(end - start)}: from "
                    f"{moment(start)} to {moment(end)}",
                    receipt.version,
                    "long-transit",
                    _stretch(start, end),
                )
            )
        elif lapse is Lapse.NOT_RECEIVED:
            assert transfer is not None
            handover = transfers[transfer][0]
            recipient = UUID(handover.details["recipient_id"])
            lasting.append(
                Defect(
                    "handover-not-received",
                    f"handed over to {person(members, recipient)} on "
                    f"{moment(start)}: no receipt on record",
                    handover.version,
                    "not-received",
                    {"person": str(recipient), "at": start.isoformat()},
                )
            )
        else:
            lasting.append(
                Defect(
                    "no-custodian",
                    f"no custodian on record since the collection ({moment(start)})",
                    reason="no-custody",
                    facts={"at": start.isoformat()},
                )
            )
    return ended_by, lasting


def _file(hashes: dict[str, str], file_id: str) -> str:
    """A file as defects name it: by its hash, which every party may read (its name may be
    restricted)."""
    sha256 = hashes.get(file_id)
    return f"file {file_id}" if sha256 is None else f"the file with SHA-256 {sha256[:16]}…"


def _file_facts(hashes: dict[str, str], file_id: str) -> dict[str, str]:
    return {"file": file_id, "sha256": hashes.get(file_id, "")}


def _stretch(start: datetime, end: datetime) -> dict[str, str]:
    """A stretch of time as a defect's facts: from, until, and its length in seconds."""
    return {
        "from": start.isoformat(),
        "until": end.isoformat(),
        "seconds": str(int((end - start).total_seconds())),
    }


def _seal_defects(received: Step, sealed: str | None) -> list[Defect]:
    d = received.details
    if d["seal_condition"] == "broken":
        return [
            Defect(
                "seal-broken",
                "the recipient found the seal broken",
                received.version,
                "seal-broken",
            )
        ]
    if sealed is None:
        return []
    if d["seal_condition"] == "absent":
        return [
            Defect(
                "seal-broken",
                f"sealed as {sealed!r}, but the recipient found no seal",
                received.version,
                "seal-absent",
                {"sealed": sealed},
            )
        ]
    if d["seal_number"] != sealed:
        return [
            Defect(
                "seal-broken",
                f"sealed as {sealed!r}, received with seal {d['seal_number']!r}",
                received.version,
                "seal-changed",
                {"sealed": sealed, "found": d["seal_number"]},
            )
        ]
    return []


# -- the projection --------------------------------------------------------------------------


def storable_json(value: Any) -> str:
    """`value` as JSON that PostgreSQL's jsonb takes: a NUL (which a request could carry into
    the log before requests were checked) is shown as U+FFFD; the log keeps it as recorded."""
    return msgspec.json.encode(_without_nul(value)).decode()


def _without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_without_nul(v) for v in value]
    return value


class CustodyView(TrackedView):
    """The custody tables, written together with the tracking position."""

    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self.sql_create_statements.extend(SQL(statement).format() for statement in TABLES)


def refresh_item(investigation_id: UUID, evidence_id: UUID, position: int) -> Write:
    """Recompute the item's chain, from the steps written before (its event's among them)."""
    return lambda curs: _refresh(curs, investigation_id, [evidence_id], position)


def refresh_investigation(investigation_id: UUID, position: int, party: str | None) -> Write:
    """Recompute the chains of the investigation's items (those `party` registered, if
    given)."""

    def refresh(curs: Cursor[DictRow]) -> list[Statement]:
        if party is not None:
            # the Registered step is an item's first (version 1)
            (items,) = read(
                curs,
                (
                    "SELECT i.evidence_id FROM rm_custody_items i JOIN rm_custody_history h "
                    "ON h.evidence_id = i.evidence_id AND h.version = 1 "
                    "WHERE i.investigation_id = %s AND h.details->>'country' = %s",
                    (investigation_id, party),
                ),
            )
        else:
            (items,) = read(
                curs,
                (
                    "SELECT evidence_id FROM rm_custody_items WHERE investigation_id = %s",
                    (investigation_id,),
                ),
            )
        evidence_ids = [row["evidence_id"] for row in items]
        return _refresh(curs, investigation_id, evidence_ids, position)

    return refresh


def _refresh(
    curs: Cursor[DictRow], investigation_id: UUID, evidence_ids: list[UUID], position: int
) -> list[Statement]:
    """The statements that write the items' chains, recomputed from their steps, the
    investigation's membership periods and its parties' gaps (read in one round trip)."""
    if not evidence_ids:
        return []
    steps_of, members_of, gaps_of = read(
        curs,
        (
            "SELECT * FROM rm_custody_history WHERE evidence_id = ANY(%s) "
            "ORDER BY evidence_id, version",
            (evidence_ids,),
        ),
        (
            "SELECT user_id, joined_at, left_at, name, country FROM rm_custody_members "
            "WHERE investigation_id = %s",
            (investigation_id,),
        ),
        (
            "SELECT country, gap FROM rm_custody_gaps WHERE investigation_id = %s",
            (investigation_id,),
        ),
    )
    histories: dict[UUID, list[Step]] = {}
    for r in steps_of:  # the row's other columns left
        histories.setdefault(r["evidence_id"], []).append(msgspec.convert(r, Step))
    members = [
        Membership(r["user_id"], r["joined_at"], r["left_at"], r["name"], r["country"])
        for r in members_of
    ]
    gaps = {r["country"]: r["gap"] for r in gaps_of}
    written: list[Statement] = []
    for evidence_id in evidence_ids:
        steps = histories.get(evidence_id)
        if not steps:
            continue
        chain = chain_of(steps, members, gaps.get(originating_party(steps), DEFAULT_GAP))
        written.append(
            (
                "INSERT INTO rm_custody_items VALUES (%s,%s,%s,%s,%s,%s,%s,%s::jsonb,%s) "
                "ON CONFLICT (evidence_id) DO UPDATE SET status = EXCLUDED.status, "
                "custodian_id = EXCLUDED.custodian_id, "
                "holding_country = EXCLUDED.holding_country, "
                "integrity = EXCLUDED.integrity, defect_count = EXCLUDED.defect_count, "
                "chain = EXCLUDED.chain, version = EXCLUDED.version",
                (
                    evidence_id,
                    investigation_id,
                    chain.status,
                    chain.custodian_id,
                    chain.holding_country,
                    chain.integrity,
                    len(chain.defects),
                    msgspec.json.encode(chain).decode(),
                    steps[-1].version,
                ),
            )
        )
        written.append(KEPT_CHAINS.keep(evidence_id, position))
    return written


class CustodyChains(InBatches[CustodyView]):
    """Each event's statements, then the chains they change recomputed."""

    name = "custody"

    def writes(self, domain_event: Any, position: int) -> list[Write]:
        e = domain_event
        if isinstance(e, Investigation.MemberAdded):
            return [
                (
                    "INSERT INTO rm_custody_members "
                    "(investigation_id, user_id, joined_at, left_at, name, country) "
                    "VALUES (%s,%s,%s,NULL,%s,%s) ON CONFLICT DO NOTHING",
                    (
                        e.originator_id,
                        e.member.user_id,
                        e.occurred_at,
                        e.member.name,
                        e.member.country,
                    ),
                ),
                refresh_investigation(e.originator_id, position, None),
            ]
        if isinstance(e, Investigation.MemberRemoved):
            return [
                (
                    "UPDATE rm_custody_members SET left_at = %s WHERE investigation_id = %s "
                    "AND user_id = %s AND left_at IS NULL",
                    (e.occurred_at, e.originator_id, e.user_id),
                ),
                refresh_investigation(e.originator_id, position, None),
            ]
        if isinstance(e, Rulebook.Event) and (set_by := custody.gap_set_by(e)) is not None:
            party, gap = set_by
            return [
                (
                    "INSERT INTO rm_custody_gaps VALUES (%s,%s,%s) ON CONFLICT "
                    "(investigation_id, country) DO UPDATE SET gap = EXCLUDED.gap",
                    (e.investigation_id, party, gap),
                ),
                refresh_investigation(e.investigation_id, position, party),
            ]
        if isinstance(e, CUSTODY_EVENTS):
            step = step_of(e)
            return [
                (
                    "INSERT INTO rm_custody_history VALUES "
                    "(%s,%s,%s,%s,%s,%s,%s,%s,%s,%s::jsonb) ON CONFLICT DO NOTHING",
                    (
                        e.originator_id,
                        step.version,
                        e.investigation_id,
                        step.kind,
                        step.actor_id,
                        step.actor_country,
                        step.actor_role,
                        step.occurred_at,
                        step.recorded_at,
                        storable_json(step.details),
                    ),
                ),
                refresh_item(e.investigation_id, e.originator_id, position),
            ]
        return []
