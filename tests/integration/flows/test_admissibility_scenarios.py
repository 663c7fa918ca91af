"""The scenarios of DOMAIN.md through the API: the verdict per country and its reason.

Verdicts are risk flags for lawyers, not rulings: the court decides. The scenarios' dates
are when things happened (`occurred_at`); everything is recorded now, so "as of a date" in
DOMAIN.md is the `on` parameter (what had happened by then), over the log as recorded. Each
scenario is also read back as of points of its telling, by log position and by recording
time (`as_of`): the verdicts there are those the story had reached then.
"""

from __future__ import annotations

import hashlib
from typing import Any

from tests.integration.admissibility_support import (
    Point,
    Team,
    days_ago,
    issues,
    open_team,
    reached,
    rules_at,
)
from tests.support import People


def scenario_a(
    people: People, *, nullity_motion: bool
) -> tuple[Team, dict[str, str], dict[str, Point]]:
    team = open_team(people, ["FR", "BE", "NL"])
    order = team.authorisation(
        "FR",
        kind="interception_order",
        authority="juge d'instruction, Paris",
        occurred_at="2024-02-28T10:00:00Z",
        valid_from="2024-03-01T00:00:00Z",
        valid_until="2024-06-30T23:59:59Z",
        scope={"targets": ["phone +33 6 00 00 00 01"], "methods": ["interception"]},
    )
    i1 = team.collected(
        "FR",
        "I-1",
        kind="intercepted_communication",
        method="interception",
        occurred_at="2024-07-01T09:00:00Z",
        authorisation_id=order,
        kept_at="2024-07-01T10:00:00Z",
        content=b"intercepts of 1-2 July",
    )
    points = {"before the renewal": team.point()}
    team.extend("FR", order, "2024-10-31T23:59:59Z", "renewal", "2024-07-03T12:00:00Z")
    i2 = team.collected(
        "FR",
        "I-2",
        kind="intercepted_communication",
        method="interception",
        occurred_at="2024-07-04T09:00:00Z",
        authorisation_id=order,
        kept_at="2024-07-04T10:00:00Z",
        content=b"intercepts from 4 July",
    )
    interview = team.item(
        "BE",
        "INT-1",
        kind="suspect_interview",
        method="interview",
        occurred_at="2024-07-10T09:00:00Z",
    )
    team.post(
        team.investigators["BE"],
        f"/evidence/{interview}/interview",
        {
            "suspect_language": "ro",
            "interview_language": "fr",
            "caution_given": True,
            "lawyer": "present",
            "occurred_at": "2024-07-10T09:00:00Z",
        },
    )
    team.keep("BE", interview, "2024-07-10T11:00:00Z")
    points["told"] = team.point()
    if nullity_motion:  # before the FR court, within six months of the collection
        for item in (i1, interview):
            team.post(
                team.legal["FR"],
                f"/evidence/{item}/defects",
                {"rule": "", "note": "requête en nullité", "occurred_at": "2024-09-02T10:00:00Z"},
            )
    return team, {"I-1": i1, "I-2": i2, "INT-1": interview}, points


def assert_a_as_told(team: Team, ids: dict[str, str], at: Point | None = None) -> None:
    """Scenario A once told, before any nullity motion: I-1 fails in BE and NL (AU-02) and
    is forfeited in FR (PR-01: no nullity raised within six months), I-2 passes in all, the
    interview fails in BE and NL (CO-02, LA-01) and is forfeited in FR; now, or as of `at`."""
    explain = team.explain if at is None else (lambda item: team.explain_at(item, at))
    cells = team.matrix() if at is None else team.matrix_at(at)
    i1, i2, interview = (explain(ids[ref]) for ref in ("I-1", "I-2", "INT-1"))
    for country in ("BE", "NL"):
        assert cells[("I-1", country)]["verdict"] == "inadmissible"
        assert cells[("I-1", country)]["reasons"] == ["AU-02"]
        reached(i1[country], "AU-02", "FAIL")
        assert cells[("INT-1", country)]["verdict"] == "inadmissible"
        assert set(cells[("INT-1", country)]["reasons"]) == {"CO-02", "LA-01"}
        reached(interview[country], "CO-02", "FAIL")
    assert cells[("I-1", "FR")]["outcome"] == "FORFEITED", issues(i1["FR"])
    assert rules_at(i1["FR"], "FORFEITED") == {"AU-02", "PR-01"}
    reached(i1["FR"], "PR-01", "FORFEITED")
    assert cells[("INT-1", "FR")]["outcome"] == "FORFEITED"
    for country in ("FR", "BE", "NL"):
        assert cells[("I-2", country)]["outcome"] == "PASS", issues(i2[country])
        reached(i2[country], "AU-02", "PASS")


