"""An item's retention: its deletion date, legal holds, and the deletion of its files once
its date has passed and no hold is on (domain/evidence_retention.py, domain/retention.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from uuid import uuid4

import pytest

from domain.errors import Conflict, Gone, PermissionDenied
from domain.evidence import EvidenceItem
from domain.retention import DeletionDate, deletion_date
from tests.unit import builders
from tests.unit.conftest import Team, acting

Register = Callable[..., EvidenceItem]


def with_file(item: EvidenceItem, team: Team) -> EvidenceItem:
    item.attach_file(
        team.investigation, acting(team.fr_investigator), builders.attach_file(item, uuid4())
    )
    return item


def past(now: datetime) -> DeletionDate:
    return DeletionDate(now - timedelta(days=1), "the JIT agreement's retention of 30 days")


def test_the_earliest_retention_on_record_decides() -> None:
    collected = datetime(2024, 5, 3, 7, 30).astimezone()
    by_law = deletion_date(collected, owner="BE", owner_days=1825, agreement_days=None)
    assert by_law is not None and by_law.on == collected + timedelta(days=1825)
    both = deletion_date(collected, owner="BE", owner_days=1825, agreement_days=365)
    assert both is not None and both.on == collected + timedelta(days=365)
    assert "JIT agreement" in both.ground
    assert deletion_date(collected, owner="BE", owner_days=None, agreement_days=None) is None


def test_the_item_reads_its_partys_rulebook_and_the_agreement(
    team: Team, register_evidence: Register, now: datetime
) -> None:
    # Given a FR item collected ten days ago, and FR's rulebook keeping items 20 days
    item = register_evidence(team, occurred_at=now - timedelta(days=10))
    rules = [{"rule": "DP-01", "params": {"retention_days": 20}}]
    book = builders.adopt_rulebook(team.investigation, acting(team.fr_legal_advisor), "FR", rules)
    records = {book.id: book}
    due = item.deletion_date(team.investigation, records.get)
    assert due is not None and due.on == item.collected_at + timedelta(days=20)
    # When the JIT agreement keeps them 7 days, it decides
    team.investigation.agree_retention(
        acting(team.leader), builders.agree_retention(team.investigation, 7)
    )
    due = item.deletion_date(team.investigation, records.get)
    assert due is not None and due.on == item.collected_at + timedelta(days=7)


def test_a_hold_is_placed_once_and_released_once(team: Team, register_evidence: Register) -> None:
    item = register_evidence(team)
    advisor = acting(team.fr_legal_advisor)
    item.place_legal_hold(team.investigation, advisor, builders.place_legal_hold(item))
    assert item.legal_hold is not None and item.legal_hold.placed_by == advisor
    with pytest.raises(Conflict, match="already"):
        item.place_legal_hold(team.investigation, advisor, builders.place_legal_hold(item))
    item.release_legal_hold(team.investigation, advisor, builders.release_legal_hold(item))
    assert item.legal_hold is None
    with pytest.raises(Conflict, match="no legal hold"):
        item.release_legal_hold(team.investigation, advisor, builders.release_legal_hold(item))


def test_an_investigator_places_no_hold(team: Team, register_evidence: Register) -> None:
    item = register_evidence(team)
    with pytest.raises(PermissionDenied):
        item.place_legal_hold(
            team.investigation, acting(team.fr_investigator), builders.place_legal_hold(item)
        )


def test_nothing_is_deleted_while_held_or_before_its_date(
    team: Team, register_evidence: Register, now: datetime
) -> None:
    item = with_file(register_evidence(team), team)
    leader, advisor = acting(team.leader), acting(team.fr_legal_advisor)
    item.place_legal_hold(team.investigation, advisor, builders.place_legal_hold(item))
    with pytest.raises(Conflict, match="legal hold"):
        item.delete_under_retention(
            team.investigation, leader, builders.delete_under_retention(item), past(now)
        )
    item.release_legal_hold(team.investigation, advisor, builders.release_legal_hold(item))
    later = DeletionDate(now + timedelta(days=1), "FR's retention")
    with pytest.raises(Conflict, match="has not passed"):
        item.delete_under_retention(
            team.investigation, leader, builders.delete_under_retention(item), later
        )
    with pytest.raises(PermissionDenied):
        item.delete_under_retention(
            team.investigation, advisor, builders.delete_under_retention(item), past(now)
        )


def test_a_deleted_items_files_are_gone_and_it_is_deleted_once(
    team: Team, register_evidence: Register, now: datetime
) -> None:
    item = with_file(register_evidence(team), team)
    leader = acting(team.leader)
    item.delete_under_retention(
        team.investigation, leader, builders.delete_under_retention(item), past(now)
    )
    [file] = item.files
    with pytest.raises(Gone, match="deleted under retention"):
        item.check_file(file)
    with pytest.raises(Conflict, match="deleted under retention"):
        item.delete_under_retention(
            team.investigation, leader, builders.delete_under_retention(item), past(now)
        )
    with pytest.raises(Conflict):
        item.place_legal_hold(
            team.investigation, acting(team.fr_legal_advisor), builders.place_legal_hold(item)
        )
