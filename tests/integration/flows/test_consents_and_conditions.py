"""US-02, US-03, US-04, US-05 and DI-02 through the API, from recorded facts: a party asks the
originating party's consent (to use an item for another offence, to disclose it, to send it
on outside the JIT), the originator grants or refuses it; the sender attaches conditions to
an item (on its use, its onward transfer, its disclosure), met or lifted later; an item sent
on to a state outside the JIT. Every outcome of these rules is reached; the facts go into a
disclosure bundle that verifies; bad input leaves no event.

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


def ledger(team: Team, reference: str, days: float = 30, **fields: Any) -> str:
    """An XA item (ledgers found in a search), collected `days` ago."""
    return team.collected(
        "XA", reference, occurred_at=days_ago(days), kept_at=days_ago(days, "10:00"), **fields
    )


def ask(team: Team, item: str, body: dict[str, Any], country: str = "XB") -> None:
    team.post(team.legal[country], f"/evidence/{item}/consent-requests", body)


def decide(team: Team, item: str, rest: str, body: dict[str, Any]) -> None:
    team.post(team.legal["XA"], f"/evidence/{item}/{rest}", body)


def reasons(results: list[dict[str, Any]]) -> str:
    return " | ".join(r["reason"] for r in results)


def test_a_use_for_another_offence_turns_on_the_request_and_its_answer(people: People) -> None:
    # Given an XA-XB JIT on human trafficking; XB uses XA's ledgers in a VAT case
    team = open_team(people, ["XA", "XB"])
    item = ledger(team, "L-ASKED")
    team.use(team.legal["XB"], item, "XB-VAT-1", "VAT fraud", "other_offence", days_ago(20))
    # Then, with no consent asked, the use is restricted to the JIT's purpose
    [restricted] = team.reached(item, "XB", "US-02", "RESTRICT")
    assert "without XA's consent" in restricted["reason"]
    # When XB asks XA's consent
    ask(
        team,
        item,
        {"purpose": "other_offence", "offence": "VAT fraud", "occurred_at": days_ago(15)},
    )
    # Then it stays restricted, saying the request awaits its answer
    [waiting] = team.reached(item, "XB", "US-02", "RESTRICT")
    assert "XB asked XA's consent" in waiting["reason"]
    assert "ConsentRequested" in {e["event"] for e in waiting["rests_on"]}
    before_grant = log_of(team.leader, team.id)[-1]["position"]
    # When XA grants it, after the use: the use stands, with a warning
    decide(
        team,
        item,
        "consents",
        {
            "to_country": "XB",
            "purpose": "other_offence",
            "offence": "VAT fraud",
            "occurred_at": days_ago(10),
        },
    )
    team.reached(item, "XB", "US-02", "WARN")
    # and as of before the grant, it was restricted (by the date asked and by the log)
    team.reached(item, "XB", "US-02", "RESTRICT", on=days_ago(12))
    team.reached(item, "XB", "US-02", "RESTRICT", as_of=before_grant)

    # An item asked for and granted before the use: it passes
    granted = ledger(team, "L-GRANTED")
    ask(
        team,
        granted,
        {"purpose": "other_offence", "offence": "VAT fraud", "occurred_at": days_ago(15)},
    )
    decide(
        team,
        granted,
        "consents",
        {
            "to_country": "XB",
            "purpose": "other_offence",
            "offence": "VAT fraud",
            "occurred_at": days_ago(10),
        },
    )
    team.use(team.legal["XB"], granted, "XB-VAT-2", "VAT fraud", "other_offence", days_ago(5))
    team.reached(granted, "XB", "US-02", "PASS")
    team.reached(granted, "XA", "US-02", "PASS")  # XA's own evidence

    # An item whose use XA refuses: it fails for that offence
    refused = ledger(team, "L-REFUSED")
    team.use(team.legal["XB"], refused, "XB-TAX-1", "tax evasion", "other_offence", days_ago(8))
    ask(
        team,
        refused,
        {"purpose": "other_offence", "offence": "tax evasion", "occurred_at": days_ago(7)},
    )
    decide(
        team,
        refused,
        "consent-refusals",
        {
            "to_country": "XB",
            "purpose": "other_offence",
            "offence": "tax evasion",
            "reason": "a case of our own is pending",
            "occurred_at": days_ago(3),
        },
    )
    [failed] = team.reached(refused, "XB", "US-02", "FAIL")
    assert "XA refused its consent" in failed["reason"]
    assert "a case of our own is pending" in failed["reason"]
    # before the refusal, the open request restricted it (by the date asked, and by the log
    # as recorded before the refusal)
    team.reached(refused, "XB", "US-02", "RESTRICT", on=days_ago(5))
    before_refusal = log_of(team.leader, team.id)[-2]["position"]
    team.reached(refused, "XB", "US-02", "RESTRICT", as_of=before_refusal)


def test_speciality_binds_material_received_by_mutual_legal_assistance(people: People) -> None:
    # Given XB reads speciality (US-04); XA executed an MLA request for bank records
    team = open_team(people, ["XA", "XB"])
    with_rule(team, "XB", "US-04")
    mla = team.authorisation(
        "XA",
        kind="mla_request",
        authority="XA central authority",
        reference="MLA-1",
        occurred_at=days_ago(60),
        valid_from=days_ago(60),
        valid_until=days_ago(-60),
        scope={"methods": ["production"]},
    )
    item = ledger(team, "BANK-1", method="production of records", authorisation_id=mla)
    team.use(team.legal["XB"], item, "XB-TRAFF-1", "human trafficking", "jit", days_ago(20))
    team.reached(item, "XB", "US-04", "PASS")
    # When XB uses it in another case
    team.use(team.legal["XB"], item, "XB-VAT-3", "VAT fraud", "other_offence", days_ago(10))
    # Then speciality restricts it, until XA, the requested state, consents
    team.reached(item, "XB", "US-04", "RESTRICT")
    decide(
        team,
        item,
        "consents",
        {
            "to_country": "XB",
            "purpose": "other_offence",
            "offence": "VAT fraud",
            "occurred_at": days_ago(2),
        },
    )
    [lifted] = team.reached(item, "XB", "US-04", "PASS")
    assert "consented to this use" in lifted["reason"]


def test_the_senders_conditions_bind_until_met_or_lifted(people: People) -> None:
    # Given XB reads the sender's conditions (US-03) and disclosure restrictions (DI-02)
    team = open_team(people, ["XA", "XB"])
    with_rule(team, "XB", "US-03")
    with_rule(team, "XB", "DI-02")
    item = ledger(team, "L-COND")
    team.reached(item, "XB", "US-03", "PASS")
    team.reached(item, "XB", "DI-02", "PASS")
    # When XA, sending it, attaches a condition on its use for XB, and one on disclosure
    decide(
        team,
        item,
        "conditions",
        {
            "kind": "use",
            "text": "only in the trafficking case",
            "to_country": "XB",
            "occurred_at": days_ago(20),
        },
    )
    decide(
        team,
        item,
        "conditions",
        {
            "kind": "disclosure",
            "text": "no disclosure of the informant's name",
            "occurred_at": days_ago(20),
        },
    )
    # Then XB may use it only under the condition, and disclosure needs XA's consent
    [restricted] = team.reached(item, "XB", "US-03", "RESTRICT")
    assert "only in the trafficking case" in restricted["reason"]
    [warned] = team.reached(item, "XB", "DI-02", "WARN")
    assert "no disclosure of the informant's name" in warned["reason"]
    # When XB records the use condition met, and asks, then receives, consent to disclose
    team.post(
        team.legal["XB"],
        f"/evidence/{item}/conditions-met",
        {"number": 1, "note": "the trafficking case ended", "occurred_at": days_ago(5)},
    )
    ask(team, item, {"purpose": "disclosure", "occurred_at": days_ago(6)})
    decide(
        team,
        item,
        "consents",
        {"to_country": "XB", "purpose": "disclosure", "occurred_at": days_ago(4)},
    )
    # Then both pass, saying why
    [met] = team.reached(item, "XB", "US-03", "PASS")
    assert "met on" in met["reason"]
    [consented] = team.reached(item, "XB", "DI-02", "PASS")
    assert "consented to disclose it in XB" in consented["reason"]
    # and as of before, the condition bound XB
    team.reached(item, "XB", "US-03", "RESTRICT", on=days_ago(10))
    # A disclosure condition XA lifts no longer restricts
    lifted = ledger(team, "L-LIFTED")
    decide(
        team,
        lifted,
        "conditions",
        {"kind": "disclosure", "text": "ask us first", "occurred_at": days_ago(20)},
    )
    decide(
        team,
        lifted,
        "conditions-lifted",
        {"number": 1, "reason": "the informant testified", "occurred_at": days_ago(2)},
    )
    [gone] = team.reached(lifted, "XB", "DI-02", "PASS")
    assert "lifted on" in gone["reason"]
    # Whether disclosure is restricted cannot be told on a date before the authorisation
    # the item names was issued (it was issued after the search, valid from before)
    order = team.authorisation(
        "XA",
        kind="search_warrant",
        occurred_at=days_ago(5),
        valid_from=days_ago(30),
        valid_until=days_ago(-30),
        scope={"methods": ["search"]},
    )
    searched = ledger(team, "L-SEARCH", days=20, method="search", authorisation_id=order)
    team.reached(searched, "XB", "DI-02", "UNKNOWN", on=days_ago(10))
    team.reached(searched, "XB", "DI-02", "PASS")


def test_an_onward_transfer_outside_the_jit_needs_the_originators_consent(
    people: People,
) -> None:
    # Given XA's item, sent on by XB to CH (outside the JIT) with no consent, against XA's
    # condition
    team = open_team(people, ["XA", "XB"])
    item = ledger(team, "L-ONWARD")
    team.reached(item, "XB", "US-05", "PASS")
    decide(
        team,
        item,
        "conditions",
        {"kind": "onward_transfer", "text": "not to leave the JIT", "occurred_at": days_ago(25)},
    )
    team.post(
        team.legal["XB"],
        f"/evidence/{item}/onward-transfers",
        {
            "to_country": "CH",
            "recipient": "CH federal police",
            "reason": "asked by CH",
            "occurred_at": days_ago(10),
        },
    )
    [failed] = team.reached(item, "XB", "US-05", "FAIL")
    assert "without XA's prior authorisation" in failed["reason"]
    assert "not to leave the JIT" in failed["reason"]
    team.reached(item, "XA", "US-05", "FAIL")
    # An item whose onward transfer XA authorised before: it passes
    authorised = ledger(team, "L-AUTHORISED")
    ask(
        team,
        authorised,
        {"purpose": "onward_transfer", "to_country": "CH", "occurred_at": days_ago(12)},
    )
    decide(
        team,
        authorised,
        "consents",
        {"to_country": "CH", "purpose": "onward_transfer", "occurred_at": days_ago(11)},
    )
    team.post(
        team.legal["XB"],
        f"/evidence/{authorised}/onward-transfers",
        {
            "to_country": "CH",
            "recipient": "CH federal police",
            "reason": "asked by CH",
            "occurred_at": days_ago(10),
        },
    )
    [passed] = team.reached(authorised, "XB", "US-05", "PASS")
    assert "with XA's authorisation" in passed["reason"]

    # the facts are in a disclosure bundle, which verifies
    bundle = team.leader.post(team.path("/disclosures"), json={"purpose": "to the defence"})
    assert bundle.status_code == 201, bundle.text
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as z:
        events = [json.loads(line) for line in z.read("events.jsonl").splitlines()]
        records = json.loads(z.read("records.json"))
        report = z.read("report.html").decode()
    kinds = {e["topic"].rpartition(".")[2] for e in events}
    assert kinds >= {"ConsentRequested", "ConsentGranted", "ConditionAttached", "SentOnward"}
    facts = {(f["fact"], f["for"]) for f in records["consents_and_conditions"]}
    assert facts >= {
        ("consent requested", "CH"),
        ("consent granted", "CH"),
        ("condition attached", ""),
        ("sent on outside the JIT", "CH"),
    }
    assert "CH federal police" in report and "not to leave the JIT" in report
    assert verify_bundle(io.BytesIO(bundle.content)).ok


def refused(team: Team, person: Any, rest: str, body: dict[str, Any], status: int) -> str:
    """The request is refused with `status`, and the log holds the same events after."""
    before = len(log_of(team.leader, team.id))
    response = person.post(team.path(rest), json=body)
    assert response.status_code == status, response.text
    assert len(log_of(team.leader, team.id)) == before
    return str(response.json().get("detail", ""))


def test_bad_consents_and_conditions_are_refused_and_leave_no_event(people: People) -> None:
    team = open_team(people, ["XA", "XB"])
    item = ledger(team, "L-BAD")
    xa, xb = team.legal["XA"], team.legal["XB"]
    requests = f"/evidence/{item}/consent-requests"
    # the originator asks itself; an unknown purpose; an onward transfer to no state, to a
    # party, to a code that is no state's
    assert "no consent of its own" in refused(team, xa, requests, {"purpose": "disclosure"}, 422)
    refused(team, xb, requests, {"purpose": "sale"}, 400)
    assert "name the state" in refused(team, xb, requests, {"purpose": "onward_transfer"}, 422)
    onward = {"purpose": "onward_transfer", "to_country": "XA"}
    assert "party of this JIT" in refused(team, xb, requests, onward, 422)
    refused(team, xb, requests, {"purpose": "onward_transfer", "to_country": "ZZ"}, 422)
    # an investigator may not ask
    refused(team, team.investigators["XB"], requests, {"purpose": "disclosure"}, 403)
    # the same request twice
    team.post(xb, requests, {"purpose": "disclosure", "occurred_at": days_ago(5)})
    assert "open already" in refused(team, xb, requests, {"purpose": "disclosure"}, 409)
    # a refusal with no request open; one dated before the request; by the asking party
    refusals = f"/evidence/{item}/consent-refusals"
    none_open = {"to_country": "XB", "purpose": "other_offence", "reason": "no"}
    assert "no open request" in refused(team, xa, refusals, none_open, 409)
    early = {
        "to_country": "XB",
        "purpose": "disclosure",
        "reason": "no",
        "occurred_at": days_ago(6),
    }
    refused(team, xa, refusals, early, 409)
    refused(team, xb, refusals, early | {"occurred_at": days_ago(1)}, 403)
    # a grant dated before the request it answers
    grants = f"/evidence/{item}/consents"
    refused(
        team,
        xa,
        grants,
        {"to_country": "XB", "purpose": "disclosure", "occurred_at": days_ago(6)},
        409,
    )
    # conditions: empty text, an unknown kind, a state outside the JIT, by another party
    conditions = f"/evidence/{item}/conditions"
    refused(team, xa, conditions, {"kind": "use", "text": ""}, 400)
    refused(team, xa, conditions, {"kind": "colour", "text": "blue"}, 400)
    refused(team, xa, conditions, {"kind": "use", "text": "x", "to_country": "CH"}, 422)
    refused(team, xb, conditions, {"kind": "use", "text": "x"}, 403)
    # a condition met that does not exist; met twice; lifted by the bound party
    met = f"/evidence/{item}/conditions-met"
    refused(team, xb, met, {"number": 1, "note": "done"}, 404)
    team.post(
        xa,
        conditions,
        {"kind": "use", "text": "only here", "to_country": "XB", "occurred_at": days_ago(3)},
    )
    refused(team, xb, met, {"number": 1, "note": "done", "occurred_at": days_ago(4)}, 409)
    team.post(xb, met, {"number": 1, "note": "done"})
    assert "already met or lifted" in refused(team, xb, met, {"number": 1, "note": "again"}, 409)
    lift = f"/evidence/{item}/conditions-lifted"
    refused(team, xb, lift, {"number": 1, "reason": "we like it"}, 403)
    # an onward transfer to a party of the JIT, or to no one named
    transfers = f"/evidence/{item}/onward-transfers"
    body = {"to_country": "XA", "recipient": "police", "reason": "asked"}
    assert "through custody" in refused(team, xb, transfers, body, 422)
    refused(team, xb, transfers, body | {"to_country": "CH", "recipient": " "}, 422)
