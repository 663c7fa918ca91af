"""Reads of one record, and of the investigation as it stood at a point of the log."""

from __future__ import annotations

import pytest

from domain.errors import NotFound
from domain.evidence import EvidenceItem

from .conftest import Team


def test_the_history_as_of_a_position_holds_what_was_recorded_by_then(team: Team) -> None:
    first = team.register("FR-1")
    then = team.position()
    team.register("FR-2")
    history = team.app.history(team.leader, team.id, position=then)
    assert [i.reference for i in history.all(EvidenceItem)] == ["FR-1"]
    assert history.record(EvidenceItem, first.id).id == first.id
    with pytest.raises(NotFound):
        team.app.part_for(team.leader, team.id, EvidenceItem, team.id)
