"""Legal authorisations of one investigation: warrants, orders and requests, and the facts the
admissibility rules read about them (qualified, amended, extended, confirmed by a judge or
annulled by a court, notified to the state where the target is and its objection, entrusted
to a seconded member, the formalities a forum asked for and whether they were met)."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Response, get, post
from litestar.params import FromPath, JSONBody

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
from domain.permissions import Action
from jitspace.api.changes import AUTHORISATION_CHANGE, AuthorisationChange, Creation
from jitspace.api.commands import command
from jitspace.api.dependencies import (
    BASE,
    CurrentUser,
    IfMatch,
    RecordsAsOf,
    RuntimeDep,
    checked_instant,
    expected_version,
    in_thread,
)
from jitspace.api.pages import AUTHORISATION_QUERY, AuthorisationQueryDep, page_from
from jitspace.api.responses import with_etag
from jitspace.documents.authorisations import (
    Authorisation,
    AuthorisationAmendment,
    AuthorisationAnnulment,
    AuthorisationConfirmation,
    AuthorisationCreate,
    AuthorisationExtension,
    AuthorisationPage,
    AuthorisationQualification,
    AuthorisationRevocation,
    AuthorisationSummary,
    EntrustmentCreate,
    FormalitiesCreate,
    FormalityReport,
    NoNotificationCreate,
    NotificationCreate,
    NotificationReceipt,
    ObjectionCreate,
)
from jitspace.documents.views import authorisation_view
from jitspace.services.application import JITspace


class AuthorisationController(Controller):
    path = f"{BASE}/authorisations"
    tags = ["authorisations"]
    dependencies = AUTHORISATION_CHANGE

    @get("/", access=Action.VIEW_LEGAL)
    async def list_all(self, records: RecordsAsOf) -> list[AuthorisationSummary]:
        return await records.authorisations()

    @get("/page", access=Action.VIEW_LEGAL, dependencies=AUTHORISATION_QUERY)
    async def page(
        self,
        investigation_id: FromPath[UUID],
        records: RecordsAsOf,
        authorisations: AuthorisationQueryDep,
    ) -> AuthorisationPage:
        """A page of the authorisations (as of a point with `as_of`). Filters: the issuing
        party, the kind, the status today, or then (in force, pending, expired, revoked,
        annulled), and text in the reference or the authority; sorted by validity,
        reference, kind or party, then the id."""
        return await page_from(records.authorisation_page(authorisations))

    @post("/", access=Action.RECORD_AUTHORISATION)
    async def record(
        self, data: JSONBody[AuthorisationCreate], create: Creation
    ) -> Response[Authorisation]:
        """Record a warrant, order or request issued in one of the parties' jurisdictions."""
        return await create(
            JITspace.record_authorisation,
            RecordAuthorisation,
            data,
            authorisation_view,
            valid_from=checked_instant(data.valid_from, field="valid_from"),
            valid_until=checked_instant(data.valid_until, field="valid_until"),
        )

    @get("/{authorisation_id:uuid}", access=Action.VIEW_LEGAL)
    async def read(
        self,
        investigation_id: FromPath[UUID],
        authorisation_id: FromPath[UUID],
        records: RecordsAsOf,
    ) -> Response[Authorisation]:
        return with_etag(await records.authorisation(authorisation_id))

    @post(
        "/{authorisation_id:uuid}/revocation", status_code=200, access=Action.RECORD_AUTHORISATION
    )
    async def revoke(
        self, data: JSONBody[AuthorisationRevocation], change: AuthorisationChange
    ) -> Response[Authorisation]:
        return await change(JITspace.revoke_authorisation, RevokeAuthorisation, data)


