"""Checking a sequence of stored events against its hash chain and signed checkpoints.

Pure: the same code checks the database (`jitspace verify`) and a disclosure bundle offline.
Each finding names the position it concerns and what is wrong there:

- altered:   the event's content does not match the hash recorded for it
- reordered: the event was recorded at another position than the one it sits at now
- missing:   one or more events are gone between two positions (the link does not follow)
- inserted:  an event that was not part of the chain sits between two linked events
- checkpoint: the chain recomputed from the content does not reach a signed head
- truncated: the log ends before a position a signed checkpoint covers

The ledger adds what only the deployment can tell (jitspace/ledger/checkpoints.py): a
checkpoint gone from the database or the witness file, and events that should have been
signed by now.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from uuid import UUID

import msgspec

from jitspace.ledger import chain


class Entry(msgspec.Struct, frozen=True):
    """One stored event as the verifier sees it. `state` is None when it was redacted."""

    position: int
    originator_id: UUID
    originator_version: int
    investigation_id: UUID
    recorded_at: datetime
    topic: str
    state_sha256: bytes
    event_hash: bytes
    link: bytes
    state: bytes | None = None


class Head(msgspec.Struct, frozen=True):
    """A signed statement that the chain reached `head_hash` at `position`."""

    position: int
    head_hash: bytes


class Finding(msgspec.Struct, frozen=True):
    kind: str
    position: int
    detail: str


# A stored event as the database holds it, in this order: position, originator_id,
# originator_version, investigation_id, recorded_at, topic, state, event_hash, chain_hash,
# investigation_hash (the last four bytea, as bytes or a memoryview)
Bytea = bytes | memoryview
StoredRow = tuple[int, UUID, int, UUID, datetime, str, Bytea, Bytea, Bytea, Bytea]
# the signed heads of each chain: the log's (None), and each investigation's (its id)
Heads = Mapping[UUID | None, Sequence[Head]]


def stored_entry(row: StoredRow, *, link: str = "investigation") -> Entry:
    """The verifier's view of a stored event: its state hash is computed from its state.
    `link` names the chain it is seen in: "log" (chain_hash) or "investigation". The row's
    first six columns are the entry's first six fields, in the same order."""
    state = bytes(row[6])
    recorded_link = row[8] if link == "log" else row[9]
    return Entry(*row[:6], chain.state_sha256(state), bytes(row[7]), bytes(recorded_link), state)


def verify_stored(
    rows: Callable[[], Iterable[StoredRow]], heads: Heads, *, whole_log: bool
) -> tuple[int, list[Finding]]:
    """`verify` of stored events: how many, and the findings. With `whole_log`, the rows are
    the whole log, and both the log's chain and every investigation's chain are checked;
    else they are one investigation's events, and its chain is checked.

    A tight loop while every event checks: per event, the state, the event hash and each
    link are hashed once, and no Entry is built. From the first event (or signed head) that
    does not check, it reads the rows again (`rows` gives them anew each time it is
    called) and hands every one to `verify`, chain by chain, which names what is wrong; so
    the findings are always exactly `verify`'s. A log that checks is streamed past: nothing
    of it is held, whatever its length.
    """
    sha256 = hashlib.sha256
    pack = chain._HEADER.pack  # chain.event_hash, inlined
    domain = chain.EVENT_DOMAIN
    epoch, microsecond = chain._EPOCH, chain._MICROSECOND
    wanted = {
        (scope, head.position) for scope, scope_heads in heads.items() for head in scope_heads
    }
    reached: dict[tuple[UUID | None, int], bytes] = {}
    previous = chain.GENESIS
    investigation_previous: dict[UUID, bytes] = {}
    checked = 0
    for checked, row in enumerate(rows(), 1):  # noqa: B007 (the count is read after the loop)
        (
            position,
            originator_id,
            version,
            investigation_id,
            recorded_at,
            topic,
            state,
            event_hash,
            chain_hash,
            investigation_hash,
        ) = row
        topic_bytes = topic.encode()
        digest = sha256(
            domain
            + pack(
                position,
                originator_id.bytes,
                version,
                investigation_id.bytes,
                (recorded_at - epoch) // microsecond,
                len(topic_bytes),
            )
            + topic_bytes
            + sha256(state).digest()
        ).digest()
        # the digest equals the recorded hash and the running links the recorded links of
        # the events before, so these are also the chains recomputed from the content alone
        investigation_link = sha256(
            investigation_previous.get(investigation_id, chain.GENESIS) + digest
        ).digest()
        if digest != event_hash or investigation_link != investigation_hash:
            break
        investigation_previous[investigation_id] = investigation_link
        if (investigation_id, position) in wanted:
            reached[investigation_id, position] = investigation_link
        if whole_log:
            previous = sha256(previous + digest).digest()
            if previous != chain_hash:
                break
            if (None, position) in wanted:
                reached[None, position] = previous
    else:
        if all(
            reached.get((scope, head.position)) == head.head_hash
            for scope, scope_heads in heads.items()
            for head in scope_heads
        ):
            return checked, []
    seen = list(rows())
    return len(seen), _findings(seen, heads, whole_log=whole_log)


