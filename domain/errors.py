"""Errors raised by domain guards. The API maps each class to one HTTP status."""

from __future__ import annotations

from uuid import UUID


class FieldError(Exception):
    """An error whose message is for the caller, and which names the input at fault
    (`field`), if any: the domain's, and the file store's and identity's refusals."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class DomainError(FieldError):
    """A command broke a rule of the domain."""


class RuleViolation(DomainError):
    """The command contradicts an invariant (422)."""


class InvestigationClosed(DomainError):
    """A closed investigation accepts no further commands (409)."""


class Conflict(DomainError):
    """The command contradicts the record's state: a legal hold already on, none to
    release, a deletion refused while a hold is on (409)."""


class Gone(DomainError):
    """What the command asks for was deleted (a file deleted under retention) (410)."""


class NotFound(DomainError):
    """A referenced record does not exist in this investigation (404)."""


class PermissionDenied(DomainError):
    """The actor may see the investigation but not do this (403)."""


class Duplicate(DomainError):
    """The investigation already holds a record with this unique value (409)."""

    def __init__(self, message: str, *, field: str | None = None, existing_id: UUID) -> None:
        super().__init__(message, field=field)
        self.existing_id = existing_id


class Violations(RuleViolation):
    """Several inputs break rules at once, each named (`problems`: field, message), so the
    caller mends them all in one go (an import of many records) (422)."""

    def __init__(self, message: str, problems: list[tuple[str, str]]) -> None:
        super().__init__(message)
        self.problems = problems
