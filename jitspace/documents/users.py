"""The deployment's users as its administrators manage them, and its security log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec
from msgspec import Meta

from jitspace.auth.identity import Account
from jitspace.auth.security_log import NamedEntry, SecurityKind
from jitspace.documents.fields import Name, Struct, Username

# the length rule is identity's (jitspace/auth/identity.py), said in its words
Password = Annotated[str, Meta(max_length=1_000, description="10 characters or more")]
ProviderText = Annotated[str, Meta(min_length=1, max_length=500)]


class UserCreate(Struct):
    username: Username
    display_name: Name
    password: Password


class PasswordReset(Struct):
    password: Password


class IdentityLinkCreate(Struct):
    """An identity provider's subject the user also logs in as."""

    issuer: Annotated[ProviderText, Meta(description="the provider's `iss`")]
    subject: Annotated[ProviderText, Meta(description="the user's `sub` there")]
    drop_password: Annotated[
        bool, Meta(description="from now on only through the provider: the password stops")
    ] = False


class IdentityOut(msgspec.Struct):
    issuer: str
    subject: str


class UserAccount(msgspec.Struct):
    """A user as an administrator sees them."""

    id: UUID
    username: str
    display_name: str
    administrator: bool
    created_at: datetime
    disabled_at: datetime | None
    local_login: bool  # has a password of their own
    identities: list[IdentityOut]


def account_out(account: Account) -> UserAccount:
    return UserAccount(
        id=account.user_id,
        username=account.username,
        display_name=account.display_name,
        administrator=account.administrator,
        created_at=account.created_at,
        disabled_at=account.disabled_at,
        local_login=account.local_login,
        identities=[IdentityOut(issuer, subject) for issuer, subject in account.identities],
    )


class SecurityEntryOut(msgspec.Struct):
    """One entry of the security log, with the names of the people in it."""

    id: int
    at: datetime
    kind: SecurityKind
    user_id: UUID | None  # who acted (or was refused)
    user_name: str | None
    subject_id: UUID | None  # whom an administrator's change was about
    subject_name: str | None
    investigation_id: UUID | None
    client: str | None
    detail: str


class SecurityLogPage(msgspec.Struct):
    entries: list[SecurityEntryOut]
    # the `before` of the next, older page; null at the oldest
    next_before: int | None


def entry_out(entry: NamedEntry) -> SecurityEntryOut:
    return SecurityEntryOut(
        id=entry.id,
        at=entry.at,
        kind=entry.kind,  # type: ignore[arg-type]  # one of SecurityKind's, as recorded
        user_id=entry.user_id,
        user_name=entry.user_name,
        subject_id=entry.subject_id,
        subject_name=entry.subject_name,
        investigation_id=entry.investigation_id,
        client=entry.client,
        detail=entry.detail,
    )


class UserPage(msgspec.Struct):
    items: list[UserAccount]
    next: str | None  # the cursor of the next page (`after=`), None on the last
    total: int  # how many users match the filters