class AuthorisationFactsController(Controller):
    path = f"{BASE}/authorisations/{{authorisation_id:uuid}}"
    tags = ["authorisations"]
    dependencies = AUTHORISATION_CHANGE

    @post("/qualification", status_code=200, access=Action.RECORD_AUTHORISATION)
    async def qualify(
        self, data: JSONBody[AuthorisationQualification], change: AuthorisationChange
    ) -> Response[Authorisation]:
        """Who issued the measure (judge, prosecutor, ...), for which offences, urgent or not."""
        return await change(JITspace.qualify_authorisation, QualifyAuthorisation, data)

    @post("/amendment", status_code=200, access=Action.RECORD_AUTHORISATION)
    async def amend(
        self, data: JSONBody[AuthorisationAmendment], change: AuthorisationChange
    ) -> Response[Authorisation]:
        """A new scope or new conditions of the authorisation."""
        return await change(JITspace.amend_authorisation, AmendAuthorisation, data)

    @post("/extension", status_code=200, access=Action.RECORD_AUTHORISATION)
    async def extend(
        self,
        investigation_id: FromPath[UUID],
        authorisation_id: FromPath[UUID],
        data: JSONBody[AuthorisationExtension],
        runtime: RuntimeDep,
        user: CurrentUser,
        if_match: IfMatch = None,
    ) -> Response[Authorisation]:
        """A renewal, signed at `occurred_at`: it covers nothing collected before."""
        authorisation = await in_thread(
            runtime.app.extend_authorisation,
            user.user_id,
            command(
                ExtendAuthorisation,
                data,
                investigation_id=investigation_id,
                authorisation_id=authorisation_id,
                expected_version=expected_version(if_match),
                valid_until=checked_instant(data.valid_until, field="valid_until"),
            ),
        )
        return with_etag(authorisation_view(authorisation))

    @post("/confirmation", status_code=200, access=Action.RECORD_AUTHORISATION)
    async def confirm(
        self, data: JSONBody[AuthorisationConfirmation], change: AuthorisationChange
    ) -> Response[Authorisation]:
        """A judge confirmed the measure: an urgent order (in time or not, the rules say), or
        an order a judge must validate."""
        return await change(JITspace.confirm_authorisation, ConfirmAuthorisation, data)

    @post("/annulment", status_code=200, access=Action.RECORD_AUTHORISATION)
    async def annul(
        self, data: JSONBody[AuthorisationAnnulment], change: AuthorisationChange
    ) -> Response[Authorisation]:
        """A court's ruling annulled the measure (also once revoked: what it gathered while in
        force is at stake)."""
        return await change(JITspace.annul_authorisation, AnnulAuthorisation, data)

    # -- notifications to the state where the target is (EIO Art. 31) ----------------------

    @post("/notifications", status_code=200, access=Action.RECORD_NOTIFICATION)
    async def send_notification(
        self, data: JSONBody[NotificationCreate], change: AuthorisationChange
    ) -> Response[Authorisation]:
        """The measure was notified to the state on whose territory its target is."""
        return await change(JITspace.send_notification, SendNotification, data)

    @post("/notification-receipts", status_code=200, access=Action.RECORD_NOTIFICATION)
    async def record_notification_receipt(
        self, data: JSONBody[NotificationReceipt], change: AuthorisationChange
    ) -> Response[Authorisation]:
        """The notified state acknowledged the notification: its objection period runs from
        then. 409 if no notification to it is on record."""
        return await change(JITspace.record_notification_receipt, RecordNotificationReceipt, data)

    @post("/objections", status_code=200, access=Action.RECORD_NOTIFICATION)
    async def raise_objection(
        self, data: JSONBody[ObjectionCreate], change: AuthorisationChange
    ) -> Response[Authorisation]:
        """The notified state objected to the measure or to the use of what it gathered.
        409 if no notification to it is on record, or the objection predates it."""
        return await change(JITspace.raise_objection, RaiseObjection, data)

    @post("/no-notification", status_code=200, access=Action.RECORD_NOTIFICATION)
    async def record_no_notification(
        self, data: JSONBody[NoNotificationCreate], change: AuthorisationChange
    ) -> Response[Authorisation]:
        """No notification was made to the state, and why: a fact on record, unlike a
        notification that is simply not recorded."""
        return await change(JITspace.record_no_notification, RecordNoNotification, data)

    # -- a seconded member's measure (AU-09) and the forum's formalities (AU-11) -----------

    @post("/entrustments", status_code=200, access=Action.RECORD_AUTHORISATION)
    async def entrust(
        self, data: JSONBody[EntrustmentCreate], change: AuthorisationChange
    ) -> Response[Authorisation]:
        """The host state (the issuing one) entrusted the measure to a seconded member of
        another party, and whether its law allows that."""
        return await change(JITspace.entrust_measure, EntrustMeasure, data)

    @post("/formalities", status_code=200, access=Action.RECORD_AUTHORISATION)
    async def request_formalities(
        self, data: JSONBody[FormalitiesCreate], change: AuthorisationChange
    ) -> Response[Authorisation]:
        """Your party's forum asked the issuing state to follow these formalities."""
        return await change(JITspace.request_formalities, RequestFormalities, data)

    @post("/formality-reports", status_code=200, access=Action.RECORD_AUTHORISATION)
    async def report_formality(
        self, data: JSONBody[FormalityReport], change: AuthorisationChange
    ) -> Response[Authorisation]:
        """The issuing state reports whether it met a formality a forum asked for, and if
        not, why. 409 if that forum asked for no such formality."""
        return await change(JITspace.report_formality, ReportFormality, data)
