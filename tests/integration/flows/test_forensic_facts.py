"""The forensic and handling facts through the API: privilege reviews of intercepts (CO-03),
search records (CO-04), write-blockers and examiners (CO-05), certificates of authenticity
(IN-04), translations (LA-01, LA-02), processing logs (DP-02), hashes and re-verifications
made outside JITspace (IN-01, IN-02). Every outcome of these rules is reached from recorded
facts; the facts go into a disclosure bundle that verifies; bad input leaves no event.

Dates are relative to now."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from typing import Any

from jitspace.disclosure.checking import verify_bundle
from tests.integration.admissibility_support import Team, days_ago, open_team
from tests.support import People, Person, log_of


def with_rule(team: Team, country: str, rule: str, **params: Any) -> None:
    team.post(
        team.legal[country],
        f"/rulebooks/{country}/rules",
        {"rule": rule, "params": params, "reason": f"{rule} applies here"},
    )


def attach(team: Team, person: Person, item: str, content: bytes) -> str:
    """The file's SHA-256, as JITspace computes it on upload."""
    response = person.post(
        team.path(f"/evidence/{item}/files"), params={"name": "data.bin"}, content=content
    )
    assert response.status_code == 201, response.text
    return hashlib.sha256(content).hexdigest()


def refused(team: Team, person: Person, rest: str, body: dict[str, Any], status: int) -> str:
    """The request is refused with `status`, and the log holds the same events after."""
    before = len(log_of(team.leader, team.id))
    response = person.post(team.path(rest), json=body)
    assert response.status_code == status, response.text
    assert len(log_of(team.leader, team.id)) == before
    return str(response.json().get("detail", ""))


def intercept(team: Team, country: str, reference: str) -> str:
    return team.item(
        country,
        reference,
        kind="intercepted_communication",
        method="interception",
        occurred_at=days_ago(20),
    )


def test_privilege_reviews_of_intercepts_decide_co_03(people: People) -> None:
    # Given a DE-FR JIT: Germany's shipped rulebook reads CO-03 (§100d(2) StPO)
    team = open_team(people, ["DE", "FR"])
    legal = team.legal["DE"]
    item = intercept(team, "DE", "DE-TKÜ-1")
    # Then an intercept nobody reviewed stays unknown, saying what would decide it
    [unknown] = team.reached(item, "DE", "CO-03", "UNKNOWN")
    assert unknown["missing"] == "a privilege review"
    # When the judge's review found nothing privileged, it passes
    review = f"/evidence/{item}/privilege-reviews"
    team.post(
        legal,
        review,
        {"reviewed_by": "Judge Weber", "result": "nothing_privileged", "occurred_at": days_ago(15)},
    )
    [passed] = team.reached(item, "DE", "CO-03", "PASS")
    assert "Judge Weber" in passed["reason"]

    # Another intercept: core-private content found and not deleted is a warning ...
    kept = intercept(team, "DE", "DE-TKÜ-2")
    team.post(
        legal,
        f"/evidence/{kept}/privilege-reviews",
        {
            "reviewed_by": "Judge Weber",
            "result": "privileged_not_deleted",
            "note": "a conversation with a defence lawyer",
            "occurred_at": days_ago(15),
        },
    )
    team.reached(kept, "DE", "CO-03", "WARN")
    # ... and used while the content is in it, it fails
    team.use(team.investigators["DE"], kept, "DE-2025-7", "human trafficking", "jit", days_ago(5))
    [failed] = team.reached(kept, "DE", "CO-03", "FAIL")
    assert "DE-2025-7" in failed["reason"]
    assert {"PrivilegeReviewed", "UsedInProceeding"} <= {e["event"] for e in failed["rests_on"]}
    # as of before the use, it was a warning only
    team.reached(kept, "DE", "CO-03", "WARN", on=days_ago(10))

    # A third: found and deleted before any use passes
    deleted = intercept(team, "DE", "DE-TKÜ-3")
    team.post(
        legal,
        f"/evidence/{deleted}/privilege-reviews",
        {"reviewed_by": "Judge Weber", "result": "privileged_deleted", "occurred_at": days_ago(15)},
    )
    team.use(
        team.investigators["DE"], deleted, "DE-2025-7", "human trafficking", "jit", days_ago(5)
    )
    [clean] = team.reached(deleted, "DE", "CO-03", "PASS")
    assert "found and deleted" in clean["reason"]


