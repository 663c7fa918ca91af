"""How events are written to and read back from the log: the msgspec mapper."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime, timedelta, timezone
from typing import Any
from uuid import UUID, uuid4

import msgspec
import pytest
from eventsourcing.persistence import JSONTranscoder, MapperDeserialisationError, StoredEvent
from eventsourcing.utils import resolve_topic

from domain.authorisation import LegalAuthorisation
from domain.base import JitAggregate
from domain.commands import (
    ExtendAgreement,
    RecordDisclosure,
    RecordPartyDeparture,
    RecordRuling,
    RecordTerritory,
)
from domain.evidence import EvidenceItem
from domain.handling import HandlingRestrictions
from domain.investigation import Investigation
from domain.permissions import Action
from domain.retention import DeletionDate
from domain.rulebook import Rulebook
from domain.task import Task
from domain.values import (
    AuthorisationKind,
    DerivationKind,
    EvidenceKind,
    Party,
    PrivilegeReviewResult,
    Role,
    RulingEffect,
    Scope,
    SealCondition,
    TaskStatus,
    UsePurpose,
)
from jitspace.ledger.eventlog import InvestigationStoredEvent, MsgspecMapper
from tests.unit.builders import (
    NOW,
    add_member,
    add_party,
    adopt_rulebook,
    agree_retention,
    amend_authorisation,
    amend_description,
    annul_authorisation,
    assign_task,
    attach_condition,
    attach_file,
    change_member_role,
    change_task_status,
    close_investigation,
    comment_on_item,
    comment_on_task,
    confirm_authorisation,
    delete_under_retention,
    destroy_evidence,
    edit_task,
    entrust_measure,
    extend_authorisation,
    grant_consent,
    hand_over,
    lift_condition,
    meet_condition,
    place_legal_hold,
    qualify_authorisation,
    raise_defect,
    raise_objection,
    receive_evidence,
    record_access,
    record_certificate,
    record_collection,
    record_concerns,
    record_derivation,
    record_disclosure_step,
    record_examination,
    record_external_hash,
    record_external_verification,
    record_interview,
    record_no_notification,
    record_notification_receipt,
    record_privilege_review,
    record_processing_log,
    record_seal_opening,
    record_search,
    record_target_location,
    record_translation,
    record_use,
    refuse_consent,
    release_legal_hold,
    remove_member,
    remove_rule,
    report_formality,
    request_consent,
    request_formalities,
    restrict_handling,
    return_evidence,
    revoke_authorisation,
    seal_evidence,
    send_notification,
    send_onward,
    set_observer_rights,
    set_rule,
    store_evidence,
    transfer_to_party,
    withdraw_consent,
)

AGGREGATES = (Investigation, LegalAuthorisation, EvidenceItem, Task, Rulebook)
EVENT_CLASSES = (
    Investigation.Opened,
    Investigation.MemberAdded,
    Investigation.PartyJoined,
    Investigation.MemberRemoved,
    Investigation.MemberRoleChanged,
    Investigation.ObserverRightsSet,
    Investigation.RetentionAgreed,
    Investigation.AgreementExtended,
    Investigation.PartyLeft,
    Investigation.Closed,
    Investigation.DisclosureProduced,
    LegalAuthorisation.Recorded,
    LegalAuthorisation.Revoked,
    LegalAuthorisation.Qualified,
    LegalAuthorisation.Amended,
    LegalAuthorisation.Extended,
    LegalAuthorisation.Confirmed,
    LegalAuthorisation.Annulled,
    LegalAuthorisation.NotificationSent,
    LegalAuthorisation.NotificationReceived,
    LegalAuthorisation.ObjectionRaised,
    LegalAuthorisation.NoNotificationMade,
    EvidenceItem.ConcernsRecorded,
    EvidenceItem.TargetLocated,
    EvidenceItem.DisclosureStepRecorded,
    EvidenceItem.TerritoryRecorded,
    EvidenceItem.RulingRecorded,
    EvidenceItem.SealOpened,
    EvidenceItem.InterviewRecorded,
    EvidenceItem.Derived,
    EvidenceItem.UsedInProceeding,
    EvidenceItem.ConsentGranted,
    EvidenceItem.ConsentWithdrawn,
    EvidenceItem.ConsentRequested,
    EvidenceItem.ConsentRefused,
    EvidenceItem.ConditionAttached,
    EvidenceItem.ConditionMet,
    EvidenceItem.ConditionLifted,
    EvidenceItem.SentOnward,
    LegalAuthorisation.MeasureEntrusted,
    LegalAuthorisation.FormalitiesRequested,
    LegalAuthorisation.FormalityReported,
    EvidenceItem.DefectRaised,
    EvidenceItem.HandlingRestricted,
    EvidenceItem.PrivilegeReviewed,
    EvidenceItem.SearchRecorded,
    EvidenceItem.ExaminationRecorded,
    EvidenceItem.CertificateRecorded,
    EvidenceItem.Translated,
    EvidenceItem.ProcessingLogRecorded,
    EvidenceItem.HashedElsewhere,
    EvidenceItem.VerifiedElsewhere,
    Rulebook.Adopted,
    Rulebook.RuleSet,
    Rulebook.RuleRemoved,
    EvidenceItem.Registered,
    EvidenceItem.DescriptionAmended,
    EvidenceItem.FileAttached,
    EvidenceItem.Accessed,
    EvidenceItem.IntegrityVerified,
    EvidenceItem.IntegrityViolated,
    EvidenceItem.Collected,
    EvidenceItem.Sealed,
    EvidenceItem.Stored,
    EvidenceItem.HandedOver,
    EvidenceItem.Received,
    EvidenceItem.TransferredToParty,
    EvidenceItem.Returned,
    EvidenceItem.Destroyed,
    EvidenceItem.LegalHoldPlaced,
    EvidenceItem.LegalHoldReleased,
    EvidenceItem.DeletedUnderRetention,
    Task.Created,
    Task.Assigned,
    Task.StatusChanged,
    Task.Edited,
    Task.Commented,
    EvidenceItem.Commented,
)
PARIS_SUMMER = timezone(timedelta(hours=2), "CEST")


@pytest.fixture
def mapper() -> MsgspecMapper:
    return MsgspecMapper(transcoder=JSONTranscoder())


@pytest.fixture
def recorded(team, new_member, record_authorisation, register_evidence, create_task, now):
    """Given a JIT whose history holds at least one event of every event class."""
    jit = team.investigation
    leader = team.actor(team.leader)
    advisor = team.actor(team.fr_legal_advisor)
    investigator = team.actor(team.fr_investigator)
    in_paris = now.astimezone(PARIS_SUMMER)

    order = record_authorisation(
        team,
        valid_from=in_paris,
        scope=Scope(
            targets=("+33 6 12 34 56 78", "Ion Popescu"),
            places=("Lille", "Brussels"),
            methods=("interception",),
            evidence_kinds=(EvidenceKind.INTERCEPTED_COMMUNICATION, EvidenceKind.DOCUMENT),
        ),
    )
    order.revoke(jit, advisor, revoke_authorisation(order))
    item = register_evidence(team, authorisation=order, occurred_at=in_paris)
    item.amend_description(jit, investigator, amend_description(item, "a black phone — écran fêlé"))
    seen = comment_on_item(item, "écran fêlé, seal S1 intact", team.be_investigator)
    item.comment(jit, investigator, seen)
    unlinked = register_evidence(team, reference="FR-2024-0099", authorisation=None)
    record_custody(team, unlinked)
    unlinked.place_legal_hold(jit, leader, place_legal_hold(unlinked))
    unlinked.release_legal_hold(jit, leader, release_legal_hold(unlinked))
    due = DeletionDate(now - timedelta(days=1), "the JIT agreement's retention of 30 days")
    unlinked.delete_under_retention(jit, leader, delete_under_retention(unlinked), due)
    jit.agree_retention(leader, agree_retention(jit, 365))
    item.record_collection(jit, investigator, record_collection(item))
    item.destroy(jit, investigator, destroy_evidence(item, "shredded"))
    task = create_task(
        team, due_on=date(2024, 7, 31), evidence=(item, unlinked), authorisations=(order,)
    )
    task.assign(jit, leader, assign_task(task, team.be_investigator))
    task.change_status(
        jit, leader, change_task_status(task, TaskStatus.BLOCKED, "waiting for the lab")
    )
    task.edit(jit, leader, edit_task(task, "Image the phone — both SIMs", date(2024, 8, 2)))
    task.comment(jit, leader, comment_on_task(task, "lab booked", team.be_investigator))
    undated = create_task(team, title="Draft the disclosure schedule", due_on=None)
    netherlands = Party(country="NL", name="Netherlands", lead_authority="OM")
    jit.add_party(leader, add_party(jit, netherlands, occurred_at=in_paris))
    jit.extend_agreement(
        leader,
        ExtendAgreement(
            investigation_id=jit.id,
            expected_version=None,
            period_end=date(2026, 12, 31),
            reason="amendment 1, signed by FR and BE",
            occurred_at=in_paris,
        ),
    )
    jit.record_party_departure(
        leader,
        RecordPartyDeparture(
            investigation_id=jit.id,
            expected_version=None,
            country="NL",
            reason="NL's case was closed",
            occurred_at=in_paris,
        ),
    )
    jit.add_member(leader, add_member(jit, new_member))
    jit.remove_member(leader, remove_member(jit, new_member))
    extra = record_admissibility_facts(team, record_authorisation, register_evidence, item)
    extra.extend(record_handling_facts(team, register_evidence))
    rules = [{"rule": "AU-02"}, {"rule": "CU-01", "params": {"gap_hours": 12}}]
    rulebook = adopt_rulebook(jit, advisor, "FR", rules, source_sha256="ef" * 32)
    rulebook.set_rule(jit, advisor, set_rule(rulebook, "PR-01", reason="nullity deadline"))
    rulebook.remove_rule(jit, advisor, remove_rule(rulebook, "CU-01", reason="not applied"))
    extra.extend(rulebook.collect_events())
    jit.change_member_role(
        leader, change_member_role(jit, team.be_investigator, Role.NATIONAL_MEMBER)
    )
    jit.set_observer_rights(leader, set_observer_rights(jit, Action.VIEW_LEGAL))
    jit.close(leader, close_investigation(jit))
    jit.record_disclosure(
        leader,
        RecordDisclosure(
            investigation_id=jit.id,
            purpose="disclosure to the defence",
            as_of=in_paris,
            up_to_position=42,
            head_hash="ab" * 32,
            bundle_sha256="cd" * 32,
            events=40,
            withheld=2,
        ),
    )

    events = list(team.history)
    for aggregate in (jit, order, item, unlinked, task, undated):
        events.extend(aggregate.collect_events())
    return [*events, *extra]


def record_admissibility_facts(
    team: Any, record_authorisation: Any, register_evidence: Any, parent: EvidenceItem
) -> list[Any]:
    """An authorisation qualified, amended, extended, confirmed and annulled; an interview, a
    copy, a use, a consent granted and withdrawn, a defect raised and a seal opened; a
    notification, its receipt and an objection; whom the item concerns and where its target
    was."""
    jit = team.investigation
    advisor = team.actor(team.fr_legal_advisor)
    investigator = team.actor(team.fr_investigator)
    order = record_authorisation(team, reference="JLD-2024-0200")
    order.qualify(jit, advisor, qualify_authorisation(order, offences=("trafficking",)))
    order.amend(jit, advisor, amend_authorisation(order, Scope(methods=("search",))))
    order.extend(jit, advisor, extend_authorisation(order, order.valid_until + timedelta(days=130)))
    order.confirm(jit, advisor, confirm_authorisation(order))
    order.annul(jit, advisor, annul_authorisation(order))
    order.send_notification(jit, advisor, send_notification(order))
    order.record_notification_receipt(jit, advisor, record_notification_receipt(order))
    order.raise_objection(jit, advisor, raise_objection(order))
    order.record_no_notification(jit, advisor, record_no_notification(order))
    be_advisor = team.actor(team.be_legal_advisor)
    order.entrust(jit, advisor, entrust_measure(order))
    order.request_formalities(jit, be_advisor, request_formalities(order, "a judge present"))
    order.report_formality(jit, advisor, report_formality(order, "a judge present"))
    interview = register_evidence(
        team, reference="FR-INT-1", kind=EvidenceKind.SUSPECT_INTERVIEW, authorisation=None
    )
    interview.record_interview(jit, investigator, record_interview(interview))
    translation = record_derivation(interview, parent, DerivationKind.TRANSLATION)
    interview.record_derivation(jit, investigator, translation, parent)
    be_investigator = team.actor(team.be_investigator)
    interview.record_use(jit, be_investigator, record_use(interview, "BE-2024-9"))
    other_offence = ("BE", UsePurpose.OTHER_OFFENCE)
    interview.grant_consent(jit, advisor, grant_consent(interview, *other_offence))
    interview.withdraw_consent(jit, advisor, withdraw_consent(interview, *other_offence))
    interview.request_consent(jit, be_advisor, request_consent(interview, "disclosure"))
    interview.refuse_consent(jit, advisor, refuse_consent(interview, "BE", "disclosure"))
    use_terms = attach_condition(interview, "use", "only for the trafficking case")
    interview.attach_condition(jit, advisor, use_terms)
    interview.meet_condition(jit, advisor, meet_condition(interview))
    interview.attach_condition(jit, advisor, attach_condition(interview, "disclosure", "ask"))
    interview.lift_condition(jit, advisor, lift_condition(interview, 2))
    interview.send_onward(jit, be_advisor, send_onward(interview))
    interview.raise_defect(jit, advisor, raise_defect(interview, rule="LA-01"))
    restrictions = HandlingRestrictions(description_to=("BE",), files_to=(), consent_first=True)
    interview.restrict_handling(jit, advisor, restrict_handling(interview, restrictions))
    interview.record_seal_opening(jit, investigator, record_seal_opening(interview, "S1"))
    concerns = record_concerns(interview, ("person", "Jean D."), ("phone_number", "+33 6 12"))
    interview.record_concerns(jit, investigator, concerns)
    interview.record_target_location(jit, advisor, record_target_location(interview))
    interview.record_disclosure_step(jit, advisor, record_disclosure_step(interview))
    interview.record_territory(
        jit,
        investigator,
        RecordTerritory(
            investigation_id=jit.id,
            evidence_id=interview.id,
            expected_version=None,
            country="BE",
            occurred_at=NOW,
        ),
    )
    interview.record_ruling(
        jit,
        advisor,
        RecordRuling(
            investigation_id=jit.id,
            evidence_id=interview.id,
            expected_version=None,
            court="Tribunal correctionnel de Paris",
            ruling="24/118",
            effect=RulingEffect.EXCLUDED,
            occurred_at=NOW,
        ),
    )
    return [*order.collect_events(), *interview.collect_events()]


def record_handling_facts(team: Any, register_evidence: Any) -> list[Any]:
    """A privilege review, a search record, an examination, a certificate with its notice,
    a translation, a processing log, a hash and a re-verification made elsewhere."""
    jit = team.investigation
    advisor = team.actor(team.fr_legal_advisor)
    investigator = team.actor(team.fr_investigator)
    image = register_evidence(
        team, reference="FR-IMG-1", kind=EvidenceKind.FORENSIC_IMAGE, authorisation=None
    )
    found = PrivilegeReviewResult.DELETED
    image.record_privilege_review(jit, advisor, record_privilege_review(image, found))
    image.record_search(jit, investigator, record_search(image))
    image.record_examination(jit, investigator, record_examination(image))
    notice = record_certificate(image, notice_given_at=NOW + timedelta(days=1))
    image.record_certificate(jit, advisor, notice)
    image.record_translation(jit, investigator, record_translation(image))
    image.record_processing_log(jit, investigator, record_processing_log(image))
    image.record_external_hash(jit, investigator, record_external_hash(image, "ab" * 16))
    again = record_external_verification(image, "AB" * 16)
    image.record_external_verification(jit, investigator, again)
    return image.collect_events()


def record_custody(team: Any, item: EvidenceItem) -> None:
    """A file, its reads and re-hashes, and the item's custody from hand to hand."""
    investigator = team.actor(team.fr_investigator)
    advisor = team.actor(team.fr_legal_advisor)
    receiver = team.actor(team.be_investigator)
    jit = team.investigation
    file_id = uuid4()
    item.attach_file(jit, investigator, attach_file(item, file_id))
    item.record_access(jit, advisor, record_access(item, file_id))
    item.record_verification(jit, advisor, file_id=file_id, found_sha256="ab" * 32, found_size=10)
    item.record_verification(jit, advisor, file_id=file_id, found_sha256=None, found_size=None)
    item.record_collection(jit, investigator, record_collection(item, note="bagged"))
    item.seal(jit, investigator, seal_evidence(item, "FR-1"))
    item.store(jit, investigator, store_evidence(item, "locker 3"))
    item.hand_over(jit, investigator, hand_over(item, advisor))
    item.receive(jit, advisor, receive_evidence(item, seal_number="FR-1", packaging="ok"))
    item.transfer_to_party(jit, advisor, transfer_to_party(item, "BE", receiver))
    item.receive(jit, receiver, receive_evidence(item, SealCondition.ABSENT))
    item.return_item(jit, receiver, return_evidence(item, "the owner"))


