"""Three stories of evidence crossing three states of a JIT, played through the API with dates
relative to now, each read back as of points of its telling by log position and by recording
time (`as_of`), and where the story turns on a date, as of that date (`on`): at each point the
verdicts are those the story had reached then. Each party adopts its shipped (illustrative)
rulebook. Verdicts are risk flags for lawyers, not rulings: the court decides.

F. An intercept passed DE -> NL -> GB, with a late consent. A German judge orders the
   interception of a phone; the BKA passes the product to the Dutch police, who pass it to
   the NCA. Before the English court it is foreign-initiated interception, admissible subject
   to the court's fairness discretion (US-06, PACE s.78): at risk throughout. The CPS also
   uses it in a money-laundering case before Germany consents: restricted (US-02) until the
   consent, then a warning for the use made before it. While the handover to the NCA had no
   receipt, the intercept was at risk in every forum (CU-02).
G. A phone seized in BE, imaged in NL, used in a FR proceeding for another offence. Belgian
   police seize and seal a phone and make a triage extraction; it spends three days in
   transit to the NFI, which finds the seal intact, opens it on the prosecutor's authority
   and images the phone. The French court uses the image in a bank-fraud case before the
   Netherlands consents: restricted in FR (US-02) until the consent, then admissible with a
   warning; the phone carries a warning everywhere for its days in transit (CU-01).
H. A confession in BE without a caution, analysed by Europol, raised late in FR. A suspect
   is interviewed in Belgium without the caution (CO-02: excluded everywhere) and Europol's
   link chart is built on the recording (IN-03: it falls with it). In FR a defect not raised
   within six months of the collection is forfeited (PR-01): the confession and the chart
   stand there until the defence's motion, made in time, is recorded; then both fail there
   too. Europol is a party with no courts: it has no verdicts of its own.
"""

from __future__ import annotations

import hashlib
from typing import Any

from tests.integration.admissibility_support import (
    Team,
    days_ago,
    issues,
    open_team,
    reached,
    rules_at,
)
from tests.support import People


def receive(team: Team, country: str, item: str, at: str, **seal: str) -> None:
    """`country`'s investigator records the receipt of the item (no seal, unless `seal`)."""
    body = {"seal_condition": "absent", "occurred_at": at} | seal
    team.post(team.investigators[country], f"/evidence/{item}/custody/receipt", body)


def consent(team: Team, origin: str, item: str, to: str, offence: str, at: str) -> None:
    """`origin`'s legal advisor consents to `to`'s use of the item for `offence`."""
    team.post(
        team.legal[origin],
        f"/evidence/{item}/consents",
        {"to_country": to, "purpose": "other_offence", "offence": offence, "occurred_at": at},
    )


def us02(explained: dict[str, Any]) -> list[str]:
    """US-02's outcomes, one per use (the rule belongs to the consent facts)."""
    return sorted(r["outcome"] for r in explained["results"] if r["rule"] == "US-02")


