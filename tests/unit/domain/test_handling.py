"""Stories of an originating party restricting who reads its item and downloads its files."""

from __future__ import annotations

import pytest

from domain.commands import AttachFile, GrantConsent, RecordAccess, RestrictHandling
from domain.errors import PermissionDenied, RuleViolation
from domain.evidence import EvidenceItem
from domain.handling import UNRESTRICTED, HandlingRestrictions
from domain.values import UsePurpose


def test_an_item_is_unrestricted_until_its_party_says_otherwise(team, register_evidence):
    item = register_evidence(team)
    assert item.handling == UNRESTRICTED
    assert item.may_read("BE") and item.may_download("BE")


def test_the_originating_party_keeps_its_item_from_another_party(team, register_evidence, now):
    # Given a French item
    item = register_evidence(team)
    item.collect_events()
    # When the French legal advisor restricts it to France alone
    item.restrict_handling(
        team.investigation,
        team.actor(team.fr_legal_advisor),
        RestrictHandling(
            investigation_id=team.investigation.id,
            evidence_id=item.id,
            restrictions=HandlingRestrictions(description_to=()),
            occurred_at=now,
        ),
    )
    # Then Belgium may neither read it nor download its files; France may
    [restricted] = item.collect_events()
    assert isinstance(restricted, EvidenceItem.HandlingRestricted)
    assert not item.may_read("BE") and item.may_read("FR")
    with pytest.raises(PermissionDenied, match="does not allow your party"):
        item.check_may_download("BE")
    item.check_may_download("FR")


def test_files_may_be_kept_back_from_a_party_that_reads_the_item(team, register_evidence, now):
    item = register_evidence(team)
    restrictions = HandlingRestrictions(description_to=("BE",), files_to=())
    item.restrict_handling(
        team.investigation,
        team.actor(team.fr_investigator),
        RestrictHandling(
            investigation_id=team.investigation.id,
            evidence_id=item.id,
            restrictions=restrictions,
            occurred_at=now,
        ),
    )
    assert item.may_read("BE")
    assert not item.may_download("BE")


def test_consent_first_holds_the_files_until_consent_is_given(team, register_evidence, now):
    item = register_evidence(team)
    advisor = team.actor(team.fr_legal_advisor)
    item.restrict_handling(
        team.investigation,
        advisor,
        RestrictHandling(
            investigation_id=team.investigation.id,
            evidence_id=item.id,
            restrictions=HandlingRestrictions(consent_first=True),
            occurred_at=now,
        ),
    )
    assert item.may_read("BE") and not item.may_download("BE")
    item.grant_consent(
        team.investigation,
        advisor,
        GrantConsent(
            investigation_id=team.investigation.id,
            evidence_id=item.id,
            to_country="BE",
            purpose=UsePurpose.JIT,
            offence="",
            conditions="",
            occurred_at=now,
        ),
    )
    assert item.may_download("BE")


def test_another_party_does_not_restrict_the_item(team, register_evidence, now):
    item = register_evidence(team)
    item.collect_events()
    with pytest.raises(PermissionDenied, match="only the originating party"):
        item.restrict_handling(
            team.investigation,
            team.actor(team.be_legal_advisor),
            RestrictHandling(
                investigation_id=team.investigation.id,
                evidence_id=item.id,
                restrictions=HandlingRestrictions(description_to=()),
                occurred_at=now,
            ),
        )
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
def test_restrictions_name_other_parties_of_the_jit(
    team, register_evidence, now, restrictions, field
):
    item = register_evidence(team)
    item.collect_events()
    with pytest.raises(RuleViolation) as refused:
        item.restrict_handling(
            team.investigation,
            team.actor(team.fr_investigator),
            RestrictHandling(
                investigation_id=team.investigation.id,
                evidence_id=item.id,
                restrictions=restrictions,
                occurred_at=now,
            ),
        )
    assert refused.value.field == field
    assert item.collect_events() == []


def test_a_download_the_restrictions_forbid_is_not_recorded(team, register_evidence, now):
    item = register_evidence(team)
    item.restrict_handling(
        team.investigation,
        team.actor(team.fr_investigator),
        RestrictHandling(
            investigation_id=team.investigation.id,
            evidence_id=item.id,
            restrictions=HandlingRestrictions(description_to=()),
            occurred_at=now,
        ),
    )
    item.attach_file(
        team.investigation,
        team.actor(team.fr_investigator),
        AttachFile(
            investigation_id=team.investigation.id,
            evidence_id=item.id,
            file_id=item.id,
            name="phone.bin",
            media_type="application/octet-stream",
            sha256="a" * 64,
            size=10,
            storage_key="sha256/" + "a" * 64,
        ),
    )
    item.collect_events()
    with pytest.raises(PermissionDenied):
        item.record_access(
            team.investigation,
            team.actor(team.be_investigator),
            RecordAccess(
                investigation_id=team.investigation.id,
                evidence_id=item.id,
                file_id=item.id,
                purpose="analysis",
                first_byte=0,
                last_byte=9,
            ),
        )
    assert item.collect_events() == []