def test_a_expired_authorisation_no_nullity_motion_is_forfeited_in_fr(people: People) -> None:
    team, ids, points = scenario_a(people, nullity_motion=False)
    assert_a_as_told(team, ids)
    # as the log stood before the renewal: I-1 had already failed, I-2 was not on record
    before = points["before the renewal"]
    for as_of in (str(before.position), before.recorded_at):
        assert (
            team.leader.get(
                team.path(f"/evidence/{ids['I-2']}/admissibility"), params={"as_of": as_of}
            ).status_code
            == 404
        )
    then = team.explain_at(ids["I-1"], before)
    for country in ("BE", "NL"):
        reached(then[country], "AU-02", "FAIL")
    reached(then["FR"], "PR-01", "FORFEITED")
    assert set(team.matrix_at(before)) == {("I-1", c) for c in ("FR", "BE", "NL")}
    # and as the story was told: the same verdicts as now
    assert_a_as_told(team, ids, points["told"])


def test_a_expired_authorisation_nullity_raised_in_time_fails_in_all(people: People) -> None:
    team, ids, points = scenario_a(people, nullity_motion=True)
    cells = team.matrix()
    for country in ("FR", "BE", "NL"):
        assert cells[("I-1", country)]["verdict"] == "inadmissible"
        assert cells[("I-1", country)]["reasons"] == ["AU-02"]
        assert cells[("I-2", country)]["outcome"] == "PASS"
        assert cells[("INT-1", country)]["verdict"] == "inadmissible"
        assert set(cells[("INT-1", country)]["reasons"]) == {"CO-02", "LA-01"}
    explained = team.explain(ids["I-1"])["FR"]
    [au02] = reached(explained, "AU-02", "FAIL")
    [raised] = reached(explained, "PR-01", "PASS")
    assert raised["reason"] == "the defect was raised in time"
    assert {e["event"] for e in au02["rests_on"]} >= {"Registered", "Recorded"}
    assert au02["cure"]
    # as the log stood before the motions were recorded, FR had them forfeited
    assert_a_as_told(team, ids, points["told"])


