"""The deployment's users, for its administrators: list, add, disable and enable, reset a
password, link an identity provider's subject. Each change is in the security log."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody

from jitspace.api.access import ADMINISTRATOR
from jitspace.api.dependencies import CurrentUser, RuntimeDep, client_address
from jitspace.api.openapi import problem_response
from jitspace.api.pages import ACCOUNT_QUERY, AccountQueryDep, page_from
from jitspace.documents.users import (
    IdentityLinkCreate,
    PasswordReset,
    UserAccount,
    UserCreate,
    UserPage,
    account_out,
)

USER = "/{user_id:uuid}"
NO_USER = {404: problem_response("No user has this id")}
CONFLICT = {409: problem_response("Contradicts what is recorded (e.g. disabling yourself)")}


class UserController(Controller):
    path = "/users"
    tags = ["administration"]

    @get(access=ADMINISTRATOR)
    async def list_users(self, runtime: RuntimeDep) -> list[UserAccount]:
        """Every user of the deployment, by name: administrators, disabled users, how each
        logs in."""
        return [account_out(a) for a in await runtime.administration.users()]

    @get("/page", access=ADMINISTRATOR, dependencies=ACCOUNT_QUERY)
    async def page(self, runtime: RuntimeDep, accounts: AccountQueryDep) -> UserPage:
        """A page of the deployment's users. Filters: disabled or not, administrators or
        not, and text in the username or the display name; sorted by name or by when added,
        then the id."""
        found = await page_from(runtime.administration.user_page(accounts))
        return UserPage([account_out(a) for a in found.accounts], found.next, found.total)

    @post(access=ADMINISTRATOR, responses=CONFLICT)
    async def add_user(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[UserCreate],
        runtime: RuntimeDep,
        user: CurrentUser,
    ) -> UserAccount:
        """A new local user, who logs in with this password (10 characters or more); 409 if
        the username is taken."""
        account = await runtime.administration.add_user(
            user, data.username, data.password, data.display_name, client=client_address(request)
        )
        return account_out(account)

    @post(
        f"{USER}/disabling",
        access=ADMINISTRATOR,
        status_code=200,
        responses={**NO_USER, **CONFLICT},
    )
    async def disable_user(
        self,
        request: Request[Any, Any, Any],
        user_id: FromPath[UUID],
        runtime: RuntimeDep,
        user: CurrentUser,
    ) -> UserAccount:
        """The user can no longer log in; their sessions and tokens stop working at once.
        409 for yourself."""
        account = await runtime.administration.disable(
            user, user_id, client=client_address(request)
        )
        return account_out(account)

    @post(f"{USER}/enabling", access=ADMINISTRATOR, status_code=200, responses=NO_USER)
    async def enable_user(
        self,
        request: Request[Any, Any, Any],
        user_id: FromPath[UUID],
        runtime: RuntimeDep,
        user: CurrentUser,
    ) -> UserAccount:
        """A disabled user may log in again."""
        account = await runtime.administration.enable(user, user_id, client=client_address(request))
        return account_out(account)

    @post(f"{USER}/password", access=ADMINISTRATOR, status_code=200, responses=NO_USER)
    async def reset_password(
        self,
        request: Request[Any, Any, Any],
        user_id: FromPath[UUID],
        data: JSONBody[PasswordReset],
        runtime: RuntimeDep,
        user: CurrentUser,
    ) -> UserAccount:
        """A new password for the user (10 characters or more); the sessions the old one
        opened end."""
        account = await runtime.administration.reset_password(
            user, user_id, data.password, client=client_address(request)
        )
        return account_out(account)

    @post(
        f"{USER}/identities",
        access=ADMINISTRATOR,
        status_code=200,
        responses={**NO_USER, **CONFLICT},
    )
    async def link_identity(
        self,
        request: Request[Any, Any, Any],
        user_id: FromPath[UUID],
        data: JSONBody[IdentityLinkCreate],
        runtime: RuntimeDep,
        user: CurrentUser,
    ) -> UserAccount:
        """The user may also log in through an identity provider as this subject (only so,
        with `drop_password`); 409 if the subject is linked to someone already."""
        account = await runtime.administration.link_identity(
            user,
            user_id,
            data.issuer,
            data.subject,
            drop_password=data.drop_password,
            client=client_address(request),
        )
        return account_out(account)
