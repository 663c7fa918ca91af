"""AU-06, AU-09, AU-11 and AU-12 through the API, from recorded facts: the offences a
measure was ordered for and the offence each use serves, read against each forum's catalogue
of offences for that measure; a seconded member's measure entrusted by the host state; the
formalities a forum asked for and whether the issuing state met them. Every outcome of these
rules is reached; the facts go into a disclosure bundle that verifies; bad input leaves no
event.

Dates are relative to now."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from jitspace.disclosure.checking import verify_bundle
from tests.integration.admissibility_support import Team, days_ago, open_team
from tests.support import People, log_of


def with_rule(team: Team, country: str, rule: str, **params: Any) -> None:
    team.post(
        team.legal[country],
        f"/rulebooks/{country}/rules",
        {"rule": rule, "params": params, "reason": f"{rule} applies here"},
    )


def order(team: Team, country: str, kind: str, *, qualified: bool = True, **fields: Any) -> str:
    """An order of `country`, issued 40 days ago, in force for 100 days; qualified by a judge
    for human trafficking unless `qualified` is false."""
    body = {
        "kind": kind,
        "country": country,
        "authority": "investigating judge",
        "reference": f"{country}-{kind}-{len(fields)}",
        "conditions": "",
        "occurred_at": days_ago(40),
        "valid_from": days_ago(40),
        "valid_until": days_ago(-60),
        "scope": {"methods": ["interception", "search", "production"]},
    } | fields
    made = team.post(team.legal[country], "/authorisations", body, 201)
    if qualified:
        qualification = {"issuer": "judge", "offences": ["human trafficking"]}
        team.post(team.legal[country], f"/authorisations/{made['id']}/qualification", qualification)
    return str(made["id"])


def item(team: Team, country: str, reference: str, authorisation: str, days: float = 20) -> str:
    """An item collected by `country` under `authorisation`, `days` ago."""
    return team.collected(
        country,
        reference,
        kind="intercepted_communication",
        method="interception",
        occurred_at=days_ago(days),
        authorisation_id=authorisation,
        kept_at=days_ago(days, "10:00"),
        content=f"data of {reference}".encode(),
    )


def test_each_use_serves_an_offence_of_the_measures_catalogue(people: People) -> None:
    # Given XA reads the catalogue of interceptions (AU-06): named offences, or those
    # carrying five years or more
    team = open_team(people, ["XA", "XB"])
    with_rule(
        team,
        "XA",
        "AU-06",
        offences={"interception_order": ["human trafficking"]},
        threshold_years={"interception_order": 5},
        penalties={"money laundering": 5, "VAT fraud": 3},
    )
    # an order whose offences are not recorded: unknown
    unqualified = order(team, "XA", "interception_order", qualified=False, reference="XA-U")
    unknown = item(team, "XA", "I-UNQUALIFIED", unqualified)
    team.reached(unknown, "XA", "AU-06", "UNKNOWN")
    # an order for theft, outside the catalogue: fails
    theft = order(team, "XA", "interception_order", qualified=False, reference="XA-T")
    team.post(
        team.legal["XA"],
        f"/authorisations/{theft}/qualification",
        {"issuer": "judge", "offences": ["theft"]},
    )
    team.reached(item(team, "XA", "I-THEFT", theft), "XA", "AU-06", "FAIL")
    # an order for human trafficking: the data serve trafficking and money laundering (five
    # years), not VAT fraud (three)
    trafficking = order(team, "XA", "interception_order")
    data = item(team, "XA", "I-TRAFFICKING", trafficking)
    team.use(team.legal["XA"], data, "XA-ML-1", "money laundering", "other_offence", days_ago(9))
    team.reached(data, "XA", "AU-06", "PASS")
    team.use(team.legal["XA"], data, "XA-VAT-1", "VAT fraud", "other_offence", days_ago(5))
    results = team.reached(data, "XA", "AU-06", "FAIL")
    by_use = {r["use"]: r["outcome"] for r in results if r["use"]}
    assert by_use == {"XA-ML-1": "PASS", "XA-VAT-1": "FAIL"}
    # as of before the VAT use, it passed
    team.reached(data, "XA", "AU-06", "PASS", on=days_ago(7))


def test_the_forum_could_have_ordered_the_measure_for_this_offence(people: People) -> None:
    # Given XB's shipped rulebook: production orders only by a judge; interceptions only for
    # human trafficking or offences of five years or more
    team = open_team(people, ["XA", "XB"])
    interception = order(team, "XA", "interception_order")
    data = item(team, "XA", "I-XB", interception)
    team.reached(data, "XB", "AU-12", "PASS")
    team.use(team.legal["XB"], data, "XB-TRAFF-1", "human trafficking", "jit", days_ago(10))
    team.reached(data, "XB", "AU-12", "PASS")
    # When XB uses it for VAT fraud: usable for the other offences only
    team.use(team.legal["XB"], data, "XB-VAT-1", "VAT fraud", "other_offence", days_ago(5))
    [*_, vat] = team.reached(data, "XB", "AU-12", "RESTRICT")
    assert vat["use"] == "XB-VAT-1" and "could not order" in vat["reason"]

    # a production order by a prosecutor: only a judge could order it in XB
    production = order(team, "XA", "production_order", qualified=False, reference="XA-P")
    records = item(team, "XA", "BANK-XB", production)
    team.reached(records, "XB", "AU-12", "UNKNOWN")
    team.post(
        team.legal["XA"],
        f"/authorisations/{production}/qualification",
        {"issuer": "prosecutor", "offences": ["human trafficking"]},
    )
    team.reached(records, "XB", "AU-12", "RISK")
    # When XB's legal advisor makes the rule strict: the VAT use fails
    strict = {
        "judge_required_for": ["production_order"],
        "offences": {"interception_order": ["human trafficking"]},
        "severity": "FAIL",
    }
    with_rule(team, "XB", "AU-12", **strict)
    team.reached(data, "XB", "AU-12", "FAIL")


def test_a_seconded_members_measure_is_entrusted_by_the_host_state(people: People) -> None:
    # Given XA reads AU-09; an XB officer seconded to XA intercepts under XA's order
    team = open_team(people, ["XA", "XB"])
    with_rule(team, "XA", "AU-09")
    host = order(team, "XA", "interception_order")
    own = item(team, "XA", "I-HOST", host)
    team.reached(own, "XA", "AU-09", "PASS")
    seconded = item(team, "XB", "I-SECONDED", host)
    team.reached(seconded, "XA", "AU-09", "UNKNOWN")
    # When XA records that its judge entrusted the measure to XB before, as its law allows
    team.post(
        team.legal["XA"],
        f"/authorisations/{host}/entrustments",
        {
            "to_country": "XB",
            "entrusted_by": "investigating judge of A",
            "allowed_by_host_law": True,
            "legal_basis": "Art. 13(6) of the 2000 Convention",
            "occurred_at": days_ago(30),
        },
    )
    [entrusted] = team.reached(seconded, "XA", "AU-09", "PASS")
    assert "entrusted to XB by investigating judge of A" in entrusted["reason"]
    # An order XA's law does not let a seconded member carry out: fails
    other = order(team, "XA", "interception_order", reference="XA-NOT-ALLOWED")
    not_allowed = item(team, "XB", "I-NOT-ALLOWED", other)
    team.post(
        team.legal["XA"],
        f"/authorisations/{other}/entrustments",
        {
            "to_country": "XB",
            "entrusted_by": "XA prosecutor",
            "allowed_by_host_law": False,
            "occurred_at": days_ago(30),
        },
    )
    [failed] = team.reached(not_allowed, "XA", "AU-09", "FAIL")
    assert "does not allow" in failed["reason"]


def test_the_forums_formalities_met_or_why_not(people: People) -> None:
    # Given XB reads AU-11; XA intercepts under its own order
    team = open_team(people, ["XA", "XB"])
    with_rule(team, "XB", "AU-11")
    asked = order(team, "XA", "interception_order")
    data = item(team, "XA", "I-FORMAL", asked)
    team.reached(data, "XB", "AU-11", "PASS")  # nothing asked
    # When XB's forum asks for two formalities
    team.post(
        team.legal["XB"],
        f"/authorisations/{asked}/formalities",
        {
            "formalities": ["transcripts certified", "a judge listens"],
            "requested_by": "XB investigating judge",
            "occurred_at": days_ago(35),
        },
    )
    # Then whether they were met is unknown until XA reports it
    team.reached(data, "XB", "AU-11", "UNKNOWN")
    report = f"/authorisations/{asked}/formality-reports"
    team.post(
        team.legal["XA"],
        report,
        {"formality": "transcripts certified", "by_country": "XB", "met": True},
    )
    team.post(
        team.legal["XA"], report, {"formality": "a judge listens", "by_country": "XB", "met": True}
    )
    team.reached(data, "XB", "AU-11", "PASS")
    # not met, with a reason: the court weighs it
    reasoned = order(team, "XA", "interception_order", reference="XA-R")
    with_reason = item(team, "XA", "I-REASON", reasoned)
    team.post(
        team.legal["XB"],
        f"/authorisations/{reasoned}/formalities",
        {"formalities": ["a judge listens"], "requested_by": "XB investigating judge"},
    )
    team.post(
        team.legal["XA"],
        f"/authorisations/{reasoned}/formality-reports",
        {
            "formality": "a judge listens",
            "by_country": "XB",
            "met": False,
            "reason": "no judge was on duty that night",
        },
    )
    [risk] = team.reached(with_reason, "XB", "AU-11", "RISK")
    assert "no judge was on duty that night" in risk["reason"]
    # not met, and no reason given: fails
    silent = order(team, "XA", "interception_order", reference="XA-S")
    no_reason = item(team, "XA", "I-SILENT", silent)
    team.post(
        team.legal["XB"],
        f"/authorisations/{silent}/formalities",
        {"formalities": ["a judge listens"], "requested_by": "XB investigating judge"},
    )
    team.post(
        team.legal["XA"],
        f"/authorisations/{silent}/formality-reports",
        {"formality": "a judge listens", "by_country": "XB", "met": False},
    )
    [failed] = team.reached(no_reason, "XB", "AU-11", "FAIL")
    assert "no reason was given" in failed["reason"]

    # the facts are in a disclosure bundle, which verifies
    bundle = team.leader.post(team.path("/disclosures"), json={"purpose": "to the defence"})
    assert bundle.status_code == 201, bundle.text
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as z:
        events = [json.loads(line) for line in z.read("events.jsonl").splitlines()]
        records = json.loads(z.read("records.json"))
        report_html = z.read("report.html").decode()
    kinds = {e["topic"].rpartition(".")[2] for e in events}
    assert kinds >= {"FormalitiesRequested", "FormalityReported"}
    [silent_record] = [a for a in records["authorisations"] if a["id"] == silent]
    [formality] = silent_record["formalities"]
    assert (formality["formality"], formality["met"]) == ("a judge listens", False)
    assert "not met (no judge was on duty that night)" in report_html
    assert verify_bundle(io.BytesIO(bundle.content)).ok


def refused(team: Team, person: Any, rest: str, body: dict[str, Any], status: int) -> str:
    """The request is refused with `status`, and the log holds the same events after."""
    before = len(log_of(team.leader, team.id))
    response = person.post(team.path(rest), json=body)
    assert response.status_code == status, response.text
    assert len(log_of(team.leader, team.id)) == before
    return str(response.json().get("detail", ""))


def test_bad_entrustments_and_formalities_are_refused_and_leave_no_event(
    people: People,
) -> None:
    team = open_team(people, ["XA", "XB"])
    measure = order(team, "XA", "interception_order")
    xa, xb = team.legal["XA"], team.legal["XB"]
    entrust = f"/authorisations/{measure}/entrustments"
    body = {"to_country": "XB", "entrusted_by": "judge", "allowed_by_host_law": True}
    # by another state than the host; to the host itself; to a state outside the JIT
    refused(team, xb, entrust, body, 403)
    assert "another party" in refused(team, xa, entrust, body | {"to_country": "XA"}, 422)
    refused(team, xa, entrust, body | {"to_country": "CH"}, 422)
    refused(team, xa, entrust, body | {"allowed_by_host_law": "yes"}, 400)
    # twice
    team.post(xa, entrust, body)
    assert "already recorded" in refused(team, xa, entrust, body, 409)
    # formalities asked by the issuing state itself; none; twice the same
    formalities = f"/authorisations/{measure}/formalities"
    ask = {"formalities": ["a judge listens"], "requested_by": "XB judge"}
    assert "another forum" in refused(team, xa, formalities, ask, 422)
    refused(team, xb, formalities, ask | {"formalities": []}, 400)
    team.post(xb, formalities, ask | {"occurred_at": days_ago(10)})
    assert "already asked" in refused(team, xb, formalities, ask, 409)
    # a report on a formality never asked; by the forum; before the request; twice
    report = f"/authorisations/{measure}/formality-reports"
    answer = {"formality": "a judge listens", "by_country": "XB", "met": True}
    assert "asked for no formality" in refused(
        team, xa, report, answer | {"formality": "a notary"}, 409
    )
    refused(team, xb, report, answer, 403)
    refused(team, xa, report, answer | {"occurred_at": days_ago(11)}, 409)
    refused(team, xa, report, answer | {"reason": "it was"}, 422)
    team.post(xa, report, answer)
    assert "already reported" in refused(team, xa, report, answer, 409)
