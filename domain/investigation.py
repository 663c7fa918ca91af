"""The Investigation aggregate: the JIT itself, its parties and its members."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from domain.base import JitAggregate, fields_of
from domain.commands import (
    AddMember,
    AddParty,
    AgreeRetention,
    ChangeMemberRole,
    CloseInvestigation,
    ExtendAgreement,
    OpenInvestigation,
    RecordDisclosure,
    RecordPartyDeparture,
    RemoveMember,
    SetObserverRights,
)
from domain.errors import (
    Conflict,
    InvestigationClosed,
    NotFound,
    PermissionDenied,
    RuleViolation,
)
from domain.permissions import GRANTABLE_TO_OBSERVERS, Action, check_permitted
from domain.values import Actor, Member, Party, Role, check_party_code, check_period


@dataclass(frozen=True)
class Extension:
    """An amendment of the JIT agreement, signed at `signed_at`, that extended its period
    from `previous_end` to `period_end`."""

    previous_end: date
    period_end: date
    signed_at: datetime
    reason: str


class Investigation(JitAggregate):
    """A Joint Investigation Team, set up by an agreement between its parties."""

    class Opened(JitAggregate.Created):
        name: str
        agreement_reference: str
        purpose: str
        period_start: date
        period_end: date
        parties: tuple[Party, ...]

    class PartyJoined(JitAggregate.Event):
        party: Party
        occurred_at: datetime

    class AgreementExtended(JitAggregate.Event):
        """The JIT agreement was extended, by an amendment signed at `occurred_at`, until
        `period_end` (AU-08: not retroactive; a collection in a lapse stays outside it)."""

        period_end: date
        reason: str
        occurred_at: datetime

    class PartyLeft(JitAggregate.Event):
        """A party left the JIT at `occurred_at` (AU-08: what it collects after is outside
        the JIT; its records and members stay)."""

        country: str
        reason: str
        occurred_at: datetime

    class MemberAdded(JitAggregate.Event):
        member: Member
        occurred_at: datetime

    class MemberRemoved(JitAggregate.Event):
        user_id: UUID
        reason: str
        occurred_at: datetime

    class MemberRoleChanged(JitAggregate.Event):
        user_id: UUID
        role: Role
        reason: str
        occurred_at: datetime

    class ObserverRightsSet(JitAggregate.Event):
        """What the JIT agreement gives its observers beyond the permission table."""

        rights: tuple[Action, ...]
        agreement_clause: str
        occurred_at: datetime

    class RetentionAgreed(JitAggregate.Event):
        """The JIT agreement's retention of the team's evidence, from each item's collection
        (domain/retention.py); it replaces the one agreed before."""

        retention_days: int
        agreement_clause: str
        occurred_at: datetime

    class Closed(JitAggregate.Event):
        reason: str
        occurred_at: datetime

    class DisclosureProduced(JitAggregate.Event):
        """A disclosure bundle of the history up to `up_to_position` was handed out."""

        purpose: str
        as_of: datetime | None
        up_to_position: int
        head_hash: str
        bundle_sha256: str
        events: int
        withheld: int

    @classmethod
    def create_id(cls, investigation_id: UUID, **_: Any) -> UUID:
        return investigation_id

    noun = "investigation"
    id_field = "investigation_id"

    @event(Opened)
    def __init__(
        self,
        investigation_id: UUID,
        actor: Actor,
        name: str,
        agreement_reference: str,
        purpose: str,
        period_start: date,
        period_end: date,
        parties: tuple[Party, ...],
    ) -> None:
        self.investigation_id = investigation_id
        self.name = name
        self.agreement_reference = agreement_reference
        self.purpose = purpose
        self.period_start = period_start
        self.period_end = period_end
        self.parties: dict[str, Party] = {p.country: p for p in parties}
        self.members: dict[UUID, Member] = {}
        self.is_closed = False
        self.closed_reason: str | None = None
        self.observer_rights: frozenset[Action] = frozenset()
        self.retention_days: int | None = None  # the JIT agreement's retention, if it sets one
        self.departed: dict[str, datetime] = {}  # parties that left, and when
        self.departure_reasons: dict[str, str] = {}  # why each left
        self.joined: dict[str, datetime] = {}  # parties that joined after the opening, and when
        self.extensions: list[Extension] = []  # the amendments that extended the period

    # -- commands -------------------------------------------------------------------------

    @classmethod
    def open(
        cls, investigation_id: UUID, founder: Member, command: OpenInvestigation
    ) -> Investigation:
        """Open a JIT; its founder becomes its first member."""
        check_period(command.period_start, command.period_end, field="period_end")
        check_parties(command.parties)
        if founder.country not in {party.country for party in command.parties}:
            raise RuleViolation(
                f"the founder's country {founder.country} is not a party of the JIT",
                field="country",
            )
        actor = Actor(user_id=founder.user_id, country=founder.country, role=founder.role)
        investigation = cls(
            investigation_id=investigation_id, actor=actor, **fields_of(cls.Opened, command)
        )
        investigation._record(
            cls.MemberAdded, actor, member=founder, occurred_at=command.occurred_at
        )
        return investigation

    def add_party(self, actor: Actor, command: AddParty) -> None:
        self.check_can_act(actor)
        check_party_code(command.party.country, field="country")
        if command.party.country in self.parties:
            raise RuleViolation(f"{command.party.country} is already a party", field="country")
        if command.occurred_at.date() < self.period_start:
            raise RuleViolation(
                f"a party joins the JIT on or after the day its period began ({self.period_start})",
                field="occurred_at",
            )
        self._record(self.PartyJoined, actor, command)

    def extend_agreement(self, actor: Actor, command: ExtendAgreement) -> None:
        """Record an amendment of the JIT agreement that extends its period."""
        self.check_can_act(actor)
        check_permitted(actor.role, Action.MANAGE_TEAM)
        if command.period_end <= self.period_end:
            raise RuleViolation(
                f"an extension ends after the JIT's period does ({self.period_end})",
                field="period_end",
            )
        if command.occurred_at.date() < self.period_start:
            raise RuleViolation(
                "an extension is signed after the JIT's period began", field="occurred_at"
            )
        if not command.reason.strip():
            raise RuleViolation("say what extended the agreement", field="reason")
        self._record(self.AgreementExtended, actor, command)

    def record_party_departure(self, actor: Actor, command: RecordPartyDeparture) -> None:
        """Record that a party left the JIT."""
        self.check_can_act(actor)
        check_permitted(actor.role, Action.MANAGE_TEAM)
        if command.country not in self.parties:
            raise RuleViolation(f"{command.country} is not a party of this JIT", field="country")
        if command.country in self.departed:
            raise Conflict(f"{command.country} left the JIT already", field="country")
        self.check_left_after_joining(command.country, command.occurred_at)
        if len(self.parties) - len(self.departed) <= 1:
            raise Conflict("the last party of a JIT does not leave it: close it", field="country")
        if not command.reason.strip():
            raise RuleViolation("say why the party left", field="reason")
        self._record(self.PartyLeft, actor, command)

    def add_member(self, actor: Actor, command: AddMember) -> None:
        self.check_can_act(actor)
        member = command.member
        if member.country not in self.parties:
            raise RuleViolation(
                f"{member.country} is not a party of this JIT: a member belongs to a party",
                field="country",
            )
        if member.user_id in self.members:
            raise RuleViolation("this user is already a member", field="username")
        self._record(self.MemberAdded, actor, command)

    def remove_member(self, actor: Actor, command: RemoveMember) -> None:
        self.check_can_act(actor)
        leaving = self.check_member(command.user_id)
        leaders = [m for m in self.members.values() if m.role is Role.JIT_LEADER]
        if leaving.role is Role.JIT_LEADER and len(leaders) == 1:
            raise RuleViolation(
                "the JIT keeps a leader: add another leader before removing this one",
                field="user_id",
            )
        self._record(self.MemberRemoved, actor, command)

    def set_observer_rights(self, actor: Actor, command: SetObserverRights) -> None:
        """Record what the JIT agreement gives its observers (Europol, Eurojust) beyond the
        table: replaces what was set before; none takes them back."""
        self.check_can_act(actor)
        check_permitted(actor.role, Action.MANAGE_TEAM)
        beyond = sorted(command.rights - GRANTABLE_TO_OBSERVERS)
        if beyond:
            raise RuleViolation(
                f"observers cannot be given {', '.join(beyond)}: an agreement may give them "
                f"{', '.join(sorted(GRANTABLE_TO_OBSERVERS))}",
                field="rights",
            )
        if command.rights == self.observer_rights:
            raise RuleViolation("observers have these rights already", field="rights")
        self._record(self.ObserverRightsSet, actor, command, rights=tuple(sorted(command.rights)))

    def change_member_role(self, actor: Actor, command: ChangeMemberRole) -> None:
        """A member takes another role in the same party (a permission change, on record)."""
        self.check_can_act(actor)
        check_permitted(actor.role, Action.MANAGE_TEAM)
        member = self.check_member(command.user_id)
        if member.role is command.role:
            raise RuleViolation(f"this member is {command.role.value} already", field="role")
        leaders = [m for m in self.members.values() if m.role is Role.JIT_LEADER]
        if member.role is Role.JIT_LEADER and len(leaders) == 1:
            raise RuleViolation(
                "the JIT keeps a leader: make another member leader first", field="role"
            )
        self._record(self.MemberRoleChanged, actor, command)

    def agree_retention(self, actor: Actor, command: AgreeRetention) -> None:
        """Record the retention the JIT agreement sets for the team's evidence."""
        self.check_can_act(actor)
        check_permitted(actor.role, Action.MANAGE_TEAM)
        if command.retention_days <= 0:
            raise RuleViolation(
                "a retention is a number of days after the collection, at least 1",
                field="retention_days",
            )
        if command.retention_days == self.retention_days:
            raise RuleViolation(
                f"the JIT agreement's retention is {command.retention_days} days already",
                field="retention_days",
            )
        self._record(self.RetentionAgreed, actor, command)

    def close(self, actor: Actor, command: CloseInvestigation) -> None:
        self.check_can_act(actor)
        self._record(self.Closed, actor, command)

    def record_disclosure(self, actor: Actor, command: RecordDisclosure) -> None:
        """Record that a disclosure bundle was produced. Closed JITs are disclosed too."""
        self.check_may_disclose(actor)
        self._record(self.DisclosureProduced, actor, command)

    # -- guards ---------------------------------------------------------------------------

    def check_open(self) -> None:
        if self.is_closed:
            raise InvestigationClosed("this investigation is closed and accepts no commands")

    def check_member(self, user_id: UUID, *, field: str = "user_id") -> Member:
        member = self.members.get(user_id)
        if member is None:
            raise NotFound("no such member in this investigation", field=field)
        return member

    def check_can_act(self, actor: Actor) -> None:
        """The actor is a current member, acting in the party and role they hold."""
        self.check_open()
        member = self.members.get(actor.user_id)
        if member is None or (member.country, member.role) != (actor.country, actor.role):
            raise PermissionDenied("the actor is not a member of this investigation in that role")

    def check_may_disclose(self, actor: Actor) -> None:
        self.check_may(actor, Action.DISCLOSE)

    def check_may(self, actor: Actor, action: Action) -> None:
        """The actor is a current member in the role they act in, and that role may perform
        `action`, whether the investigation is open or closed (disclosure, legal holds and
        deletion under retention outlive the team's work)."""
        member = self.members.get(actor.user_id)
        if member is None or (member.country, member.role) != (actor.country, actor.role):
            raise PermissionDenied("the actor is not a member of this investigation in that role")
        check_permitted(member.role, action, self.observer_rights)

    def check_left_after_joining(self, country: str, left_at: datetime) -> None:
        """A party leaves after it joined: a late one after its joining, a founding one
        after the JIT's period began."""
        joined = self.joined.get(country)
        if joined is not None and left_at < joined:
            raise Conflict(
                f"{country} joined the JIT on {joined.date()}: it cannot leave before",
                field="occurred_at",
            )
        if joined is None and left_at.date() < self.period_start:
            raise Conflict(
                f"{country} was a party from the JIT's start on {self.period_start}: "
                "it cannot leave before",
                field="occurred_at",
            )

    def member_of(self, user_id: UUID) -> Member | None:
        return self.members.get(user_id)

    # -- what each event does (the library hands each method the event's fields it names) --

    @event(PartyJoined)
    def _party_joined(self, party: Party, occurred_at: datetime) -> None:
        self.parties[party.country] = party
        self.joined[party.country] = occurred_at

    @event(AgreementExtended)
    def _agreement_extended(self, period_end: date, reason: str, occurred_at: datetime) -> None:
        self.extensions.append(Extension(self.period_end, period_end, occurred_at, reason))
        self.period_end = period_end

    @event(PartyLeft)
    def _party_left(self, country: str, reason: str, occurred_at: datetime) -> None:
        self.departed[country] = occurred_at
        self.departure_reasons[country] = reason

    @event(MemberAdded)
    def _member_added(self, member: Member) -> None:
        self.members[member.user_id] = member

    @event(MemberRemoved)
    def _member_removed(self, user_id: UUID) -> None:
        del self.members[user_id]

    @event(MemberRoleChanged)
    def _member_role_changed(self, user_id: UUID, role: Role) -> None:
        member = self.members[user_id]
        self.members[user_id] = Member(member.user_id, member.name, member.country, role)

    @event(ObserverRightsSet)
    def _observer_rights_set(self, rights: tuple[Action, ...]) -> None:
        self.observer_rights = frozenset(rights)

    @event(RetentionAgreed)
    def _retention_agreed(self, retention_days: int) -> None:
        self.retention_days = retention_days

    @event(Closed)
    def _closed(self, reason: str) -> None:
        self.is_closed = True
        self.closed_reason = reason


def check_parties(parties: tuple[Party, ...]) -> None:
    """A JIT has parties, each named by its code, once."""
    if not parties:
        raise RuleViolation("a JIT has at least one party", field="parties")
    seen: set[str] = set()
    for index, party in enumerate(parties):
        check_party_code(party.country, field=f"parties[{index}].country")
        if party.country in seen:
            raise RuleViolation(
                f"party {party.country} is listed twice", field=f"parties[{index}].country"
            )
        seen.add(party.country)
