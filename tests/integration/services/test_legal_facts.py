"""Use cases that record facts the admissibility rules read."""

from __future__ import annotations

import pytest

from domain.commands import GrantConsent, RaiseDefect, RecordDerivation, WithdrawConsent
from domain.errors import PermissionDenied
from domain.values import DerivationKind, UsePurpose

from .conftest import Team


def test_a_derived_item_names_its_parent(team: Team) -> None:
    parent, copy = team.register("FR-P"), team.register("FR-C")
    derived = team.app.record_derivation(
        team.fr_investigator,
        RecordDerivation(
            investigation_id=team.id,
            evidence_id=copy.id,
            parent_id=parent.id,
            parent_sha256="a" * 64,
            relation=DerivationKind.COPY,
            tool="dd",
            tool_version="9",
            made_by="lab",
            occurred_at=team.now,
        ),
    )
    assert derived.parent_id == parent.id == team.app.repository.get(copy.id).parent_id


def test_a_consent_is_granted_then_withdrawn(team: Team) -> None:
    item = team.register()
    on = {"investigation_id": team.id, "evidence_id": item.id, "occurred_at": team.now}
    consent = {"to_country": "BE", "purpose": UsePurpose.OTHER_OFFENCE}
    team.app.grant_consent(team.fr_legal, GrantConsent(**on, **consent))
    assert ("BE", UsePurpose.OTHER_OFFENCE, "") in team.app.repository.get(item.id).consents
    team.app.withdraw_consent(team.fr_legal, WithdrawConsent(**on, **consent, reason="ended"))
    assert team.app.repository.get(item.id).consents == set()


def test_an_investigator_raises_no_defect(team: Team) -> None:
    item = team.register()
    before = team.position()
    with pytest.raises(PermissionDenied):
        team.app.raise_defect(
            team.be_investigator,
            RaiseDefect(investigation_id=team.id, evidence_id=item.id, occurred_at=team.now),
        )
    assert team.position() == before
