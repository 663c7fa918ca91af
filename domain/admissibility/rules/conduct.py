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
    if ctx.item.kind != "intercepted_communication":
        return res(PASS, "not intercepted content", [ctx.item.ref])
    raised = [d for d in ctx.item.defects_raised if d.rule == "CO-03" and ctx.seen(d.occurred_at)]
    if raised:
        return res(
            FAIL,
            "privileged or core-private content is said to be in it",
            [d.ref for d in raised],
            cure="delete the content and show it was not used",
        )
    return res(
        UNKNOWN,
        "the review for privileged or core-private content is not recorded",
        [ctx.item.ref],
        missing="a privilege review",
        cure="record the review and the deletion of privileged content",
    )


def co_04(ctx: Context, _: p.Params) -> list[RuleResult]:
    if "search" not in ctx.item.method.lower():
        return res(PASS, "not a search", [ctx.item.ref])
    return res(
        UNKNOWN,
        "the search's witnesses and inventory are not recorded",
        [ctx.item.ref],
        missing="the search record (witnesses, inventory)",
        cure="record the search's witnesses and inventory",
    )


def co_05(ctx: Context, _: p.Params) -> list[RuleResult]:
    item = ctx.item
    d = item.derivation
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
    return res(PASS, f"acquired by {item.collected_by}", [item.ref])
