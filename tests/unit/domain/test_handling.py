"""Stories of an originating party restricting who reads its item and downloads its files."""

from __future__ import annotations

import pytest

from domain.errors import PermissionDenied, RuleViolation
from domain.evidence import EvidenceItem
from domain.handling import UNRESTRICTED, HandlingRestrictions
from domain.values import UsePurpose
from tests.unit.builders import attach_file, grant_consent, record_access, restrict_handling


def restrict(team, item, member, restrictions):
    """A member restricts the handling of an item to `restrictions`."""
    jit = team.investigation
    item.restrict_handling(jit, team.actor(member), restrict_handling(item, restrictions))


def test_an_item_is_unrestricted_until_its_party_says_otherwise(team, register_evidence):
    item = register_evidence(team)
    assert item.handling == UNRESTRICTED
    assert item.may_read("BE") and item.may_download("BE")


def test_the_originating_party_keeps_its_item_from_another_party(team, register_evidence):
    # Given a French item
    item = register_evidence(team)
    item.collect_events()
    # When the French legal advisor restricts it to France alone
    restrict(team, item, team.fr_legal_advisor, HandlingRestrictions(description_to=()))
    # Then Belgium may neither read it nor download its files; France may
    [restricted] = item.collect_events()
    assert isinstance(restricted, EvidenceItem.HandlingRestricted)
    assert not item.may_read("BE") and item.may_read("FR")
    with pytest.raises(PermissionDenied, match="does not allow your party"):
        item.check_may_download("BE")
    item.check_may_download("FR")


def test_files_may_be_kept_back_from_a_party_that_reads_the_item(team, register_evidence):
    item = register_evidence(team)
    restrictions = HandlingRestrictions(description_to=("BE",), files_to=())
    restrict(team, item, team.fr_investigator, restrictions)
    assert item.may_read("BE")
    assert not item.may_download("BE")


def test_consent_first_holds_the_files_until_consent_is_given(team, register_evidence):
    item = register_evidence(team)
    advisor = team.actor(team.fr_legal_advisor)
    restrict(team, item, team.fr_legal_advisor, HandlingRestrictions(consent_first=True))
    assert item.may_read("BE") and not item.may_download("BE")
    item.grant_consent(team.investigation, advisor, grant_consent(item, "BE", UsePurpose.JIT))
    assert item.may_download("BE")


def test_another_party_does_not_restrict_the_item(team, register_evidence):
    item = register_evidence(team)
    item.collect_events()
    with pytest.raises(PermissionDenied, match="only the originating party"):
        restrict(team, item, team.be_legal_advisor, HandlingRestrictions(description_to=()))
    assert item.collect_events() == []


@pytest.mark.parametrize(
    ("restrictions", "field"),
    [
        (HandlingRestrictions(description_to=("DE",)), "description_to[0]"),
        (HandlingRestrictions(description_to=("FR",)), "description_to[0]"),
        (HandlingRestrictions(files_to=("BE", "NL")), "files_to[1]"),
        (HandlingRestrictions(description_to=(), files_to=("BE",)), "files_to"),
        (UNRESTRICTED, "body"),
    ],
    ids=["not a party", "the originator itself", "not a party", "files but not reading", "same"],
)
def test_restrictions_name_other_parties_of_the_jit(team, register_evidence, restrictions, field):
    item = register_evidence(team)
    item.collect_events()
    with pytest.raises(RuleViolation) as refused:
        restrict(team, item, team.fr_investigator, restrictions)
    assert refused.value.field == field
    assert item.collect_events() == []


def test_a_download_the_restrictions_forbid_is_not_recorded(team, register_evidence):
    item = register_evidence(team)
    restrict(team, item, team.fr_investigator, HandlingRestrictions(description_to=()))
    item.attach_file(
        team.investigation,
        team.actor(team.fr_investigator),
        attach_file(item, item.id, name="phone.bin", media_type="application/octet-stream"),
    )
    item.collect_events()
    with pytest.raises(PermissionDenied):
        item.record_access(
            team.investigation,
            team.actor(team.be_investigator),
            record_access(item, item.id, purpose="analysis"),
        )
    assert item.collect_events() == []
