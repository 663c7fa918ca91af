"""DI-03 through the API, from recorded derivations: an analysis whose raw data is held in
JITspace can be disclosed with it, one whose raw data is not cannot (CJEU C-670/22). Both
outcomes are reached, before the courts of England and Wales (GB's shipped rulebook)."""

from __future__ import annotations

import hashlib

from tests.integration.admissibility_support import days_ago, open_team
from tests.support import People

DUMP = b"extraction of the seized phone"


def test_the_defence_can_reach_the_raw_data_of_an_analysis(people: People) -> None:
    team = open_team(people, ["NL", "GB"])
    nl = team.investigators["NL"]

    def phone(reference: str, content: bytes | None) -> str:
        return team.collected(
            "NL",
            reference,
            kind="seized_device",
            method="seizure",
            occurred_at=days_ago(30),
            kept_at=days_ago(30, "09:30"),
            content=content,
        )

    def analysis(reference: str, parent: str) -> str:
        report = team.collected(
            "NL",
            reference,
            kind="analysis_report",
            method="analysis",
            occurred_at=days_ago(20),
            kept_at=days_ago(20, "09:30"),
            content=b"chat analysis",
        )
        team.post(
            nl,
            f"/evidence/{report}/derivation",
            {
                "parent_id": parent,
                "parent_sha256": hashlib.sha256(DUMP).hexdigest(),
                "relation": "analysis",
                "tool": "Cellebrite PA",
                "tool_version": "7.60",
                "made_by": "NFI",
                "occurred_at": days_ago(20, "10:00"),
            },
        )
        return report

    # Given a phone whose extraction is held in JITspace, and an analysis of it
    held = phone("PHONE-HELD", DUMP)
    # Then the phone is raw data, not an analysis; the analysis's raw data can be disclosed
    team.reached(held, "GB", "DI-03", "PASS")
    [disclosable] = team.reached(analysis("REPORT-HELD", held), "GB", "DI-03", "PASS")
    assert "PHONE-HELD" in disclosable["reason"]
    # Given a phone whose extraction was analysed but never attached
    kept_elsewhere = phone("PHONE-ELSEWHERE", None)
    report = analysis("REPORT-ELSEWHERE", kept_elsewhere)
    [failed] = team.reached(report, "GB", "DI-03", "FAIL")
    assert "not held for the defence" in failed["reason"]
    assert failed["cure"] == "attach the raw data"
    # When the extraction is attached, the defence can have it
    attached = nl.post(
        team.path(f"/evidence/{kept_elsewhere}/files"), params={"name": "dump.bin"}, content=DUMP
    )
    assert attached.status_code == 201, attached.text
    team.reached(report, "GB", "DI-03", "PASS")
