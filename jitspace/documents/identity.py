"""Signing in: the login request, the session it opens, the user it names."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec
from msgspec import Meta

from jitspace.documents.fields import (
    Struct,
    Username,
)


class LoginCreate(Struct):
    username: Username
    password: Annotated[str, Meta(min_length=1, max_length=1_000)]


class SessionOut(msgspec.Struct):
    token: str
    token_type: str
    expires_at: datetime


class UserOut(msgspec.Struct):
    id: UUID
    username: str
    display_name: str
    administrator: bool  # of the deployment: manages its users, reads its security log


class LoginOptions(msgspec.Struct):
    """How one logs in: a password always; through the identity provider where it is set up
    (the name the login page shows for it; None: not set up)."""

    identity_provider: str | None


class BrowserSessionOut(msgspec.Struct):
    """The web page's session: who is logged in, and the token each change must carry."""

    user: UserOut
    csrf_token: str
    expires_at: datetime
