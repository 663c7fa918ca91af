"""The guard every route goes through: who is calling, and may their role do this here.

Each route names what it does with `access=`: `PUBLIC` (no token), `SIGNED_IN` (any
user with a valid token), `ADMINISTRATOR` (an administrator of the deployment: its users,
its whole security log; a role outside any investigation) or an `Action` of the permission
table in `domain/permissions.py`, checked against the caller's role in the investigation of
the path. A route that names
nothing is refused (500), so no route can skip the check by being forgotten. The live
feed, which authenticates in its first message, makes the same check through
`member_for`.

A user who is not a member learns nothing: the investigation is "not found" (404), exactly
as an id that does not exist. A member whose role does not allow the action is told so
(403), and nothing about the record they asked for.
"""

from __future__ import annotations

from typing import Any, Final, Literal
from uuid import UUID

from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.enums import ScopeType
from litestar.exceptions import ImproperlyConfiguredException
from litestar.handlers import HTTPRouteHandler
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Scope

from domain.errors import NotFound, PermissionDenied
from domain.permissions import Action, check_permitted, permits
from domain.values import Member, Role
from jitspace.api.dependencies import provide_user
from jitspace.api.problems import REFUSAL_LOGGED
from jitspace.auth.identity import User
from jitspace.auth.security_log import SecurityKind
from jitspace.bootstrap import Runtime
from jitspace.reads.memberships import Membership
from jitspace.reads.withholding import Audience
from jitspace.telemetry.logs import bind

PUBLIC: Final = "public"
SIGNED_IN: Final = "signed_in"
ADMINISTRATOR: Final = "administrator"
Access = Action | Literal["public", "signed_in", "administrator"]
NOT_ADMINISTRATOR = (
    "you are not an administrator of this deployment: only they manage its users and read "
    "its whole security log"
)
CurrentMember = NamedDependency[Member]
# who the answer is for: what the withholding rule (jitspace/reads/withholding.py) is applied to
CurrentAudience = NamedDependency[Audience]


def access_of(handler: BaseRouteHandler) -> Access | None:
    access: Access | None = handler.opt.get("access")
    return access


async def check_access(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """The guard of the whole app (HTTP routes; the live feed checks in its handler)."""
    access = access_of(handler)
    if (
        access is None
        and isinstance(handler, HTTPRouteHandler)
        and handler.http_methods == {"OPTIONS"}
    ):
        return  # the framework's own answer to OPTIONS: the allowed methods, nothing else
    if access is None:
        raise ImproperlyConfiguredException(f"route {handler.handler_name} names no access")
    if access == PUBLIC or connection.scope["type"] == ScopeType.WEBSOCKET:
        return
    runtime: Runtime = connection.app.state.runtime
    user = await provide_user(connection, runtime)  # type: ignore[arg-type]
    connection.scope["state"]["user"] = user
    bind(user_id=user.user_id)  # on every log line the request causes from here on
    if access == SIGNED_IN:
        return
    if access == ADMINISTRATOR:
        if not user.administrator:
            await runtime.security_log.record(
                SecurityKind.ACCESS_REFUSED,
                user_id=user.user_id,
                client=_client(connection),
                detail=f"administration ({connection.scope['method']} {connection.url.path[:200]})",
            )
            connection.scope["state"][REFUSAL_LOGGED] = True
            raise PermissionDenied(NOT_ADMINISTRATOR)
        return
    investigation_id = connection.path_params.get("investigation_id")
    if not isinstance(investigation_id, UUID):
        raise ImproperlyConfiguredException(
            f"route {handler.handler_name} checks {access} but has no investigation in its path"
        )
    commanded = decided_by_command(handler)
    try:
        membership = await member_for(
            runtime, user, investigation_id, access, client=_client(connection), kept=commanded
        )
    except (NotFound, PermissionDenied):
        connection.scope["state"][REFUSAL_LOGGED] = True
        raise
    keep_decision(connection.scope, membership, access)


def keep_decision(scope: Scope, membership: Membership, access: Action) -> None:
    """Keep the guard's decision for the request: who the caller is there, what they may
    read, and the investigation's version it was made on (for the command, changes.py)."""
    scope["state"]["member"] = membership.member
    scope["state"]["audience"] = audience_of(membership)
    scope["state"]["decided"] = (membership, access)


def decided_by_command(handler: BaseRouteHandler) -> bool:
    """The route runs a command that names the investigation's version its access was decided
    on (`create` or `change`, api/changes.py): the log records it only if that version is
    still the latest, so the guard may decide on the version kept in this process, without
    looking up the latest."""
    return not {"create", "change"}.isdisjoint(handler.parsed_fn_signature.parameters)


async def member_for(
    runtime: Runtime,
    user: User,
    investigation_id: UUID,
    action: Action,
    *,
    client: str | None = None,
    max_age: float = 0.0,
    kept: bool = False,
) -> Membership:
    """The user's membership of the investigation, if their role there allows the action;
    refusals (404 for non-members, 403 for the role) go to the security log, as do those of
    the finer rules of records (jitspace/api/problems.py). `max_age`, `kept`: see
    `Memberships.member` (a refusal is always decided on the latest version)."""
    try:
        membership = await runtime.memberships.member(
            user.user_id, investigation_id, max_age=max_age, kept=kept
        )
        if kept and not permits(membership.member.role, action, membership.observer_rights):
            membership = await runtime.memberships.member(user.user_id, investigation_id)
        check_permitted(membership.member.role, action, membership.observer_rights)
    except (NotFound, PermissionDenied) as refused:
        await runtime.security_log.record(
            "access_refused",
            user_id=user.user_id,
            investigation_id=investigation_id,
            client=client,
            detail=f"{action.value}: {refused.message}",
        )
        raise
    return membership


def standing(membership: Membership) -> tuple[Member, frozenset[Action]]:
    """What decides what a member may see and do: their membership, and what the JIT agreement
    gives observers if they are one (other members' rights do not change with it)."""
    member = membership.member
    rights = membership.observer_rights if member.role is Role.OBSERVER else frozenset()
    return member, rights


def audience_of(membership: Membership) -> Audience:
    """Who a member is, as the withholding rule asks: party, role, observers' rights."""
    member = membership.member
    return Audience(member.country, member.role, membership.observer_rights)


def provide_current_user(scope: Scope) -> User:
    """The user the guard authenticated."""
    user: User = scope["state"]["user"]
    return user


def provide_member(scope: Scope) -> Member:
    """The caller's membership of the path's investigation, as the guard checked it."""
    member: Member = scope["state"]["member"]
    return member


def provide_audience(scope: Scope) -> Audience:
    """Who the answer is for, as the guard found the caller's membership."""
    audience: Audience = scope["state"]["audience"]
    return audience


def _client(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    return connection.client.host if connection.client else None