def test_f_an_intercept_passed_de_nl_gb_with_a_late_consent(people: People) -> None:
    team = open_team(people, ["DE", "NL", "GB"], purpose="drug trafficking")
    de, nl, gb = (team.investigators[c] for c in ("DE", "NL", "GB"))
    order = team.authorisation(
        "DE",
        kind="interception_order",
        authority="Ermittlungsrichter, BGH",
        occurred_at=days_ago(70, "08:00"),
        valid_from=days_ago(70, "08:00"),
        valid_until=days_ago(-20, "08:00"),
        scope={"targets": ["phone +49 170 0000001"], "methods": ["interception"]},
    )
    tap = team.collected(
        "DE",
        "DE-TAP-1",
        kind="intercepted_communication",
        method="interception",
        occurred_at=days_ago(60),
        authorisation_id=order,
        kept_at=days_ago(60, "09:30"),
        content=b"calls of the target, 60 days ago",
    )
    # the BKA passes the product to the Dutch police, who pass it on to the NCA (the NCA
    # re-verifies its hash on receipt)
    team.transfer(de, tap, "NL", nl, "joint analysis in Rotterdam", days_ago(50))
    receive(team, "NL", tap, days_ago(50, "15:00"))
    team.transfer(nl, tap, "GB", gb, "prosecution in England", days_ago(40))
    handed = team.point()
    receive(team, "GB", tap, days_ago(40, "16:00"))
    team.post(gb, f"/evidence/{tap}/verification", {})
    # the disclosure officer schedules it as used material (CPIA), then the CPS uses it for
    # the JIT's offence, and in a money-laundering case
    for step, at in (("reviewed", days_ago(39)), ("scheduled_used", days_ago(35))):
        team.post(gb, f"/evidence/{tap}/disclosure-schedule", {"step": step, "occurred_at": at})
    team.use(gb, tap, "R v K (Crown Court)", "drug trafficking", "jit", days_ago(30))
    team.use(gb, tap, "R v K and others (laundering)", "money laundering", "other_offence",
             days_ago(25))  # fmt: skip
    used = team.point()
    # Germany consents to the laundering case, after that use
    consent(team, "DE", tap, "GB", "money laundering", days_ago(10))
    consented = team.point()

    # While the NCA's receipt was not on record, the intercept was at risk in every forum
    then = team.explain_at(tap, handed)
    for country in ("DE", "NL", "GB"):
        reached(then[country], "CU-02", "RISK")
        reached(then[country], "IN-02", "WARN")  # not re-verified since it changed hands
    assert then["NL"]["verdict"] == "at risk", issues(then["NL"])
    assert rules_at(then["NL"], "RISK") == {"CU-02"}
    # Once used in England: admissible in NL; in GB foreign-initiated interception at the
    # court's discretion (a risk) and the laundering case restricted without consent
    then = team.explain_at(tap, used)
    assert then["NL"]["outcome"] == "PASS", issues(then["NL"])
    reached(then["GB"], "US-06", "RISK")
    reached(then["GB"], "CU-02", "PASS")
    reached(then["GB"], "IN-02", "PASS")
    [jit_use] = reached(then["GB"], "US-01", "PASS")
    assert jit_use["use"] == "R v K (Crown Court)"
    reached(then["GB"], "DI-01", "PASS")  # on the schedule before its use
    assert then["GB"]["verdict"] == "at risk"
    assert us02(then["GB"]) == ["RESTRICT"]
    # With the consent: the laundering use made before it is a warning; the court's
    # discretion remains
    for now in (team.explain(tap), team.explain_at(tap, consented)):
        assert now["NL"]["outcome"] == "PASS", issues(now["NL"])
        assert now["GB"]["verdict"] == "at risk"
        reached(now["GB"], "US-06", "RISK")
        assert us02(now["GB"]) == ["WARN"]
    # and as of a date before the consent, what had happened by then was still restricted
    before_consent = team.explain(tap, on=days_ago(15))
    assert us02(before_consent["GB"]) == ["RESTRICT"]
    reached(before_consent["GB"], "US-06", "RISK")


