"""US-01 and US-06 through the API, from recorded uses in proceedings and interception
orders: a use declared for the JIT's purpose names an offence of that purpose; intercept
product before the courts of England and Wales (IPA s.56). Every outcome of both rules is
reached, in a GB-NL JIT with both shipped rulebooks.

Dates are relative to now (`days_ago`): no verdict depends on the day the tests run."""

from __future__ import annotations

import pytest

from tests.integration.admissibility_support import Team, days_ago, open_team
from tests.support import People


@pytest.fixture
def team(people: People) -> Team:
    return open_team(people, ["NL", "GB"], purpose="drug trafficking")


def test_a_use_for_the_jits_purpose_names_an_offence_of_that_purpose(team: Team) -> None:
    nl = team.investigators["NL"]
    ledger = team.collected("NL", "LEDGER", occurred_at=days_ago(30), kept_at=days_ago(30, "09:30"))
    # Given no use on record: usable for the JIT's purpose
    team.reached(ledger, "NL", "US-01", "PASS")
    # When NL uses it in its drug trafficking case
    team.use(nl, ledger, "Rotterdam drugs case", "drug trafficking", "jit", days_ago(20))
    [used] = team.reached(ledger, "NL", "US-01", "PASS")
    assert used["use"] == "Rotterdam drugs case"
    # When NL declares a use for the JIT's purpose without naming the offence
    team.use(nl, ledger, "Rotterdam seizure case", "", "jit", days_ago(15))
    [_, unnamed] = team.reached(ledger, "NL", "US-01", "UNKNOWN")
    assert unnamed["missing"] == "the offence the use serves"
    # When NL declares as the JIT's purpose a use for money laundering: another offence
    team.use(nl, ledger, "Rotterdam laundering case", "money laundering", "jit", days_ago(10))
    results = team.reached(ledger, "NL", "US-01", "RESTRICT")
    [restricted] = [r for r in results if r["outcome"] == "RESTRICT"]
    assert restricted["use"] == "Rotterdam laundering case" and "US-02" in restricted["reason"]
    # and GB's courts, where it is not used, see none of it
    team.reached(ledger, "GB", "US-01", "PASS")


def interception(team: Team, country: str, reference: str, *, ordered: bool = True) -> str:
    """An intercept collected by `country` 20 days ago, under its interception order unless
    `ordered` is false."""
    fields = {
        "kind": "intercepted_communication",
        "method": "interception",
        "occurred_at": days_ago(20),
        "kept_at": days_ago(20, "09:30"),
        "content": f"calls {reference}".encode(),
    }
    if ordered:
        fields["authorisation_id"] = team.authorisation(
            country,
            kind="interception_order",
            reference=f"{country}-TAP-{reference}",
            occurred_at=days_ago(40, "08:00"),
            valid_from=days_ago(40, "08:00"),
            valid_until=days_ago(-20, "08:00"),
            scope={"methods": ["interception"]},
        )
    return team.collected(country, reference, **fields)  # type: ignore[arg-type]


def test_intercept_product_before_the_courts_of_england_and_wales(team: Team) -> None:
    # Given a document: not intercept product
    document = team.collected("NL", "DOC", occurred_at=days_ago(20), kept_at=days_ago(20, "09:30"))
    team.reached(document, "GB", "US-06", "PASS")
    # an NL intercept whose interception order is not named: where it was conducted is not
    # on record
    unordered = interception(team, "NL", "NL-TAP-0", ordered=False)
    [unknown] = team.reached(unordered, "GB", "US-06", "UNKNOWN")
    assert unknown["missing"] == "the interception order"
    # an NL intercept under NL's order: admissible at the court's discretion, a flag
    foreign = interception(team, "NL", "NL-TAP-1")
    [risk] = team.reached(foreign, "GB", "US-06", "RISK")
    assert "PACE s.78" in risk["reason"]
    # a GB intercept under a GB warrant: excluded (IPA s.56)
    domestic = interception(team, "GB", "GB-TAP-1")
    [failed] = team.reached(domestic, "GB", "US-06", "FAIL")
    assert "IPA s.56" in failed["reason"]