def first_of(events: list[Any], event_class: type) -> Any:
    return next(event for event in events if type(event) is event_class)


def assert_same_types(decoded: Any, original: Any, path: str = "event") -> None:
    """Equal is not enough: every value is rebuilt with its own type, all the way down."""
    assert type(decoded) is type(original), f"{path}: {type(decoded)} is not {type(original)}"
    if isinstance(original, msgspec.Struct):
        for name in original.__struct_fields__:
            assert_same_types(getattr(decoded, name), getattr(original, name), f"{path}.{name}")
    elif isinstance(original, tuple):
        assert len(decoded) == len(original), path
        for index, (inner, expected) in enumerate(zip(decoded, original, strict=True)):
            assert_same_types(inner, expected, f"{path}[{index}]")
    elif isinstance(original, datetime):
        assert decoded.tzinfo is not None, f"{path}: lost its timezone"
        assert decoded.utcoffset() == original.utcoffset(), f"{path}: moved timezone"


def declared_event_classes(aggregate: type) -> set[type]:
    """The event classes an aggregate declares: not the library's generic `Event`, nor the
    generic `Created` it adds when the aggregate names its creation event otherwise."""
    events = {
        name: value
        for name, value in vars(aggregate).items()
        if isinstance(value, type) and issubclass(value, JitAggregate.Event) and name != "Event"
    }
    if any(issubclass(v, JitAggregate.Created) and n != "Created" for n, v in events.items()):
        events.pop("Created", None)
    return set(events.values())


