"""What identity refuses, in words for the caller."""

from __future__ import annotations

from domain.errors import FieldError


class IdentityError(FieldError):
    """What identity refuses of a user's details: a username malformed, taken or unknown, a
    password too short, a provider's subject linked to another user."""


class TokenRefused(Exception):
    """A bearer token that identifies no one; the message says why, for the caller."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