def test_search_records_decide_co_04(people: People) -> None:
    # Given a FR-BE JIT: France's shipped rulebook reads CO-04 (CPP Art. 57)
    team = open_team(people, ["FR", "BE"])
    item = team.item("FR", "FR-PERQ-1", method="house search", occurred_at=days_ago(20))
    team.reached(item, "FR", "CO-04", "UNKNOWN")
    record = f"/evidence/{item}/search-record"
    investigator = team.investigators["FR"]
    # When the record says no witness was present
    team.post(
        investigator,
        record,
        {
            "witnesses": [],
            "inventory_made": True,
            "signed_by": ["OPJ Leroy"],
            "occurred_at": days_ago(20),
        },
    )
    [risk] = team.reached(item, "FR", "CO-04", "RISK")
    assert "no witness was present" in risk["reason"]
    # When a later record names the two witnesses, it passes
    team.post(
        investigator,
        record,
        {
            "witnesses": ["Mme Martin", "M. Dubois"],
            "inventory_made": True,
            "signed_by": ["OPJ Leroy", "Mme Martin"],
            "occurred_at": days_ago(20),
        },
    )
    [passed] = team.reached(item, "FR", "CO-04", "PASS")
    assert "Mme Martin" in passed["reason"]


def test_write_blockers_and_examiners_decide_co_05(people: People) -> None:
    team = open_team(people, ["XA", "XB"])
    with_rule(team, "XA", "CO-05")
    image = team.item(
        "XA", "XA-IMG-1", kind="forensic_image", method="imaging", occurred_at=days_ago(20)
    )
    # an image with no record of how it was acquired: a warning
    [warned] = team.reached(image, "XA", "CO-05", "WARN")
    assert "write-blocker" in warned["reason"]
    examinations = f"/evidence/{image}/examinations"
    analyst = team.investigators["XA"]
    # live access with no reason: a risk
    team.post(analyst, examinations, {"write_blocked": False, "examiner": "P. Peeters"})
    team.reached(image, "XA", "CO-05", "RISK")
    # write-blocked, by an examiner whose competence is recorded: it passes
    team.post(
        analyst,
        examinations,
        {"write_blocked": True, "examiner": "P. Peeters", "competence": "EnCE, lab accredited"},
    )
    [passed] = team.reached(image, "XA", "CO-05", "PASS")
    assert "write-blocked" in passed["reason"] and "EnCE" in passed["reason"]


def test_certificates_of_authenticity_decide_in_04(people: People) -> None:
    # Given a forum whose rulebook asks for certificates (no shipped example does: IN-04 is
    # a US Federal Rules of Evidence formality), and an item of another party
    team = open_team(people, ["XA", "XB"])
    with_rule(team, "XB", "IN-04")
    item = team.item("XA", "XA-MAIL-1", kind="open_source_capture", occurred_at=days_ago(20))
    team.reached(item, "XB", "IN-04", "WARN")  # nothing for a certificate to attest
    sha = attach(team, team.investigators["XA"], item, b"the captured page")
    team.reached(item, "XB", "IN-04", "UNKNOWN")
    certificates = f"/evidence/{item}/certificates"
    certificate = {
        "certified_by": "XA records custodian",
        "basis": "FRE 902(14)",
        "sha256": sha,
        "occurred_at": days_ago(10),
    }
    team.post(team.legal["XB"], certificates, certificate)
    [no_notice] = team.reached(item, "XB", "IN-04", "WARN")
    assert "no notice" in no_notice["reason"]
    team.post(team.legal["XB"], certificates, certificate | {"notice_given_at": days_ago(8)})
    [passed] = team.reached(item, "XB", "IN-04", "PASS")
    assert "FRE 902(14)" in passed["reason"]