def _findings(rows: list[StoredRow], heads: Heads, *, whole_log: bool) -> list[Finding]:
    """`verify` of the log's chain (with `whole_log`) and of each investigation's chain; an
    investigation's findings at positions the log's chain already names are left out."""
    findings: list[Finding] = []
    if whole_log:
        findings = verify([stored_entry(row, link="log") for row in rows], heads.get(None, ()))
    named = {finding.position for finding in findings}
    investigations: dict[UUID, list[Entry]] = {}
    for row in rows:
        investigations.setdefault(row[3], []).append(stored_entry(row))
    for scope in heads:
        if scope is not None:
            investigations.setdefault(scope, [])
    for investigation_id, entries in investigations.items():
        for finding in verify(entries, heads.get(investigation_id, ())):
            if finding.position in named:
                continue
            findings.append(
                Finding(
                    finding.kind,
                    finding.position,
                    f"in the chain of investigation {investigation_id}: {finding.detail}"
                    if whole_log
                    else finding.detail,
                )
            )
    return sorted(findings, key=lambda f: (f.position, f.kind))


def _digest_at(entry: Entry, position: int) -> bytes:
    return chain.event_hash(
        position,
        entry.originator_id,
        entry.originator_version,
        entry.investigation_id,
        entry.recorded_at,
        entry.topic,
        entry.state_sha256,
    )


def verify(entries: Sequence[Entry], heads: Sequence[Head] = ()) -> list[Finding]:
    """Every inconsistency between the entries (in stored order) and their chain."""
    findings: list[Finding] = []
    computed = [_digest_at(e, e.position) for e in entries]
    content_ok = [
        (e.state is None or chain.state_sha256(e.state) == e.state_sha256) and d == e.event_hash
        for e, d in zip(entries, computed, strict=True)
    ]

    # an entry whose recorded hash fits another broken entry's position was moved there
    broken_positions = [e.position for e, ok in zip(entries, content_ok, strict=True) if not ok]
    search_moves = len(broken_positions) <= 1000  # beyond that, report each as altered
    moved: set[int] = set()
    for index, entry in enumerate(entries):
        if content_ok[index]:
            continue
        origin = next(
            (
                p
                for p in (broken_positions if search_moves else ())
                if p != entry.position and _digest_at(entry, p) == entry.event_hash
            ),
            None,
        )
        if origin is None:
            findings.append(
                Finding(
                    "altered",
                    entry.position,
                    f"the event at position {entry.position} does not match the hash "
                    "recorded for it",
                )
            )
            continue
        moved.add(index)
        findings.append(
            Finding(
                "reordered",
                entry.position,
                f"the event at position {entry.position} was recorded at position {origin}",
            )
        )

    # links, as recorded: each must follow from the one before
    inserted: set[int] = set()
    for index, entry in enumerate(entries):
        previous = entries[index - 1].link if index else chain.GENESIS
        if chain.link(previous, entry.event_hash) == entry.link or index in inserted:
            continue
        if index in moved or index - 1 in moved:
            continue  # explained by the reordering
        before_previous = entries[index - 2].link if index >= 2 else chain.GENESIS
        if index >= 1 and chain.link(before_previous, entry.event_hash) == entry.link:
            inserted.add(index - 1)
            findings.append(
                Finding(
                    "inserted",
                    entries[index - 1].position,
                    f"the event at position {entries[index - 1].position} is not part of "
                    "the chain: the next event links past it",
                )
            )
        elif index - 1 not in inserted:
            after = entries[index - 1].position if index else 0
            findings.append(
                Finding(
                    "missing",
                    entry.position,
                    f"events are missing between position {after} and {entry.position}: "
                    "the chain does not link them",
                )
            )

    # signed heads, against the chain recomputed from the content alone
    wanted = {head.position for head in heads}
    recomputed: dict[int, bytes] = {}
    if not findings:
        # every event matches its hash and every link follows: the links are that chain
        recomputed = {e.position: e.link for e in entries if e.position in wanted}
    elif wanted:
        running = chain.GENESIS
        for entry, digest in zip(entries, computed, strict=True):
            running = chain.link(running, digest)
            if entry.position in wanted:
                recomputed[entry.position] = running
    last = entries[-1].position if entries else 0
    for head in heads:
        if head.position > last:
            findings.append(
                Finding(
                    "truncated",
                    head.position,
                    f"the events end at position {last}, but a signed checkpoint covers the "
                    f"history up to position {head.position}",
                )
            )
        elif head.position not in recomputed:
            findings.append(
                Finding(
                    "missing",
                    head.position,
                    f"the event at position {head.position}, where a signed checkpoint ends, "
                    "is missing",
                )
            )
        elif recomputed[head.position] != head.head_hash:
            findings.append(
                Finding(
                    "checkpoint",
                    head.position,
                    f"the history up to position {head.position} differs from the one a "
                    "checkpoint signed",
                )
            )
    return sorted(findings, key=lambda f: (f.position, f.kind))
