"""The rules that read forensic and handling facts: privilege reviews (CO-03), search records
(CO-04), examinations (CO-05), hashes made elsewhere (IN-01), certificates (IN-04),
translations (LA-01, LA-02) and processing logs (DP-02)."""

from __future__ import annotations

from datetime import timedelta

from domain.admissibility import facts as f
from domain.admissibility.rules import REGISTRY, Context
from domain.rule_settings import Outcome, RuleSpec, parse_params
from tests.unit.domain.admissibility.test_rules import T0, base, interview, item_of, r, use

ON = T0 + timedelta(days=30)


def judged(
    rule: str, cf: f.CaseFile, forum: str = "FR", params: dict[str, object] | None = None
) -> Outcome:
    spec = parse_params(RuleSpec(rule, params or {}))
    [result] = REGISTRY[rule](Context(item_of(cf), cf, forum, ON, lambda _: None), spec)
    return result.outcome


def review(cf: f.CaseFile, result: str, days: int) -> None:
    at = T0 + timedelta(days=days)
    item_of(cf).privilege_reviews.append(
        f.PrivilegeReview(r("PrivilegeReviewed"), "Judge", result, at)
    )


def test_a_use_before_privileged_content_was_deleted_fails_and_one_after_passes() -> None:
    cf = base()
    review(cf, "privileged_deleted", 10)
    use(cf, "FR", "jit", at=T0 + timedelta(days=5))
    assert judged("CO-03", cf) is Outcome.FAIL
    cf = base()
    review(cf, "privileged_deleted", 10)
    use(cf, "FR", "jit", at=T0 + timedelta(days=12))
    assert judged("CO-03", cf) is Outcome.PASS


def test_privileged_content_not_deleted_warns_until_it_is_used() -> None:
    cf = base()
    review(cf, "privileged_not_deleted", 1)
    assert judged("CO-03", cf) is Outcome.WARN
    use(cf, "BE", "jit", at=T0 + timedelta(days=2))  # a use by any party
    assert judged("CO-03", cf) is Outcome.FAIL


def test_a_review_of_another_kind_of_item_is_read_too() -> None:
    cf = base()
    item_of(cf).kind = "document"
    review(cf, "privileged_not_deleted", 1)
    assert judged("CO-03", cf) is Outcome.WARN


def test_a_search_record_missing_its_inventory_is_a_risk() -> None:
    cf = base()
    item_of(cf).searches.append(f.SearchRecord(r(), ("A",), False, ("B",), T0))
    assert judged("CO-04", cf) is Outcome.RISK


def test_live_access_needs_its_reason_and_an_examiner_their_competence() -> None:
    cf = base()
    exams = item_of(cf).examinations
    exams.append(f.Examination(r(), False, "", "P", "EnCE", T0))
    assert judged("CO-05", cf) is Outcome.RISK
    exams.append(f.Examination(r(), False, "the phone would lock", "P", "", T0))
    assert judged("CO-05", cf) is Outcome.WARN
    exams.append(f.Examination(r(), False, "the phone would lock", "P", "EnCE", T0))
    assert judged("CO-05", cf) is Outcome.PASS


def test_md5_alone_warns_and_an_unapproved_algorithm_is_a_risk() -> None:
    cf = base()
    item = item_of(cf)
    item.files.clear()
    item.hashed_elsewhere.append(f.FileFact(r(), "ab" * 16, "md5"))
    assert judged("IN-01", cf) is Outcome.WARN
    item.hashed_elsewhere.append(f.FileFact(r(), "ab" * 20, "sha1"))
    assert judged("IN-01", cf) is Outcome.RISK
    item.hashed_elsewhere.append(f.FileFact(r(), "ab" * 64, "sha512"))
    assert judged("IN-01", cf) is Outcome.PASS


def test_a_certificate_passes_once_notice_of_it_is_given() -> None:
    cf = base()
    certificates = item_of(cf).certificates
    certificates.append(f.Certificate(r(), "custodian", "FRE 902(14)", "", None, T0))
    assert judged("IN-04", cf, "BE") is Outcome.WARN
    later = T0 + timedelta(days=2)
    certificates.append(f.Certificate(r(), "custodian", "FRE 902(14)", "", later, T0))
    assert judged("IN-04", cf, "BE") is Outcome.PASS


def test_an_interpreted_interview_needs_its_record_translated_into_the_suspects_language() -> None:
    cf = base()
    interview(cf, interview_language="fr", interpreter="M. Ionescu")
    assert judged("LA-01", cf) is Outcome.RISK
    translated = f.Translation(r("Translated"), "RO", "I. Popa", "a" * 64, T0)
    item_of(cf).translations.append(translated)
    assert judged("LA-01", cf) is Outcome.PASS


def test_a_processing_log_on_record_answers_for_data_held_outside() -> None:
    cf = base()
    item_of(cf).files.clear()
    assert judged("DP-02", cf) is Outcome.UNKNOWN
    item_of(cf).processing_logs.append(f.ProcessingLog(r(), "FR lab", "LIMS", T0))
    assert judged("DP-02", cf) is Outcome.PASS