def test_g_a_phone_seized_in_be_imaged_in_nl_used_in_fr_for_another_offence(
    people: People,
) -> None:
    team = open_team(people, ["BE", "NL", "FR"], purpose="human trafficking")
    be, nl, fr = (team.investigators[c] for c in ("BE", "NL", "FR"))
    warrant = team.authorisation(
        "BE",
        kind="search_warrant",
        authority="juge d'instruction, Bruxelles",
        occurred_at=days_ago(70, "08:00"),
        valid_from=days_ago(70, "08:00"),
        valid_until=days_ago(-30, "08:00"),
        scope={"methods": ["search", "seizure", "forensic imaging"]},
    )
    triage = b"BE triage extraction of the phone"
    phone = team.collected(
        "BE",
        "BE-PHONE",
        kind="seized_device",
        method="seizure",
        occurred_at=days_ago(60),
        authorisation_id=warrant,
        kept_at=days_ago(60, "09:30"),
        content=triage,
    )
    team.post(
        be,
        f"/evidence/{phone}/custody/seal",
        {"seal_number": "BE-2231", "occurred_at": days_ago(60, "09:40")},
    )
    # sent to the NFI; it arrives three days later, its seal intact
    team.transfer(be, phone, "NL", nl, "full imaging at the NFI", days_ago(58))
    in_transit = team.point()
    receive(team, "NL", phone, days_ago(55), seal_condition="intact", seal_number="BE-2231")
    team.post(nl, f"/evidence/{phone}/verification", {})
    team.post(
        nl,
        f"/evidence/{phone}/seal-opening",
        {
            "seal_number": "BE-2231",
            "authorised_by": "officier van justitie, Rotterdam",
            "occurred_at": days_ago(55, "12:00"),
        },
    )
    # the NFI images the phone under the Belgian warrant
    image = team.collected(
        "NL",
        "NL-IMAGE",
        kind="forensic_image",
        method="forensic imaging",
        occurred_at=days_ago(54),
        authorisation_id=warrant,
        kept_at=days_ago(54, "10:00"),
        content=b"full physical image of the phone",
    )
    team.post(
        nl,
        f"/evidence/{image}/derivation",
        {
            "parent_id": phone,
            "parent_sha256": hashlib.sha256(triage).hexdigest(),
            "relation": "extraction",
            "tool": "XRY",
            "tool_version": "10.9",
            "made_by": "NFI, digital forensics",
            "occurred_at": days_ago(54, "11:00"),
        },
    )
    # a French court uses the image in a bank-fraud case, before NL consents
    team.use(fr, image, "Paris, escroquerie bancaire", "bank fraud", "other_offence", days_ago(20))
    used = team.point()
    consent(team, "NL", image, "FR", "bank fraud", days_ago(10))
    consented = team.point()

    # In transit, with no receipt: the phone at risk everywhere
    then = team.explain_at(phone, in_transit)
    for country in ("BE", "NL", "FR"):
        reached(then[country], "CU-02", "RISK")
        assert then[country]["verdict"] == "at risk", issues(then[country])
    assert ("NL-IMAGE", "FR") not in team.matrix_at(in_transit)
    # Once received: a warning everywhere for three days in transit, the seal as put
    for point in (used, consented):
        then = team.explain_at(phone, point)
        for country in ("BE", "NL", "FR"):
            assert then[country]["outcome"] == "WARN", issues(then[country])
            [transit] = reached(then[country], "CU-01", "WARN")
            assert transit["reason"].startswith("in transit for 3 days")
            reached(then[country], "CU-02", "PASS")
            reached(then[country], "CU-03", "PASS")
            reached(then[country], "IN-02", "PASS")
    # The image: covered by the warrant, linked to the phone's hash; in FR, the fraud case
    # restricted until NL's consent, then admissible with a warning for the earlier use
    then = team.explain_at(image, used)
    for country in ("BE", "NL"):
        assert then[country]["outcome"] == "PASS", issues(then[country])
    reached(then["FR"], "AU-04", "PASS")
    reached(then["FR"], "IN-03", "PASS")
    assert then["FR"]["verdict"] == "at risk" and us02(then["FR"]) == ["RESTRICT"]
    for now in (team.explain(image), team.explain_at(image, consented)):
        assert now["FR"]["verdict"] == "admissible", issues(now["FR"])
        assert now["FR"]["outcome"] == "WARN" and us02(now["FR"]) == ["WARN"]
        reached(now["FR"], "US-01", "PASS")
        reached(now["FR"], "PR-01", "PASS")  # nothing to raise
    # and as of a day between the use and the consent, restricted
    assert us02(team.explain(image, on=days_ago(15))["FR"]) == ["RESTRICT"]


