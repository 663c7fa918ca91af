"""Comments on a record (an evidence item, a task): what a member wrote, and whom they
mentioned. A comment is an event of its record, so it is in the log, reaches the team live,
and is withheld with what its item is where the item's handling restrictions say so."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

import msgspec

from domain.base import Investigating, JitAggregate
from domain.commands import CommentOnEvidence, CommentOnTask
from domain.errors import RuleViolation
from domain.investigation import Investigation
from domain.values import Actor

# a comment names at most this many members
MAX_MENTIONS = 20


class Comment(msgspec.Struct, frozen=True):
    comment_id: UUID
    author: Actor
    comment: str
    mentions: tuple[UUID, ...]
    written_at: datetime


class CommentEvent(JitAggregate.Event):
    """A member's comment on the record; each record declares its own (`Commented`), so that
    its topic names the record."""

    comment_id: UUID
    comment: str
    mentions: tuple[UUID, ...]
    written_at: datetime

    def apply(self, aggregate: Any) -> None:
        aggregate.comments.append(
            Comment(self.comment_id, self.actor, self.comment, self.mentions, self.written_at)
        )


class Commentable:
    """What a record that takes comments does with one (its `Commented` event and the
    method applying it are the record's own, so their topic names the record)."""

    if TYPE_CHECKING:
        comments: list[Comment]
        Commented: ClassVar[type[JitAggregate.Event]]
        _record: Callable[..., None]

        def _check_acting(self, investigation: Investigating, actor: Actor) -> None: ...

    def comment(
        self, investigation: Investigation, actor: Actor, command: CommentOnEvidence | CommentOnTask
    ) -> None:
        """Add a comment by a member, mentioning members of the investigation."""
        self._check_acting(investigation, actor)
        if not command.comment.strip():
            raise RuleViolation("write the comment", field="comment")
        if len(command.mentions) > MAX_MENTIONS:
            raise RuleViolation(
                f"a comment mentions at most {MAX_MENTIONS} members", field="mentions"
            )
        for user_id in command.mentions:
            if investigation.member_of(user_id) is None:
                raise RuleViolation(
                    "a comment mentions only members of the investigation", field="mentions"
                )
        if any(c.comment_id == command.comment_id for c in self.comments):
            raise RuleViolation("this comment is already recorded", field="comment_id")
        self._record(
            self.Commented, actor, command, mentions=tuple(dict.fromkeys(command.mentions))
        )
