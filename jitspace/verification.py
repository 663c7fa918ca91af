"""Checking a sequence of stored events against its hash chain and signed checkpoints.

Pure: the same code checks the database (`jitspace verify`) and a disclosure bundle offline.
Each finding names the position it concerns and what is wrong there:

- altered:   the event's content does not match the hash recorded for it
- reordered: the event was recorded at another position than the one it sits at now
- missing:   one or more events are gone between two positions (the link does not follow)
- inserted:  an event that was not part of the chain sits between two linked events
- checkpoint: the chain recomputed from the content does not reach a signed head
- truncated: the log ends before a position a signed checkpoint covers
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

import msgspec

from jitspace import chain


class Entry(msgspec.Struct, frozen=True):
    """One stored event as the verifier sees it. `state` is None when it was redacted."""

    position: int
    originator_id: UUID
    originator_version: int
    investigation_id: UUID
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
# originator_version, investigation_id, topic, state, event_hash, link
StoredRow = tuple[Any, ...]


def stored_entry(row: StoredRow) -> Entry:
    """The verifier's view of a stored event: its state hash is computed from its state."""
    position, originator_id, version, investigation_id, topic, state, event_hash, link = row
    state = bytes(state)
    return Entry(
        position,
        originator_id,
        version,
        investigation_id,
        topic,
        chain.state_sha256(state),
        bytes(event_hash),
        bytes(link),
        state,
    )


def verify_stored(
    rows: Iterable[StoredRow], heads: Sequence[Head] = ()
) -> tuple[int, list[Finding]]:
    """`verify` of stored events (`stored_entry` of each row): how many, and the findings.

    A tight loop while every event checks: per event, the state, the event hash and the link
    are each hashed once, and no Entry is built. From the first event (or signed head) that
    does not check, it hands every row to `verify`, which names what is wrong; so the
    findings are always exactly `verify`'s.
    """
    sha256 = hashlib.sha256
    pack = chain._HEADER.pack  # chain.event_hash, inlined
    domain = chain.EVENT_DOMAIN
    wanted = {head.position for head in heads}
    reached: dict[int, bytes] = {}
    previous = chain.GENESIS
    seen: list[StoredRow] = []
    append = seen.append
    rows = iter(rows)
    for row in rows:
        append(row)
        position, originator_id, version, investigation_id, topic, state, event_hash, link = row
        topic_bytes = topic.encode()
        digest = sha256(
            domain
            + pack(position, originator_id.bytes, version, investigation_id.bytes, len(topic_bytes))
            + topic_bytes
            + sha256(state).digest()
        ).digest()
        # the digest equals the recorded hash and `previous` the recorded link of the event
        # before, so this is also the chain recomputed from the content alone
        previous = sha256(previous + digest).digest()
        if digest != event_hash or previous != link:
            break
        if position in wanted:
            reached[position] = previous
    else:
        last = seen[-1][0] if seen else 0
        if all(
            head.position <= last and reached.get(head.position) == head.head_hash for head in heads
        ):
            return len(seen), []
    seen.extend(rows)
    entries = [stored_entry(row) for row in seen]
    del seen
    return len(entries), verify(entries, heads)


def _digest_at(entry: Entry, position: int) -> bytes:
    return chain.event_hash(
        position,
        entry.originator_id,
        entry.originator_version,
        entry.investigation_id,
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