def test_translations_decide_la_01_and_la_02(people: People) -> None:
    team = open_team(people, ["XA", "XB"])
    investigator = team.investigators["XA"]

    def interview(reference: str, interpreter: str) -> str:
        item = team.item("XA", reference, kind="suspect_interview", occurred_at=days_ago(20))
        if interpreter != "none on record":
            team.post(
                investigator,
                f"/evidence/{item}/interview",
                {
                    "suspect_language": "Romanian",
                    "interview_language": "English",
                    "interpreter": interpreter,
                    "caution_given": True,
                    "lawyer": "present",
                    "occurred_at": days_ago(20),
                },
            )
        return item

    # LA-01: not recorded, unknown; no interpreter, it fails
    team.reached(interview("XA-INT-0", "none on record"), "XA", "LA-01", "UNKNOWN")
    team.reached(interview("XA-INT-1", ""), "XA", "LA-01", "FAIL")
    # interpreted, but the record not translated into the suspect's language: a risk
    interpreted = interview("XA-INT-2", "M. Ionescu")
    [risk] = team.reached(interpreted, "XA", "LA-01", "RISK")
    assert "not translated into Romanian" in risk["reason"]
    sha = attach(team, investigator, interpreted, b"the interview record")
    translations = f"/evidence/{interpreted}/translations"
    team.post(
        investigator,
        translations,
        {"language": "romanian", "translator": "I. Popa", "source_sha256": sha},
    )
    team.reached(interpreted, "XA", "LA-01", "PASS")
    team.reached(interpreted, "XA", "LA-02", "PASS")

    # LA-02 on documents: the translator not identified is a risk
    document = team.item("XA", "XA-DOC-1", occurred_at=days_ago(20))
    source = attach(team, investigator, document, b"a contract")
    team.post(
        investigator,
        f"/evidence/{document}/translations",
        {"language": "German", "source_sha256": source},
    )
    team.reached(document, "XA", "LA-02", "RISK")
    # a translation that does not name the source's hash: a warning
    linked = team.item("XA", "XA-DOC-2", occurred_at=days_ago(20))
    attach(team, investigator, linked, b"a ledger")
    team.post(
        investigator,
        f"/evidence/{linked}/translations",
        {"language": "German", "translator": "K. Braun"},
    )
    team.reached(linked, "XA", "LA-02", "WARN")
    # a paper document translated: its hash cannot be known until its data is attached
    paper = team.item("XA", "XA-DOC-3", occurred_at=days_ago(20))
    team.post(
        investigator,
        f"/evidence/{paper}/translations",
        {"language": "German", "translator": "K. Braun"},
    )
    team.reached(paper, "XA", "LA-02", "UNKNOWN")


def test_processing_logs_decide_dp_02(people: People) -> None:
    team = open_team(people, ["XA", "XB"])
    with_rule(team, "XA", "DP-02")
    investigator = team.investigators["XA"]
    outside = intercept(team, "XA", "XA-TAP-1")
    team.reached(outside, "XA", "DP-02", "UNKNOWN")
    # a transcript made from data held outside JITspace, with no processing log on record
    transcript = team.item("XA", "XA-TAP-1-T", kind="analysis_report", occurred_at=days_ago(10))
    team.post(
        investigator,
        f"/evidence/{transcript}/derivation",
        {
            "parent_id": outside,
            "parent_sha256": "0" * 64,
            "relation": "analysis",
            "tool": "transcription",
            "tool_version": "1",
            "made_by": "XA analyst",
        },
    )
    team.reached(outside, "XA", "DP-02", "WARN")
    team.post(
        investigator,
        f"/evidence/{outside}/processing-logs",
        {"kept_by": "XA interception centre", "kept_in": "LIMS case 2025-17"},
    )
    [passed] = team.reached(outside, "XA", "DP-02", "PASS")
    assert "XA interception centre" in passed["reason"]


