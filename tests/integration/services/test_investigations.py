"""Use cases of the investigation: members, observers' rights, closing; versions."""

from __future__ import annotations

from uuid import uuid4

import pytest

from domain.commands import AddMember, ChangeMemberRole, CloseInvestigation, RemoveMember
from domain.errors import InvestigationClosed, NotFound
from domain.investigation import Investigation
from domain.values import Member, Role
from jitspace.services.base import VersionConflict

from .conftest import Team


def test_a_member_removed_is_no_longer_found_by_the_application(team: Team) -> None:
    # When the leader removes the Belgian investigator
    removed = team.app.remove_member(
        team.leader,
        RemoveMember(
            investigation_id=team.id,
            user_id=team.be_investigator,
            reason="left",
            occurred_at=team.now,
        ),
    )
    # Then the removal is in the log, and the investigation is "not found" for them
    assert team.be_investigator not in removed.members
    assert isinstance(team.app.repository.get(team.id), Investigation)
    with pytest.raises(NotFound):
        team.app.investigation_for(team.be_investigator, team.id)


def test_a_change_from_a_stale_version_is_a_conflict_and_records_nothing(team: Team) -> None:
    # Given the investigation as the leader last read it, then changed since
    read = team.app.investigation_for(team.leader, team.id).version
    team.app.change_member_role(
        team.leader,
        ChangeMemberRole(
            investigation_id=team.id,
            user_id=team.fr_investigator,
            role=Role.ANALYST,
            reason="reassigned",
            occurred_at=team.now,
        ),
    )
    before = team.position()
    # When a member is added from the version read before
    newcomer = Member(uuid4(), "Newcomer", "BE", Role.ANALYST)
    with pytest.raises(VersionConflict) as conflict:
        team.app.add_member(
            team.leader,
            AddMember(
                investigation_id=team.id,
                expected_version=read,
                member=newcomer,
                occurred_at=team.now,
            ),
        )
    # Then the conflict names the current version, and the log holds no new event
    assert conflict.value.current_version == read + 1
    assert team.position() == before


def test_a_closed_investigation_refuses_commands(team: Team) -> None:
    # Given a closed JIT
    team.app.close_investigation(
        team.leader,
        CloseInvestigation(investigation_id=team.id, reason="done", occurred_at=team.now),
    )
    before = team.position()
    # When the leader adds a member, then it is refused and nothing is recorded
    with pytest.raises(InvestigationClosed):
        team.app.add_member(
            team.leader,
            AddMember(
                investigation_id=team.id,
                member=Member(uuid4(), "Late", "FR", Role.ANALYST),
                occurred_at=team.now,
            ),
        )
    assert team.position() == before
