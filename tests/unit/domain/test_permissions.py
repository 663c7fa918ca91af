"""The permission table: who may do what in an investigation, read as the JIT reads it."""

from __future__ import annotations

import pytest

from domain.errors import PermissionDenied
from domain.permissions import (
    GRANTABLE_TO_OBSERVERS,
    PERMISSIONS,
    Action,
    check_permitted,
    permits,
)
from domain.values import Role

WRITING = [a for a in Action if not a.value.startswith("view_")]


def test_every_action_has_a_row_and_a_description() -> None:
    assert set(PERMISSIONS) == set(Action)
    for action in Action:
        assert PERMISSIONS[action], f"{action} is open to nobody"
        assert action.described


@pytest.mark.parametrize("role", list(Role))
def test_every_member_sees_the_investigation_its_evidence_and_its_tasks(role: Role) -> None:
    for action in (Action.VIEW_INVESTIGATION, Action.VIEW_EVIDENCE, Action.VIEW_TASKS):
        assert permits(role, action)


@pytest.mark.parametrize("action", [a for a in WRITING if a is not Action.WORK_TASKS])
def test_an_observer_changes_nothing_but_the_status_of_their_tasks(action: Action) -> None:
    assert not permits(Role.OBSERVER, action)
    assert permits(Role.OBSERVER, Action.WORK_TASKS)


def test_an_observer_neither_downloads_files_nor_reads_the_legal_file() -> None:
    assert not permits(Role.OBSERVER, Action.DOWNLOAD_FILES)
    assert not permits(Role.OBSERVER, Action.VIEW_LEGAL)


@pytest.mark.parametrize(
    "action",
    [Action.RECORD_CUSTODY, Action.DECIDE_CONSENT, Action.RAISE_DEFECT, Action.DISCLOSE],
)
def test_an_analyst_works_on_copies_and_decides_nothing_legal(action: Action) -> None:
    assert not permits(Role.ANALYST, action)
    assert permits(Role.ANALYST, Action.DOWNLOAD_FILES)
    assert permits(Role.ANALYST, Action.RECORD_DERIVATION)


def test_only_legal_advisors_amend_rulebooks_and_only_the_leader_closes() -> None:
    assert PERMISSIONS[Action.AMEND_RULEBOOK] == {Role.LEGAL_ADVISOR}
    assert PERMISSIONS[Action.CLOSE_INVESTIGATION] == {Role.JIT_LEADER}


def test_the_team_is_run_by_its_leader_and_national_members() -> None:
    assert PERMISSIONS[Action.MANAGE_TEAM] == {Role.JIT_LEADER, Role.NATIONAL_MEMBER}


def test_consent_and_defects_are_for_those_who_speak_for_a_party_in_court() -> None:
    legal = {Role.LEGAL_ADVISOR, Role.PROSECUTOR, Role.NATIONAL_MEMBER}
    assert PERMISSIONS[Action.DECIDE_CONSENT] == legal
    assert PERMISSIONS[Action.RAISE_DEFECT] == legal


def test_a_refusal_names_the_role_and_what_it_may_not_do() -> None:
    with pytest.raises(PermissionDenied) as refused:
        check_permitted(Role.ANALYST, Action.RECORD_CUSTODY)
    assert refused.value.message == (
        "in this investigation you are an analyst, who may not record custody of evidence"
    )
    check_permitted(Role.INVESTIGATOR, Action.RECORD_CUSTODY)  # no error


def test_an_agreement_may_give_observers_more_but_never_custody_or_legal_decisions() -> None:
    granted = frozenset({Action.DOWNLOAD_FILES, Action.VIEW_LEGAL})
    assert permits(Role.OBSERVER, Action.DOWNLOAD_FILES, granted)
    assert not permits(Role.OBSERVER, Action.MANAGE_TASKS, granted)
    assert not permits(Role.ANALYST, Action.RECORD_CUSTODY, frozenset({Action.RECORD_CUSTODY}))
    for action in (Action.RECORD_CUSTODY, Action.DECIDE_CONSENT, Action.DISCLOSE):
        assert action not in GRANTABLE_TO_OBSERVERS
