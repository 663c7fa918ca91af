"""Use cases of legal authorisations."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.authorisation import LegalAuthorisation
from domain.errors import RuleViolation
from domain.values import Scope
from tests.unit.builders import extend_authorisation, record_authorisation, revoke_authorisation

from .conftest import Team


def record_order(team: Team) -> LegalAuthorisation:
    """The French legal advisor records a French judge's interception order, issued yesterday
    and valid for a month, with no scope or conditions."""
    yesterday = team.now - timedelta(days=1)
    command = record_authorisation(
        team,
        authority="JLD Paris",
        reference="JLD-1",
        occurred_at=yesterday,
        valid_from=yesterday,
        valid_until=team.now + timedelta(days=30),
        scope=Scope(),
        conditions="",
    )
    return team.app.record_authorisation(team.fr_legal, command)


def revoke(
    team: Team, order: LegalAuthorisation, reason: str, expected_version: int | None = None
) -> LegalAuthorisation:
    """The French legal advisor revokes the order (from the version they read, if named)."""
    command = revoke_authorisation(
        order, expected_version=expected_version, reason=reason, occurred_at=team.now
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
        renewal = extend_authorisation(order, team.now + timedelta(days=90), occurred_at=team.now)
        team.app.extend_authorisation(team.fr_legal, renewal)
    assert team.position() == before
