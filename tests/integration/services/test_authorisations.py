"""Use cases of legal authorisations."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.authorisation import LegalAuthorisation
from domain.commands import ExtendAuthorisation, RecordAuthorisation, RevokeAuthorisation
from domain.errors import RuleViolation
from domain.values import AuthorisationKind

from .conftest import Team


def record_order(team: Team) -> LegalAuthorisation:
    return team.app.record_authorisation(
        team.fr_legal,
        RecordAuthorisation(
            investigation_id=team.id,
            kind=AuthorisationKind.INTERCEPTION_ORDER,
            country="FR",
            authority="JLD Paris",
            reference="JLD-1",
            occurred_at=team.now - timedelta(days=1),
            valid_from=team.now - timedelta(days=1),
            valid_until=team.now + timedelta(days=30),
        ),
    )


def revoke(
    team: Team, order: LegalAuthorisation, reason: str, expected_version: int | None = None
) -> LegalAuthorisation:
    """The French legal advisor revokes the order (from the version they read, if named)."""
    command = RevokeAuthorisation(
        investigation_id=team.id,
        authorisation_id=order.id,
        expected_version=expected_version,
        reason=reason,
        occurred_at=team.now,
    )
    return team.app.revoke_authorisation(team.fr_legal, command)


def test_an_authorisation_is_recorded_then_revoked(team: Team) -> None:
    order = record_order(team)
    revoked = revoke(team, order, "quashed", expected_version=order.version)
    stored = team.app.repository.get(order.id)
    assert (revoked.version, stored.version) == (2, 2)
    assert stored.revoked_reason == "quashed"


def test_a_revoked_authorisation_is_not_extended(team: Team) -> None:
    order = record_order(team)
    revoke(team, order, "x")
    before = team.position()
    with pytest.raises(RuleViolation, match="revoked"):
        team.app.extend_authorisation(
            team.fr_legal,
            ExtendAuthorisation(
                investigation_id=team.id,
                authorisation_id=order.id,
                valid_until=team.now + timedelta(days=90),
                reason="renewal",
                occurred_at=team.now,
            ),
        )
    assert team.position() == before