def test_hashes_and_re_verifications_made_elsewhere_decide_in_01(
    people: People, tmp_path: Any
) -> None:
    team = open_team(people, ["XA", "XB"])
    investigator = team.investigators["XA"]
    md5 = intercept(team, "XA", "XA-MD5")
    team.reached(md5, "XA", "IN-01", "UNKNOWN")
    hashes = f"/evidence/{md5}/external-hashes"
    digest = hashlib.md5(b"intercepts", usedforsecurity=False).hexdigest()
    hashed = {"algorithm": "md5", "hashed_by": "XA lab", "tool": "FTK Imager 4.7"}
    team.post(investigator, hashes, hashed | {"digest": digest, "occurred_at": days_ago(20)})
    [weak] = team.reached(md5, "XA", "IN-01", "WARN")
    assert "md5 only" in weak["reason"]
    # a re-verification elsewhere that matches counts as one after a handover; a mismatch fails
    checks = f"/evidence/{md5}/external-verifications"
    verified = {"algorithm": "md5", "verified_by": "XB lab", "tool": "md5sum 9.4"}
    team.post(investigator, checks, verified | {"digest": digest.upper()})
    team.reached(md5, "XA", "IN-02", "PASS")
    team.post(investigator, checks, verified | {"digest": "f" * 32})
    team.reached(md5, "XA", "IN-02", "FAIL")

    sha1 = intercept(team, "XA", "XA-SHA1")
    sha1_digest = hashlib.sha1(b"intercepts", usedforsecurity=False).hexdigest()
    team.post(
        investigator,
        f"/evidence/{sha1}/external-hashes",
        hashed | {"algorithm": "sha1", "digest": sha1_digest},
    )
    [risk] = team.reached(sha1, "XA", "IN-01", "RISK")
    assert "does not approve" in risk["reason"]
    # the data attached: hashed with SHA-256 in JITspace, it passes
    attach(team, investigator, sha1, b"intercepts")
    team.reached(sha1, "XA", "IN-01", "PASS")

    # the facts are in a disclosure bundle, which verifies
    team.post(
        team.legal["XA"],
        f"/evidence/{sha1}/privilege-reviews",
        {"reviewed_by": "Judge A", "result": "nothing_privileged"},
    )
    team.post(
        team.legal["XA"],
        f"/evidence/{sha1}/certificates",
        {"certified_by": "XA custodian", "basis": "FRE 902(13)"},
    )
    team.post(
        investigator, f"/evidence/{sha1}/examinations", {"write_blocked": True, "examiner": "P"}
    )
    team.post(investigator, f"/evidence/{sha1}/translations", {"language": "fr"})
    team.post(investigator, f"/evidence/{sha1}/processing-logs", {"kept_by": "XA", "kept_in": "L"})
    team.post(
        investigator,
        f"/evidence/{sha1}/search-record",
        {"witnesses": ["W"], "inventory_made": True, "signed_by": ["S"]},
    )
    bundle = team.leader.post(team.path("/disclosures"), json={"purpose": "to the defence"})
    assert bundle.status_code == 201, bundle.text
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as z:
        events = [json.loads(line) for line in z.read("events.jsonl").splitlines()]
        records = json.loads(z.read("records.json"))
        report = z.read("report.html").decode()
    kinds = {e["topic"].rpartition(".")[2] for e in events}
    assert kinds >= {
        "PrivilegeReviewed",
        "SearchRecorded",
        "ExaminationRecorded",
        "CertificateRecorded",
        "Translated",
        "ProcessingLogRecorded",
        "HashedElsewhere",
        "VerifiedElsewhere",
    }
    [verdicts] = [
        v for v in records["admissibility"] if v["reference"] == "XA-SHA1" and v["country"] == "XA"
    ]
    assert any(r["rule"] == "IN-01" for r in verdicts["results"])
    facts = {f["fact"]: f for f in records["handling"] if f["evidence_id"] == sha1}
    assert facts["HashedElsewhere"]["algorithm"] == "sha1"
    assert facts["PrivilegeReviewed"]["reviewed_by"] == "Judge A"
    assert len(facts) == 7  # all but a re-verification, each with what it says
    assert "XA-SHA1</td><td>CertificateRecorded" in report and "basis: FRE 902(13)" in report
    assert verify_bundle(io.BytesIO(bundle.content)).ok


