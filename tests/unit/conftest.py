"""Shared Given steps for the unit tests: a FR-BE joint investigation team and its records.

Test modules do not import from here: everything is offered as a fixture (command values come
from tests/unit/builders.py). Aggregates handed out by fixtures have had their pending events
collected, so a test sees only the events its own When step records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.domain import Aggregate, CanMutateAggregate

from domain.authorisation import LegalAuthorisation
from domain.commands import CreateTask
from domain.errors import DomainError, InvestigationClosed
from domain.evidence import EvidenceItem
from domain.investigation import Investigation
from domain.task import Task
from domain.values import Actor, Member, Party, Role
from tests.unit import builders
from tests.unit.builders import BELGIUM, FRANCE, GERMANY, NOW


def acting(member: Member) -> Actor:
    """The actor a member is when they act in the party and role they hold."""
    return Actor(user_id=member.user_id, country=member.country, role=member.role)


@dataclass
class Team:
    """A joint investigation team: its investigation, its members and what it recorded."""

    investigation: Investigation
    leader: Member
    members: dict[str, Member]
    history: list[Any] = field(default_factory=list)

    def __getattr__(self, name: str) -> Member:
        try:
            return self.__dict__["members"][name]
        except KeyError:
            raise AttributeError(name) from None

    def actor(self, member: Member) -> Actor:
        return acting(member)

    @property
    def id(self) -> UUID:
        return self.investigation.id


def drain(aggregate: Aggregate) -> list[Any]:
    """Collect the aggregate's pending events, as saving it would."""
    return list(aggregate.collect_events())


def _open_team(
    name: str,
    parties: tuple[Party, ...],
    leader_country: str,
    members: dict[str, tuple[str, Role]],
    now: datetime,
) -> Team:
    """A JIT opened a month before `now`, led from `leader_country`, with `members`."""
    when = now - timedelta(days=30)
    leader = Member(
        user_id=uuid4(), name=f"{name} leader", country=leader_country, role=Role.JIT_LEADER
    )
    investigation = Investigation.open(
        uuid4(),
        leader,
        builders.open_investigation(
            leader,
            name=name,
            agreement_reference=f"JIT-{name}-2024",
            parties=parties,
            occurred_at=when,
        ),
    )
    team = Team(investigation=investigation, leader=leader, members={})
    for key, (country, role) in members.items():
        member = Member(user_id=uuid4(), name=key.replace("_", " "), country=country, role=role)
        investigation.add_member(
            acting(leader), builders.add_member(investigation, member, occurred_at=when)
        )
        team.members[key] = member
    team.history.extend(drain(investigation))
    return team


@pytest.fixture
def now() -> datetime:
    """The moment the When step happens, as the user states it (timezone-aware)."""
    return NOW


@pytest.fixture
def team(now: datetime) -> Team:
    """Given a FR-BE JIT led from France, with investigators and legal advisors of both."""
    return _open_team(
        "Tideway",
        (FRANCE, BELGIUM),
        "FR",
        {
            "fr_investigator": ("FR", Role.INVESTIGATOR),
            "fr_legal_advisor": ("FR", Role.LEGAL_ADVISOR),
            "be_investigator": ("BE", Role.INVESTIGATOR),
            "be_legal_advisor": ("BE", Role.LEGAL_ADVISOR),
        },
        now,
    )


@pytest.fixture
def other_team(now: datetime) -> Team:
    """Given another, unrelated FR-DE JIT, with a French investigator of its own."""
    investigator = {"fr_investigator": ("FR", Role.INVESTIGATOR)}
    return _open_team("Harbour", (FRANCE, GERMANY), "DE", investigator, now)


@pytest.fixture
def outsider() -> Actor:
    """A user who is not a member of any investigation."""
    return Actor(user_id=uuid4(), country="FR", role=Role.INVESTIGATOR)


@pytest.fixture
def new_member() -> Member:
    """A Belgian analyst not yet seconded to the team."""
    return Member(user_id=uuid4(), name="Bea Analyst", country="BE", role=Role.ANALYST)


# -- records of a team ------------------------------------------------------------------


@pytest.fixture
def record_authorisation() -> Callable[..., LegalAuthorisation]:
    """Record a French interception order in a team (overrides: any RecordAuthorisation field)."""

    def record(team: Team, actor: Actor | None = None, **overrides: Any) -> LegalAuthorisation:
        command = builders.record_authorisation(team.investigation, **overrides)
        return LegalAuthorisation.record(
            team.investigation, actor or acting(team.fr_legal_advisor), command
        )

    return record


@pytest.fixture
def register_evidence() -> Callable[..., EvidenceItem]:
    """Register a phone seized by a team member (overrides: any RegisterEvidence field, and the
    `authorisation` it was collected under)."""

    def register(team: Team, actor: Actor | None = None, **overrides: Any) -> EvidenceItem:
        authorisation = overrides.pop("authorisation", None)
        return EvidenceItem.register(
            team.investigation,
            actor or acting(team.fr_investigator),
            builders.register_evidence(team.investigation, **overrides),
            authorisation,
        )

    return register