def test_b_handover_without_receipt(people: People) -> None:
    team = open_team(people, ["DE", "NL"])
    order = team.authorisation(
        "NL",
        kind="search_warrant",
        authority="rechter-commissaris",
        occurred_at="2024-05-01T08:00:00Z",
        valid_from="2024-05-01T08:00:00Z",
        valid_until="2024-05-31T00:00:00Z",
        scope={"methods": ["search", "seizure"]},
    )
    nl, de = team.investigators["NL"], team.investigators["DE"]
    phone = team.collected(
        "NL",
        "P",
        kind="seized_device",
        method="seizure",
        occurred_at="2024-05-02T09:00:00Z",
        authorisation_id=order,
        kept_at="2024-05-02T09:30:00Z",
        content=b"extraction of phone P",
    )
    team.transfer(nl, phone, "DE", de, "analysis at the BKA", "2024-05-10T09:00:00Z")
    before_verification = team.point()
    team.post(nl, f"/evidence/{phone}/verification", {})  # re-hashed: it matches
    parcel = team.collected(
        "NL",
        "D",
        kind="physical_item",
        method="seizure",
        occurred_at="2024-05-02T09:00:00Z",
        authorisation_id=order,
        kept_at="2024-05-02T09:30:00Z",
    )
    team.post(
        nl,
        f"/evidence/{parcel}/custody/seal",
        {"seal_number": "NL-4471", "occurred_at": "2024-05-02T09:40:00Z"},
    )
    team.transfer(nl, parcel, "DE", de, "drug analysis", "2024-05-10T09:00:00Z")
    before_opening = team.point()
    team.post(
        de,
        f"/evidence/{parcel}/seal-opening",
        {"seal_number": "NL-4417", "authorised_by": "lab", "occurred_at": "2024-05-12T09:00:00Z"},
    )
    cells = team.matrix()
    for country in ("DE", "NL"):
        p_cell = team.explain(phone)[country]
        assert cells[("P", country)]["verdict"] == "admissible", issues(p_cell)
        assert cells[("P", country)]["outcome"] == "WARN"
        assert cells[("P", country)]["reasons"] == ["CU-02"]
        reached(p_cell, "CU-02", "WARN")
        d_cell = team.explain(parcel)[country]
        assert cells[("D", country)]["verdict"] == "at risk", issues(d_cell)
        assert set(cells[("D", country)]["reasons"]) == {"CU-02", "CU-03"}
        reached(d_cell, "CU-02", "RISK")
        reached(d_cell, "CU-03", "RISK")
    # as the log stood before P's re-verification: no receipt, no check, a risk; D was not
    # registered yet
    then = team.explain_at(phone, before_verification)
    for country in ("DE", "NL"):
        reached(then[country], "CU-02", "RISK")
        assert then[country]["verdict"] == "at risk"
    assert ("D", "DE") not in team.matrix_at(before_verification)
    # before the lab recorded the seal it found, D's seal was as put
    then = team.explain_at(parcel, before_opening)
    for country in ("DE", "NL"):
        reached(then[country], "CU-03", "PASS")
        assert rules_at(then[country], "RISK") == {"CU-02"}
        assert team.explain_at(phone, before_opening)[country]["outcome"] == "WARN"


def test_c_hash_mismatch_fails_the_copy_and_its_derivatives(people: People) -> None:
    # dates relative to today: in FR a defect is forfeited six months after the collection
    # (PR-01), and the live matrix is evaluated at now
    team = open_team(people, ["BE", "FR"])
    warrant = team.authorisation(
        "BE",
        kind="search_warrant",
        occurred_at=days_ago(40, "08:00"),
        valid_from=days_ago(40, "08:00"),
        valid_until=days_ago(10, "00:00"),
        scope={"methods": ["search", "forensic imaging", "copy", "analysis"]},
    )
    image = b"forensic image of the laptop"
    h1 = hashlib.sha256(image).hexdigest()
    original = team.collected(
        "BE",
        "BE-IMG",
        kind="forensic_image",
        method="forensic imaging",
        occurred_at=days_ago(39),
        authorisation_id=warrant,
        kept_at=days_ago(39, "09:30"),
        content=image,
    )

    def derived(reference: str, parent: str, relation: str, content: bytes, day: int) -> str:
        item = team.collected(
            "FR",
            reference,
            kind="forensic_image" if relation == "copy" else "analysis_report",
            method="copy received from BE" if relation == "copy" else "analysis",
            occurred_at=days_ago(40 - day),
            authorisation_id=warrant,
            kept_at=days_ago(40 - day, "09:30"),
            content=content,
        )
        team.post(
            team.investigators["FR"],
            f"/evidence/{item}/derivation",
            {
                "parent_id": parent,
                "parent_sha256": h1,
                "relation": relation,
                "tool": "X-Ways",
                "tool_version": "20.9",
                "made_by": "FR lab",
                "occurred_at": days_ago(40 - day, "10:00"),
            },
        )
        return item

    c1 = derived("C1", original, "copy", image + b" (damaged in transit)", 5)
    r = derived("R", c1, "analysis", b"report on C1", 6)
    before_resending = team.point()
    c2 = derived("C2", original, "copy", image, 10)
    r2 = derived("R2", c2, "analysis", b"report on C2", 11)

    cells = team.matrix()
    for country in ("BE", "FR"):
        assert cells[("BE-IMG", country)]["outcome"] == "PASS", issues(
            team.explain(original)[country]
        )
        assert cells[("C1", country)]["verdict"] == "inadmissible"
        assert cells[("C1", country)]["reasons"] == ["IN-02"]
        reached(team.explain(c1)[country], "IN-02", "FAIL")
        assert cells[("R", country)]["verdict"] == "inadmissible"
        assert cells[("R", country)]["reasons"] == ["IN-03"]
        for ref, item in (("C2", c2), ("R2", r2)):
            assert cells[(ref, country)]["outcome"] == "PASS", issues(team.explain(item)[country])
        reached(team.explain(c2)[country], "IN-02", "PASS")
        reached(team.explain(r2)[country], "IN-03", "PASS")
    [in03] = team.reached(r, "FR", "IN-03", "FAIL")
    assert "C1" in in03["reason"] and in03["cure"]
    # as the log stood before C2 was sent: the original passed, C1 and R failed, and neither
    # C2 nor R2 was on record
    then = team.matrix_at(before_resending)
    assert {ref for ref, _ in then} == {"BE-IMG", "C1", "R"}
    for country in ("BE", "FR"):
        assert then[("BE-IMG", country)]["outcome"] == "PASS"
        assert (then[("C1", country)]["reasons"], then[("R", country)]["reasons"]) == (
            ["IN-02"],
            ["IN-03"],
        )
        reached(team.explain_at(r, before_resending)[country], "IN-03", "FAIL")


