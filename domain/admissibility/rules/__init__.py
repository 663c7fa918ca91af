"""One small pure function per rule type of the catalogue (DOMAIN.md), in a registry.

Each reads the facts of one item (as of a date) for one forum country and answers rule
results: an outcome, the reason, the events it rests on, what is missing, what would cure it.
A rule that does not concern the item passes, saying so; a rule whose facts are not on
record answers UNKNOWN and names the missing fact.
"""

from __future__ import annotations

from domain import rule_settings as p
from domain.admissibility.rules.authorisation import (
    au_01,
    au_02,
    au_03,
    au_04,
    au_05,
    au_06,
    au_07,
    au_08,
    au_09,
    au_10,
    au_11,
    au_12,
)
from domain.admissibility.rules.conduct import co_01, co_02, co_03, co_04, co_05
from domain.admissibility.rules.context import Context, Rule, day
from domain.admissibility.rules.custody import cu_01, cu_02, cu_03, cu_04
from domain.admissibility.rules.data_protection import dp_01, dp_02
from domain.admissibility.rules.disclosure import di_01, di_02, di_03
from domain.admissibility.rules.integrity import in_01, in_02, in_03, in_04
from domain.admissibility.rules.language import la_01, la_02, pr_01, pr_02
from domain.admissibility.rules.use import us_01, us_02, us_03, us_04, us_05, us_06
from domain.rule_settings import Outcome

REGISTRY: dict[str, Rule] = {
    "AU-01": au_01,
    "AU-02": au_02,
    "AU-03": au_03,
    "AU-04": au_04,
    "AU-05": au_05,
    "AU-06": au_06,
    "AU-07": au_07,
    "AU-08": au_08,
    "AU-09": au_09,
    "AU-10": au_10,
    "AU-11": au_11,
    "AU-12": au_12,
    "CO-01": co_01,
    "CO-02": co_02,
    "CO-03": co_03,
    "CO-04": co_04,
    "CO-05": co_05,
    "CU-01": cu_01,
    "CU-02": cu_02,
    "CU-03": cu_03,
    "CU-04": cu_04,
    "IN-01": in_01,
    "IN-02": in_02,
    "IN-03": in_03,
    "IN-04": in_04,
    "US-01": us_01,
    "US-02": us_02,
    "US-03": us_03,
    "US-04": us_04,
    "US-05": us_05,
    "US-06": us_06,
    "DI-01": di_01,
    "DI-02": di_02,
    "DI-03": di_03,
    "DP-01": dp_01,
    "DP-02": dp_02,
    "LA-01": la_01,
    "LA-02": la_02,
    "PR-01": pr_01,
    "PR-02": pr_02,
}
assert REGISTRY.keys() == p.RULE_TYPES.keys()


def _outcomes(names: str) -> frozenset[Outcome]:
    return frozenset(Outcome(n) for n in names.split())


# The outcomes each rule answers: the catalogue's (DOMAIN.md), PASS, and UNKNOWN where the
# rule needs a fact that may not be on record. Every one is reached by a test through the
# HTTP API from recorded facts; the table of which test reaches which is in the README
# (`python -m tests.rule_coverage --write`), and a unit test keeps the three in step.
OUTCOMES: dict[str, frozenset[Outcome]] = {
    "AU-01": _outcomes("PASS FAIL UNKNOWN"),
    "AU-02": _outcomes("PASS FAIL UNKNOWN"),
    "AU-03": _outcomes("PASS WARN FAIL UNKNOWN"),
    "AU-04": _outcomes("PASS FAIL UNKNOWN"),
    "AU-05": _outcomes("PASS FAIL UNKNOWN"),
    "AU-06": _outcomes("PASS FAIL UNKNOWN"),
    "AU-07": _outcomes("PASS FAIL UNKNOWN"),
    "AU-08": _outcomes("PASS FAIL"),
    "AU-09": _outcomes("PASS FAIL UNKNOWN"),
    "AU-10": _outcomes("PASS WARN RESTRICT RISK FAIL UNKNOWN"),
    "AU-11": _outcomes("PASS RISK FAIL UNKNOWN"),
    "AU-12": _outcomes("PASS RISK RESTRICT FAIL UNKNOWN"),
    "CO-01": _outcomes("PASS FAIL UNKNOWN"),
    "CO-02": _outcomes("PASS RISK FAIL UNKNOWN"),
    "CO-03": _outcomes("PASS WARN FAIL UNKNOWN"),
    "CO-04": _outcomes("PASS RISK UNKNOWN"),
    "CO-05": _outcomes("PASS WARN RISK"),
    "CU-01": _outcomes("PASS WARN RISK UNKNOWN"),
    "CU-02": _outcomes("PASS WARN RISK"),
    "CU-03": _outcomes("PASS RISK FAIL"),
    "CU-04": _outcomes("PASS WARN RISK"),
    "IN-01": _outcomes("PASS WARN RISK UNKNOWN"),
    "IN-02": _outcomes("PASS WARN FAIL UNKNOWN"),
    "IN-03": _outcomes("PASS WARN FAIL UNKNOWN"),
    "IN-04": _outcomes("PASS WARN UNKNOWN"),
    "US-01": _outcomes("PASS RESTRICT UNKNOWN"),
    "US-02": _outcomes("PASS WARN RESTRICT FAIL"),
    "US-03": _outcomes("PASS RESTRICT"),
    "US-04": _outcomes("PASS RESTRICT"),
    "US-05": _outcomes("PASS FAIL"),
    "US-06": _outcomes("PASS RISK FAIL UNKNOWN"),
    "DI-01": _outcomes("PASS RISK FAIL UNKNOWN"),
    "DI-02": _outcomes("PASS WARN UNKNOWN"),
    "DI-03": _outcomes("PASS FAIL"),
    "DP-01": _outcomes("PASS RISK FAIL"),
    "DP-02": _outcomes("PASS WARN UNKNOWN"),
    "LA-01": _outcomes("PASS RISK FAIL UNKNOWN"),
    "LA-02": _outcomes("PASS WARN RISK UNKNOWN"),
    "PR-01": _outcomes("PASS FORFEITED UNKNOWN"),
    "PR-02": _outcomes("PASS WARN"),
}
assert REGISTRY.keys() == OUTCOMES.keys()

# Rules that read neither the forum (nor whether the item is foreign to it, nor its uses
# there) nor a parent's verdict in it: their results on an item and date are the same in
# every forum whose rulebook sets them alike, so they are worked out once for all of them.
FORUM_FREE = frozenset(
    {
        "AU-01",
        "AU-02",
        "AU-03",
        "AU-04",
        "AU-05",
        "AU-08",
        "AU-09",
        "AU-10",
        "CO-01",
        "CO-02",
        "CO-03",
        "CO-04",
        "CO-05",
        "CU-01",
        "CU-02",
        "CU-03",
        "CU-04",
        "IN-01",
        "IN-02",
        "US-05",
        "US-06",
        "DI-03",
        "DP-01",
        "DP-02",
        "LA-01",
        "LA-02",
        "PR-02",
    }
)
assert REGISTRY.keys() >= FORUM_FREE


__all__ = ["FORUM_FREE", "OUTCOMES", "REGISTRY", "Context", "Rule", "day"]
