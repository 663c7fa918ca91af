"""CO rules: the conduct of the collection (interviews, privileged content, searches,
examiners)."""

from __future__ import annotations

from domain import rule_settings as p
from domain.admissibility.facts import Interview
from domain.admissibility.results import RuleResult
from domain.admissibility.rules.context import (
    FAIL,
    PASS,
    RISK,
    UNKNOWN,
    WARN,
    Context,
    day,
    interview_rule,
    not_understood,
    res,
    understood,
)


@interview_rule
def co_01(ctx: Context, i: Interview, _: p.Params) -> list[RuleResult]:
    if i.ill_treatment_alleged:
        return res(
            FAIL, "ill-treatment is alleged (ECHR Art. 3): absolute exclusion", [i.ref], cure="none"
        )
    return res(PASS, "no ill-treatment on record", [i.ref])


@interview_rule
def co_02(ctx: Context, i: Interview, params: p.InterviewRights) -> list[RuleResult]:
    if not understood(i):
        return not_understood(
            i,
            f"interviewed in {i.interview_language}, the suspect speaks "
            f"{i.suspect_language}, no interpreter",
        )
    if not i.caution_given:
        return res(
            FAIL,
            "no caution before the interview",
            [i.ref],
            cure="interview again after the caution",
        )
    if i.lawyer == "absent":
        return res(
            params.no_lawyer,
            "no lawyer and no recorded waiver",
            [i.ref],
            cure="interview again with a lawyer, or record the waiver",
        )
    return res(PASS, "caution, lawyer and interpreter as required", [i.ref])


def co_03(ctx: Context, _: p.Params) -> list[RuleResult]:
    item = ctx.item
    reviews = sorted(
        (v for v in item.privilege_reviews if ctx.seen(v.occurred_at)),
        key=lambda v: v.occurred_at,
    )
    if item.kind != "intercepted_communication" and not reviews:
        return res(PASS, "not intercepted content", [item.ref])
    raised = [d for d in item.defects_raised if d.rule == "CO-03" and ctx.seen(d.occurred_at)]
    found = [v for v in reviews if v.result != "nothing_privileged"]
    deleted = next((v for v in found if v.result == "privileged_deleted"), None)
    if found:
        # content found privileged was in the item from its collection until its deletion
        tainted = [
            u
            for u in item.uses
            if ctx.seen(u.occurred_at) and (deleted is None or u.occurred_at < deleted.occurred_at)
        ]
        if tainted:
            return res(
                FAIL,
                f"used ({', '.join(f'{u.proceeding}, {day(u.occurred_at)}' for u in tainted)}) "
                f"while the privileged or core-private content {found[0].reviewed_by} found "
                "was in it",
                [found[0].ref, *(u.ref for u in tainted)],
                cure="none for that use: the content may not be used",
            )
    if raised:
        return res(
            FAIL,
            "privileged or core-private content is said to be in it",
            [d.ref for d in raised],
            cure="delete the content and show it was not used",
        )
    if not reviews:
        return res(
            UNKNOWN,
            "the review for privileged or core-private content is not recorded",
            [item.ref],
            missing="a privilege review",
            cure="record the review and the deletion of privileged content",
        )
    if found and deleted is None:
        return res(
            WARN,
            f"{found[-1].reviewed_by} found privileged or core-private content on "
            f"{day(found[-1].occurred_at)}, not deleted",
            [found[-1].ref],
            cure="delete the privileged content before any use, and record it",
        )
    if deleted is not None:
        return res(
            PASS,
            f"privileged content found and deleted ({deleted.reviewed_by}, "
            f"{day(deleted.occurred_at)})",
            [deleted.ref],
        )
    last = reviews[-1]
    return res(
        PASS,
        f"reviewed by {last.reviewed_by} on {day(last.occurred_at)}: nothing privileged",
        [last.ref],
    )


def co_04(ctx: Context, _: p.Params) -> list[RuleResult]:
    item = ctx.item
    records = [s for s in item.searches if ctx.seen(s.occurred_at)]
    if "search" not in item.method.lower() and not records:
        return res(PASS, "not a search", [item.ref])
    if not records:
        return res(
            UNKNOWN,
            "the search's witnesses and inventory are not recorded",
            [item.ref],
            missing="the search record (witnesses, inventory)",
            cure="record the search's witnesses and inventory",
        )
    record = records[-1]
    lacking = [
        what
        for what, present in (
            ("no witness was present", record.witnesses),
            ("no inventory was made", record.inventory_made),
            ("no one signed the record", record.signed_by),
        )
        if not present
    ]
    if lacking:
        return res(
            RISK,
            f"search formalities not met: {'; '.join(lacking)}",
            [record.ref],
            cure="none for the search; the court weighs it",
        )
    return res(
        PASS,
        f"witnessed by {', '.join(record.witnesses)}, inventory made, signed by "
        f"{', '.join(record.signed_by)}",
        [record.ref],
    )


def co_05(ctx: Context, _: p.Params) -> list[RuleResult]:
    item = ctx.item
    d = item.derivation
    examinations = [x for x in item.examinations if ctx.seen(x.occurred_at)]
    if examinations:
        x = examinations[-1]
        if not x.write_blocked and not x.live_access_reason:
            return res(
                RISK,
                f"{x.examiner} accessed the original live, with no reason recorded",
                [x.ref],
                cure="record why live access was needed",
            )
        how = "write-blocked" if x.write_blocked else f"live access ({x.live_access_reason})"
        if not x.competence:
            return res(
                WARN,
                f"{how}; the competence of {x.examiner} is not recorded",
                [x.ref],
                cure="record the examiner's qualification",
            )
        return res(PASS, f"{how}, by {x.examiner} ({x.competence})", [x.ref])
    if d is not None and d.relation in ("copy", "extraction", "analysis"):
        if not d.made_by.strip():
            return res(
                WARN,
                "the examiner who made the copy is not recorded",
                [d.ref],
                cure="record the examiner",
            )
        return res(PASS, f"made by {d.made_by}", [d.ref])
    if item.kind not in ("forensic_image", "seized_device"):
        return res(PASS, "not a digital acquisition", [item.ref])
    if not item.collected_by.strip():
        return res(RISK, "the examiner is not recorded", [item.ref], cure="record the examiner")
    if item.kind == "forensic_image":
        return res(
            WARN,
            f"acquired by {item.collected_by}; whether through a write-blocker is not recorded",
            [item.ref],
            cure="record the acquisition: write-blocker or live access, examiner, competence",
        )
    return res(PASS, f"acquired by {item.collected_by}", [item.ref])
