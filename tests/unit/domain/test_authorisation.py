"""Stories of legal advisors recording and revoking the authorisations behind measures."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.authorisation import LegalAuthorisation
from domain.errors import (
    DomainError,
    NotFound,
    PermissionDenied,
    RuleViolation,
)
from domain.values import AuthorisationKind, EvidenceKind, Scope
from tests.unit.builders import annul_authorisation, confirm_authorisation, revoke_authorisation

SCOPE = Scope(
    targets=("+33 6 12 34 56 78", "Ion Popescu"),
    places=("Lille",),
    methods=("interception",),
    evidence_kinds=(EvidenceKind.INTERCEPTED_COMMUNICATION,),
)


def revoke(team, order, **overrides):
    """The French legal advisor records that an order was revoked (overrides: its fields)."""
    command = revoke_authorisation(order, **overrides)
    order.revoke(team.investigation, team.actor(team.fr_legal_advisor), command)


@pytest.fixture
def revoked_order(team, interception_order, now):
    """Given the interception order, revoked on appeal (events collected)."""
    revoke(team, interception_order, reason="annulled on appeal", occurred_at=now)
    interception_order.collect_events()
    return interception_order


def test_a_legal_advisor_records_an_authorisation_of_a_party(
    team, record_authorisation, now, recorded_once
):
    # Given the French legal advisor of a FR-BE JIT
    advisor = team.actor(team.fr_legal_advisor)
    issued_at = now - timedelta(days=1)

    # When she records a French judge's interception order
    authorisation = record_authorisation(
        team,
        advisor,
        kind=AuthorisationKind.INTERCEPTION_ORDER,
        country="FR",
        authority="Juge des libertés et de la détention, Paris",
        reference="JLD-2024-0117",
        occurred_at=issued_at,
        valid_from=now,
        valid_until=now + timedelta(days=90),
        scope=SCOPE,
        conditions="for the JIT's purpose only",
    )

    # Then the authorisation belongs to the investigation, with its validity and scope
    assert authorisation.investigation_id == team.id
    assert authorisation.country == "FR"
    assert authorisation.kind is AuthorisationKind.INTERCEPTION_ORDER
    assert authorisation.issued_at == issued_at
    assert (authorisation.valid_from, authorisation.valid_until) == (now, now + timedelta(days=90))
    assert authorisation.scope == SCOPE
    assert authorisation.revoked_at is None
    # and exactly one Recorded event says who recorded it, in which JIT, issued when
    recorded = recorded_once(authorisation, LegalAuthorisation.Recorded, advisor, team)
    assert recorded.originator_id == authorisation.id
    assert recorded.occurred_at == issued_at
    assert recorded.scope == SCOPE


def test_an_authorisation_is_recorded_for_any_party_of_the_jit(team, record_authorisation):
    # Given the French legal advisor of a FR-BE JIT
    # When she records a Belgian investigating judge's search warrant
    authorisation = record_authorisation(
        team, kind=AuthorisationKind.SEARCH_WARRANT, country="BE", authority="Juge d'instruction"
    )

    # Then it is recorded as issued in Belgium
    assert authorisation.country == "BE"


def test_an_authorisation_country_must_be_a_party(team, record_authorisation, rejected):
    # Given a FR-BE JIT
    # When the French legal advisor records a German order
    with rejected(RuleViolation, team.investigation) as error:
        record_authorisation(team, country="DE", authority="Amtsgericht Köln")

    # Then the country is at fault
    assert error.value.field == "country"


@pytest.mark.parametrize(
    "length", [timedelta(0), -timedelta(seconds=1)], ids=["no-time-at-all", "ends-before"]
)
def test_an_authorisation_validity_must_end_after_it_starts(
    team, now, record_authorisation, rejected, length
):
    # Given a FR-BE JIT
    # When the French legal advisor records an order that does not end after it starts
    with rejected(RuleViolation, team.investigation) as error:
        record_authorisation(team, valid_from=now, valid_until=now + length)

    # Then the end of the validity is at fault
    assert error.value.field == "valid_until"


def test_a_user_who_is_not_a_member_cannot_record_an_authorisation(
    team, outsider, record_authorisation, rejected
):
    # Given a French user outside the team
    # When he records an authorisation
    with rejected(DomainError, team.investigation):
        record_authorisation(team, actor=outsider)


def test_an_authorisation_is_revoked_with_a_reason(team, interception_order, now, recorded_once):
    # Given a recorded interception order
    advisor = team.actor(team.fr_legal_advisor)

    # When the French legal advisor records that it was revoked
    revoke(team, interception_order, reason="annulled on appeal", occurred_at=now)

    # Then it is revoked as of then, by exactly one Revoked event
    assert interception_order.revoked_at == now
    assert interception_order.revoked_reason == "annulled on appeal"
    revoked = recorded_once(interception_order, LegalAuthorisation.Revoked, advisor, team)
    assert revoked.reason == "annulled on appeal"
    assert revoked.occurred_at == now


def test_an_authorisation_is_revoked_only_once(team, revoked_order, now, rejected):
    # Given a revoked interception order
    # When it is revoked again
    with rejected(RuleViolation, revoked_order):
        revoke(team, revoked_order, reason="again", occurred_at=now + timedelta(days=1))

    # Then the first revocation stands
    assert revoked_order.revoked_at == now
    assert revoked_order.revoked_reason == "annulled on appeal"


def test_a_removed_member_cannot_revoke_an_authorisation(
    team, interception_order, leave_team, rejected
):
    # Given the French legal advisor left the team
    leave_team(team, team.fr_legal_advisor)

    # When she revokes the interception order
    with rejected(PermissionDenied, interception_order, team.investigation):
        revoke(team, interception_order, reason="annulled")

    # Then it stays valid
    assert interception_order.revoked_at is None


def test_an_authorisation_belongs_to_the_investigation_that_recorded_it(
    team, other_team, interception_order
):
    # Given an interception order recorded in one JIT
    # When another JIT checks it as one of its own, it is told there is no such authorisation
    with pytest.raises(NotFound) as error:
        interception_order.check_belongs_to(other_team.investigation, field="authorisation_id")

    # Then the reference is at fault; its own JIT accepts it
    assert error.value.field == "authorisation_id"
    interception_order.check_belongs_to(team.investigation, field="authorisation_id")


def test_an_authorisation_of_another_investigation_cannot_be_revoked(
    team, other_team, interception_order, rejected
):
    # Given an interception order of the FR-BE JIT, and a French member of another JIT
    stranger = other_team.actor(other_team.fr_investigator)

    # When he revokes it through his own JIT
    with rejected(DomainError, interception_order):
        interception_order.revoke(
            other_team.investigation,
            stranger,
            revoke_authorisation(
                interception_order, reason="not ours", investigation_id=other_team.id
            ),
        )


@pytest.mark.parametrize("command", ["record", "revoke"])
def test_a_closed_investigation_rejects_authorisation_commands(
    team, interception_order, record_authorisation, rejected_once_closed, command
):
    # Given a recorded interception order, and its JIT closed
    # When the French legal advisor records or revokes an authorisation, it is rejected
    with rejected_once_closed(team, interception_order):
        if command == "record":
            record_authorisation(team)  # by the French legal advisor
        else:
            revoke(team, interception_order, reason="too late")


def test_replaying_the_events_rebuilds_the_same_authorisation(
    team, record_authorisation, now, replay
):
    # Given an interception order recorded, then revoked
    authorisation = record_authorisation(team)
    revoke(team, authorisation, reason="annulled on appeal", occurred_at=now)
    events = authorisation.collect_events()

    # When its events are replayed
    rebuilt = replay(events)

    # Then the rebuilt authorisation equals the one that recorded them
    assert type(rebuilt) is LegalAuthorisation
    assert vars(rebuilt) == vars(authorisation)
    assert rebuilt.version == 2
    assert rebuilt.revoked_at == now


def test_a_judge_confirms_an_order_once_and_never_before_it_was_issued(
    team, interception_order, now, rejected
):
    advisor = team.actor(team.fr_legal_advisor)
    issued = interception_order.issued_at
    # A confirmation dated before the order is refused
    with rejected(RuleViolation, interception_order):
        interception_order.confirm(
            team.investigation,
            advisor,
            confirm_authorisation(
                interception_order, judge="JLD", occurred_at=issued - timedelta(hours=1)
            ),
        )
    # When the judge's confirmation is recorded
    interception_order.confirm(
        team.investigation,
        advisor,
        confirm_authorisation(interception_order, judge="JLD Lille", occurred_at=now),
    )
    # Then it is confirmed as of then, by exactly one Confirmed event
    [confirmed] = interception_order.collect_events()
    assert type(confirmed) is LegalAuthorisation.Confirmed
    assert (confirmed.judge, confirmed.occurred_at) == ("JLD Lille", now)
    assert (interception_order.confirmed_at, interception_order.confirmed_by) == (now, "JLD Lille")
    # and a second confirmation is refused
    with rejected(RuleViolation, interception_order):
        interception_order.confirm(
            team.investigation,
            advisor,
            confirm_authorisation(interception_order, judge="again"),
        )


def test_a_court_annuls_an_order_even_once_revoked_and_only_once(team, revoked_order, rejected):
    # Given a revoked interception order
    advisor = team.actor(team.fr_legal_advisor)
    # When a court's ruling annuls the revoked order
    revoked_order.annul(
        team.investigation,
        advisor,
        annul_authorisation(revoked_order, court="CA Douai", ruling="CI-17"),
    )
    # Then it is annulled, by exactly one Annulled event naming the court and the ruling
    [annulled] = revoked_order.collect_events()
    assert type(annulled) is LegalAuthorisation.Annulled
    assert (annulled.court, annulled.ruling) == ("CA Douai", "CI-17")
    assert revoked_order.annulled_by == "CA Douai, CI-17"
    # and a second annulment is refused
    with rejected(RuleViolation, revoked_order):
        revoked_order.annul(
            team.investigation,
            advisor,
            annul_authorisation(revoked_order, court="X", ruling="Y"),
        )
