"""The admissibility matrix a page at a time: the register's rows, each with its cell in
every country, the same cells as the whole matrix; the items whose countries disagree, the
worst first; for those who may see admissibility only."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from tests.integration.admissibility_support import Team, days_ago, open_team
from tests.support import People, Person

# the outcomes from the least to the most severe, as the matrix ranks them
RANK = ["PASS", "UNKNOWN", "WARN", "FORFEITED", "RESTRICT", "RISK", "FAIL"]


@pytest.fixture
def team(people: People) -> Team:
    team = open_team(people, ["FR", "BE", "NL"])
    # kept in custody at once, late, never; handed over freely, taken covertly, intercepted
    team.collected("FR", "FR-KEPT", kept_at=days_ago(3), occurred_at=days_ago(3, "08:00"))
    team.collected("FR", "FR-LATE", kept_at=days_ago(1), occurred_at=days_ago(9))
    team.item("BE", "BE-LOOSE", occurred_at=days_ago(5))
    team.item("NL", "NL-COVERT", method="covert search of a flat", occurred_at=days_ago(4))
    team.item(
        "NL",
        "NL-INTERCEPT",
        kind="intercepted_communication",
        method="interception",
        occurred_at=days_ago(2),
    )
    # Belgium uses a Dutch ledger for another offence, without the Dutch consent
    ledger = team.collected(
        "NL", "NL-LEDGER", kept_at=days_ago(6, "10:00"), occurred_at=days_ago(6)
    )
    team.use(team.investigators["BE"], ledger, "BE VAT", "VAT fraud", "other_offence", days_ago(1))
    return team


def pages(person: Person, team: Team, **params: Any) -> list[dict[str, Any]]:
    """Every row of the matrix's pages, following the cursors."""
    rows: list[dict[str, Any]] = []
    cursor = None
    while True:
        response = person.get(
            team.path("/admissibility/page"),
            params={"limit": 2, **params, **({"after": cursor} if cursor else {})},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert "not legal advice" in body["notice"] or "risk flags" in body["notice"]
        rows.extend(body["items"])
        if (cursor := body["next"]) is None:
            return rows


def outcomes(row: dict[str, Any]) -> dict[str, str]:
    return {cell["country"]: cell["outcome"] for cell in row["cells"]}


def test_each_row_holds_the_same_cells_as_the_whole_matrix(team: Team) -> None:
    matrix = team.matrix()
    rows = pages(team.legal["BE"], team, sort="reference")
    assert [r["item"]["reference"] for r in rows] == sorted(
        ["FR-KEPT", "FR-LATE", "BE-LOOSE", "NL-COVERT", "NL-INTERCEPT", "NL-LEDGER"]
    )
    for row in rows:
        reference = row["item"]["reference"]
        assert [c["country"] for c in row["cells"]] == ["BE", "FR", "NL"]
        for cell in row["cells"]:
            assert cell == matrix[(reference, cell["country"])]


def test_the_disagreements_are_the_items_whose_countries_differ_worst_first(team: Team) -> None:
    every = {r["item"]["reference"]: outcomes(r) for r in pages(team.legal["FR"], team)}
    differ = {ref for ref, by_country in every.items() if len(set(by_country.values())) > 1}
    # the set-up is worth testing: some items divide the countries and some do not
    assert differ and differ != set(every), every
    board = pages(team.legal["FR"], team, disagreeing="true", sort="worst", order="desc")
    assert {r["item"]["reference"] for r in board} == differ
    worst = [max(RANK.index(o) for o in outcomes(r).values()) for r in board]
    assert worst == sorted(worst, reverse=True)
    agreeing = pages(team.legal["FR"], team, disagreeing="false")
    assert {r["item"]["reference"] for r in agreeing} == set(every) - differ


def test_a_rule_filter_lists_the_items_it_flags_in_the_forum_asked(team: Team) -> None:
    def flagged(country: str, rule: str) -> set[str]:
        """From each item's explanation: the items whose result of `rule` in `country` is
        anything but PASS."""
        return {
            reference
            for (reference, forum), cell in team.matrix().items()
            if forum == country
            and any(
                r["rule"] == rule and r["outcome"] != "PASS"
                for r in team.explain(cell["evidence_id"])[country]["results"]
            )
        }

    # US-02 (a use without the sender's consent) flags the Dutch ledger in Belgium only
    assert flagged("BE", "US-02") == {"NL-LEDGER"}
    assert flagged("NL", "US-02") == set()
    for forum, rule in (("BE", "US-02"), ("NL", "US-02"), ("FR", "CU-01"), ("BE", "CU-01")):
        rows = pages(team.legal["FR"], team, rule=rule, forum=forum)
        assert {r["item"]["reference"] for r in rows} == flagged(forum, rule), (forum, rule)
    # without a forum, the caller's own country's courts
    rows = pages(team.legal["BE"], team, rule="US-02")
    assert {r["item"]["reference"] for r in rows} == {"NL-LEDGER"}
    # a code that is not one is refused, saying what a code looks like
    bad = team.legal["BE"].get(team.path("/admissibility/page"), params={"rule": "us2"})
    assert bad.status_code == 400, bad.text
    assert "rule" in bad.text


def test_a_cell_is_its_worst_definite_outcome_with_the_rules_lacking_facts_beside(
    team: Team,
) -> None:
    beside = 0
    for (reference, country), cell in team.matrix().items():
        results = team.explain(cell["evidence_id"])[country]["results"]
        lacking = sorted({r["rule"] for r in results if r["outcome"] == "UNKNOWN"})
        definite = [r["outcome"] for r in results if r["outcome"] not in ("PASS", "UNKNOWN")]
        if definite:
            assert cell["outcome"] == max(definite, key=RANK.index), (reference, country)
            assert cell["unknown"] == lacking, (reference, country)
            beside += bool(lacking)
        else:
            assert cell["outcome"] == ("UNKNOWN" if lacking else "PASS"), (reference, country)
            assert cell["unknown"] == [], (reference, country)
    # the set-up is worth testing: some definite verdict has facts missing beside it
    assert beside > 0


def test_the_worst_order_pages_every_item_once(team: Team) -> None:
    rows = pages(team.legal["NL"], team, sort="worst")
    worst = [max(RANK.index(o) for o in outcomes(r).values()) for r in rows]
    assert worst == sorted(worst)
    assert len({r["item"]["id"] for r in rows}) == len(rows) == 6


def test_those_who_may_not_see_admissibility_get_no_matrix_and_no_hint(
    team: Team, people: People
) -> None:
    observer = people.new("eu-observer")
    member = {"username": observer.username, "country": "BE", "role": "observer"}
    team.post(team.leader, "/members", member)
    for params in ({}, {"disagreeing": "true"}):
        response = observer.get(team.path("/admissibility/page"), params=params)
        assert response.status_code == 403, response.text
        assert "FR-KEPT" not in response.text
    # the register refuses the matrix's sort and filter to them too, and says how to list
    register = observer.get(team.path("/evidence/page"), params={"sort": "worst"})
    assert register.status_code == 403
    assert "list without" in register.json()["detail"]
    outsider = people.new("outsider")
    assert outsider.get(team.path("/admissibility/page")).status_code == 404


def test_the_matrix_exports_as_csv_with_its_reasons_and_filters(team: Team) -> None:
    matrix = team.matrix()
    team.item("FR", "=HYPERLINK(evil)", occurred_at=days_ago(1))
    response = team.legal["FR"].get(team.path("/admissibility/export.csv"), params={"limit": 1})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    lines = list(csv.DictReader(io.StringIO(response.text)))
    # every item in every country (not one page), the same verdicts as the matrix
    assert len(lines) == 7 * 3
    for line in lines:
        if line["reference"].startswith("'"):
            continue
        cell = matrix[(line["reference"], line["country"])]
        assert (line["verdict"], line["outcome"]) == (cell["verdict"], cell["outcome"])
        assert line["rules"].split() == cell["reasons"]
        assert all(f"{rule}: " in line["reasons"] for rule in cell["reasons"])
    # a spreadsheet opens a reference that looks like a formula as text
    assert {line["reference"] for line in lines} >= {"'=HYPERLINK(evil)"}
    disagreeing = team.legal["FR"].get(
        team.path("/admissibility/export.csv"), params={"disagreeing": "true"}
    )
    references = {line["reference"] for line in csv.DictReader(io.StringIO(disagreeing.text))}
    assert references == {"NL-LEDGER"}


def test_a_bad_export_query_is_refused_before_anything_is_sent(team: Team) -> None:
    response = team.legal["FR"].get(team.path("/admissibility/export.csv"), params={"sort": "x"})
    assert response.status_code == 400
    assert "sort" in response.text