def test_d_other_offence_without_consent(people: People) -> None:
    team = open_team(people, ["BE", "NL"], purpose="human trafficking")
    warrant = team.authorisation(
        "NL",
        kind="search_warrant",
        occurred_at="2025-01-05T08:00:00Z",
        valid_from="2025-01-05T08:00:00Z",
        valid_until="2025-01-31T00:00:00Z",
        scope={"methods": ["search"]},
    )
    ledgers = team.collected(
        "NL",
        "L",
        description="VAT-fraud ledgers found in the search",
        method="search",
        occurred_at="2025-01-10T09:00:00Z",
        authorisation_id=warrant,
        kept_at="2025-01-10T09:30:00Z",
    )
    be = team.investigators["BE"]
    team.use(be, ledgers, "BE trafficking case", "human trafficking", "jit", "2025-01-20T09:00:00Z")
    team.use(be, ledgers, "BE VAT case", "VAT fraud", "other_offence", "2025-02-01T09:00:00Z")
    before_consent = team.point()
    team.post(  # consent requested 02-10, granted 03-01
        team.legal["NL"],
        f"/evidence/{ledgers}/consents",
        {
            "to_country": "BE",
            "purpose": "other_offence",
            "offence": "VAT fraud",
            "occurred_at": "2025-03-01T09:00:00Z",
        },
    )
    team.use(be, ledgers, "BE VAT case", "VAT fraud", "other_offence", "2025-03-03T09:00:00Z")

    def us02(explained: dict[str, Any]) -> list[tuple[str, str]]:
        return [
            (x["outcome"], x["reason"][:13]) for x in explained["results"] if x["rule"] == "US-02"
        ]

    on_0215 = team.explain(ledgers, on="2025-02-15")
    assert on_0215["BE"]["verdict"] == "at risk"
    assert on_0215["BE"]["outcome"] == "RESTRICT"
    assert us02(on_0215["BE"]) == [("RESTRICT", "used on 2025-")]
    reached(on_0215["BE"], "US-01", "PASS")  # the trafficking case
    assert team.matrix(on="2025-02-15")[("L", "BE")]["reasons"] == ["US-02"]

    on_0305 = team.explain(ledgers, on="2025-03-05")
    assert on_0305["BE"]["verdict"] == "admissible"
    assert sorted(us02(on_0305["BE"])) == [("PASS", "consent of 20"), ("WARN", "used on 2025-")]
    warned = next(x for x in on_0305["BE"]["results"] if x["outcome"] == "WARN")
    assert "2025-02-01" in warned["reason"]
    for on in ("2025-02-15", "2025-03-05"):
        assert team.explain(ledgers, on=on)["NL"]["outcome"] == "PASS"
    # the log as recorded before the consent (by position and by time): still restricted on
    # 03-05, and the NL item passes in NL
    then = team.explain_at(ledgers, before_consent, on="2025-03-05")
    assert then["BE"]["outcome"] == "RESTRICT"
    assert us02(then["BE"]) == [("RESTRICT", "used on 2025-")]
    assert then["NL"]["outcome"] == "PASS"


