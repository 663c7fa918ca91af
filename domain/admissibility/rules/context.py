"""The question every rule answers (`Context`: this item, before this forum, on this date),
how it answers (`res`), and the checks and answers rules of several families share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import Any
from uuid import UUID

from domain.admissibility.facts import (
    AuthorisationFacts,
    CaseFile,
    Derivation,
    Interview,
    ItemFacts,
    Use,
)
from domain.admissibility.results import Action, Cure, Ref, RuleResult
from domain.rule_settings import Outcome

PASS, WARN, RISK, FAIL = Outcome.PASS, Outcome.WARN, Outcome.RISK, Outcome.FAIL
RESTRICT, UNKNOWN = Outcome.RESTRICT, Outcome.UNKNOWN
INTERVIEW_KINDS = ("suspect_interview", "witness_statement")
OTHER_CHANNELS = ("mla_request", "european_investigation_order")  # legal channels beside a JIT
NO_ID = UUID(int=0)

# facts several rules find missing, named alike wherever they are
THE_AUTHORISATION = "the authorisation the item was collected under"
THE_DATA = "the data itself (a file attached to the item)"


def day(at: datetime) -> str:
    """The date of a moment, as reasons print it (several times faster than strftime)."""
    return at.date().isoformat()


@dataclass(frozen=True)
class Context:
    """One question: this item, before this forum, on this date."""

    item: ItemFacts
    case: CaseFile
    forum: str
    on: datetime
    parent_outcome: Callable[[UUID], tuple[Outcome, str] | None]  # in the same forum

    def authorisation(self) -> AuthorisationFacts | None:
        a = self.case.authorisations.get(self.item.authorisation_id or NO_ID)
        return a if a is not None and a.issued_at <= self.on else None

    def seen(self, at: datetime | None) -> bool:
        return at is not None and at <= self.on

    @property
    def foreign(self) -> bool:
        """The item comes from another party than the forum."""
        return self.item.country != self.forum

    def uses(self, *purposes: str) -> list[Use]:
        """The item's uses in proceedings of the forum as of the date (for these purposes, if
        any are named)."""
        return [
            u
            for u in self.item.uses
            if u.country == self.forum
            and (not purposes or u.purpose in purposes)
            and self.seen(u.occurred_at)
        ]


Rule = Callable[[Context, Any], list[RuleResult]]


def res(
    outcome: Outcome,
    reason: str,
    rests_on: tuple[Ref, ...] | list[Ref] = (),
    *,
    missing: str = "",
    cure: str = "",
    use: str = "",
    until: datetime | None = None,
    action: Action | None = None,
) -> list[RuleResult]:
    return [RuleResult("", outcome, reason, tuple(rests_on), missing, cure, use, until, action)]


def on_record(cure: Cure, ref: Ref, **known: str) -> Action:
    """The cure `cure`, recorded on the record of `ref`, with what the rule knows of it."""
    return Action(cure, ref.record_id, **known)


def authorisation_not_on_record(ctx: Context, reason: str) -> list[RuleResult]:
    """The answer of a rule that reads the authorisation the item names, when it is not on
    record as of the date."""
    return res(
        UNKNOWN, reason, [ctx.item.ref], missing=THE_AUTHORISATION, cure="record the authorisation"
    )


def source_not_on_record(d: Derivation, reason: str, source: str) -> list[RuleResult]:
    """The answer of a rule that reads the item another one was made from (`source`, in the
    rule's words), when that item is not on record."""
    return res(UNKNOWN, reason, [d.ref], missing=source, cure=f"register {source}")


def with_authorisation(
    check: Callable[[Context, AuthorisationFacts, Any], list[RuleResult]],
) -> Rule:
    """Rules about the authorisation: pass when none is referenced (AU-01 judges that),
    unknown when the one referenced is not on record as of the date."""

    @wraps(check)
    def rule(ctx: Context, params: Any) -> list[RuleResult]:
        if ctx.item.authorisation_id is None:
            return res(PASS, "no authorisation referenced (AU-01 judges whether one is needed)")
        a = ctx.authorisation()
        if a is None:
            return authorisation_not_on_record(
                ctx, "the authorisation the item was collected under is not on record at that date"
            )
        return check(ctx, a, params)

    return rule


def interview_rule(check: Callable[[Context, Interview, Any], list[RuleResult]]) -> Rule:
    """Rules about an interview: pass for an item that is not one, unknown when how it was
    conducted is not on record as of the date."""

    @wraps(check)
    def rule(ctx: Context, params: Any) -> list[RuleResult]:
        if ctx.item.kind not in INTERVIEW_KINDS:
            return res(PASS, "not an interview", [ctx.item.ref])
        interview = ctx.item.interview
        if interview is None or not ctx.seen(interview.occurred_at):
            return res(
                UNKNOWN,
                "how the interview was conducted is not recorded",
                [ctx.item.ref],
                missing="the interview record",
                cure="record the interview's caution, lawyer and interpreter",
            )
        return check(ctx, interview, params)

    return rule


def understood(i: Interview) -> bool:
    """The suspect was interviewed in their language, or through an interpreter."""
    return i.suspect_language == i.interview_language or bool(i.interpreter)


def not_understood(i: Interview, reason: str) -> list[RuleResult]:
    """The answer of a rule to an interview the suspect did not understand (CO-02, LA-01),
    in the rule's words: no cure but another interview."""
    return res(
        FAIL, reason, [i.ref], cure="none for this interview: interview again with an interpreter"
    )
