"""Use cases of the investigation itself: opening it, its parties and members, closing it."""

from __future__ import annotations

from uuid import UUID, uuid4

from domain.commands import (
    AddMember,
    AddParty,
    ChangeMemberRole,
    CloseInvestigation,
    OpenInvestigation,
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
        with self._changing(user_id, command, Investigation) as (_, actor, investigation):
            investigation.add_party(actor, command)
        return investigation

    def add_member(self, user_id: UUID, command: AddMember) -> Investigation:
        with self._changing(user_id, command, Investigation) as (_, actor, investigation):
            investigation.add_member(actor, command)
        return investigation

    def remove_member(self, user_id: UUID, command: RemoveMember) -> Investigation:
        with self._changing(user_id, command, Investigation) as (_, actor, investigation):
            investigation.remove_member(actor, command)
        return investigation

    def change_member_role(self, user_id: UUID, command: ChangeMemberRole) -> Investigation:
        with self._changing(user_id, command, Investigation) as (_, actor, investigation):
            investigation.change_member_role(actor, command)
        return investigation

    def set_observer_rights(self, user_id: UUID, command: SetObserverRights) -> Investigation:
        with self._changing(user_id, command, Investigation) as (_, actor, investigation):
            investigation.set_observer_rights(actor, command)
        return investigation

    def close_investigation(self, user_id: UUID, command: CloseInvestigation) -> Investigation:
        with self._changing(user_id, command, Investigation) as (_, actor, investigation):
            investigation.close(actor, command)
        return investigation
