"""What every use case of the write side shares: load, check, act, save.

Every command names the calling user; the application finds them among the investigation's
members and acts in their party and role. A user who is not a member learns nothing: the
investigation, and everything in it, is "not found". The use cases block on the database:
callers on the event loop run them in a worker thread.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, Repository
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import RecordConflictError

from domain.base import JitAggregate
from domain.commands import (
    AuthorisationChange,
    Change,
    Command,
    EvidenceChange,
    RulebookChange,
    TaskChange,
)
from domain.errors import DomainError, NotFound
from domain.investigation import Investigation
from domain.rulebook import Rulebook
from domain.values import Actor
from jitspace.ledger.eventlog import EventLog, KeyTaken, Moved
from jitspace.services.kept import DEFAULT_KEPT, KeptAggregates
from jitspace.telemetry.metrics import counting_command

A = TypeVar("A", bound=JitAggregate)
ChangeT = TypeVar("ChangeT", bound=Change)
CommandT = TypeVar("CommandT", bound=Command)


class VersionConflict(Exception):
    """The record changed since the version the caller named (409)."""

    def __init__(self, current_version: int) -> None:
        super().__init__(f"the record is at version {current_version}")
        self.current_version = current_version


class AccessOutdated(Exception):
    """The investigation changed after the caller's access to it was decided (on the version
    the command names): nothing was recorded; decide the access again, on its latest version."""

    def __init__(self, decided_on: int) -> None:
        super().__init__(f"access was decided on the investigation at version {decided_on}")
        self.decided_on = decided_on


class Workspace(Application[UUID]):
    """The event-sourced application that each group of use cases extends
    (jitspace/services/*.py); JITspace (application.py) is all of them.

    Every use case (a public method taking the user and a command) is counted and timed by
    its name, whoever calls it (the API, the command line, the demo): `__init_subclass__`."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name, method in list(vars(cls).items()):
            if _is_use_case(name, method):
                setattr(cls, name, _counted(name, method))

    def construct_repository(self) -> Repository[UUID]:
        """Loads bring kept aggregates up to date rather than replay them (services/kept.py)."""
        kept = self.env.get(self.AGGREGATE_CACHE_MAXSIZE)
        return KeptAggregates(self.events, kept=int(kept) if kept else DEFAULT_KEPT)

    @contextmanager
    def _changing(
        self, user_id: UUID, command: Change, cls: type[A], *, allow_closed: bool = False
    ) -> Iterator[tuple[Investigation, Actor, A]]:
        """Load the investigation, the acting member and the record the command changes, and
        check the version the member expects; once the body has acted on the record, save it.
        The body raising saves nothing. `allow_closed`: the command is taken in a closed
        investigation too (the aggregate's guard says who may)."""
        with self._refusing_on_the_latest(command):
            investigation, actor = self._acting(
                user_id,
                command.investigation_id,
                allow_closed=allow_closed,
                decided_on=command.investigation_version,
            )
            record = self._part(investigation, cls, _record_id(command))
            if command.expected_version not in (None, record.version):
                raise VersionConflict(record.version)
            yield investigation, actor, record
        self._save(record, decided_on=self._decided_on(command))

    def _create(
        self,
        user_id: UUID,
        command: CommandT,
        create: Callable[[Investigation, Actor, CommandT], A],
    ) -> A:
        """The use case of a command that makes a new record of the investigation: load the
        investigation and the acting member, `create` the record (its checks are the
        domain's), save it; the new record."""
        with self._refusing_on_the_latest(command):
            investigation, actor = self._acting(
                user_id, command.investigation_id, decided_on=command.investigation_version
            )
            record = create(investigation, actor, command)
        self._save(record, decided_on=self._decided_on(command))
        return record

    @contextmanager
    def _refusing_on_the_latest(self, command: Command) -> Iterator[None]:
        """A command decided on the investigation as kept here (its `investigation_version`)
        is refused only on its latest version: a refusal made on a copy the log has moved
        past becomes AccessOutdated (decide again, on the latest)."""
        try:
            yield
        except (DomainError, VersionConflict):
            if command.investigation_version is not None:
                self._investigation(
                    command.investigation_id, command.investigation_version, kept=False
                )
            raise

    def _change(
        self,
        user_id: UUID,
        command: ChangeT,
        cls: type[A],
        act: Callable[[A, Investigation, Actor, ChangeT], object],
    ) -> A:
        """The use case of a command that one record of `cls` carries out (`act`, one of its
        methods): load, check, act, save (`_changing`); the record changed."""
        with self._changing(user_id, command, cls) as (investigation, actor, record):
            act(record, investigation, actor, command)
        return record

    def _change_investigation(
        self,
        user_id: UUID,
        command: ChangeT,
        act: Callable[[Investigation, Actor, ChangeT], object],
    ) -> Investigation:
        """`_change` for a command the investigation itself carries out."""
        with self._changing(user_id, command, Investigation) as (_, actor, investigation):
            act(investigation, actor, command)
        return investigation

    def _acting(
        self,
        user_id: UUID,
        investigation_id: UUID,
        *,
        allow_closed: bool = False,
        decided_on: int | None = None,
    ) -> tuple[Investigation, Actor]:
        """The investigation and the acting member. `decided_on`: the version of the
        investigation the caller's access was decided on (the command's
        `investigation_version`); the investigation is then the one at that version, the kept
        copy if this process keeps it (no read of the log), and the save must name it
        (`_save(decided_on=...)`): the log records the command only if the investigation is
        still at that version. AccessOutdated if it is no longer."""
        investigation = self._investigation(investigation_id, decided_on)
        member = investigation.member_of(user_id)
        if member is None:
            raise NotFound("no such investigation", field="investigation_id")
        if not allow_closed:
            investigation.check_open()
        return investigation, Actor(user_id=user_id, country=member.country, role=member.role)

    def _investigation(
        self, investigation_id: UUID, decided_on: int | None, *, kept: bool = True
    ) -> Investigation:
        """The investigation (at `decided_on`, else AccessOutdated); `kept`: the copy kept
        here if it is at that version, else read from the log."""
        if kept and decided_on is not None and isinstance(self.repository, KeptAggregates):
            copy = self.repository.kept_copy(investigation_id)
            if isinstance(copy, Investigation) and copy.version == decided_on:
                return copy
        investigation = self._load(Investigation, investigation_id, field="investigation_id")
        if decided_on is not None and investigation.version != decided_on:
            raise AccessOutdated(decided_on)
        return investigation

    def _part(
        self, investigation: Investigation, cls: type[A], record_id: UUID, *, field: str = ""
    ) -> A:
        """A record of the investigation (the investigation itself, by its id). By default
        an unknown id is named as in the path (`evidence_id`, ...) and the domain's guards."""
        if isinstance(investigation, cls) and record_id == investigation.id:
            return investigation
        # a record of another investigation is answered exactly like an id that does not exist:
        # the answer must not tell that the id is in use elsewhere
        record = self._find(cls, record_id)
        if record is None or record.investigation_id != investigation.id:
            raise NotFound(f"no such {cls.noun} in this investigation", field=field or cls.id_field)
        return record

    def _load(self, cls: type[A], record_id: UUID, *, field: str) -> A:
        record = self._find(cls, record_id)
        if record is None:
            raise NotFound(f"no such {cls.noun}", field=field)
        return record

    def _find(self, cls: type[A], record_id: UUID) -> A | None:
        try:
            record: Aggregate = self.repository.get(record_id)
        except AggregateNotFoundError:
            return None
        return record if isinstance(record, cls) else None

    @staticmethod
    def _decided_on(command: Command) -> tuple[UUID, int] | None:
        """The investigation and its version the caller's access was decided on, if named."""
        version = command.investigation_version
        return None if version is None else (command.investigation_id, version)

    def _save(self, *aggregates: JitAggregate, decided_on: tuple[UUID, int] | None = None) -> None:
        """Save (several records: in one transaction, all or none), or VersionConflict if a
        record changed since it was loaded; `decided_on`: the investigation and the version
        the caller's access was decided on, which the log checks is still its latest as it
        records (AccessOutdated if not)."""
        try:
            self.save(*aggregates, unchanged=[decided_on] if decided_on else [])
        except Moved:
            assert decided_on is not None
            raise AccessOutdated(decided_on[1]) from None
        except KeyTaken:
            raise
        except RecordConflictError:
            current: Aggregate = self.repository.get(aggregates[0].id)
            raise VersionConflict(current.version) from None
        if isinstance(self.repository, KeptAggregates):
            # the next command on this investigation here is decided on what it now is
            for aggregate in aggregates:
                if isinstance(aggregate, Investigation):
                    self.repository.keep_saved(aggregate)

    def kept_version(self, investigation_id: UUID) -> int | None:
        """The version of the investigation kept here, if it is (read from no log)."""
        if isinstance(self.repository, KeptAggregates):
            return self.repository.kept_version(investigation_id)
        return None

    def close(self) -> None:
        if isinstance(self.recorder, EventLog):
            self.recorder.stop()
        super().close()


# a refusal is the domain's (or the caller's stale version), not a failure of JITspace
REFUSALS = (DomainError, VersionConflict, KeyTaken, AccessOutdated)


def _is_use_case(name: str, method: object) -> bool:
    """A use case: public, not a check, taking (user_id, command, ...)."""
    if name.startswith(("_", "check_")) or not inspect.isfunction(method):
        return False
    return list(inspect.signature(method).parameters)[1:3] == ["user_id", "command"]


def _counted(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def counted(self: Workspace, *args: Any, **kwargs: Any) -> Any:
        with counting_command(name, REFUSALS):
            return method(self, *args, **kwargs)

    return counted


def _record_id(command: Change) -> UUID:
    """The id of the record a command changes (the investigation, if no other)."""
    match command:
        case EvidenceChange():
            return command.evidence_id
        case AuthorisationChange():
            return command.authorisation_id
        case TaskChange():
            return command.task_id
        case RulebookChange():
            return Rulebook.id_for(command.investigation_id, command.country)
    return command.investigation_id