def test_bad_forensic_facts_are_refused_and_leave_no_event(people: People) -> None:
    team = open_team(people, ["XA", "XB"])
    investigator, legal = team.investigators["XA"], team.legal["XA"]
    item = intercept(team, "XA", "XA-BAD")
    sha = attach(team, investigator, item, b"bad")
    path = f"/evidence/{item}"
    # a privilege review: by another party than the originator; by an investigator; unknown
    # result; a blank reviewer
    review = {"reviewed_by": "Judge", "result": "nothing_privileged"}
    refused(team, team.legal["XB"], f"{path}/privilege-reviews", review, 403)
    refused(team, investigator, f"{path}/privilege-reviews", review, 403)
    refused(team, legal, f"{path}/privilege-reviews", review | {"result": "maybe"}, 400)
    assert "who reviewed" in refused(
        team, legal, f"{path}/privilege-reviews", review | {"reviewed_by": "  "}, 422
    )
    # a search record naming a witness twice, or in the future
    twice = {"witnesses": ["A B", "A  B"], "inventory_made": True, "signed_by": ["C"]}
    refused(team, investigator, f"{path}/search-record", twice, 422)
    future = {"witnesses": [], "inventory_made": True, "signed_by": [], "occurred_at": days_ago(-2)}
    refused(team, investigator, f"{path}/search-record", future, 400)
    # a write-blocked acquisition with a reason for live access
    blocked = {"write_blocked": True, "examiner": "P", "live_access_reason": "the phone was on"}
    refused(team, investigator, f"{path}/examinations", blocked, 422)
    # a certificate of a hash no file has; notice before the certificate; by an investigator
    certificate = {"certified_by": "C", "basis": "FRE 902(14)"}
    refused(team, legal, f"{path}/certificates", certificate | {"sha256": "0" * 64}, 409)
    early = certificate | {"occurred_at": days_ago(2), "notice_given_at": days_ago(3)}
    refused(team, legal, f"{path}/certificates", early, 409)
    refused(team, investigator, f"{path}/certificates", certificate, 403)
    # a translation from a hash the item has no file with; into itself; into an unknown item
    refused(
        team,
        investigator,
        f"{path}/translations",
        {"language": "fr", "source_sha256": "0" * 64},
        409,
    )
    refused(
        team, investigator, f"{path}/translations", {"language": "fr", "translation_id": item}, 422
    )
    unknown = {"language": "fr", "translation_id": "00000000-0000-4000-8000-000000000000"}
    refused(team, investigator, f"{path}/translations", unknown, 404)
    # a digest of the wrong length; a SHA-256 the file does not have; a re-verification with
    # no acquisition hash of that algorithm; the same hash twice
    hashed = {"algorithm": "md5", "digest": "ab" * 20, "hashed_by": "lab", "tool": "t"}
    assert "32 hexadecimal" in refused(team, investigator, f"{path}/external-hashes", hashed, 422)
    other = hashed | {"algorithm": "sha256", "digest": "0" * 64}
    refused(team, investigator, f"{path}/external-hashes", other, 409)
    check = {"algorithm": "sha1", "digest": "ab" * 20, "verified_by": "lab", "tool": "t"}
    assert "no sha1 hash" in refused(
        team, investigator, f"{path}/external-verifications", check, 409
    )
    same = hashed | {"algorithm": "sha256", "digest": sha}
    team.post(investigator, f"{path}/external-hashes", same)
    refused(team, investigator, f"{path}/external-hashes", same, 409)
    # a processing log with no keeper
    refused(team, investigator, f"{path}/processing-logs", {"kept_by": "", "kept_in": "L"}, 400)
