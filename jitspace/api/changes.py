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
from litestar import Request, Response
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath

from domain.authorisation import LegalAuthorisation
from domain.errors import NotFound, PermissionDenied
from domain.evidence import EvidenceItem
from domain.investigation import Investigation as InvestigationAggregate
from domain.permissions import Action
from domain.rulebook import Rulebook
from domain.task import Task as TaskAggregate
from jitspace.api.access import CurrentAudience, keep_decision, member_for, standing
from jitspace.api.commands import command
from jitspace.api.dependencies import (
    CurrentUser,
    IfMatch,
    RuntimeDep,
    expected_version,
    in_thread,
)
from jitspace.api.problems import REFUSAL_LOGGED
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
from jitspace.services.base import AccessOutdated

C = TypeVar("C", bound=msgspec.Struct)
R = TypeVar("R")  # the record as the use case returns it (an aggregate)


@dataclass(frozen=True)
class Decided:
    """The guard's decision for the request's command (api/access.py), and the version of the
    investigation it was made on: the command names it, and the log records the command only
    if that version is still the latest (`Command.investigation_version`). If it is no
    longer, nothing was recorded: the guard decides again on the latest version, and the
    command runs once more, if the caller's place in the investigation is unchanged (else
    409: what they may see and do changed meanwhile; `standing`)."""

    runtime: Runtime
    user: User
    investigation_id: UUID
    request: Request[Any, Any, Any]

    @property
    def scope(self) -> Any:
        return self.request.scope

    @property
    def version(self) -> int:
        membership, _ = self.scope["state"]["decided"]
        version: int = membership.version
        return version

    async def again(self) -> int:
        """Decide again on the investigation's latest version (a refusal goes to the
        security log as the guard's does); that version."""
        before, action = self.scope["state"]["decided"]
        client = self.request.client
        try:
            after = await member_for(
                self.runtime,
                self.user,
                self.investigation_id,
                action,
                client=client.host if client else None,
            )
        except (NotFound, PermissionDenied):
            self.scope["state"][REFUSAL_LOGGED] = True
            raise
        if standing(after) != standing(before):
            raise AccessOutdated(before.version)
        keep_decision(self.scope, after, action)
        return after.version

    async def run(self, cls: type[C], act: Callable[[C], V], make: Callable[..., C]) -> V:
        """`act` on the command `make` gives, naming the decided version (off the event
        loop); once more if the investigation moved meanwhile."""
        if "investigation_version" not in cls.__struct_fields__:
            await self.again()  # a command that cannot name the version: decide on the latest
            return await in_thread(act, make())
        try:
            return await in_thread(act, make(investigation_version=self.version))
        except AccessOutdated:
            version = await self.again()
            return await in_thread(act, make(investigation_version=version))


def provide_decided(
    investigation_id: FromPath[UUID],
    runtime: RuntimeDep,
    user: CurrentUser,
    request: Request[Any, Any, Any],
) -> Decided:
    return Decided(runtime, user, investigation_id, request)


Decision = NamedDependency[Decided]


@dataclass(frozen=True)
class Change(Generic[R, V]):
    runtime: Runtime
    user: User
    ids: dict[str, Any]  # the command's fields the path names
    if_match: str | None
    view: Callable[[R], V]
    decided: Decided

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

        def make(**decided: Any) -> C:
            return command(cls, document, **self.ids, expected_version=version, **fields, **decided)

        def act(given: C) -> V:  # the view may read other records of the investigation
            return self.view(use_case(self.runtime.app, self.user.user_id, given))

        return with_etag(await self.decided.run(cls, act, make))


@dataclass(frozen=True)
class Create:
    """A command that records something new in the path's investigation (a POST to one of
    its collections), answered 201 with the new record as `view` renders it."""

    runtime: Runtime
    user: User
    investigation_id: UUID
    decided: Decided

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

        def make(**decided: Any) -> C:
            return command(
                cls, document, investigation_id=self.investigation_id, **fields, **decided
            )

        def act(given: C) -> V:  # the view may read other records of the investigation
            return view(use_case(self.runtime.app, self.user.user_id, given))

        return with_etag(await self.decided.run(cls, act, make), 201)


def provide_create(
    investigation_id: FromPath[UUID], runtime: RuntimeDep, user: CurrentUser, decided: Decision
) -> Create:
    return Create(runtime, user, investigation_id, decided)


