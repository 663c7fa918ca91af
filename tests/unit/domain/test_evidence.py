"""Stories of investigators registering evidence items and amending their description."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from domain.errors import (
    DomainError,
    NotFound,
    PermissionDenied,
    RuleViolation,
)
from domain.evidence import EvidenceItem
from domain.values import EvidenceKind
from tests.unit import builders
from tests.unit.builders import NOW, amend_description
from tests.unit.conftest import acting


def amend(team, member, item, description, reason):
    """A member of the team amends the description of an item, giving a reason."""
    command = amend_description(item, description, reason=reason)
    item.amend_description(team.investigation, team.actor(member), command)


def test_an_investigator_registers_an_item_collected_by_their_party(
    team, register_evidence, now, recorded_once
):
    # Given the Belgian investigator of a FR-BE JIT
    investigator = team.actor(team.be_investigator)
    seized_at = now - timedelta(hours=6)

    # When he registers a laptop seized in Brussels
    item = register_evidence(
        team,
        investigator,
        reference="BE-2024-7781",
        kind=EvidenceKind.SEIZED_DEVICE,
        description="grey Lenovo laptop, serial PF3XK2",
        occurred_at=seized_at,
        collected_by="Insp. Peeters",
        place="Rue Haute 5, Brussels",
        method="search",
    )

    # Then the item belongs to the investigation, with its collection facts
    assert item.investigation_id == team.id
    assert item.reference == "BE-2024-7781"
    assert item.kind is EvidenceKind.SEIZED_DEVICE
    assert item.description == "grey Lenovo laptop, serial PF3XK2"
    assert item.collected_at == seized_at
    assert (item.collected_by, item.place, item.method) == (
        "Insp. Peeters",
        "Rue Haute 5, Brussels",
        "search",
    )
    assert item.authorisation_id is None
    assert item.registered_by == investigator
    # and exactly one Registered event says who registered it, in which JIT, collected when
    registered = recorded_once(item, EvidenceItem.Registered, investigator, team)
    assert registered.originator_id == item.id
    assert registered.occurred_at == seized_at


@pytest.mark.parametrize("member", ["fr_investigator", "be_investigator"])
def test_an_item_originates_from_the_party_of_the_member_who_registers_it(
    team, register_evidence, member
):
    # Given a member of a FR-BE JIT
    investigator = team.actor(getattr(team, member))

    # When they register an item
    item = register_evidence(team, actor=investigator)

    # Then the item's originating country is theirs
    assert item.country == investigator.country
    [registered] = item.collect_events()
    assert registered.country == investigator.country


def test_an_item_references_the_authorisation_it_was_collected_under(
    team, interception_order, register_evidence
):
    # Given a French interception order of this JIT
    # When the French investigator registers the intercepted calls under it
    item = register_evidence(
        team, kind=EvidenceKind.INTERCEPTED_COMMUNICATION, authorisation=interception_order
    )

    # Then the item refers to the order
    assert item.authorisation_id == interception_order.id
    [registered] = item.collect_events()
    assert registered.authorisation_id == interception_order.id


def test_an_item_cannot_reference_an_authorisation_of_another_investigation(
    team, other_team, record_authorisation, register_evidence, rejected
):
    # Given an authorisation recorded in another JIT
    foreign_order = record_authorisation(other_team, actor=other_team.actor(other_team.leader))

    # When the French investigator registers an item under it
    with rejected(NotFound, team.investigation) as error:
        register_evidence(team, authorisation=foreign_order)

    # Then the authorisation reference is at fault
    assert error.value.field == "authorisation_id"


@pytest.mark.parametrize("description", ["", "   ", "\n\t"], ids=["empty", "spaces", "blank"])
def test_an_item_needs_a_description(team, register_evidence, rejected, description):
    # Given a FR-BE JIT
    # When the French investigator registers an item without describing it
    with rejected(RuleViolation, team.investigation) as error:
        register_evidence(team, description=description)

    # Then the description is at fault
    assert error.value.field == "description"


@pytest.mark.parametrize("reference", ["", "   ", "\n\t"], ids=["empty", "spaces", "blank"])
def test_an_item_needs_a_reference(team, register_evidence, rejected, reference):
    with rejected(RuleViolation, team.investigation) as error:
        register_evidence(team, reference=reference)
    assert error.value.field == "reference"


@pytest.mark.parametrize(
    "spelling",
    ["FR-DOC-7", "fr-doc-7", "  FR-DOC-7 ", "Fr-Doc-7", "\uff26\uff32-\uff24\uff2f\uff23-\uff17"],
)
def test_references_that_differ_only_in_case_spacing_or_width_are_one(
    team, register_evidence, spelling
):
    # the log refuses a second item claiming the same key (tests/integration)
    first = register_evidence(team, reference="FR-DOC-7").collect_events()[0]
    again = register_evidence(team, reference=spelling).collect_events()[0]
    assert again.unique_key == first.unique_key
    assert again.reference == spelling  # the spelling registered is kept
    other = register_evidence(team, reference="FR-DOC-7b").collect_events()[0]
    assert other.unique_key != first.unique_key


def test_a_user_who_is_not_a_member_cannot_register_an_item(
    team, outsider, register_evidence, rejected
):
    # Given a French user outside the team
    # When he registers an item
    with rejected(DomainError, team.investigation):
        register_evidence(team, actor=outsider)


def test_the_originating_party_amends_an_item_description(team, seized_phone, recorded_once):
    # Given a phone registered by the French investigator
    # When a French legal advisor corrects its description
    advisor = team.actor(team.fr_legal_advisor)
    corrected = "black Samsung phone, IMEI 356938035643810"
    amend(team, team.fr_legal_advisor, seized_phone, corrected, "typo in IMEI")

    # Then the description is amended, by exactly one DescriptionAmended event
    assert seized_phone.description == "black Samsung phone, IMEI 356938035643810"
    amended = recorded_once(seized_phone, EvidenceItem.DescriptionAmended, advisor, team)
    assert amended.description == "black Samsung phone, IMEI 356938035643810"
    assert amended.reason == "typo in IMEI"


def test_only_the_originating_party_amends_an_item_description(team, seized_phone, rejected):
    # Given a phone registered by France
    # When the Belgian investigator amends its description
    with rejected(RuleViolation, seized_phone) as error:
        amend(team, team.be_investigator, seized_phone, "blue phone", "I saw it")

    # Then the description is at fault and unchanged
    assert error.value.field == "description"
    assert seized_phone.description == "black Samsung phone, IMEI 356938035643809"


def test_an_unchanged_description_is_not_an_amendment(team, seized_phone, rejected):
    # Given a phone registered by France
    # When the French investigator "amends" it with the same description
    with rejected(RuleViolation, seized_phone) as error:
        amend(team, team.fr_investigator, seized_phone, seized_phone.description, "no change")

    # Then the description is at fault
    assert error.value.field == "description"


def test_a_removed_member_cannot_amend_an_item(team, seized_phone, leave_team, rejected):
    # Given the French investigator who registered the phone left the team
    leave_team(team, team.fr_investigator)

    # When he amends its description
    with rejected(PermissionDenied, seized_phone, team.investigation):
        amend(team, team.fr_investigator, seized_phone, "a phone", "simpler")


def test_an_item_belongs_to_the_investigation_that_registered_it(team, other_team, seized_phone):
    # Given a phone registered in one JIT
    # When another JIT checks it as one of its own, it is told there is no such item
    with pytest.raises(NotFound) as error:
        seized_phone.check_belongs_to(other_team.investigation, field="evidence_ids")

    # Then the reference is at fault; its own JIT accepts it
    assert error.value.field == "evidence_ids"
    seized_phone.check_belongs_to(team.investigation, field="evidence_ids")


def test_an_item_of_another_investigation_cannot_be_amended(other_team, seized_phone, rejected):
    # Given a phone registered by France in the FR-BE JIT, and a French member of another JIT
    stranger = other_team.actor(other_team.fr_investigator)

    # When he amends its description through his own JIT
    with rejected(DomainError, seized_phone):
        seized_phone.amend_description(
            other_team.investigation,
            stranger,
            amend_description(
                seized_phone, "a phone", reason="mine", investigation_id=other_team.id
            ),
        )


@pytest.mark.parametrize("command", ["register", "amend_description"])
def test_a_closed_investigation_rejects_evidence_commands(
    team, seized_phone, register_evidence, rejected_once_closed, command
):
    # Given a registered phone, and its JIT closed
    # When the French investigator registers or amends an item, it is rejected
    with rejected_once_closed(team, seized_phone):
        if command == "register":
            register_evidence(team, reference="FR-2024-0043")  # by the French investigator
        else:
            amend(team, team.fr_investigator, seized_phone, "a phone", "late")


def test_replaying_the_events_rebuilds_the_same_item(
    team, interception_order, register_evidence, replay
):
    # Given an item registered under an authorisation, then amended twice
    item = register_evidence(team, authorisation=interception_order)
    amend(team, team.fr_investigator, item, "a phone", "shorter")
    amend(team, team.fr_investigator, item, "a black phone", "colour")
    events = item.collect_events()

    # When its events are replayed
    rebuilt = replay(events)

    # Then the rebuilt item equals the one that recorded them
    assert type(rebuilt) is EvidenceItem
    assert vars(rebuilt) == vars(item)
    assert rebuilt.version == 3
    assert rebuilt.description == "a black phone"
    assert rebuilt.authorisation_id == interception_order.id


# -- many items at once (an import) -------------------------------------------------------


def _as_registered_alone(item: EvidenceItem) -> tuple[dict[str, Any], dict[str, Any]]:
    """An item's state and its one event's fields, but for its id and the times of recording
    (which differ between any two registrations)."""
    [registered] = item.collect_events()
    state = {k: v for k, v in vars(item).items() if k not in {"_id", "_created_on", "_modified_on"}}
    fields = {k: v for k, v in vars(registered).items() if k not in {"originator_id", "timestamp"}}
    return state, {"type": type(registered), **fields}


def test_items_registered_many_at_once_are_those_registered_one_by_one(team, interception_order):
    # Given the registrations of an extraction, some under an interception order
    investigator = acting(team.fr_investigator)
    commands = [
        (
            builders.register_evidence(
                team.investigation,
                reference=f"FR-EXT-{n}",
                kind=list(EvidenceKind)[n % len(EvidenceKind)],
                description=f"message {n}",
                occurred_at=NOW - timedelta(days=n),
                authorisation_id=interception_order.id if n % 2 else None,
            ),
            interception_order if n % 2 else None,
        )
        for n in range(6)
    ]

    # When they are registered at once, and again one by one
    many = list(EvidenceItem.register_many(team.investigation, investigator, commands))
    alone = [
        EvidenceItem.register(team.investigation, investigator, command, authorisation)
        for command, authorisation in commands
    ]

    # Then each item, and the one event it records, are the same but for ids and times
    assert [_as_registered_alone(i) for i in many] == [_as_registered_alone(i) for i in alone]
    assert len({i.id for i in many} | {i.id for i in alone}) == 12


@pytest.mark.parametrize(
    ("overrides", "error", "field"),
    [
        ({"description": " \n"}, RuleViolation, "description"),
        ({"reference": "  "}, RuleViolation, "reference"),
        ({"authorisation": "foreign"}, NotFound, "authorisation_id"),
        ({"actor": "outsider"}, PermissionDenied, None),
    ],
    ids=["blank description", "blank reference", "foreign authorisation", "outsider"],
)
def test_many_items_at_once_are_refused_as_one_would_be(
    team, other_team, record_authorisation, outsider, overrides, error, field
):
    # Given a registration the rules refuse, among good ones
    actor = outsider if overrides.pop("actor", None) else acting(team.fr_investigator)
    authorisation = None
    if overrides.pop("authorisation", None):
        authorisation = record_authorisation(other_team, actor=other_team.actor(other_team.leader))
    bad = builders.register_evidence(team.investigation, **overrides)
    good = builders.register_evidence(team.investigation, reference="FR-GOOD")

    # When they are registered at once, and the bad one alone
    with pytest.raises(error) as at_once:
        list(
            EvidenceItem.register_many(
                team.investigation, actor, [(good, None), (bad, authorisation)]
            )
        )
    with pytest.raises(error) as one:
        EvidenceItem.register(team.investigation, actor, bad, authorisation)

    # Then both are refused for the same reason, at the same field
    assert (str(at_once.value), at_once.value.field) == (str(one.value), one.value.field)
    assert at_once.value.field == field