def test_the_scenario_covers_every_event_class_of_every_aggregate(recorded):
    # Given every event class the aggregates declare
    declared = set().union(*(declared_event_classes(aggregate) for aggregate in AGGREGATES))

    # Then the list under test names them all, and the recorded history holds each of them
    assert declared == set(EVENT_CLASSES)
    assert {type(event) for event in recorded} == set(EVENT_CLASSES)


@pytest.mark.parametrize("event_class", EVENT_CLASSES, ids=lambda cls: cls.__qualname__)
def test_an_event_survives_the_round_trip_with_its_types(mapper, recorded, event_class):
    # Given an event of this class
    event = first_of(recorded, event_class)

    # When it is stored and read back
    decoded = mapper.to_domain_event(mapper.to_stored_event(event))

    # Then it is the same event: same class, same fields, same types all the way down
    assert type(decoded) is event_class
    assert vars(decoded) == vars(event)
    for name, value in vars(event).items():
        assert_same_types(vars(decoded)[name], value, f"{event_class.__qualname__}.{name}")


def test_every_recorded_event_survives_the_round_trip(mapper, recorded):
    # Given the whole history of a JIT
    # When every event is stored and read back
    decoded = [mapper.to_domain_event(mapper.to_stored_event(event)) for event in recorded]

    # Then the history read back is the history recorded
    assert [vars(event) for event in decoded] == [vars(event) for event in recorded]


