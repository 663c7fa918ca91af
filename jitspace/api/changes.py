"""A command of the caller on one record of an investigation, as most write routes take it.

The handler names the use case, the command and what the request's document gives; the
record's ids come from the path, the version the caller last read from If-Match, and the
answer is the record as the caller may see it, with its version as ETag. Each resource's
`Change` (the path's ids, the view) is provided below, as its controllers' dependency `change`.
A command that records something new (a POST to a collection) is a `Create`, every handler's
dependency `create`: the handler also names the view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from uuid import UUID

import msgspec
from litestar import Response
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath

from domain.authorisation import LegalAuthorisation
from domain.evidence import EvidenceItem
from domain.investigation import Investigation as InvestigationAggregate
from domain.permissions import Action
from domain.rulebook import Rulebook
from domain.task import Task as TaskAggregate
from jitspace.api.access import CurrentAudience
from jitspace.api.commands import command
from jitspace.api.dependencies import (
    CurrentUser,
    IfMatch,
    RuntimeDep,
    expected_version,
    in_thread,
)
from jitspace.api.responses import V, with_etag
from jitspace.auth.identity import User
from jitspace.bootstrap import Runtime
from jitspace.documents.admissibility import Rulebook as RulebookOut
from jitspace.documents.authorisations import Authorisation
from jitspace.documents.evidence import Evidence
from jitspace.documents.investigations import Investigation
from jitspace.documents.tasks import Task
from jitspace.documents.views import (
    authorisation_view,
    evidence_view,
    investigation_view,
    rulebook_view,
    task_view,
)
from jitspace.reads.withholding import Audience
from jitspace.services.application import JITspace

C = TypeVar("C", bound=msgspec.Struct)
R = TypeVar("R")  # the record as the use case returns it (an aggregate)


@dataclass(frozen=True)
class Change(Generic[R, V]):
    runtime: Runtime
    user: User
    ids: dict[str, Any]  # the command's fields the path names
    if_match: str | None
    view: Callable[[R], V]

    async def __call__(
        self,
        use_case: Callable[[JITspace, UUID, C], R],
        cls: type[C],
        document: msgspec.Struct | None = None,
        /,
        **fields: Any,
    ) -> Response[V]:
        """Run `use_case` with the command `cls` (the document's fields, then the path's ids,
        the expected version and `fields`), off the event loop."""
        version = expected_version(self.if_match)
        given = command(cls, document, **self.ids, expected_version=version, **fields)

        def act() -> V:  # the view may read other records of the investigation (item_document)
            return self.view(use_case(self.runtime.app, self.user.user_id, given))

        return with_etag(await in_thread(act))


@dataclass(frozen=True)
class Create:
    """A command that records something new in the path's investigation (a POST to one of
    its collections), answered 201 with the new record as `view` renders it."""

    runtime: Runtime
    user: User
    investigation_id: UUID

    async def __call__(
        self,
        use_case: Callable[[JITspace, UUID, C], R],
        cls: type[C],
        document: msgspec.Struct,
        view: Callable[[R], V],
        /,
        **fields: Any,
    ) -> Response[V]:
        """Run `use_case` with the command `cls` (the document's fields, then the path's
        investigation and `fields`), off the event loop."""
        given = command(cls, document, investigation_id=self.investigation_id, **fields)

        def act() -> V:  # the view may read other records of the investigation (item_document)
            return view(use_case(self.runtime.app, self.user.user_id, given))

        return with_etag(await in_thread(act), 201)


def provide_create(
    investigation_id: FromPath[UUID], runtime: RuntimeDep, user: CurrentUser
) -> Create:
    return Create(runtime, user, investigation_id)


Creation = NamedDependency[Create]


# -- each resource's change, by the path's ids ---------------------------------------------


def investigation_change(
    investigation_id: FromPath[UUID],
    runtime: RuntimeDep,
    user: CurrentUser,
    if_match: IfMatch = None,
) -> Change[InvestigationAggregate, Investigation]:
    """A command on the path's investigation, answered with the investigation."""
    ids = {"investigation_id": investigation_id}
    return Change(runtime, user, ids, if_match, investigation_view)


