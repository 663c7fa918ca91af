"""What an administrator of the deployment does to its users, each change written to the
security log (who did what to whom).

The one way to add, disable and enable users, reset a password, link an identity provider's
subject and grant or withdraw the administrator flag: the API's `/users` routes and the
`jitspace user` commands both call it. The command line acts as the deployment's operator:
its entries name no actor, and it may do what an administrator may not (make the first
administrator; disable anyone).
"""

from __future__ import annotations

from uuid import UUID

from jitspace.auth.errors import IdentityConflict
from jitspace.auth.identity import Account, AccountPage, AccountQuery, Identity, User
from jitspace.auth.security_log import SecurityKind, SecurityLog

COMMAND_LINE = "command line"


class Administration:
    def __init__(self, identity: Identity, security_log: SecurityLog) -> None:
        self.identity = identity
        self.security_log = security_log

    async def users(self) -> list[Account]:
        return await self.identity.accounts()

    async def user_page(self, query: AccountQuery) -> AccountPage:
        return await self.identity.account_page(query)

    async def add_user(
        self,
        actor: User | None,
        username: str,
        password: str,
        display_name: str = "",
        *,
        administrator: bool = False,
        client: str | None = None,
    ) -> Account:
        """A new local user (an administrator, with `administrator`); refused if the username
        is malformed or taken, or the password too short."""
        user = await self.identity.add_user(
            username, password, display_name, administrator=administrator
        )
        detail = f"{user.display_name} ({user.username})" + (
            ", an administrator" if administrator else ""
        )
        await self._record(SecurityKind.USER_ADDED, actor, user, client, detail)
        return await self.identity.account(user.user_id)

    async def add_external_user(
        self,
        actor: User | None,
        username: str,
        issuer: str,
        subject: str,
        display_name: str = "",
        *,
        client: str | None = None,
    ) -> Account:
        """A new user who logs in through the identity provider only, as `subject`."""
        user = await self.identity.add_external_user(username, issuer, subject, display_name)
        detail = f"{user.display_name} ({user.username}), who logs in at {issuer} as {subject}"
        await self._record(SecurityKind.USER_ADDED, actor, user, client, detail)
        return await self.identity.account(user.user_id)

    async def disable(
        self, actor: User | None, user_id: UUID, *, client: str | None = None
    ) -> Account:
        """The user can no longer log in, and their sessions and tokens stop working; an
        administrator may not disable themselves (the last one would lock everyone out)."""
        if actor is not None and actor.user_id == user_id:
            raise IdentityConflict(
                "you cannot disable yourself: another administrator can", field="user_id"
            )
        user = await self.identity.disable(user_id)
        await self._record(SecurityKind.USER_DISABLED, actor, user, client)
        return await self.identity.account(user_id)

    async def enable(
        self, actor: User | None, user_id: UUID, *, client: str | None = None
    ) -> Account:
        user = await self.identity.enable(user_id)
        await self._record(SecurityKind.USER_ENABLED, actor, user, client)
        return await self.identity.account(user_id)

    async def reset_password(
        self, actor: User | None, user_id: UUID, password: str, *, client: str | None = None
    ) -> Account:
        """A new password; the sessions the old one opened end. Never logged: the change only."""
        user = await self.identity.set_password(user_id, password)
        await self._record(SecurityKind.PASSWORD_RESET, actor, user, client)
        return await self.identity.account(user_id)

    async def link_identity(
        self,
        actor: User | None,
        user_id: UUID,
        issuer: str,
        subject: str,
        *,
        drop_password: bool = False,
        client: str | None = None,
    ) -> Account:
        """The user may log in through the identity provider `issuer` as `subject` too (only
        so, with `drop_password`)."""
        user = await self.identity.link_external(
            user_id, issuer, subject, drop_password=drop_password
        )
        detail = f"logs in at {issuer} as {subject}" + (
            ", and no longer with a password" if drop_password else ""
        )
        await self._record(SecurityKind.IDENTITY_LINKED, actor, user, client, detail)
        return await self.identity.account(user_id)

    async def set_administrator(
        self, actor: User | None, user_id: UUID, administrator: bool, *, client: str | None = None
    ) -> Account:
        """Grant or withdraw the administrator flag; the last enabled administrator keeps it."""
        user = await self.identity.set_administrator(user_id, administrator)
        kind = (
            SecurityKind.ADMINISTRATOR_GRANTED
            if administrator
            else SecurityKind.ADMINISTRATOR_WITHDRAWN
        )
        await self._record(kind, actor, user, client)
        return await self.identity.account(user_id)

    async def _record(
        self,
        kind: SecurityKind,
        actor: User | None,
        user: User,
        client: str | None,
        detail: str = "",
    ) -> None:
        by = f"{actor.display_name} ({actor.username})" if actor else COMMAND_LINE
        about = detail or f"{user.display_name} ({user.username})"
        await self.security_log.record(
            kind,
            user_id=actor.user_id if actor else None,
            subject_id=user.user_id,
            client=client or (None if actor else COMMAND_LINE),
            detail=f"by {by}: {about}",
        )
