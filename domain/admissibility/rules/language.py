"""LA rules: language (interviews in a language understood, translations); and the PR rules
of procedure: PR-01, forfeiture, which `verdict.forfeit` applies; PR-02, facts recorded late."""

from __future__ import annotations

from datetime import timedelta

from domain import rule_settings as p
from domain.admissibility.facts import Interview
from domain.admissibility.results import RuleResult
from domain.admissibility.rules.context import (
    PASS,
    RISK,
    THE_DATA,
    UNKNOWN,
    WARN,
    Context,
    day,
    interview_rule,
    not_understood,
    res,
    understood,
)
from domain.wording import fact


@interview_rule
def la_01(ctx: Context, i: Interview, _: p.Params) -> list[RuleResult]:
    if not understood(i):
        return not_understood(
            i,
            f"interviewed in {i.interview_language}, which the suspect "
            f"({i.suspect_language}) does not speak, with no interpreter",
        )
    if _same_language(i.suspect_language, i.interview_language):
        return res(PASS, "interviewed in a language understood", [i.ref])
    # interpreted: the record of the interview is an essential document (Dir. 2010/64 Art. 3)
    translated = [
        t
        for t in ctx.item.translations
        if ctx.seen(t.occurred_at) and _same_language(t.language, i.suspect_language)
    ]
    if not translated:
        return res(
            RISK,
            f"interviewed through an interpreter; the record is not translated into "
            f"{i.suspect_language}",
            [i.ref],
            missing=f"a translation of the record into {i.suspect_language}",
            cure=f"translate the record into {i.suspect_language} and record the translation",
        )
    return res(
        PASS,
        f"interviewed through an interpreter; the record translated into {i.suspect_language}",
        [i.ref, translated[-1].ref],
    )


def _same_language(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def la_02(ctx: Context, _: p.Params) -> list[RuleResult]:
    item = ctx.item
    d = item.derivation
    translations = [t for t in item.translations if ctx.seen(t.occurred_at)]
    is_translation = d is not None and d.relation == "translation" and ctx.seen(d.occurred_at)
    if not is_translation and not translations:
        return res(PASS, "not a translation, nor translated", [item.ref])
    if is_translation and d is not None:
        if not d.made_by.strip():
            return res(
                RISK, "the translator is not identified", [d.ref], cure="record the translator"
            )
        source = ctx.case.items.get(d.parent_id)
        if source is None:
            return res(
                UNKNOWN,
                "the source is not on record",
                [d.ref],
                missing="the translated source document",
                cure="register the source document",
            )
        if source.files and d.parent_sha256 not in {f.sha256 for f in source.files}:
            return res(
                WARN,
                f"linked to a hash {source.reference} does not have",
                [d.ref],
                cure="link the translation to its source's hash",
            )
    unnamed = [t for t in translations if not t.translator]
    if unnamed:
        return res(
            RISK,
            f"the translator into {unnamed[0].language} is not identified",
            [t.ref for t in unnamed],
            cure="record the translator",
        )
    unlinked = [t for t in translations if not t.source_sha256]
    if unlinked and not item.files:
        return res(
            UNKNOWN,
            "the source's data is not on record: the translation cannot be linked to its hash",
            [t.ref for t in unlinked],
            missing=THE_DATA,
            cure="attach the source's data and record which file was translated",
        )
    if unlinked:
        return res(
            WARN,
            f"the translation into {unlinked[0].language} does not name the source's hash",
            [t.ref for t in unlinked],
            cure="record the translation with the SHA-256 of the file translated",
        )
    if is_translation and d is not None:
        return res(PASS, f"translated by {d.made_by} from {d.parent_sha256[:12]}…", [d.ref])
    return res(
        PASS,
        "; ".join(
            f"translated into {t.language} by {t.translator} from {t.source_sha256[:12]}…"
            for t in translations
        ),
        [t.ref for t in translations],
    )


def pr_01(ctx: Context, _: p.Forfeiture) -> list[RuleResult]:
    """Applied by `verdict.evaluate` to the other rules' failures: see `forfeit`."""
    return []


def pr_02(ctx: Context, params: p.LateRecords) -> list[RuleResult]:
    """A fact about the item (or about the authorisation it was collected under) recorded
    more than `days` after it happened is a back-dated record the court may ask about: WARN
    with both dates, on any date asked once the fact had happened (what the team knew at a
    point of the log is asked with `as_of`, which replays the log to it). The registration
    is not one (it states when the item was collected, often long before the team shared
    it), nor the recording of an authorisation (when it was issued)."""
    a = ctx.authorisation()
    records = ctx.item.late + (a.late if a is not None else [])
    late = sorted(
        (
            r
            for r in records
            if ctx.seen(r.occurred_at)
            and r.recorded_at - r.occurred_at > timedelta(days=params.days)
        ),
        key=lambda r: r.occurred_at,
    )
    if not late:
        return res(PASS, f"every fact recorded within {params.days} days of happening")
    listed = "; ".join(
        f"{fact(r.ref.event)} on {day(r.occurred_at)}, recorded on {day(r.recorded_at)}"
        for r in late
    )
    return res(
        WARN,
        f"recorded more than {params.days} days after it happened: {listed}",
        [r.ref for r in late],
        cure="none needed to use it: be ready to explain the delay, the court may ask",
    )