@pytest.fixture
def create_task() -> Callable[..., Task]:
    """Create a task in a team (overrides: any `create` keyword)."""

    def create(team: Team, actor: Actor | None = None, **overrides: Any) -> Task:
        arguments: dict[str, Any] = {
            "title": "Translate the intercepted calls",
            "description": "Romanian to French, certified translator",
            "due_on": date(2024, 7, 31),
        }
        arguments.update(overrides)
        loaded = {k: arguments.pop(k) for k in ("evidence", "authorisations") if k in arguments}
        command = CreateTask(investigation_id=team.id, **arguments)
        return Task.create(team.investigation, actor or acting(team.leader), command, **loaded)

    return create


@pytest.fixture
def interception_order(
    team: Team, record_authorisation: Callable[..., LegalAuthorisation]
) -> LegalAuthorisation:
    """Given a French interception order recorded by the French legal advisor."""
    authorisation = record_authorisation(team)
    drain(authorisation)
    return authorisation


@pytest.fixture
def seized_phone(team: Team, register_evidence: Callable[..., EvidenceItem]) -> EvidenceItem:
    """Given a phone seized and registered by the French investigator."""
    item = register_evidence(team)
    drain(item)
    return item


@pytest.fixture
def task(team: Team, create_task: Callable[..., Task]) -> Task:
    """Given an open, unassigned task created by the leader."""
    created = create_task(team)
    drain(created)
    return created


@pytest.fixture
def leave_team(now: datetime) -> Callable[[Team, Member], None]:
    """A member leaves a team: its leader removes them (events collected)."""

    def leave(team: Team, member: Member) -> None:
        jit = team.investigation
        jit.remove_member(acting(team.leader), builders.remove_member(jit, member, occurred_at=now))
        drain(jit)

    return leave


@pytest.fixture
def close_team(now: datetime) -> Callable[[Team], None]:
    """Close a team's JIT as its leader would once the case is over (events collected)."""

    def close(team: Team) -> None:
        jit = team.investigation
        jit.close(acting(team.leader), builders.close_investigation(jit, occurred_at=now))
        drain(jit)

    return close


# -- Then steps ---------------------------------------------------------------------------


@pytest.fixture
def rejected() -> Callable[..., AbstractContextManager[pytest.ExceptionInfo[Any]]]:
    """Expect a command to fail with `error` and to leave every given aggregate untouched.

    Use as `with rejected(RuleViolation, aggregate, ...) as error:`; afterwards `error.value`
    is the domain error. The aggregates must have no pending events before the command.
    """

    @contextmanager
    def expect(
        error: type[DomainError], *aggregates: Aggregate
    ) -> Iterator[pytest.ExceptionInfo[Any]]:
        versions = [aggregate.version for aggregate in aggregates]
        with pytest.raises(error) as info:
            yield info
        for aggregate, version in zip(aggregates, versions, strict=True):
            assert aggregate.collect_events() == [], "a rejected command recorded an event"
            assert aggregate.version == version

    return expect


@pytest.fixture
def rejected_once_closed(
    close_team: Callable[[Team], None],
    rejected: Callable[..., AbstractContextManager[pytest.ExceptionInfo[Any]]],
) -> Callable[..., AbstractContextManager[pytest.ExceptionInfo[Any]]]:
    """Close the team's JIT, then expect a command to fail with InvestigationClosed and to
    leave the JIT and every given aggregate untouched.

    Use as `with rejected_once_closed(team, aggregate, ...):` around the When step.
    """

    @contextmanager
    def expect(team: Team, *aggregates: Aggregate) -> Iterator[pytest.ExceptionInfo[Any]]:
        close_team(team)
        with rejected(InvestigationClosed, team.investigation, *aggregates) as info:
            yield info

    return expect


@pytest.fixture
def recorded_once() -> Callable[..., Any]:
    """Expect the When step to have recorded exactly one event on `aggregate`: of
    `event_class`, by `actor`, in `team`'s JIT, stamped with a timezone-aware time.

    Use as `event = recorded_once(aggregate, Task.Assigned, leader, team)`; it returns the
    event for the test's own checks.
    """

    def expect(aggregate: Aggregate, event_class: type, actor: Actor, team: Team) -> Any:
        [event] = aggregate.collect_events()
        assert type(event) is event_class
        assert event.actor == actor
        assert event.investigation_id == team.id
        assert event.timestamp.tzinfo is not None
        return event

    return expect


@pytest.fixture
def replay() -> Callable[[list[Any]], Aggregate]:
    """Rebuild an aggregate from its events, the way the library does when it loads one."""

    def rebuild(events: list[Any]) -> Aggregate:
        assert events, "nothing to replay"
        aggregate: Aggregate | None = None
        for event in events:
            assert isinstance(event, CanMutateAggregate)
            aggregate = event.mutate(aggregate)
        assert aggregate is not None
        return aggregate

    return rebuild