def test_values_of_every_kind_come_back_with_their_type(mapper, recorded):
    # Given a task linked to two items and an order, and an order with a scope
    created = first_of(recorded, Task.Created)
    order = first_of(recorded, LegalAuthorisation.Recorded)
    opened = first_of(recorded, Investigation.Opened)

    # When they are stored and read back
    task_back = mapper.to_domain_event(mapper.to_stored_event(created))
    order_back = mapper.to_domain_event(mapper.to_stored_event(order))
    opened_back = mapper.to_domain_event(mapper.to_stored_event(opened))

    # Then UUIDs, dates, tuples, enums and nested structs are themselves again
    assert isinstance(task_back.originator_id, UUID)
    assert isinstance(task_back.investigation_id, UUID)
    assert type(task_back.evidence_ids) is tuple
    assert all(type(i) is UUID for i in task_back.evidence_ids)
    assert type(task_back.due_on) is date
    assert type(order_back.kind) is AuthorisationKind
    assert type(order_back.scope) is Scope
    assert order_back.scope.evidence_kinds == (
        EvidenceKind.INTERCEPTED_COMMUNICATION,
        EvidenceKind.DOCUMENT,
    )
    assert all(type(k) is EvidenceKind for k in order_back.scope.evidence_kinds)
    assert type(order_back.actor.role) is Role
    assert all(type(p) is Party for p in opened_back.parties)
    assert type(opened_back.period_start) is date


