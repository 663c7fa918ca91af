"""Stories of the Investigation aggregate: opening a JIT, its parties, its members, closing it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.commands import ExtendAgreement, RecordPartyDeparture
from domain.errors import (
    Conflict,
    DomainError,
    InvestigationClosed,
    NotFound,
    PermissionDenied,
    RuleViolation,
)
from domain.investigation import Investigation
from domain.permissions import Action
from domain.values import Actor, Member, Party, Role
from tests.unit.builders import (
    BELGIUM,
    EUROJUST,
    FRANCE,
    NETHERLANDS,
    add_member,
    add_party,
    change_member_role,
    close_investigation,
    open_investigation,
    remove_member,
    set_observer_rights,
)

OPENED_AT = datetime(2024, 1, 15, 10, 0, tzinfo=UTC)


def a_founder(country: str = "FR") -> Member:
    return Member(user_id=uuid4(), name="Claire Dubois", country=country, role=Role.JIT_LEADER)


def open_jit(
    founder: Member, investigation_id: UUID | None = None, **overrides: Any
) -> Investigation:
    command = open_investigation(founder, **{"occurred_at": OPENED_AT} | overrides)
    return Investigation.open(investigation_id or uuid4(), founder, command)


def as_actor(member: Member) -> Actor:
    return Actor(user_id=member.user_id, country=member.country, role=member.role)


# -- opening a JIT ------------------------------------------------------------------------


def test_a_jit_is_opened_with_its_parties_and_its_founder_as_first_member():
    # Given a French prosecutor who founds a FR-BE team
    founder = a_founder("FR")
    investigation_id = uuid4()

    # When she opens the investigation
    investigation = open_jit(founder, investigation_id=investigation_id)

    # Then the JIT exists with its agreement, its parties and the founder as its only member
    assert investigation.id == investigation_id
    assert investigation.investigation_id == investigation_id
    assert investigation.name == "Tideway"
    assert investigation.agreement_reference == "JIT-FR-BE-2024-01"
    assert investigation.period_start == date(2024, 1, 1)
    assert investigation.period_end == date(2025, 12, 31)
    assert investigation.parties == {"FR": FRANCE, "BE": BELGIUM}
    assert investigation.members == {founder.user_id: founder}
    assert investigation.member_of(founder.user_id) == founder
    assert investigation.is_closed is False


def test_opening_a_jit_records_the_opening_then_the_founder_joining():
    # Given a French prosecutor who founds a FR-BE team
    founder = a_founder("FR")

    # When she opens the investigation
    investigation = open_jit(founder)

    # Then two events are recorded, both by the founder, both in this investigation
    opened, founder_added = investigation.collect_events()
    assert type(opened) is Investigation.Opened
    assert type(founder_added) is Investigation.MemberAdded
    for event in (opened, founder_added):
        assert event.actor == as_actor(founder)
        assert event.investigation_id == investigation.id
        assert event.originator_id == investigation.id
        assert event.timestamp.tzinfo is not None
    assert opened.parties == (FRANCE, BELGIUM)
    assert founder_added.member == founder
    assert founder_added.occurred_at == OPENED_AT
    assert investigation.version == 2


def test_a_jit_has_at_least_one_party():
    # Given a founder
    founder = a_founder("FR")

    # When she tries to open a JIT without parties
    with pytest.raises(RuleViolation) as error:
        open_jit(founder, parties=())

    # Then the parties are at fault
    assert error.value.field == "parties"


@pytest.mark.parametrize(
    "period_end",
    [date(2024, 1, 1), date(2023, 12, 31)],
    ids=["ends-the-day-it-starts", "ends-before-it-starts"],
)
def test_a_jit_period_ends_after_it_starts(period_end):
    # Given a founder
    founder = a_founder("FR")

    # When she opens a JIT whose period does not end after 2024-01-01
    with pytest.raises(RuleViolation) as error:
        open_jit(founder, period_start=date(2024, 1, 1), period_end=period_end)

    # Then the end of the period is at fault
    assert error.value.field == "period_end"


@pytest.mark.parametrize("code", ["fr", "FRA", "F", "", "F1", "Europol", "INTERPOL", " FR"])
def test_a_party_is_named_by_a_country_code_or_an_eu_body(code):
    # Given a founder
    founder = a_founder("FR")

    # When she lists a party with a malformed code as the second party
    with pytest.raises(RuleViolation) as error:
        open_jit(founder, parties=(FRANCE, Party(country=code, name="?", lead_authority="?")))

    # Then that party's code is at fault
    assert error.value.field == "parties[1].country"


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("UK", "use GB, the United Kingdom's"),
        ("EL", "use GR, Greece's"),
        ("XX", "is not the ISO 3166-1 alpha-2 code of a state"),
        ("QZ", "is not the ISO 3166-1 alpha-2 code of a state"),
    ],
)
def test_a_state_is_named_by_the_code_iso_3166_assigns_it(code, says):
    founder = a_founder("FR")
    with pytest.raises(RuleViolation) as error:
        open_jit(founder, parties=(FRANCE, Party(country=code, name="?", lead_authority="?")))
    assert error.value.field == "parties[1].country"
    assert says in str(error.value)


def test_an_eu_body_can_be_a_party_of_a_jit():
    # Given a founder
    founder = a_founder("FR")

    # When she opens a JIT with Eurojust as a party
    investigation = open_jit(founder, parties=(FRANCE, BELGIUM, EUROJUST))

    # Then Eurojust is a party, known as an EU body
    assert investigation.parties["EUROJUST"].is_eu_body
    assert not investigation.parties["FR"].is_eu_body


def test_a_party_is_listed_only_once_when_a_jit_is_opened():
    # Given a founder
    founder = a_founder("FR")

    # When she lists France twice
    with pytest.raises(RuleViolation) as error:
        open_jit(founder, parties=(FRANCE, BELGIUM, FRANCE))

    # Then the repeated party is at fault
    assert error.value.field == "parties[2].country"


def test_the_founder_country_must_be_a_party():
    # Given a German officer
    founder = a_founder("DE")

    # When he tries to open a FR-BE JIT
    with pytest.raises(RuleViolation) as error:
        open_jit(founder, parties=(FRANCE, BELGIUM))

    # Then his country is at fault
    assert error.value.field == "country"


# -- parties ------------------------------------------------------------------------------


def test_a_new_state_joins_the_jit(team, now, recorded_once):
    # Given a FR-BE JIT
    # When its leader records that the Netherlands joined
    jit, leader = team.investigation, team.actor(team.leader)
    jit.add_party(leader, add_party(jit, NETHERLANDS))

    # Then the Netherlands is a party, by one PartyJoined event
    assert jit.parties["NL"] == NETHERLANDS
    joined = recorded_once(jit, Investigation.PartyJoined, leader, team)
    assert joined.occurred_at == now
    assert joined.party == NETHERLANDS


def test_a_state_joins_the_jit_only_once(team, rejected):
    # Given a FR-BE JIT
    # When its leader records that Belgium joined
    with rejected(RuleViolation, team.investigation) as error:
        team.investigation.add_party(
            team.actor(team.leader),
            add_party(team.investigation, BELGIUM),
        )

    # Then the country is at fault
    assert error.value.field == "country"


def test_a_party_leaves_only_after_it_joined(team, now, rejected):
    # Given a FR-BE JIT (period from 2024-01-01) that the Netherlands joined at `now`
    jit, leader = team.investigation, team.actor(team.leader)
    jit.add_party(leader, add_party(jit, NETHERLANDS))
    jit.collect_events()

    # When its leader records that the Netherlands left the day before it joined
    def leave(country: str, at: datetime) -> RecordPartyDeparture:
        return RecordPartyDeparture(
            investigation_id=jit.investigation_id, country=country, reason="x", occurred_at=at
        )

    with rejected(Conflict, jit) as error:
        jit.record_party_departure(leader, leave("NL", now - timedelta(days=1)))
    # Then it is refused, saying when it joined
    assert error.value.field == "occurred_at"
    assert f"joined the JIT on {now.date()}" in str(error.value)
    # and a founding party does not leave before the JIT's period began
    with rejected(Conflict, jit) as error:
        jit.record_party_departure(leader, leave("BE", datetime(2023, 12, 31, tzinfo=UTC)))
    assert "from the JIT's start on 2024-01-01" in str(error.value)
    # while the Netherlands leaving after it joined is recorded
    jit.record_party_departure(leader, leave("NL", now + timedelta(hours=1)))
    assert jit.departed["NL"] == now + timedelta(hours=1)
    assert jit.joined == {"NL": now}


def test_a_party_joins_on_or_after_the_day_the_period_began(team, rejected):
    # Given a FR-BE JIT whose period began on 2024-01-01
    jit, leader = team.investigation, team.actor(team.leader)
    # When its leader records the Netherlands joining the day before
    joining = add_party(jit, NETHERLANDS, occurred_at=datetime(2023, 12, 31, 12, tzinfo=UTC))
    with rejected(RuleViolation, jit) as error:
        jit.add_party(leader, joining)
    # Then it is refused, saying when the period began
    assert error.value.field == "occurred_at"
    assert "on or after the day its period began (2024-01-01)" in str(error.value)
    # while joining on that first day is recorded
    jit.add_party(
        leader, add_party(jit, NETHERLANDS, occurred_at=datetime(2024, 1, 1, 9, tzinfo=UTC))
    )
    assert "NL" in jit.parties


def test_a_departure_is_kept_with_its_reason(team, now):
    jit, leader = team.investigation, team.actor(team.leader)
    jit.add_party(leader, add_party(jit, NETHERLANDS))
    jit.record_party_departure(
        leader,
        RecordPartyDeparture(
            investigation_id=jit.investigation_id,
            country="NL",
            reason="its case was closed",
            occurred_at=now + timedelta(days=1),
        ),
    )
    assert jit.departure_reasons == {"NL": "its case was closed"}


def test_each_extension_of_the_agreement_is_kept_with_the_end_it_replaced(team, now):
    # Given a FR-BE JIT whose period ends 2025-12-31
    jit, leader = team.investigation, team.actor(team.leader)

    # When its agreement is extended twice
    def extend(until: date, reason: str) -> ExtendAgreement:
        return ExtendAgreement(
            investigation_id=jit.investigation_id,
            period_end=until,
            reason=reason,
            occurred_at=now,
        )

    jit.extend_agreement(leader, extend(date(2026, 6, 30), "amendment 1"))
    jit.extend_agreement(leader, extend(date(2026, 12, 31), "amendment 2"))

    # Then both are kept, each with the end it replaced, and the period ends at the last
    assert [(e.previous_end, e.period_end, e.reason) for e in jit.extensions] == [
        (date(2025, 12, 31), date(2026, 6, 30), "amendment 1"),
        (date(2026, 6, 30), date(2026, 12, 31), "amendment 2"),
    ]
    assert jit.period_end == date(2026, 12, 31)


def test_a_joining_party_needs_a_valid_code(team, rejected):
    # Given a FR-BE JIT
    # When its leader records a party named "Netherlands" instead of "NL"
    party = Party(country="Netherlands", name="Netherlands", lead_authority="OM")
    with rejected(RuleViolation, team.investigation) as error:
        team.investigation.add_party(team.actor(team.leader), add_party(team.investigation, party))

    # Then the country is at fault
    assert error.value.field == "country"


def test_a_party_code_with_a_trailing_newline_is_rejected(team, rejected):
    # Given a FR-BE JIT
    # When its leader records "FR\n" as a new party
    party = Party(country="FR\n", name="France again", lead_authority="?")
    with rejected(RuleViolation, team.investigation) as error:
        team.investigation.add_party(team.actor(team.leader), add_party(team.investigation, party))

    # Then the country is at fault (instead of France appearing twice under two keys)
    assert error.value.field == "country"


# -- members ------------------------------------------------------------------------------


def test_a_member_is_seconded_by_a_party_of_the_jit(team, new_member, now, recorded_once):
    # Given a FR-BE JIT and a Belgian analyst
    # When the leader adds her to the team
    jit, leader = team.investigation, team.actor(team.leader)
    jit.add_member(leader, add_member(jit, new_member))

    # Then she is a member, by one MemberAdded event
    assert jit.member_of(new_member.user_id) == new_member
    added = recorded_once(jit, Investigation.MemberAdded, leader, team)
    assert added.occurred_at == now
    assert added.member == new_member


def test_a_member_belongs_to_a_party(team, rejected):
    # Given a FR-BE JIT and a German officer
    german = Member(user_id=uuid4(), name="Jonas Weber", country="DE", role=Role.INVESTIGATOR)

    # When the leader adds him to the team
    with rejected(RuleViolation, team.investigation) as error:
        team.investigation.add_member(
            team.actor(team.leader),
            add_member(team.investigation, german),
        )

    # Then his country is at fault, and he is not a member
    assert error.value.field == "country"
    assert team.investigation.member_of(german.user_id) is None


def test_a_member_of_a_state_that_joined_later_can_be_added(team):
    # Given the Netherlands joined the FR-BE JIT
    team.investigation.add_party(
        team.actor(team.leader),
        add_party(team.investigation, NETHERLANDS),
    )
    team.investigation.collect_events()
    dutch = Member(user_id=uuid4(), name="Sanne de Vries", country="NL", role=Role.INVESTIGATOR)

    # When the leader adds a Dutch investigator
    team.investigation.add_member(team.actor(team.leader), add_member(team.investigation, dutch))

    # Then he is a member
    assert team.investigation.member_of(dutch.user_id) == dutch


def test_a_user_is_a_member_only_once(team, rejected):
    # Given the Belgian investigator is a member
    again = Member(
        user_id=team.be_investigator.user_id, name="same user", country="FR", role=Role.ANALYST
    )

    # When the leader adds the same user again, in another party and role
    with rejected(RuleViolation, team.investigation) as error:
        team.investigation.add_member(
            team.actor(team.leader),
            add_member(team.investigation, again),
        )

    # Then the user is at fault, and the membership is unchanged
    assert error.value.field == "username"
    assert team.investigation.member_of(again.user_id) == team.be_investigator


def test_a_member_is_removed_with_a_reason(team, now, recorded_once):
    # Given the Belgian investigator is a member
    # When the leader removes him
    jit, leader = team.investigation, team.actor(team.leader)
    jit.remove_member(leader, remove_member(jit, team.be_investigator, reason="end of secondment"))

    # Then he is no longer a member, by one MemberRemoved event
    assert jit.member_of(team.be_investigator.user_id) is None
    removed = recorded_once(jit, Investigation.MemberRemoved, leader, team)
    assert removed.occurred_at == now
    assert removed.user_id == team.be_investigator.user_id
    assert removed.reason == "end of secondment"


def test_only_a_member_can_be_removed(team, outsider, rejected):
    # Given a user who is not a member
    # When the leader removes him
    with rejected(NotFound, team.investigation) as error:
        team.investigation.remove_member(
            team.actor(team.leader),
            remove_member(team.investigation, outsider, reason="mistake"),
        )

    # Then the user is at fault
    assert error.value.field == "user_id"


def test_a_removed_member_can_no_longer_act(team, leave_team, rejected):
    # Given the Belgian investigator was removed from the team
    leave_team(team, team.be_investigator)

    # When he tries to record that the Netherlands joined
    with rejected(PermissionDenied, team.investigation):
        team.investigation.add_party(
            team.actor(team.be_investigator),
            add_party(team.investigation, NETHERLANDS),
        )

    # Then the Netherlands is not a party
    assert "NL" not in team.investigation.parties


# -- who may act --------------------------------------------------------------------------


def test_a_user_who_is_not_a_member_cannot_act(team, outsider, rejected):
    # Given a French investigator who is not in this team
    # When he records that the Netherlands joined
    with rejected(DomainError, team.investigation):
        team.investigation.add_party(outsider, add_party(team.investigation, NETHERLANDS))

    # Then the Netherlands is not a party
    assert "NL" not in team.investigation.parties


def test_a_member_cannot_act_in_a_role_they_do_not_hold(team, rejected):
    # Given the French investigator, who is not the JIT leader
    posing_as_leader = Actor(
        user_id=team.fr_investigator.user_id, country="FR", role=Role.JIT_LEADER
    )

    # When he acts as JIT leader
    with rejected(DomainError, team.investigation):
        team.investigation.close(
            posing_as_leader,
            close_investigation(team.investigation, reason="operation over"),
        )

    # Then the JIT is still open
    assert team.investigation.is_closed is False


def test_a_member_cannot_act_for_a_party_they_do_not_belong_to(team, rejected):
    # Given the French investigator
    posing_as_belgian = Actor(
        user_id=team.fr_investigator.user_id, country="BE", role=Role.INVESTIGATOR
    )

    # When he acts for Belgium
    with rejected(DomainError, team.investigation):
        team.investigation.add_party(posing_as_belgian, add_party(team.investigation, NETHERLANDS))

    # Then the Netherlands is not a party
    assert "NL" not in team.investigation.parties


def test_check_can_act_accepts_a_member_in_the_party_and_role_they_hold(team):
    # Given the Belgian legal advisor
    # When the team checks she may act as herself
    team.investigation.check_can_act(team.actor(team.be_legal_advisor))

    # Then nothing is raised and nothing is recorded
    assert team.investigation.collect_events() == []


# -- closing ------------------------------------------------------------------------------


def test_the_leader_closes_the_investigation(team, now, recorded_once):
    # Given an open JIT
    # When its leader closes it
    jit, leader = team.investigation, team.actor(team.leader)
    jit.close(leader, close_investigation(jit, reason="convictions obtained"))

    # Then it is closed, by one Closed event
    assert jit.is_closed is True
    assert jit.closed_reason == "convictions obtained"
    closed = recorded_once(jit, Investigation.Closed, leader, team)
    assert closed.occurred_at == now
    assert closed.reason == "convictions obtained"


@pytest.mark.parametrize(
    "command",
    [
        lambda team, when: team.investigation.add_party(
            team.actor(team.leader),
            add_party(team.investigation, NETHERLANDS, occurred_at=when),
        ),
        lambda team, when: team.investigation.add_member(
            team.actor(team.leader),
            add_member(
                team.investigation,
                Member(user_id=uuid4(), name="late", country="BE", role=Role.ANALYST),
                occurred_at=when,
            ),
        ),
        lambda team, when: team.investigation.remove_member(
            team.actor(team.leader),
            remove_member(
                team.investigation, team.be_investigator, reason="late", occurred_at=when
            ),
        ),
        lambda team, when: team.investigation.close(
            team.actor(team.leader),
            close_investigation(team.investigation, reason="again", occurred_at=when),
        ),
    ],
    ids=["add_party", "add_member", "remove_member", "close"],
)
def test_a_closed_investigation_rejects_every_command(team, now, rejected, command, close_team):
    # Given a closed JIT
    close_team(team)

    # When its leader sends it another command, it is rejected and nothing is recorded
    with rejected(InvestigationClosed, team.investigation):
        command(team, now + timedelta(days=1))


def test_a_closed_investigation_says_so_when_checked(team, close_team):
    # Given a closed JIT
    close_team(team)

    # When a command checks that it is open, then it learns the JIT is closed
    with pytest.raises(InvestigationClosed):
        team.investigation.check_open()


# -- replay -------------------------------------------------------------------------------


def test_replaying_the_events_rebuilds_the_same_investigation(team, new_member, replay):
    # Given a JIT that gained a party and a member, lost a member and was closed
    leader = team.actor(team.leader)
    team.investigation.add_party(leader, add_party(team.investigation, NETHERLANDS))
    team.investigation.add_member(leader, add_member(team.investigation, new_member))
    team.investigation.remove_member(
        leader,
        remove_member(team.investigation, team.be_investigator, reason="ended"),
    )
    team.investigation.close(leader, close_investigation(team.investigation))
    events = team.history + team.investigation.collect_events()

    # When its events are replayed
    rebuilt = replay(events)

    # Then the rebuilt investigation equals the one that recorded them
    assert type(rebuilt) is Investigation
    assert vars(rebuilt) == vars(team.investigation)
    assert rebuilt.version == len(events)
    assert rebuilt.members == team.investigation.members
    assert list(rebuilt.parties) == ["FR", "BE", "NL"]
    assert rebuilt.is_closed is True


def test_the_only_leader_cannot_be_removed(team, rejected):
    # Given a team whose French leader is its only JIT leader
    # When the leader tries to remove themself
    with rejected(RuleViolation, team.investigation) as error:
        team.investigation.remove_member(
            team.actor(team.leader),
            remove_member(team.investigation, team.leader, reason="handing over"),
        )

    # Then the team keeps its leader, and the error names the member
    assert error.value.field == "user_id"
    assert team.leader.user_id in team.investigation.members


def test_the_leader_records_what_the_agreement_gives_observers(team):
    leader = team.actor(team.leader)
    team.investigation.set_observer_rights(
        leader,
        set_observer_rights(
            team.investigation,
            Action.VIEW_LEGAL,
            agreement_clause="art. 7: Eurojust follows the file",
        ),
    )
    [recorded] = team.investigation.collect_events()
    assert isinstance(recorded, Investigation.ObserverRightsSet)
    assert team.investigation.observer_rights == {Action.VIEW_LEGAL}


def test_an_agreement_cannot_give_observers_custody_or_legal_decisions(team):
    with pytest.raises(RuleViolation) as refused:
        team.investigation.set_observer_rights(
            team.actor(team.leader),
            set_observer_rights(team.investigation, Action.DISCLOSE, agreement_clause="art. 9"),
        )
    assert refused.value.field == "rights"
    assert team.investigation.collect_events() == []


def test_only_those_who_run_the_team_record_observer_rights(team):
    with pytest.raises(PermissionDenied):
        team.investigation.set_observer_rights(
            team.actor(team.fr_investigator),
            set_observer_rights(team.investigation, Action.VIEW_LEGAL),
        )


def test_a_member_takes_another_role_and_may_then_do_what_it_allows(team):
    leader = team.actor(team.leader)
    team.investigation.change_member_role(
        leader,
        change_member_role(team.investigation, team.fr_investigator, Role.NATIONAL_MEMBER),
    )
    [changed] = team.investigation.collect_events()
    assert isinstance(changed, Investigation.MemberRoleChanged)
    member = team.investigation.member_of(team.fr_investigator.user_id)
    assert member is not None and member.role is Role.NATIONAL_MEMBER


def test_the_last_leader_keeps_the_role_and_a_role_change_changes_something(team):
    leader = team.actor(team.leader)
    with pytest.raises(RuleViolation, match="keeps a leader"):
        team.investigation.change_member_role(
            leader,
            change_member_role(
                team.investigation, team.leader, Role.INVESTIGATOR, reason="stepping down"
            ),
        )
    with pytest.raises(RuleViolation, match="already"):
        team.investigation.change_member_role(
            leader,
            change_member_role(
                team.investigation, team.fr_investigator, Role.INVESTIGATOR, reason="same"
            ),
        )
    with pytest.raises(PermissionDenied):
        team.investigation.change_member_role(
            team.actor(team.fr_investigator),
            change_member_role(
                team.investigation, team.fr_investigator, Role.JIT_LEADER, reason="self-promotion"
            ),
        )
    assert team.investigation.collect_events() == []
