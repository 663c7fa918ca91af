"""Use cases of legal authorisations: recording one, and what happens to it afterwards."""

from __future__ import annotations

from uuid import UUID

from domain.authorisation import LegalAuthorisation
from domain.commands import (
    AmendAuthorisation,
    AnnulAuthorisation,
    ConfirmAuthorisation,
    ExtendAuthorisation,
    QualifyAuthorisation,
    RecordAuthorisation,
    RevokeAuthorisation,
)
from jitspace.services.base import Workspace


class Authorisations(Workspace):
    def record_authorisation(
        self, user_id: UUID, command: RecordAuthorisation
    ) -> LegalAuthorisation:
        investigation, actor = self._acting(user_id, command.investigation_id)
        authorisation = LegalAuthorisation.record(investigation, actor, command)
        self._save(authorisation)
        return authorisation

    def revoke_authorisation(
        self, user_id: UUID, command: RevokeAuthorisation
    ) -> LegalAuthorisation:
        with self._changing(user_id, command, LegalAuthorisation) as (investigation, actor, a):
            a.revoke(investigation, actor, command)
        return a

    def qualify_authorisation(
        self, user_id: UUID, command: QualifyAuthorisation
    ) -> LegalAuthorisation:
        with self._changing(user_id, command, LegalAuthorisation) as (investigation, actor, a):
            a.qualify(investigation, actor, command)
        return a

    def amend_authorisation(self, user_id: UUID, command: AmendAuthorisation) -> LegalAuthorisation:
        with self._changing(user_id, command, LegalAuthorisation) as (investigation, actor, a):
            a.amend(investigation, actor, command)
        return a

    def extend_authorisation(
        self, user_id: UUID, command: ExtendAuthorisation
    ) -> LegalAuthorisation:
        with self._changing(user_id, command, LegalAuthorisation) as (investigation, actor, a):
            a.extend(investigation, actor, command)
        return a

    def confirm_authorisation(
        self, user_id: UUID, command: ConfirmAuthorisation
    ) -> LegalAuthorisation:
        with self._changing(user_id, command, LegalAuthorisation) as (investigation, actor, a):
            a.confirm(investigation, actor, command)
        return a

    def annul_authorisation(self, user_id: UUID, command: AnnulAuthorisation) -> LegalAuthorisation:
        with self._changing(user_id, command, LegalAuthorisation) as (investigation, actor, a):
            a.annul(investigation, actor, command)
        return a
