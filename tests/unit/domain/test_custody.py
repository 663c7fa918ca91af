"""The custody rules (domain/custody.py): the stretches an item spends with no custodian,
judged by the gap a rulebook sets; the custody register and CU-01/CU-02 apply the same."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain import custody
from domain.custody import DEFAULT_GAP, CustodyDefect, Lapse, Transfer
from domain.rule_settings import RuleSpec
from tests.unit.builders import adopt_rulebook, remove_rule, set_rule

T0 = datetime(2024, 5, 3, 6, tzinfo=UTC)
HOUR = timedelta(hours=1)
DAY_GAP, TWO_DAY_GAP = 24 * HOUR, 48 * HOUR


def test_custody_taken_up_within_the_gap_is_no_defect():
    assert custody.defects(T0, T0 + 2 * HOUR, [], DAY_GAP) == []


def test_custody_taken_up_exactly_at_the_gap_is_no_defect():
    assert custody.defects(T0, T0 + DAY_GAP, [], DAY_GAP) == []


def test_custody_taken_up_after_the_gap_is_a_stretch_with_no_custodian():
    assert custody.defects(T0, T0 + 30 * HOUR, [], DAY_GAP) == [
        CustodyDefect(Lapse.LATE_CUSTODY, T0, T0 + 30 * HOUR)
    ]


def test_the_same_stretch_is_judged_by_the_gap_given():
    # 30 hours with no custodian: a defect where the gap is 24 hours, none where it is 48
    assert [d.lapse for d in custody.defects(T0, T0 + 30 * HOUR, [], DAY_GAP)] == [
        Lapse.LATE_CUSTODY
    ]
    assert custody.defects(T0, T0 + 30 * HOUR, [], TWO_DAY_GAP) == []


def test_no_custody_on_record_is_a_defect_that_lasts():
    assert custody.defects(T0, None, [], DAY_GAP) == [CustodyDefect(Lapse.NO_CUSTODY, T0, None)]


def test_a_transfer_received_within_the_gap_is_no_defect():
    transfer = Transfer(T0 + DAY_GAP, T0 + DAY_GAP + 6 * HOUR)
    assert custody.defects(T0, T0 + HOUR, [transfer], DAY_GAP) == []


def test_a_transfer_received_after_the_gap_was_a_long_transit():
    handed, received = T0 + DAY_GAP, T0 + 4 * DAY_GAP
    transfers = [Transfer(T0 + 2 * HOUR, T0 + 3 * HOUR), Transfer(handed, received)]
    assert custody.defects(T0, T0 + HOUR, transfers, DAY_GAP) == [
        CustodyDefect(Lapse.LONG_TRANSIT, handed, received, transfer=1)
    ]


def test_a_transfer_with_no_receipt_is_a_defect_whatever_the_gap():
    transfers = [Transfer(T0 + 2 * HOUR)]
    assert custody.defects(T0, T0 + HOUR, transfers, timedelta.max) == [
        CustodyDefect(Lapse.NOT_RECEIVED, T0 + 2 * HOUR, None, transfer=0)
    ]


def test_defects_that_ended_come_before_those_that_last():
    transfers = [Transfer(T0 + 40 * HOUR, T0 + 90 * HOUR), Transfer(T0 + 100 * HOUR)]
    found = custody.defects(T0, T0 + 30 * HOUR, transfers, DAY_GAP)
    assert [d.lapse for d in found] == [
        Lapse.LATE_CUSTODY,
        Lapse.LONG_TRANSIT,
        Lapse.NOT_RECEIVED,
    ]


def test_the_gap_is_the_one_cu_01_of_a_rulebook_sets():
    assert custody.gap_of({"CU-01": RuleSpec("CU-01", {"gap_hours": 48})}) == TWO_DAY_GAP


def test_a_rulebook_with_no_cu_01_leaves_the_catalogues_gap():
    assert custody.gap_of({"CU-02": RuleSpec("CU-02")}) == DEFAULT_GAP == DAY_GAP


def adopt(team, country, rules):
    """Given a rulebook with these rules, adopted for a party of the team by its legal advisor."""
    advisor = team.fr_legal_advisor if country == "FR" else team.be_legal_advisor
    return adopt_rulebook(team.investigation, team.actor(advisor), country, rules)


def test_adopting_amending_and_removing_cu_01_set_the_partys_gap(team):
    rulebook = adopt(team, "BE", [{"rule": "CU-01", "params": {"gap_hours": 48}}])
    jit, advisor = team.investigation, team.actor(team.be_legal_advisor)
    rulebook.set_rule(jit, advisor, set_rule(rulebook, "CU-02", reason="receipts"))
    stricter = set_rule(rulebook, "CU-01", params={"gap_hours": 12}, reason="stricter")
    rulebook.set_rule(jit, advisor, stricter)
    rulebook.remove_rule(jit, advisor, remove_rule(rulebook, "CU-01", reason="not applied"))
    adopted, other_rule, amended, removed = rulebook.collect_events()
    assert custody.gap_set_by(adopted) == ("BE", TWO_DAY_GAP)
    assert custody.gap_set_by(other_rule) is None
    assert custody.gap_set_by(amended) == ("BE", 12 * HOUR)
    assert custody.gap_set_by(removed) == ("BE", DEFAULT_GAP)
