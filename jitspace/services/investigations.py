"""Use cases of the investigation itself: opening it, its parties and members, closing it."""

from __future__ import annotations

from uuid import UUID, uuid4

from domain.commands import (
    AddMember,
    AddParty,
    AgreeRetention,
    ChangeMemberRole,
    CloseInvestigation,
    ExtendAgreement,
    OpenInvestigation,
    RecordPartyDeparture,
    RemoveMember,
    SetObserverRights,
)
from domain.investigation import Investigation
from domain.values import Member, Role
from jitspace.services.base import Workspace


class Investigations(Workspace):
    def open_investigation(self, user_id: UUID, command: OpenInvestigation) -> Investigation:
        """The user founds the JIT and leads it, for the party the command names."""
        founder = Member(user_id, command.founder_name, command.country, Role.JIT_LEADER)
        investigation = Investigation.open(uuid4(), founder, command)
        self.save(investigation)
        return investigation

    def add_party(self, user_id: UUID, command: AddParty) -> Investigation:
        return self._change_investigation(user_id, command, Investigation.add_party)

    def add_member(self, user_id: UUID, command: AddMember) -> Investigation:
        return self._change_investigation(user_id, command, Investigation.add_member)

    def remove_member(self, user_id: UUID, command: RemoveMember) -> Investigation:
        return self._change_investigation(user_id, command, Investigation.remove_member)

    def change_member_role(self, user_id: UUID, command: ChangeMemberRole) -> Investigation:
        return self._change_investigation(user_id, command, Investigation.change_member_role)

    def set_observer_rights(self, user_id: UUID, command: SetObserverRights) -> Investigation:
        return self._change_investigation(user_id, command, Investigation.set_observer_rights)

    def extend_agreement(self, user_id: UUID, command: ExtendAgreement) -> Investigation:
        return self._change_investigation(user_id, command, Investigation.extend_agreement)

    def record_party_departure(self, user_id: UUID, command: RecordPartyDeparture) -> Investigation:
        return self._change_investigation(user_id, command, Investigation.record_party_departure)

    def agree_retention(self, user_id: UUID, command: AgreeRetention) -> Investigation:
        return self._change_investigation(user_id, command, Investigation.agree_retention)

    def close_investigation(self, user_id: UUID, command: CloseInvestigation) -> Investigation:
        return self._change_investigation(user_id, command, Investigation.close)
