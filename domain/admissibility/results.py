"""Rule outcomes, rule results and verdicts.

Outcomes and the verdicts they give:

| outcome   | verdict      | meaning |
|-----------|--------------|---------|
| PASS      | admissible   | the rule is met |
| UNKNOWN   | unknown      | facts the rule needs are not on record |
| WARN      | admissible   | met, with a weakness the court may ask about |
| FORFEITED | admissible   | a defect the defence did not raise in time (PR-01) |
| RESTRICT  | at risk      | usable only for some purposes or under conditions |
| RISK      | at risk      | the court may exclude the item |
| FAIL      | inadmissible | mandatory exclusion |

A verdict is its worst definite outcome (the order above, `Outcome`'s), with the rules
that lack facts listed beside it: a missing fact hides no known defect, and no missing fact
can cure a mandatory exclusion. It is UNKNOWN only where nothing but missing facts keeps
the item from passing.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

import msgspec

from domain.rule_settings import Outcome


class Verdict(StrEnum):
    ADMISSIBLE = "admissible"
    AT_RISK = "at risk"
    INADMISSIBLE = "inadmissible"
    UNKNOWN = "unknown"


VERDICT_OF = {
    Outcome.PASS: Verdict.ADMISSIBLE,
    Outcome.WARN: Verdict.ADMISSIBLE,
    Outcome.FORFEITED: Verdict.ADMISSIBLE,
    Outcome.RESTRICT: Verdict.AT_RISK,
    Outcome.RISK: Verdict.AT_RISK,
    Outcome.UNKNOWN: Verdict.UNKNOWN,
    Outcome.FAIL: Verdict.INADMISSIBLE,
}


class Ref(msgspec.Struct, frozen=True, array_like=True, gc=False):
    """One event of the log: the record it belongs to, its version there, and its type."""

    record_id: UUID
    version: int
    event: str


class Cure(StrEnum):
    """A cure a member records from a verdict's explanation, where it arises."""

    CONFIRM_AUTHORISATION = "confirm_authorisation"  # a judge's confirmation or validation
    QUALIFY_AUTHORISATION = "qualify_authorisation"  # who issued it, for which offences
    GRANT_CONSENT = "grant_consent"  # the originating party's consent to a use
    RECORD_COLLECTION = "record_collection"  # who took the item into custody


class Action(msgspec.Struct, frozen=True, gc=False, omit_defaults=True):
    """What the explanation offers to record: the cure, the record it is recorded on, and
    what the rule already knows of it (for a consent: who decides, for whom, for what)."""

    cure: Cure
    record_id: UUID
    decided_by: str = ""  # the party whose members decide, when only one may
    to_country: str = ""
    purpose: str = ""
    offence: str = ""


class RuleResult(msgspec.Struct, frozen=True, gc=False, omit_defaults=True):
    rule: str
    outcome: Outcome
    reason: str
    rests_on: tuple[Ref, ...] = ()
    missing: str = ""  # the fact (event) that is absent, when the outcome rests on an absence
    cure: str = ""  # what would fix a failure
    use: str = ""  # the proceeding the result is about, for use rules
    # a deadline: from then on, time alone changes this result (no event needed)
    until: datetime | None = None
    action: Action | None = None  # the cure, when a member can record it in JITspace


class CountryVerdict(msgspec.Struct, frozen=True, gc=False):
    evidence_id: UUID
    country: str
    verdict: Verdict
    outcome: Outcome
    results: tuple[RuleResult, ...]

    def changes_on(self) -> datetime | None:
        """When a deadline passes and changes this verdict with no new event, if ever."""
        return min((r.until for r in self.results if r.until is not None), default=None)


ORDER = tuple(Outcome)  # by rank: found by identity, where a dict would hash each member


def worst(outcomes: list[Outcome]) -> Outcome:
    """A verdict's outcome: the worst definite one (a missing fact hides no known defect, and
    the results that lack facts are listed beside it); UNKNOWN only where nothing but missing
    facts keeps the item from passing (the order of `Outcome`)."""
    return max(outcomes, key=ORDER.index, default=Outcome.PASS)
