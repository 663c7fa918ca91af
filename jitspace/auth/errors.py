"""What identity refuses, in words for the caller."""

from __future__ import annotations

from uuid import UUID

from domain.errors import FieldError


class IdentityError(FieldError):
    """What identity refuses of a user's details: a username malformed, taken or unknown, a
    password too short, a provider's subject linked to another user (422 unless a subclass
    says otherwise)."""


class IdentityConflict(IdentityError):
    """The change contradicts what is recorded: a username or a provider's subject taken,
    the last administrator withdrawn, an administrator disabling themselves (409)."""


class UnknownUser(IdentityError):
    """No user has this id (404)."""


class UserDisabled(Exception):
    """The right password of a disabled user: no session (403)."""

    def __init__(self, message: str, user_id: UUID) -> None:
        super().__init__(message)
        self.message = message
        self.user_id = user_id


class TokenRefused(Exception):
    """A bearer token that identifies no one; the message says why, for the caller."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