def test_datetimes_keep_their_instant_and_their_offset(mapper, recorded, now):
    # Given an item collected at a time stated in Paris summer time
    registered = first_of(recorded, EvidenceItem.Registered)
    assert registered.occurred_at.utcoffset() == timedelta(hours=2)

    # When it is stored and read back
    decoded = mapper.to_domain_event(mapper.to_stored_event(registered))

    # Then it is the same instant, still two hours ahead of UTC; the record time stays UTC
    assert decoded.occurred_at == now
    assert decoded.occurred_at.utcoffset() == timedelta(hours=2)
    assert decoded.timestamp == registered.timestamp
    assert decoded.timestamp.utcoffset() == timedelta(0)


def test_optional_values_come_back_as_none(mapper, recorded):
    # Given a task without a due date and an item registered without an authorisation
    undated = next(e for e in recorded if type(e) is Task.Created and e.due_on is None)
    unlinked = next(
        e for e in recorded if type(e) is EvidenceItem.Registered and e.authorisation_id is None
    )

    # When they are stored and read back, then the missing values are still missing
    assert mapper.to_domain_event(mapper.to_stored_event(undated)).due_on is None
    back = mapper.to_domain_event(mapper.to_stored_event(unlinked))
    assert back.authorisation_id is None


def test_the_stored_state_is_compact_json(mapper, recorded):
    # Given an event with nested values and non-ASCII text
    amended = first_of(recorded, EvidenceItem.DescriptionAmended)

    # When it is stored
    stored = mapper.to_stored_event(amended)

    # Then its state is JSON bytes without any whitespace between tokens, in UTF-8
    assert isinstance(stored.state, bytes)
    parsed = json.loads(stored.state)
    compact = json.dumps(parsed, separators=(",", ":"), ensure_ascii=False).encode()
    assert stored.state == compact
    assert parsed["description"] == "a black phone — écran fêlé"


