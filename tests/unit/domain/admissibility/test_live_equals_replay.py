"""A verdict kept live, event by event (only the items each event touches are re-evaluated,
and the facts go through their stored form between events, as the projection keeps them),
equals the verdict recomputed by replaying the log as of the same date."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.admissibility.facts import CaseFile
from domain.admissibility.verdict import matrix
from domain.values import DerivationKind, UsePurpose
from jitspace.rulebooks import load_shipped
from tests.unit.builders import (
    extend_authorisation,
    grant_consent,
    raise_defect,
    receive_evidence,
    record_collection,
    record_derivation,
    record_use,
    remove_rule,
    set_rule,
    transfer_to_party,
)
from tests.unit.domain.test_custody import adopt

ACTIONS = st.lists(
    st.sampled_from(
        [
            "register",
            "register_unlinked",
            "extend",
            "use",
            "consent",
            "collect",
            "hand_over",
            "receive",
            "derive",
            "strict",
            "remove_rule",
            "defect",
        ]
    ),
    max_size=25,
)


def history(
    team: Any, record_authorisation: Any, register_evidence: Any, now: Any, actions: list[str]
) -> list[Any]:
    jit = team.investigation
    fr_legal, be_legal = team.actor(team.fr_legal_advisor), team.actor(team.be_legal_advisor)
    fr_inv, be_inv = team.actor(team.fr_investigator), team.actor(team.be_investigator)
    books = {
        c: adopt(team, c, load_shipped(c.lower()).content.rules)  # type: ignore[union-attr]
        for c in ("FR", "BE")
    }
    order = record_authorisation(team, valid_until=now - timedelta(days=5))
    items: list[Any] = []
    aggregates: list[Any] = [*books.values(), order]
    events: list[Any] = [*team.history]
    for step, action in enumerate(actions):
        at = now - timedelta(days=10) + timedelta(hours=step)
        last = items[-1] if items else None
        try:
            if action.startswith("register"):
                item = register_evidence(
                    team,
                    reference=f"I-{step}",
                    occurred_at=at,
                    authorisation=order if action == "register" else None,
                )
                items.append(item)
                aggregates.append(item)
            elif action == "extend":
                later = order.valid_until + timedelta(days=9)
                order.extend(jit, fr_legal, extend_authorisation(order, later, occurred_at=at))
            elif last is None:
                continue
            elif action == "use":
                last.record_use(jit, be_inv, record_use(last, "BE-VAT", occurred_at=at))
            elif action == "consent":
                consent = grant_consent(last, "BE", UsePurpose.OTHER_OFFENCE, occurred_at=at)
                last.grant_consent(jit, fr_legal, consent)
            elif action == "collect":
                last.record_collection(jit, fr_inv, record_collection(last, occurred_at=at))
            elif action == "hand_over":
                transfer = transfer_to_party(last, "BE", be_inv, occurred_at=at)
                last.transfer_to_party(jit, fr_inv, transfer)
            elif action == "receive":
                last.receive(jit, be_inv, receive_evidence(last, packaging="box", occurred_at=at))
            elif action == "derive" and len(items) > 1:
                analysis = record_derivation(
                    last,
                    items[0],
                    DerivationKind.ANALYSIS,
                    tool="X",
                    tool_version="1",
                    occurred_at=at,
                )
                last.record_derivation(jit, fr_inv, analysis, items[0])
            elif action == "strict":
                strict = set_rule(books["BE"], "CU-02", params={"severity": "FAIL"})
                books["BE"].set_rule(jit, be_legal, strict)
            elif action == "remove_rule":
                books["FR"].remove_rule(jit, fr_legal, remove_rule(books["FR"], "AU-02"))
            elif action == "defect":
                last.raise_defect(jit, fr_legal, raise_defect(last, note="nullity", occurred_at=at))
        except Exception:  # a command its guards refuse records nothing: go on
            pass
        for aggregate in aggregates:
            events.extend(aggregate.collect_events())
    return events


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(actions=ACTIONS)
def test_a_verdict_kept_live_equals_the_verdict_replayed_as_of_its_date(
    team, record_authorisation, register_evidence, now, actions
):
    events = history(team, record_authorisation, register_evidence, now, actions)
    encoder, decoder = msgspec.msgpack.Encoder(), msgspec.msgpack.Decoder(CaseFile)

    # live: fold each event, keep only the facts' stored form, re-evaluate what it touches
    stored = encoder.encode(CaseFile())
    live: dict[Any, Any] = {}
    for position, e in enumerate(events):
        case = decoder.decode(stored)
        touched = case.affected(case.apply(e))
        for v in matrix(case, e.timestamp, touched):
            live[(v.evidence_id, v.country)] = (position, e.timestamp, v)
        stored = encoder.encode(case)

    # replay: the log up to that date, every verdict recomputed from scratch
    for (evidence_id, country), (position, on, verdict) in live.items():
        replayed = CaseFile()
        for e in events[: position + 1]:  # the log as of that date
            replayed.apply(e)
        again = {(v.evidence_id, v.country): v for v in matrix(replayed, on)}
        assert again[(evidence_id, country)] == verdict

    # and no event left a verdict stale: the whole log, evaluated on each row's date, agrees
    everything = CaseFile()
    for e in events:
        everything.apply(e)
    for (evidence_id, country), (_, on, verdict) in live.items():
        again = {(v.evidence_id, v.country): v for v in matrix(everything, on, {evidence_id})}
        assert again[(evidence_id, country)].verdict == verdict.verdict