Creation = NamedDependency[Create]


# -- each resource's change, by the path's ids ---------------------------------------------


def investigation_change(
    investigation_id: FromPath[UUID],
    runtime: RuntimeDep,
    user: CurrentUser,
    decided: Decision,
    if_match: IfMatch = None,
) -> Change[InvestigationAggregate, Investigation]:
    """A command on the path's investigation, answered with the investigation."""
    ids = {"investigation_id": investigation_id}
    return Change(runtime, user, ids, if_match, investigation_view, decided)


def member_change(
    investigation_id: FromPath[UUID],
    member_id: FromPath[UUID],
    runtime: RuntimeDep,
    user: CurrentUser,
    decided: Decision,
    if_match: IfMatch = None,
) -> Change[InvestigationAggregate, Investigation]:
    """A command on one member of the path's investigation, answered with the investigation."""
    ids = {"investigation_id": investigation_id, "user_id": member_id}
    return Change(runtime, user, ids, if_match, investigation_view, decided)


InvestigationChange = NamedDependency[Change[InvestigationAggregate, Investigation]]
INVESTIGATION_CHANGE = {"change": Provide(investigation_change, sync_to_thread=False)}
MEMBER_CHANGE = {"change": Provide(member_change, sync_to_thread=False)}


def item_change(
    investigation_id: FromPath[UUID],
    evidence_id: FromPath[UUID],
    runtime: RuntimeDep,
    user: CurrentUser,
    audience: CurrentAudience,
    decided: Decision,
    if_match: IfMatch = None,
) -> Change[EvidenceItem, Evidence]:
    """A command on the path's item, answered with the item as the caller sees it."""
    ids = {"investigation_id": investigation_id, "evidence_id": evidence_id}
    return Change(
        runtime,
        user,
        ids,
        if_match,
        lambda item: item_document(runtime.app, item, audience),
        decided,
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
    decided: Decision,
    if_match: IfMatch = None,
) -> Change[LegalAuthorisation, Authorisation]:
    """A command on the path's authorisation, answered with the authorisation."""
    ids = {"investigation_id": investigation_id, "authorisation_id": authorisation_id}
    return Change(runtime, user, ids, if_match, authorisation_view, decided)


AuthorisationChange = NamedDependency[Change[LegalAuthorisation, Authorisation]]
AUTHORISATION_CHANGE = {"change": Provide(authorisation_change, sync_to_thread=False)}


def task_change(
    investigation_id: FromPath[UUID],
    task_id: FromPath[UUID],
    runtime: RuntimeDep,
    user: CurrentUser,
    decided: Decision,
    if_match: IfMatch = None,
) -> Change[TaskAggregate, Task]:
    """A command on the path's task, answered with the task."""
    ids = {"investigation_id": investigation_id, "task_id": task_id}
    return Change(runtime, user, ids, if_match, task_view, decided)


TaskChange = NamedDependency[Change[TaskAggregate, Task]]
TASK_CHANGE = {"change": Provide(task_change, sync_to_thread=False)}


def rulebook_change(
    investigation_id: FromPath[UUID],
    country: FromPath[str],
    runtime: RuntimeDep,
    user: CurrentUser,
    decided: Decision,
    if_match: IfMatch = None,
) -> Change[Rulebook, RulebookOut]:
    """A command on the path's country's rulebook, answered with the rulebook."""
    ids = {"investigation_id": investigation_id, "country": country}
    return Change(runtime, user, ids, if_match, rulebook_view, decided)


def rule_change(
    investigation_id: FromPath[UUID],
    country: FromPath[str],
    rule: FromPath[str],
    runtime: RuntimeDep,
    user: CurrentUser,
    decided: Decision,
    if_match: IfMatch = None,
) -> Change[Rulebook, RulebookOut]:
    """A command on one rule of the path's country's rulebook, answered with the rulebook."""
    ids = {"investigation_id": investigation_id, "country": country, "rule": rule}
    return Change(runtime, user, ids, if_match, rulebook_view, decided)


RulebookChange = NamedDependency[Change[Rulebook, RulebookOut]]
RULEBOOK_CHANGE = {"change": Provide(rulebook_change, sync_to_thread=False)}
RULE_CHANGE = {"change": Provide(rule_change, sync_to_thread=False)}