@pytest.mark.parametrize("event_class", EVENT_CLASSES, ids=lambda cls: cls.__qualname__)
def test_the_stored_event_names_its_class_aggregate_version_and_investigation(
    mapper, recorded, event_class, team
):
    # Given an event of this class
    event = first_of(recorded, event_class)

    # When it is stored
    stored = mapper.to_stored_event(event)

    # Then the row names the aggregate, its version, the event class and the investigation
    assert isinstance(stored, InvestigationStoredEvent)
    assert stored.originator_id == event.originator_id
    assert stored.originator_version == event.originator_version
    assert resolve_topic(stored.topic) is event_class
    assert stored.investigation_id == team.id
    # and the state does not repeat the row's envelope
    state = json.loads(stored.state)
    assert "originator_id" not in state
    assert "originator_version" not in state
    assert state["investigation_id"] == str(team.id)


def test_events_read_back_rebuild_the_investigation(mapper, recorded, team, replay):
    # Given the stored history of a JIT
    stored = [mapper.to_stored_event(event) for event in recorded if event.originator_id == team.id]

    # When it is read back and replayed
    rebuilt = replay([mapper.to_domain_event(row) for row in stored])

    # Then the investigation is the one that recorded it
    assert vars(rebuilt) == vars(team.investigation)


