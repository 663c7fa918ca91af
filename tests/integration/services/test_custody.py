"""Use cases of an item's custody."""

from __future__ import annotations

import pytest

from domain.commands import HandOver, ReceiveEvidence, RecordCollection, SealEvidence
from domain.errors import PermissionDenied
from domain.values import SealCondition

from .conftest import Team


def test_custody_passes_on_receipt_by_the_named_recipient_only(team: Team) -> None:
    item = team.register()
    on = {"investigation_id": team.id, "evidence_id": item.id, "occurred_at": team.now}
    team.app.record_evidence_collection(team.fr_investigator, RecordCollection(**on, place="Lille"))
    team.app.seal_evidence(team.fr_investigator, SealEvidence(**on, seal_number="S-1"))
    team.app.hand_over_evidence(
        team.fr_investigator, HandOver(**on, recipient_id=team.fr_legal, reason="review")
    )
    receipt = ReceiveEvidence(**on, seal_condition=SealCondition.INTACT, seal_number="S-1")
    before = team.position()
    with pytest.raises(PermissionDenied):
        team.app.receive_evidence(team.be_investigator, receipt)
    assert team.position() == before
    received = team.app.receive_evidence(team.fr_legal, receipt)
    assert received.custodian_id == team.fr_legal
    assert team.app.repository.get(item.id).custodian_id == team.fr_legal
