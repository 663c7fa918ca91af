"""Use cases of evidence items: registration, description, handling."""

from __future__ import annotations

import pytest

from domain.commands import AmendDescription
from domain.errors import Duplicate, RuleViolation
from domain.evidence import EvidenceItem
from domain.handling import HandlingRestrictions

from .conftest import Team


def test_an_item_registered_restricted_is_never_on_record_unrestricted(team: Team) -> None:
    before = team.position()
    item = team.register(handling=HandlingRestrictions(description_to=()))
    events = team.app.recorder.select_notifications(before + 1, limit=10)
    assert [e.topic.rsplit(".", 1)[1] for e in events] == ["Registered", "HandlingRestricted"]
    assert not team.app.repository.get(item.id).may_read("BE")


def test_a_reference_is_unique_whatever_its_case(team: Team) -> None:
    first = team.register("FR-7")
    before = team.position()
    with pytest.raises(Duplicate) as duplicate:
        team.register(" fr-7 ")
    assert duplicate.value.existing_id == first.id
    assert team.position() == before


def test_only_the_originating_party_amends_a_description(team: Team) -> None:
    item = team.register()
    amend = AmendDescription(
        investigation_id=team.id, evidence_id=item.id, description="blue phone", reason="seen"
    )
    before = team.position()
    with pytest.raises(RuleViolation):
        team.app.amend_evidence_description(team.be_investigator, amend)
    assert team.position() == before
    amended = team.app.amend_evidence_description(team.fr_legal, amend)
    assert isinstance(amended, EvidenceItem)
    assert team.app.repository.get(item.id).description == "blue phone"
