"""Legal authorisations of one investigation: warrants, orders and requests, and the facts the
admissibility rules read about them (qualified, amended, extended, confirmed by a judge or
annulled by a court)."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Response, get, post
from litestar.params import FromPath, JSONBody

from domain.commands import (
    AmendAuthorisation,
    AnnulAuthorisation,
    ConfirmAuthorisation,
    ExtendAuthorisation,
    QualifyAuthorisation,
    RecordAuthorisation,
    RevokeAuthorisation,
)
from domain.permissions import Action
from jitspace.api.commands import command
from jitspace.api.dependencies import (
    AsOf,
    CurrentUser,
    RuntimeDep,
    checked_instant,
    expected_version,
    in_thread,
    records_at,
)
from jitspace.api.investigations import BASE, IfMatch
from jitspace.api.responses import with_etag
from jitspace.documents.authorisations import (
    Authorisation,
    AuthorisationAmendment,
    AuthorisationAnnulment,
    AuthorisationConfirmation,
    AuthorisationCreate,
    AuthorisationExtension,
    AuthorisationQualification,
    AuthorisationRevocation,
    AuthorisationSummary,
)
from jitspace.documents.views import authorisation_view


class AuthorisationController(Controller):
    path = f"{BASE}/authorisations"
    tags = ["authorisations"]

    @get("/", access=Action.VIEW_LEGAL)
    async def list_all(
        self,
        investigation_id: FromPath[UUID],
        runtime: RuntimeDep,
        user: CurrentUser,
        as_of: AsOf = None,
    ) -> list[AuthorisationSummary]:
        records = await records_at(runtime, user, investigation_id, as_of)
        return await records.authorisations()

    @post("/", access=Action.RECORD_AUTHORISATION)
    async def record(
        self,
        investigation_id: FromPath[UUID],
        data: JSONBody[AuthorisationCreate],
        runtime: RuntimeDep,
        user: CurrentUser,
    ) -> Response[Authorisation]:
        """Record a warrant, order or request issued in one of the parties' jurisdictions."""
        authorisation = await in_thread(
            runtime.app.record_authorisation,
            user.user_id,
            command(
                RecordAuthorisation,
                data,
                investigation_id=investigation_id,
                valid_from=checked_instant(data.valid_from, field="valid_from"),
                valid_until=checked_instant(data.valid_until, field="valid_until"),
            ),
        )
        return with_etag(authorisation_view(authorisation), 201)

    @get("/{authorisation_id:uuid}", access=Action.VIEW_LEGAL)
    async def read(
        self,
        investigation_id: FromPath[UUID],
        authorisation_id: FromPath[UUID],
        runtime: RuntimeDep,
        user: CurrentUser,
        as_of: AsOf = None,
    ) -> Response[Authorisation]:
        records = await records_at(runtime, user, investigation_id, as_of)
        return with_etag(await records.authorisation(authorisation_id))

    @post(
        "/{authorisation_id:uuid}/revocation", status_code=200, access=Action.RECORD_AUTHORISATION
    )
    async def revoke(
        self,
        investigation_id: FromPath[UUID],
        authorisation_id: FromPath[UUID],
        data: JSONBody[AuthorisationRevocation],
        runtime: RuntimeDep,
        user: CurrentUser,
        if_match: IfMatch = None,
    ) -> Response[Authorisation]:
        authorisation = await in_thread(
            runtime.app.revoke_authorisation,
            user.user_id,
            command(
                RevokeAuthorisation,
                data,
                investigation_id=investigation_id,
                authorisation_id=authorisation_id,
                expected_version=expected_version(if_match),
            ),
        )
        return with_etag(authorisation_view(authorisation))


class AuthorisationFactsController(Controller):
    path = f"{BASE}/authorisations/{{authorisation_id:uuid}}"
    tags = ["authorisations"]

    @post("/qualification", status_code=200, access=Action.RECORD_AUTHORISATION)
    async def qualify(
        self,
        investigation_id: FromPath[UUID],
        authorisation_id: FromPath[UUID],
        data: JSONBody[AuthorisationQualification],
        runtime: RuntimeDep,
        user: CurrentUser,
        if_match: IfMatch = None,
    ) -> Response[Authorisation]:
        """Who issued the measure (judge, prosecutor, ...), for which offences, urgent or not."""
        authorisation = await in_thread(
            runtime.app.qualify_authorisation,
            user.user_id,
            command(
                QualifyAuthorisation,
                data,
                investigation_id=investigation_id,
                authorisation_id=authorisation_id,
                expected_version=expected_version(if_match),
            ),
        )
        return with_etag(authorisation_view(authorisation))

    @post("/amendment", status_code=200, access=Action.RECORD_AUTHORISATION)
    async def amend(
        self,
        investigation_id: FromPath[UUID],
        authorisation_id: FromPath[UUID],
        data: JSONBody[AuthorisationAmendment],
        runtime: RuntimeDep,
        user: CurrentUser,
        if_match: IfMatch = None,
    ) -> Response[Authorisation]:
        """A new scope or new conditions of the authorisation."""
        authorisation = await in_thread(
            runtime.app.amend_authorisation,
            user.user_id,
            command(
                AmendAuthorisation,
                data,
                investigation_id=investigation_id,
                authorisation_id=authorisation_id,
                expected_version=expected_version(if_match),
            ),
        )
        return with_etag(authorisation_view(authorisation))

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
        self,
        investigation_id: FromPath[UUID],
        authorisation_id: FromPath[UUID],
        data: JSONBody[AuthorisationConfirmation],
        runtime: RuntimeDep,
        user: CurrentUser,
        if_match: IfMatch = None,
    ) -> Response[Authorisation]:
        """A judge confirmed the measure: an urgent order (in time or not, the rules say), or
        an order a judge must validate."""
        authorisation = await in_thread(
            runtime.app.confirm_authorisation,
            user.user_id,
            command(
                ConfirmAuthorisation,
                data,
                investigation_id=investigation_id,
                authorisation_id=authorisation_id,
                expected_version=expected_version(if_match),
            ),
        )
        return with_etag(authorisation_view(authorisation))

    @post("/annulment", status_code=200, access=Action.RECORD_AUTHORISATION)
    async def annul(
        self,
        investigation_id: FromPath[UUID],
        authorisation_id: FromPath[UUID],
        data: JSONBody[AuthorisationAnnulment],
        runtime: RuntimeDep,
        user: CurrentUser,
        if_match: IfMatch = None,
    ) -> Response[Authorisation]:
        """A court's ruling annulled the measure (also once revoked: what it gathered while in
        force is at stake)."""
        authorisation = await in_thread(
            runtime.app.annul_authorisation,
            user.user_id,
            command(
                AnnulAuthorisation,
                data,
                investigation_id=investigation_id,
                authorisation_id=authorisation_id,
                expected_version=expected_version(if_match),
            ),
        )
        return with_etag(authorisation_view(authorisation))