def test_h_a_confession_without_caution_analysed_by_europol_raised_late_in_fr(
    people: People,
) -> None:
    team = open_team(
        people,
        ["BE", "FR", "DE", "EUROPOL"],
        rulebooks={"BE": "be", "FR": "fr", "DE": "de"},
    )
    audio = b"recording of the interview"
    confession = team.collected(
        "BE",
        "BE-INT-7",
        kind="suspect_interview",
        method="interview",
        occurred_at=days_ago(200),
        kept_at=days_ago(200, "11:00"),
        content=audio,
    )
    team.post(
        team.investigators["BE"],
        f"/evidence/{confession}/interview",
        {
            "suspect_language": "fr",
            "interview_language": "fr",
            "caution_given": False,
            "lawyer": "present",
            "occurred_at": days_ago(200),
        },
    )
    chart = team.collected(
        "EUROPOL",
        "EP-CHART",
        kind="analysis_report",
        method="analysis",
        occurred_at=days_ago(150),
        kept_at=days_ago(150, "10:00"),
        content=b"link chart",
    )
    team.post(
        team.investigators["EUROPOL"],
        f"/evidence/{chart}/derivation",
        {
            "parent_id": confession,
            "parent_sha256": hashlib.sha256(audio).hexdigest(),
            "relation": "analysis",
            "tool": "i2 Analyst's Notebook",
            "tool_version": "10",
            "made_by": "Europol analyst",
            "occurred_at": days_ago(150, "11:00"),
        },
    )
    before_motion = team.point()
    # the French defence's nullity motion, made within six months, recorded only now
    team.post(
        team.legal["FR"],
        f"/evidence/{confession}/defects",
        {"rule": "CO-02", "note": "requête en nullité", "occurred_at": days_ago(100)},
    )
    raised = team.point()

    def excluded_in_be_and_de(confession_: dict[str, Any], chart_: dict[str, Any]) -> None:
        for country in ("BE", "DE"):
            assert confession_[country]["verdict"] == "inadmissible"
            [failed] = reached(confession_[country], "CO-02", "FAIL")
            assert failed["reason"] == "no caution before the interview"
            reached(confession_[country], "CO-01", "PASS")
            assert chart_[country]["verdict"] == "inadmissible"
            [inherited] = reached(chart_[country], "IN-03", "FAIL")
            assert "BE-INT-7" in inherited["reason"]

    # Before the motion was on record: excluded in BE and DE; in FR forfeited, and the
    # chart stands on it
    confession_then = team.explain_at(confession, before_motion)
    chart_then = team.explain_at(chart, before_motion)
    excluded_in_be_and_de(confession_then, chart_then)
    assert confession_then["FR"]["outcome"] == "FORFEITED"
    reached(confession_then["FR"], "PR-01", "FORFEITED")
    assert chart_then["FR"]["outcome"] == "PASS", issues(chart_then["FR"])
    reached(chart_then["FR"], "IN-03", "PASS")
    # Europol has no courts: no verdicts of its own
    assert {c for _, c in team.matrix_at(before_motion)} == {"BE", "FR", "DE"}
    # Once the motion is on record: both fail in FR too; the chart's own time to raise a
    # defect runs still
    for at in (None, raised):
        confession_now = team.explain(confession) if at is None else team.explain_at(confession, at)
        chart_now = team.explain(chart) if at is None else team.explain_at(chart, at)
        excluded_in_be_and_de(confession_now, chart_now)
        assert confession_now["FR"]["verdict"] == "inadmissible"
        reached(confession_now["FR"], "CO-02", "FAIL")
        reached(confession_now["FR"], "PR-01", "PASS")
        assert chart_now["FR"]["verdict"] == "inadmissible"
        reached(chart_now["FR"], "IN-03", "FAIL")
        reached(chart_now["FR"], "PR-01", "UNKNOWN")
    # and as of a date before the six months had passed, with no motion made yet by then, the
    # defect could still be raised in FR
    early = team.explain(confession, on=days_ago(190))
    reached(early["FR"], "CO-02", "FAIL")
    reached(early["FR"], "PR-01", "UNKNOWN")
