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

from collections.abc import Sequence
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
    recomputed: dict[int, bytes] = {}
    running = chain.GENESIS
    for entry, digest in zip(entries, computed, strict=True):
        running = chain.link(running, digest)
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