@pytest.mark.parametrize(
    "corrupt",
    [
        lambda state: state[: len(state) // 2],
        lambda state: b"not json at all",
        lambda state: b"",
        lambda state: state.replace(b'"investigation_id":"', b'"investigation_id":"x'),
        lambda state: state.replace(b'"role":"investigator"', b'"role":"sheriff"'),
        lambda state: state.replace(b'"occurred_at":', b'"occurred_at_":'),
        lambda state: b"[]",
    ],
    ids=[
        "truncated",
        "not-json",
        "empty",
        "bad-uuid",
        "unknown-enum-value",
        "missing-field",
        "not-an-object",
    ],
)
def test_a_corrupted_state_is_reported_as_a_deserialisation_error(mapper, recorded, corrupt):
    # Given a stored member-added event whose state was damaged
    added = next(
        e
        for e in recorded
        if type(e) is Investigation.MemberAdded and e.member.role is Role.INVESTIGATOR
    )
    stored = mapper.to_stored_event(added)
    damaged_state = corrupt(stored.state)
    assert damaged_state != stored.state
    damaged = dataclasses.replace(stored, state=damaged_state)

    # When it is read back
    with pytest.raises(MapperDeserialisationError) as error:
        mapper.to_domain_event(damaged)

    # Then the error names the damaged record
    assert str(stored.originator_id) in str(error.value)
    assert isinstance(error.value.__cause__, msgspec.DecodeError)


def test_an_event_stored_without_the_investigation_column_still_reads_back(mapper, recorded):
    # Given a stored event as the library's own recorders return it (a plain StoredEvent,
    # with the aggregate id as text)
    closed = first_of(recorded, Investigation.Closed)
    row = mapper.to_stored_event(closed)
    plain = StoredEvent(
        originator_id=str(row.originator_id),
        originator_version=row.originator_version,
        topic=row.topic,
        state=row.state,
    )

    # When it is read back, then it is the same event, with a UUID aggregate id
    decoded = mapper.to_domain_event(plain)
    assert vars(decoded) == vars(closed)
    assert type(decoded.originator_id) is UUID


def test_a_member_value_object_is_encoded_field_by_field(mapper, recorded):
    # Given a member-added event
    added = first_of(recorded, Investigation.MemberAdded)

    # When it is stored, then the member is a JSON object of its own fields
    state = json.loads(mapper.to_stored_event(added).state)
    assert state["member"] == {
        "user_id": str(added.member.user_id),
        "name": added.member.name,
        "country": added.member.country,
        "role": added.member.role.value,
    }
    assert set(state) == {"timestamp", "investigation_id", "actor", "member", "occurred_at"}


def test_a_status_change_stored_before_version_2_reads_as_the_event_of_today(mapper, recorded):
    # Given a task's status change as the first version of its class stored it: no
    # class_version, no previous status
    changed = first_of(recorded, Task.StatusChanged)
    today = mapper.to_stored_event(changed)
    state = json.loads(today.state)
    assert state.pop("class_version") == 2 and state.pop("previous_status") == "open"
    old = dataclasses.replace(today, state=json.dumps(state, separators=(",", ":")).encode())

    # When it is read
    decoded = mapper.to_domain_event(old)

    # Then it is the event of today, with the fact it did not record left unknown, and its
    # stored bytes are what they were (the hash chain covers them)
    assert type(decoded) is Task.StatusChanged
    assert vars(decoded) == {**vars(changed), "previous_status": None}
    assert_same_types(decoded.timestamp, changed.timestamp, "timestamp")
    assert decoded.status is TaskStatus.BLOCKED
    assert json.loads(old.state) == state
