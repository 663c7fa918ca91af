"""Facts the admissibility rules read: an authorisation qualified, amended, extended, confirmed
by a judge or annulled by a court; an item's seal opened, interview conditions, derivation,
use in a proceeding, consent and defects raised in court."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Response, post
from litestar.params import FromPath, JSONBody

from domain.permissions import Action
from domain.values import Scope
from jitspace.api.access import CurrentMember
from jitspace.api.dependencies import (
    CurrentUser,
    RuntimeDep,
    checked_instant,
    expected_version,
    in_thread,
    reported_time,
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
            investigation_id,
            authorisation_id,
            expected_version(if_match),
            issuer=data.issuer,
            offences=tuple(data.offences),
            urgent=data.urgent,
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
            investigation_id,
            authorisation_id,
            expected_version(if_match),
            scope=Scope(
                targets=tuple(data.scope.targets),
                places=tuple(data.scope.places),
                methods=tuple(data.scope.methods),
                evidence_kinds=tuple(data.scope.evidence_kinds),
            ),
            conditions=data.conditions,
            reason=data.reason,
            occurred_at=reported_time(data.occurred_at),
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
            investigation_id,
            authorisation_id,
            expected_version(if_match),
            valid_until=checked_instant(data.valid_until, field="valid_until"),
            reason=data.reason,
            occurred_at=reported_time(data.occurred_at),
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
            investigation_id,
            authorisation_id,
            expected_version(if_match),
            judge=data.judge,
            occurred_at=reported_time(data.occurred_at),
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
            investigation_id,
            authorisation_id,
            expected_version(if_match),
            court=data.court,
            ruling=data.ruling,
            occurred_at=reported_time(data.occurred_at),
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
            investigation_id,
            evidence_id,
            expected_version(if_match),
            seal_number=data.seal_number,
            authorised_by=data.authorised_by,
            occurred_at=reported_time(data.occurred_at),
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
            investigation_id,
            evidence_id,
            expected_version(if_match),
            suspect_language=data.suspect_language,
            interview_language=data.interview_language,
            interpreter=data.interpreter,
            caution_given=data.caution_given,
            lawyer=data.lawyer,
            ill_treatment_alleged=data.ill_treatment_alleged,
            occurred_at=reported_time(data.occurred_at),
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
            investigation_id,
            evidence_id,
            expected_version(if_match),
            parent_id=data.parent_id,
            parent_sha256=data.parent_sha256,
            relation=data.relation,
            tool=data.tool,
            tool_version=data.tool_version,
            made_by=data.made_by,
            occurred_at=reported_time(data.occurred_at),
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
            investigation_id,
            evidence_id,
            expected_version(if_match),
            proceeding=data.proceeding,
            offence=data.offence,
            purpose=data.purpose,
            occurred_at=reported_time(data.occurred_at),
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
            investigation_id,
            evidence_id,
            expected_version(if_match),
            to_country=data.to_country,
            purpose=data.purpose,
            offence=data.offence,
            conditions=data.conditions,
            occurred_at=reported_time(data.occurred_at),
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
            investigation_id,
            evidence_id,
            expected_version(if_match),
            to_country=data.to_country,
            purpose=data.purpose,
            offence=data.offence,
            reason=data.reason,
            occurred_at=reported_time(data.occurred_at),
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
            investigation_id,
            evidence_id,
            expected_version(if_match),
            rule=data.rule,
            note=data.note,
            occurred_at=reported_time(data.occurred_at),
        )
        return with_etag(evidence_view(item, member.country))
