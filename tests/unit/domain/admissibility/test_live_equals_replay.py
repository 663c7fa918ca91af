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
from domain.commands import (
    ExtendAuthorisation,
    GrantConsent,
    RaiseDefect,
    ReceiveEvidence,
    RecordCollection,
    RecordDerivation,
    RecordUse,
    RemoveRule,
    SetRule,
    TransferToParty,
)
from domain.values import DerivationKind, UsePurpose
from jitspace.rulebooks import load_shipped
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
    inv = team.investigation
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
                order.extend(
                    inv,
                    fr_legal,
                    ExtendAuthorisation(
                        investigation_id=inv.id,
                        authorisation_id=order.id,
                        valid_until=order.valid_until + timedelta(days=9),
                        reason="renewal",
                        occurred_at=at,
                    ),
                )
            elif last is None:
                continue
            elif action == "use":
                last.record_use(
                    inv,
                    be_inv,
                    RecordUse(
                        investigation_id=inv.id,
                        evidence_id=last.id,
                        proceeding="BE-VAT",
                        offence="VAT fraud",
                        purpose=UsePurpose.OTHER_OFFENCE,
                        occurred_at=at,
                    ),
                )
            elif action == "consent":
                last.grant_consent(
                    inv,
                    fr_legal,
                    GrantConsent(
                        investigation_id=inv.id,
                        evidence_id=last.id,
                        to_country="BE",
                        purpose=UsePurpose.OTHER_OFFENCE,
                        offence="",
                        conditions="",
                        occurred_at=at,
                    ),
                )
            elif action == "collect":
                last.record_collection(
                    inv,
                    fr_inv,
                    RecordCollection(
                        investigation_id=inv.id,
                        evidence_id=last.id,
                        place="Lille",
                        note="",
                        occurred_at=at,
                    ),
                )
            elif action == "hand_over":
                last.transfer_to_party(
                    inv,
                    fr_inv,
                    TransferToParty(
                        investigation_id=inv.id,
                        evidence_id=last.id,
                        country="BE",
                        recipient_id=be_inv.user_id,
                        reason="lab",
                        occurred_at=at,
                    ),
                )
            elif action == "receive":
                last.receive(
                    inv,
                    be_inv,
                    ReceiveEvidence(
                        investigation_id=inv.id,
                        evidence_id=last.id,
                        seal_condition="intact",
                        seal_number="",
                        packaging="box",
                        occurred_at=at,
                    ),
                )
            elif action == "derive" and len(items) > 1:
                items[-1].record_derivation(
                    inv,
                    fr_inv,
                    RecordDerivation(
                        investigation_id=inv.id,
                        evidence_id=items[-1].id,
                        parent_id=items[0].id,
                        parent_sha256="a" * 64,
                        relation=DerivationKind.ANALYSIS,
                        tool="X",
                        tool_version="1",
                        made_by="lab",
                        occurred_at=at,
                    ),
                    items[0],
                )
            elif action == "strict":
                books["BE"].set_rule(
                    inv,
                    be_legal,
                    SetRule(
                        investigation_id=inv.id,
                        country=books["BE"].country,
                        rule="CU-02",
                        params={"severity": "FAIL"},
                        reason="",
                    ),
                )
            elif action == "remove_rule":
                books["FR"].remove_rule(
                    inv,
                    fr_legal,
                    RemoveRule(
                        investigation_id=inv.id,
                        country=books["FR"].country,
                        rule="AU-02",
                        reason="",
                    ),
                )
            elif action == "defect":
                last.raise_defect(
                    inv,
                    fr_legal,
                    RaiseDefect(
                        investigation_id=inv.id,
                        evidence_id=last.id,
                        rule="",
                        note="nullity",
                        occurred_at=at,
                    ),
                )
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
