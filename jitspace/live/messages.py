"""What the live feed sends to a client, as JSON text (`type` names the message).

Client to server, first message (or with an `Authorization: Bearer` header, `token` may be
left out): `{"type": "hello", "token": "...", "after": 120}`.
"""

from __future__ import annotations

import msgspec

from jitspace.documents.events import EventOut


class Hello(msgspec.Struct, tag="hello", tag_field="type", forbid_unknown_fields=True):
    # the log position of the last event the client has (0: from the start)
    after: int = 0
    token: str | None = None


class EventMessage(msgspec.Struct, tag="event", tag_field="type"):
    # the same document GET /investigations/{id}/events returns for this event
    event: EventOut


class CaughtUp(msgspec.Struct, tag="caught_up", tag_field="type"):
    # everything up to `position` was sent; live events follow
    position: int


class Overflow(msgspec.Struct, tag="overflow", tag_field="type"):
    # the client fell behind and live messages were dropped; the server resumes after this
    resume_after: int


class Verdicts(msgspec.Struct, tag="verdicts", tag_field="type"):
    # a deadline passed: these items' verdicts changed with no event; read them again (sent
    # to those who may read the admissibility matrix; a client that reconnects reads its
    # matrix again, so one missed while away is not lost)
    evidence_ids: list[str]


class Present(msgspec.Struct):
    user_id: str
    username: str


class Presence(msgspec.Struct, tag="presence", tag_field="type"):
    # who is looking at the investigation now, over every app process
    viewers: list[Present]


def text(message: msgspec.Struct) -> str:
    return msgspec.json.encode(message).decode()


MAX_POSITION = 2**63 - 1