def test_e_judge_required_by_the_forum(people: People) -> None:
    team = open_team(people, ["XA", "XB"])
    order = team.authorisation(
        "XA",
        issuer="prosecutor",
        kind="production_order",
        authority="public prosecutor of A",
        occurred_at="2025-04-01T08:00:00Z",
        valid_from="2025-04-01T08:00:00Z",
        valid_until="2025-04-30T00:00:00Z",
        scope={"methods": ["production order"]},
    )
    records = team.collected(
        "XA",
        "BANK",
        kind="financial_records",
        method="production order",
        occurred_at="2025-04-03T09:00:00Z",
        authorisation_id=order,
        kept_at="2025-04-03T09:30:00Z",
    )
    cells = team.matrix()
    assert cells[("BANK", "XA")]["outcome"] == "PASS", issues(team.explain(records)["XA"])
    assert cells[("BANK", "XB")]["verdict"] == "at risk"
    assert cells[("BANK", "XB")]["reasons"] == ["AU-12"]
    by_default = team.point()

    team.post(
        team.legal["XB"],
        "/rulebooks/XB/rules",
        {
            "rule": "AU-12",
            "params": {"judge_required_for": ["production_order"], "severity": "FAIL"},
            "reason": "strict: only a judge orders bank records",
        },
    )
    cells = team.matrix()
    assert cells[("BANK", "XB")]["verdict"] == "inadmissible"
    assert cells[("BANK", "XB")]["reasons"] == ["AU-12"]
    assert cells[("BANK", "XA")]["outcome"] == "PASS"
    strict = team.point()

    # content data produced on a prosecutor's order, no judge, after 2026-08-18: AU-05
    content_order = team.authorisation(
        "XA",
        issuer="prosecutor",
        kind="production_order",
        authority="public prosecutor of A",
        occurred_at="2026-08-25T08:00:00Z",
        valid_from="2026-08-25T08:00:00Z",
        valid_until="2026-10-31T00:00:00Z",
        scope={"methods": ["production order"]},
    )
    mailbox = team.collected(
        "XA",
        "MAILBOX",
        kind="forensic_image",
        method="production order",
        occurred_at="2026-09-01T09:00:00Z",
        authorisation_id=content_order,
        kept_at="2026-09-01T09:30:00Z",
        content=b"mailbox export",
    )
    cells = team.matrix()
    for country in ("XA", "XB"):
        assert cells[("MAILBOX", country)]["verdict"] == "inadmissible"
        assert "AU-05" in cells[("MAILBOX", country)]["reasons"]
        [failed] = team.reached(mailbox, country, "AU-05", "FAIL")
        assert "no judge's validation" in failed["reason"]
    # as the log stood before XB's rulebook was made strict, and after: a risk, then a
    # failure in XB; a pass in XA throughout; no mailbox yet
    for point, verdict in ((by_default, "at risk"), (strict, "inadmissible")):
        then = team.matrix_at(point)
        assert (then[("BANK", "XB")]["verdict"], then[("BANK", "XB")]["reasons"]) == (
            verdict,
            ["AU-12"],
        )
        assert then[("BANK", "XA")]["outcome"] == "PASS"
        assert ("MAILBOX", "XA") not in then
