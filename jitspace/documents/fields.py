"""What the published documents are built from: texts, codes, times and ids with the limits
a request may give them (limits are part of the contract, and of the OpenAPI document), the
requests' base Struct, and who acted.

Naming: `XCreate` is a request that creates an X, `X` the full record, `XSummary` a row of
a list.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec
from msgspec import Meta

from domain.values import (
    PARTY_CODE,
)
from jitspace.documents.text import LINES

# every text a request carries is checked by one rule (jitspace.documents.text): no control
# characters, but line breaks and tabs in free text (LINES)
Name = Annotated[str, Meta(min_length=1, max_length=200)]
Text = Annotated[str, Meta(max_length=10_000, extra=LINES)]
Reason = Annotated[str, Meta(min_length=1, max_length=2_000, extra=LINES)]
Username = Annotated[str, Meta(min_length=1, max_length=100)]
Description = Annotated[str, Meta(min_length=1, max_length=10_000, extra=LINES)]
PartyCode = Annotated[
    str,
    Meta(
        pattern=f"^(?:{PARTY_CODE.pattern})$",
        description="ISO 3166-1 alpha-2 code of a state, or EUROPOL, EUROJUST, OLAF, EPPO",
        # what a refusal says (a field's own description may replace the one above)
        extra={
            "form": "an ISO 3166-1 alpha-2 code of a state in capitals (e.g. FR), or "
            "EUROPOL, EUROJUST, OLAF, EPPO"
        },
        examples=["FR"],
    ),
]
# a file's name as acquired: no path, no `.` or `..`; no control, invisible or
# direction-changing characters, which would make the name shown differ from the name saved
# (`invoice<RLO>fdp.exe`)
FILE_NAME_PATTERN = (
    r"^(?!\.\.?$)[^\x00-\x1f\x7f-\x9f/\\"
    r"\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]+$"
)
# type/subtype as RFC 6838 spells them, parameters after `;` (not recorded)
MEDIA_TYPE_PATTERN = (
    r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}"
    r"\s*(;[\x20-\x7e\t]*)?$"
)
FileName = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=255,
        pattern=FILE_NAME_PATTERN,
        description="the file's name, as it was acquired (no path)",
    ),
]
MediaTypeText = Annotated[
    str, Meta(max_length=200, pattern=MEDIA_TYPE_PATTERN, description="the file's media type")
]
Sha256Hex = Annotated[str, Meta(pattern="^[0-9a-fA-F]{64}$", description="a SHA-256, in hex")]
Instant = Annotated[datetime, Meta(tz=True, description="ISO 8601 with a time zone")]
Ids = Annotated[list[UUID], Meta(max_length=100)]
Terms = Annotated[list[Name], Meta(max_length=100)]
ShortText = Annotated[str, Meta(max_length=200)]


class Struct(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Requests refuse fields they do not know, so a typo is an error, not a silent no-op."""


class ActorOut(msgspec.Struct):
    user_id: UUID
    country: str
    role: str


class CommentCreate(Struct):
    comment: Annotated[str, Meta(min_length=1, max_length=5_000, extra=LINES)]
    # members the comment mentions: each is notified
    mentions: Annotated[list[UUID], Meta(max_length=20)] = msgspec.field(default_factory=list)


class CommentOut(msgspec.Struct):
    id: UUID
    author: ActorOut
    comment: str | None  # None: withheld from your party with what the item is
    mentions: list[UUID]
    written_at: datetime
