"""What identity refuses, in words for the caller."""

from __future__ import annotations


class IdentityError(Exception):
    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class TokenRefused(Exception):
    """A bearer token that identifies no one; the message says why, for the caller."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