def member_change(
    investigation_id: FromPath[UUID],
    member_id: FromPath[UUID],
    runtime: RuntimeDep,
    user: CurrentUser,
    if_match: IfMatch = None,
) -> Change[InvestigationAggregate, Investigation]:
    """A command on one member of the path's investigation, answered with the investigation."""
    ids = {"investigation_id": investigation_id, "user_id": member_id}
    return Change(runtime, user, ids, if_match, investigation_view)


InvestigationChange = NamedDependency[Change[InvestigationAggregate, Investigation]]
INVESTIGATION_CHANGE = {"change": Provide(investigation_change, sync_to_thread=False)}
MEMBER_CHANGE = {"change": Provide(member_change, sync_to_thread=False)}


def item_change(
    investigation_id: FromPath[UUID],
    evidence_id: FromPath[UUID],
    runtime: RuntimeDep,
    user: CurrentUser,
    audience: CurrentAudience,
    if_match: IfMatch = None,
) -> Change[EvidenceItem, Evidence]:
    """A command on the path's item, answered with the item as the caller sees it."""
    ids = {"investigation_id": investigation_id, "evidence_id": evidence_id}
    return Change(
        runtime, user, ids, if_match, lambda item: item_document(runtime.app, item, audience)
    )


def item_document(app: JITspace, item: EvidenceItem, audience: Audience) -> Evidence:
    """The item as the caller sees it, with its deletion date: reads the investigation's
    records, so off the event loop."""
    investigation = app.investigation(item.investigation_id)
    deletion = app.deletion_date_of(investigation, item) if investigation else None
    return evidence_view(
        item, audience.country, deletion=deletion, legal_file=audience.may(Action.VIEW_LEGAL)
    )


ItemChange = NamedDependency[Change[EvidenceItem, Evidence]]
ITEM_CHANGE = {"change": Provide(item_change, sync_to_thread=False)}


def authorisation_change(
    investigation_id: FromPath[UUID],
    authorisation_id: FromPath[UUID],
    runtime: RuntimeDep,
    user: CurrentUser,
    if_match: IfMatch = None,
) -> Change[LegalAuthorisation, Authorisation]:
    """A command on the path's authorisation, answered with the authorisation."""
    ids = {"investigation_id": investigation_id, "authorisation_id": authorisation_id}
    return Change(runtime, user, ids, if_match, authorisation_view)


AuthorisationChange = NamedDependency[Change[LegalAuthorisation, Authorisation]]
AUTHORISATION_CHANGE = {"change": Provide(authorisation_change, sync_to_thread=False)}


def task_change(
    investigation_id: FromPath[UUID],
    task_id: FromPath[UUID],
    runtime: RuntimeDep,
    user: CurrentUser,
    if_match: IfMatch = None,
) -> Change[TaskAggregate, Task]:
    """A command on the path's task, answered with the task."""
    ids = {"investigation_id": investigation_id, "task_id": task_id}
    return Change(runtime, user, ids, if_match, task_view)


TaskChange = NamedDependency[Change[TaskAggregate, Task]]
TASK_CHANGE = {"change": Provide(task_change, sync_to_thread=False)}


def rulebook_change(
    investigation_id: FromPath[UUID],
    country: FromPath[str],
    runtime: RuntimeDep,
    user: CurrentUser,
    if_match: IfMatch = None,
) -> Change[Rulebook, RulebookOut]:
    """A command on the path's country's rulebook, answered with the rulebook."""
    ids = {"investigation_id": investigation_id, "country": country}
    return Change(runtime, user, ids, if_match, rulebook_view)


def rule_change(
    investigation_id: FromPath[UUID],
    country: FromPath[str],
    rule: FromPath[str],
    runtime: RuntimeDep,
    user: CurrentUser,
    if_match: IfMatch = None,
) -> Change[Rulebook, RulebookOut]:
    """A command on one rule of the path's country's rulebook, answered with the rulebook."""
    ids = {"investigation_id": investigation_id, "country": country, "rule": rule}
    return Change(runtime, user, ids, if_match, rulebook_view)


RulebookChange = NamedDependency[Change[Rulebook, RulebookOut]]
RULEBOOK_CHANGE = {"change": Provide(rulebook_change, sync_to_thread=False)}
RULE_CHANGE = {"change": Provide(rule_change, sync_to_thread=False)}
