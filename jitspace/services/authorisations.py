"""Use cases of legal authorisations: recording one, and what happens to it afterwards."""

from __future__ import annotations

from uuid import UUID

from domain.authorisation import LegalAuthorisation
from domain.commands import (
    AmendAuthorisation,
    AnnulAuthorisation,
    ConfirmAuthorisation,
    EntrustMeasure,
    ExtendAuthorisation,
    QualifyAuthorisation,
    RaiseObjection,
    RecordAuthorisation,
    RecordNoNotification,
    RecordNotificationReceipt,
    ReportFormality,
    RequestFormalities,
    RevokeAuthorisation,
    SendNotification,
)
from jitspace.services.base import Workspace


class Authorisations(Workspace):
    def record_authorisation(
        self, user_id: UUID, command: RecordAuthorisation
    ) -> LegalAuthorisation:
        return self._create(user_id, command, LegalAuthorisation.record)

    def revoke_authorisation(
        self, user_id: UUID, command: RevokeAuthorisation
    ) -> LegalAuthorisation:
        return self._change(user_id, command, LegalAuthorisation, LegalAuthorisation.revoke)

    def qualify_authorisation(
        self, user_id: UUID, command: QualifyAuthorisation
    ) -> LegalAuthorisation:
        return self._change(user_id, command, LegalAuthorisation, LegalAuthorisation.qualify)

    def amend_authorisation(self, user_id: UUID, command: AmendAuthorisation) -> LegalAuthorisation:
        return self._change(user_id, command, LegalAuthorisation, LegalAuthorisation.amend)

    def extend_authorisation(
        self, user_id: UUID, command: ExtendAuthorisation
    ) -> LegalAuthorisation:
        return self._change(user_id, command, LegalAuthorisation, LegalAuthorisation.extend)

    def confirm_authorisation(
        self, user_id: UUID, command: ConfirmAuthorisation
    ) -> LegalAuthorisation:
        return self._change(user_id, command, LegalAuthorisation, LegalAuthorisation.confirm)

    def annul_authorisation(self, user_id: UUID, command: AnnulAuthorisation) -> LegalAuthorisation:
        return self._change(user_id, command, LegalAuthorisation, LegalAuthorisation.annul)

    def send_notification(self, user_id: UUID, command: SendNotification) -> LegalAuthorisation:
        return self._change(
            user_id, command, LegalAuthorisation, LegalAuthorisation.send_notification
        )

    def record_notification_receipt(
        self, user_id: UUID, command: RecordNotificationReceipt
    ) -> LegalAuthorisation:
        return self._change(
            user_id, command, LegalAuthorisation, LegalAuthorisation.record_notification_receipt
        )

    def raise_objection(self, user_id: UUID, command: RaiseObjection) -> LegalAuthorisation:
        return self._change(
            user_id, command, LegalAuthorisation, LegalAuthorisation.raise_objection
        )

    def record_no_notification(
        self, user_id: UUID, command: RecordNoNotification
    ) -> LegalAuthorisation:
        return self._change(
            user_id, command, LegalAuthorisation, LegalAuthorisation.record_no_notification
        )

    def entrust_measure(self, user_id: UUID, command: EntrustMeasure) -> LegalAuthorisation:
        return self._change(user_id, command, LegalAuthorisation, LegalAuthorisation.entrust)

    def request_formalities(self, user_id: UUID, command: RequestFormalities) -> LegalAuthorisation:
        return self._change(
            user_id, command, LegalAuthorisation, LegalAuthorisation.request_formalities
        )

    def report_formality(self, user_id: UUID, command: ReportFormality) -> LegalAuthorisation:
        return self._change(
            user_id, command, LegalAuthorisation, LegalAuthorisation.report_formality
        )
