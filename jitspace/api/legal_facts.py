"""Facts the admissibility rules read: an authorisation qualified, amended, extended, confirmed
by a judge or annulled by a court; an item's seal opened, interview conditions, derivation,
use in a proceeding, consent and defects raised in court."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Response, post
from litestar.params import FromPath, JSONBody

from domain.commands import (
    AmendAuthorisation,
    AnnulAuthorisation,
    ConfirmAuthorisation,
    ExtendAuthorisation,
    GrantConsent,
    QualifyAuthorisation,
    RaiseDefect,
    RecordDerivation,
    RecordInterview,
    RecordSealOpening,
    RecordUse,
    WithdrawConsent,
)
from domain.permissions import Action
from jitspace.api.access import CurrentMember
from jitspace.api.commands import command
from jitspace.api.dependencies import (
    CurrentUser,
    RuntimeDep,
    checked_instant,
    expected_version,
    in_thread,
)
from jitspace.api.investigations import IfMatch
from jitspace.api.records import BASE
from jitspace.api.responses import with_etag
from jitspace.documents.schemas import (
    Authorisation,
    AuthorisationAmendment,
    AuthorisationAnnulment,
    AuthorisationConfirmation,
    AuthorisationExtension,
    AuthorisationQualification,
    ConsentCreate,
    ConsentWithdrawal,
    DefectCreate,
    DerivationCreate,
    Evidence,
    InterviewCreate,
    SealOpeningCreate,
    UseCreate,
)
from jitspace.documents.views import authorisation_view, evidence_view


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


class EvidenceFactsController(Controller):
    path = f"{BASE}/evidence/{{evidence_id:uuid}}"
    tags = ["evidence"]

    @post("/seal-opening", status_code=200, access=Action.RECORD_CUSTODY)
    async def open_seal(
        self,
        investigation_id: FromPath[UUID],
        evidence_id: FromPath[UUID],
        data: JSONBody[SealOpeningCreate],
        runtime: RuntimeDep,
        user: CurrentUser,
        member: CurrentMember,
        if_match: IfMatch = None,
    ) -> Response[Evidence]:
        """The seal found when the package was opened, and who authorised the opening."""
        item = await in_thread(
            runtime.app.record_seal_opening,
            user.user_id,
            command(
                RecordSealOpening,
                data,
                investigation_id=investigation_id,
                evidence_id=evidence_id,
                expected_version=expected_version(if_match),
            ),
        )
        return with_etag(evidence_view(item, member.country))

    @post("/interview", status_code=200, access=Action.RECORD_INTERVIEW)
    async def interview(
        self,
        investigation_id: FromPath[UUID],
        evidence_id: FromPath[UUID],
        data: JSONBody[InterviewCreate],
        runtime: RuntimeDep,
        user: CurrentUser,
        member: CurrentMember,
        if_match: IfMatch = None,
    ) -> Response[Evidence]:
        """How the interview this item records was conducted: languages, interpreter,
        caution, lawyer (the originating party records it)."""
        item = await in_thread(
            runtime.app.record_interview,
            user.user_id,
            command(
                RecordInterview,
                data,
                investigation_id=investigation_id,
                evidence_id=evidence_id,
                expected_version=expected_version(if_match),
            ),
        )
        return with_etag(evidence_view(item, member.country))

    @post("/derivation", status_code=200, access=Action.RECORD_DERIVATION)
    async def derive(
        self,
        investigation_id: FromPath[UUID],
        evidence_id: FromPath[UUID],
        data: JSONBody[DerivationCreate],
        runtime: RuntimeDep,
        user: CurrentUser,
        member: CurrentMember,
        if_match: IfMatch = None,
    ) -> Response[Evidence]:
        """This item was made from another (a copy, an extraction, an analysis, a
        translation), from the parent with the SHA-256 named."""
        item = await in_thread(
            runtime.app.record_derivation,
            user.user_id,
            command(
                RecordDerivation,
                data,
                investigation_id=investigation_id,
                evidence_id=evidence_id,
                expected_version=expected_version(if_match),
            ),
        )
        return with_etag(evidence_view(item, member.country))

    @post("/uses", status_code=200, access=Action.RECORD_USE)
    async def use(
        self,
        investigation_id: FromPath[UUID],
        evidence_id: FromPath[UUID],
        data: JSONBody[UseCreate],
        runtime: RuntimeDep,
        user: CurrentUser,
        member: CurrentMember,
        if_match: IfMatch = None,
    ) -> Response[Evidence]:
        """Your party uses the item in one of its proceedings, for an offence."""
        item = await in_thread(
            runtime.app.record_use,
            user.user_id,
            command(
                RecordUse,
                data,
                investigation_id=investigation_id,
                evidence_id=evidence_id,
                expected_version=expected_version(if_match),
            ),
        )
        return with_etag(evidence_view(item, member.country))

    @post("/consents", status_code=200, access=Action.DECIDE_CONSENT)
    async def grant_consent(
        self,
        investigation_id: FromPath[UUID],
        evidence_id: FromPath[UUID],
        data: JSONBody[ConsentCreate],
        runtime: RuntimeDep,
        user: CurrentUser,
        member: CurrentMember,
        if_match: IfMatch = None,
    ) -> Response[Evidence]:
        """The originating party consents to another party's use of the item."""
        item = await in_thread(
            runtime.app.grant_consent,
            user.user_id,
            command(
                GrantConsent,
                data,
                investigation_id=investigation_id,
                evidence_id=evidence_id,
                expected_version=expected_version(if_match),
            ),
        )
        return with_etag(evidence_view(item, member.country))

    @post("/consent-withdrawals", status_code=200, access=Action.DECIDE_CONSENT)
    async def withdraw_consent(
        self,
        investigation_id: FromPath[UUID],
        evidence_id: FromPath[UUID],
        data: JSONBody[ConsentWithdrawal],
        runtime: RuntimeDep,
        user: CurrentUser,
        member: CurrentMember,
        if_match: IfMatch = None,
    ) -> Response[Evidence]:
        item = await in_thread(
            runtime.app.withdraw_consent,
            user.user_id,
            command(
                WithdrawConsent,
                data,
                investigation_id=investigation_id,
                evidence_id=evidence_id,
                expected_version=expected_version(if_match),
            ),
        )
        return with_etag(evidence_view(item, member.country))

    @post("/defects", status_code=200, access=Action.RAISE_DEFECT)
    async def raise_defect(
        self,
        investigation_id: FromPath[UUID],
        evidence_id: FromPath[UUID],
        data: JSONBody[DefectCreate],
        runtime: RuntimeDep,
        user: CurrentUser,
        member: CurrentMember,
        if_match: IfMatch = None,
    ) -> Response[Evidence]:
        """A defect of the item was raised before your party's court (a nullity motion, an
        objection), invoking one rule or (empty) every defect."""
        item = await in_thread(
            runtime.app.raise_defect,
            user.user_id,
            command(
                RaiseDefect,
                data,
                investigation_id=investigation_id,
                evidence_id=evidence_id,
                expected_version=expected_version(if_match),
            ),
        )
        return with_etag(evidence_view(item, member.country))
