"""The custody register judges an item's custody by the gap its originating party's rulebook
sets (CU-01), so that the register and that party's verdict agree; replayed from the log."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.admissibility.facts import CaseFile
from domain.admissibility.verdict import evaluate
from projections.custody import chains_as_of
from tests.unit.builders import record_collection, record_seal_opening, seal_evidence, set_rule
from tests.unit.domain.test_custody import adopt as adopt_rulebook


def adopt(team, country, gap_hours):
    return adopt_rulebook(team, country, [{"rule": "CU-01", "params": {"gap_hours": gap_hours}}])


@pytest.fixture
def late_item(team, register_evidence, now):
    """Given a Belgian item with no custodian for 30 hours after its collection: its id and
    its events."""
    collected_at = now - timedelta(days=3)
    item = register_evidence(
        team, team.actor(team.be_investigator), reference="BE-1", occurred_at=collected_at
    )
    taken = record_collection(item, place="Antwerp", occurred_at=collected_at + timedelta(hours=30))
    item.record_collection(team.investigation, team.actor(team.be_investigator), taken)
    return item.id, list(item.collect_events())


def register_and_cu_01(events, evidence_id, country, now):
    chain, _ = chains_as_of(events)[evidence_id]
    case = CaseFile()
    for e in events:
        case.apply(e)
    verdict = evaluate(case, evidence_id, country, now)
    assert verdict is not None
    [cu_01] = [r for r in verdict.results if r.rule == "CU-01"]
    return [d.code for d in chain.defects], cu_01.outcome.value


def test_a_30_hour_gap_is_no_defect_where_the_items_party_allows_48_hours(team, late_item, now):
    evidence_id, item_events = late_item
    events = [*team.history, *adopt(team, "BE", 48).collect_events(), *item_events]
    assert register_and_cu_01(events, evidence_id, "BE", now) == ([], "PASS")


def test_the_items_party_amending_its_gap_changes_the_register(team, late_item, now):
    evidence_id, item_events = late_item
    rulebook = adopt(team, "BE", 48)
    adopted = list(rulebook.collect_events())
    stricter = set_rule(rulebook, "CU-01", params={"gap_hours": 24}, reason="stricter")
    rulebook.set_rule(team.investigation, team.actor(team.be_legal_advisor), stricter)
    events = [*team.history, *adopted, *item_events, *rulebook.collect_events()]
    assert register_and_cu_01(events, evidence_id, "BE", now) == (["no-custodian"], "RISK")


def test_another_partys_gap_does_not_govern_the_register(team, late_item, now):
    evidence_id, item_events = late_item
    events = [*team.history, *adopt(team, "FR", 48).collect_events(), *item_events]
    # BE has no rulebook: the catalogue's 24 hours; FR's own verdict reads its 48 hours
    chain, _ = chains_as_of(events)[evidence_id]
    assert [d.code for d in chain.defects] == ["no-custodian"]
    assert register_and_cu_01(events, evidence_id, "FR", now)[1] == "PASS"


def test_a_defect_names_its_wording_and_the_facts_that_fill_it(team, late_item, now):
    """Readers who word defects themselves (the web page, in four languages) get the same
    stretch the English message prints, as times and a length."""
    evidence_id, item_events = late_item
    chain, _ = chains_as_of([*team.history, *item_events])[evidence_id]
    [defect] = chain.defects
    assert defect.reason == "late-custody"
    assert defect.facts["seconds"] == str(30 * 3600)
    collected = now - timedelta(days=3)
    assert defect.facts["from"] == collected.isoformat()
    assert defect.facts["until"] == (collected + timedelta(hours=30)).isoformat()
    assert "1 day 6 hours" in defect.message


def test_an_opened_seal_is_a_step_of_the_chain_and_a_different_seal_found_is_a_defect(
    team, register_evidence, now
):
    investigator = team.actor(team.be_investigator)
    item = register_evidence(team, investigator, reference="BE-2", occurred_at=now)
    item.record_collection(team.investigation, investigator, record_collection(item, place="Gent"))
    item.seal(team.investigation, investigator, seal_evidence(item, "BE-77"))
    item.record_seal_opening(team.investigation, investigator, record_seal_opening(item, "BE-78"))
    assert item.seal_number is None  # open now
    chain, _ = chains_as_of([*team.history, *item.collect_events()])[item.id]
    assert [e.kind for e in chain.entries][-2:] == ["Sealed", "SealOpened"]
    [defect] = [d for d in chain.defects if d.reason == "seal-changed-at-opening"]
    assert defect.version == chain.entries[-1].version
    assert defect.facts == {"sealed": "BE-77", "found": "BE-78"}
