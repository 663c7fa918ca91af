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
    AddMember,
    AddParty,
    AmendAuthorisation,
    AmendDescription,
    AnnulAuthorisation,
    AssignTask,
    AttachFile,
    ChangeMemberRole,
    ChangeTaskStatus,
    CloseInvestigation,
    ConfirmAuthorisation,
    DestroyEvidence,
    ExtendAuthorisation,
    GrantConsent,
    HandOver,
    QualifyAuthorisation,
    RaiseDefect,
    ReceiveEvidence,
    RecordAccess,
    RecordCollection,
    RecordDerivation,
    RecordDisclosure,
    RecordInterview,
    RecordSealOpening,
    RecordUse,
    RemoveMember,
    RemoveRule,
    RestrictHandling,
    ReturnEvidence,
    RevokeAuthorisation,
    SealEvidence,
    SetObserverRights,
    SetRule,
    StoreEvidence,
    TransferToParty,
    WithdrawConsent,
)
from domain.evidence import EvidenceItem
from domain.handling import HandlingRestrictions
from domain.investigation import Investigation
from domain.permissions import Action
from domain.rulebook import Rulebook
from domain.task import Task
from domain.values import (
    AuthorisationKind,
    DerivationKind,
    EvidenceKind,
    IssuerKind,
    LawyerPresence,
    Party,
    Role,
    Scope,
    SealCondition,
    TaskStatus,
    UsePurpose,
)
from jitspace.ledger.eventlog import InvestigationStoredEvent, MsgspecMapper

AGGREGATES = (Investigation, LegalAuthorisation, EvidenceItem, Task, Rulebook)
EVENT_CLASSES = (
    Investigation.Opened,
    Investigation.MemberAdded,
    Investigation.PartyJoined,
    Investigation.MemberRemoved,
    Investigation.MemberRoleChanged,
    Investigation.ObserverRightsSet,
    Investigation.Closed,
    Investigation.DisclosureProduced,
    LegalAuthorisation.Recorded,
    LegalAuthorisation.Revoked,
    LegalAuthorisation.Qualified,
    LegalAuthorisation.Amended,
    LegalAuthorisation.Extended,
    LegalAuthorisation.Confirmed,
    LegalAuthorisation.Annulled,
    EvidenceItem.SealOpened,
    EvidenceItem.InterviewRecorded,
    EvidenceItem.Derived,
    EvidenceItem.UsedInProceeding,
    EvidenceItem.ConsentGranted,
    EvidenceItem.ConsentWithdrawn,
    EvidenceItem.DefectRaised,
    EvidenceItem.HandlingRestricted,
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
    Task.Created,
    Task.Assigned,
    Task.StatusChanged,
)
PARIS_SUMMER = timezone(timedelta(hours=2), "CEST")


@pytest.fixture
def mapper() -> MsgspecMapper:
    return MsgspecMapper(transcoder=JSONTranscoder())


@pytest.fixture
def recorded(team, new_member, record_authorisation, register_evidence, create_task, now):
    """Given a JIT whose history holds at least one event of every event class."""
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
    order.revoke(
        team.investigation,
        advisor,
        RevokeAuthorisation(
            investigation_id=team.investigation.id,
            authorisation_id=order.id,
            reason="annulled on appeal",
            occurred_at=now,
        ),
    )
    item = register_evidence(team, authorisation=order, occurred_at=in_paris)
    item.amend_description(
        team.investigation,
        investigator,
        AmendDescription(
            investigation_id=team.investigation.id,
            evidence_id=item.id,
            description="a black phone — écran fêlé",
            reason="",
        ),
    )
    unlinked = register_evidence(team, reference="FR-2024-0099", authorisation=None)
    record_custody(team, unlinked, now)
    item.record_collection(
        team.investigation,
        investigator,
        RecordCollection(
            investigation_id=team.investigation.id,
            evidence_id=item.id,
            place="Lille",
            note="",
            occurred_at=now,
        ),
    )
    item.destroy(
        team.investigation,
        investigator,
        DestroyEvidence(
            investigation_id=team.investigation.id,
            evidence_id=item.id,
            method="shredded",
            reason="copy",
            occurred_at=now,
        ),
    )
    task = create_task(
        team, due_on=date(2024, 7, 31), evidence=(item, unlinked), authorisations=(order,)
    )
    task.assign(
        team.investigation,
        leader,
        AssignTask(
            investigation_id=team.investigation.id,
            task_id=task.id,
            assignee_id=team.be_investigator.user_id,
        ),
    )
    task.change_status(
        team.investigation,
        leader,
        ChangeTaskStatus(
            investigation_id=team.investigation.id,
            task_id=task.id,
            status=TaskStatus.BLOCKED,
            note="waiting for the lab",
        ),
    )
    undated = create_task(team, title="Draft the disclosure schedule", due_on=None)
    team.investigation.add_party(
        leader,
        AddParty(
            investigation_id=team.investigation.id,
            party=Party(country="NL", name="Netherlands", lead_authority="OM"),
            occurred_at=in_paris,
        ),
    )
    team.investigation.add_member(
        leader,
        AddMember(investigation_id=team.investigation.id, member=new_member, occurred_at=now),
    )
    team.investigation.remove_member(
        leader,
        RemoveMember(
            investigation_id=team.investigation.id,
            user_id=new_member.user_id,
            reason="end of secondment",
            occurred_at=now,
        ),
    )
    extra = record_admissibility_facts(team, record_authorisation, register_evidence, item, now)
    rulebook = Rulebook.adopt(
        team.investigation,
        advisor,
        country="FR",
        source_name="fr.toml",
        source_version="1",
        source_sha256="ef" * 32,
        rules=[{"rule": "AU-02"}, {"rule": "CU-01", "params": {"gap_hours": 12}}],
    )
    rulebook.set_rule(
        team.investigation,
        advisor,
        SetRule(
            investigation_id=team.investigation.id,
            country=rulebook.country,
            rule="PR-01",
            reason="nullity deadline",
        ),
    )
    rulebook.remove_rule(
        team.investigation,
        advisor,
        RemoveRule(
            investigation_id=team.investigation.id,
            country=rulebook.country,
            rule="CU-01",
            reason="not applied",
        ),
    )
    extra.extend(rulebook.collect_events())
    team.investigation.change_member_role(
        leader,
        ChangeMemberRole(
            investigation_id=team.investigation.id,
            user_id=team.be_investigator.user_id,
            role=Role.NATIONAL_MEMBER,
            reason="appointed",
            occurred_at=now,
        ),
    )
    team.investigation.set_observer_rights(
        leader,
        SetObserverRights(
            investigation_id=team.investigation.id,
            rights=frozenset({Action.VIEW_LEGAL}),
            agreement_clause="art. 7 of the agreement",
            occurred_at=now,
        ),
    )
    team.investigation.close(
        leader,
        CloseInvestigation(
            investigation_id=team.investigation.id, reason="convictions obtained", occurred_at=now
        ),
    )
    team.investigation.record_disclosure(
        leader,
        RecordDisclosure(
            investigation_id=team.investigation.id,
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
    for aggregate in (team.investigation, order, item, unlinked, task, undated):
        events.extend(aggregate.collect_events())
    return [*events, *extra]


def record_admissibility_facts(
    team: Any, record_authorisation: Any, register_evidence: Any, parent: EvidenceItem, now: Any
) -> list[Any]:
    """An authorisation qualified, amended, extended, confirmed and annulled; an interview, a
    copy, a use, a consent granted and withdrawn, a defect raised and a seal opened."""
    advisor = team.actor(team.fr_legal_advisor)
    investigator = team.actor(team.fr_investigator)
    order = record_authorisation(team, reference="JLD-2024-0200")
    order.qualify(
        team.investigation,
        advisor,
        QualifyAuthorisation(
            investigation_id=team.investigation.id,
            authorisation_id=order.id,
            issuer=IssuerKind.JUDGE,
            offences=("trafficking",),
            urgent=False,
        ),
    )
    order.amend(
        team.investigation,
        advisor,
        AmendAuthorisation(
            investigation_id=team.investigation.id,
            authorisation_id=order.id,
            scope=Scope(methods=("search",)),
            conditions="",
            reason="typo",
            occurred_at=now,
        ),
    )
    order.extend(
        team.investigation,
        advisor,
        ExtendAuthorisation(
            investigation_id=team.investigation.id,
            authorisation_id=order.id,
            valid_until=now + timedelta(days=200),
            reason="renewal",
            occurred_at=now,
        ),
    )
    order.confirm(
        team.investigation,
        advisor,
        ConfirmAuthorisation(
            investigation_id=team.investigation.id,
            authorisation_id=order.id,
            judge="JLD Lille",
            occurred_at=now,
        ),
    )
    order.annul(
        team.investigation,
        advisor,
        AnnulAuthorisation(
            investigation_id=team.investigation.id,
            authorisation_id=order.id,
            court="CA Douai",
            ruling="CI-17",
            occurred_at=now,
        ),
    )
    interview = register_evidence(
        team, reference="FR-INT-1", kind=EvidenceKind.SUSPECT_INTERVIEW, authorisation=None
    )
    interview.record_interview(
        team.investigation,
        investigator,
        RecordInterview(
            investigation_id=team.investigation.id,
            evidence_id=interview.id,
            suspect_language="ro",
            interview_language="fr",
            interpreter="",
            caution_given=True,
            lawyer=LawyerPresence.WAIVED,
            ill_treatment_alleged=False,
            occurred_at=now,
        ),
    )
    interview.record_derivation(
        team.investigation,
        investigator,
        RecordDerivation(
            investigation_id=team.investigation.id,
            evidence_id=interview.id,
            parent_id=parent.id,
            parent_sha256="0" * 64,
            relation=DerivationKind.TRANSLATION,
            tool="",
            tool_version="",
            made_by="J. Ionescu",
            occurred_at=now,
        ),
        parent,
    )
    interview.record_use(
        team.investigation,
        team.actor(team.be_investigator),
        RecordUse(
            investigation_id=team.investigation.id,
            evidence_id=interview.id,
            proceeding="BE-2024-9",
            offence="VAT fraud",
            purpose=UsePurpose.OTHER_OFFENCE,
            occurred_at=now,
        ),
    )
    interview.grant_consent(
        team.investigation,
        advisor,
        GrantConsent(
            investigation_id=team.investigation.id,
            evidence_id=interview.id,
            to_country="BE",
            purpose=UsePurpose.OTHER_OFFENCE,
            offence="",
            conditions="",
            occurred_at=now,
        ),
    )
    interview.withdraw_consent(
        team.investigation,
        advisor,
        WithdrawConsent(
            investigation_id=team.investigation.id,
            evidence_id=interview.id,
            to_country="BE",
            purpose=UsePurpose.OTHER_OFFENCE,
            offence="",
            reason="appeal",
            occurred_at=now,
        ),
    )
    interview.raise_defect(
        team.investigation,
        advisor,
        RaiseDefect(
            investigation_id=team.investigation.id,
            evidence_id=interview.id,
            rule="LA-01",
            note="",
            occurred_at=now,
        ),
    )
    interview.restrict_handling(
        team.investigation,
        advisor,
        RestrictHandling(
            investigation_id=team.investigation.id,
            evidence_id=interview.id,
            restrictions=HandlingRestrictions(
                description_to=("BE",), files_to=(), consent_first=True
            ),
            occurred_at=now,
        ),
    )
    interview.record_seal_opening(
        team.investigation,
        investigator,
        RecordSealOpening(
            investigation_id=team.investigation.id,
            evidence_id=interview.id,
            seal_number="S1",
            authorised_by="judge",
            occurred_at=now,
        ),
    )
    return [*order.collect_events(), *interview.collect_events()]


def record_custody(team: Any, item: EvidenceItem, now: datetime) -> None:
    """A file, its reads and re-hashes, and the item's custody from hand to hand."""
    investigator = team.actor(team.fr_investigator)
    advisor = team.actor(team.fr_legal_advisor)
    receiver = team.actor(team.be_investigator)
    jit = team.investigation
    file_id = uuid4()
    item.attach_file(
        jit,
        investigator,
        AttachFile(
            investigation_id=jit.id,
            evidence_id=item.id,
            file_id=file_id,
            name="dump.bin",
            media_type="application/x-raw",
            sha256="ab" * 32,
            size=10,
            storage_key="evidence/x",
        ),
    )
    item.record_access(
        jit,
        advisor,
        RecordAccess(
            investigation_id=jit.id,
            evidence_id=item.id,
            file_id=file_id,
            purpose="review",
            first_byte=0,
            last_byte=9,
        ),
    )
    item.record_verification(jit, advisor, file_id=file_id, found_sha256="ab" * 32, found_size=10)
    item.record_verification(jit, advisor, file_id=file_id, found_sha256=None, found_size=None)
    item.record_collection(
        jit,
        investigator,
        RecordCollection(
            investigation_id=jit.id,
            evidence_id=item.id,
            place="Lille",
            note="bagged",
            occurred_at=now,
        ),
    )
    item.seal(
        jit,
        investigator,
        SealEvidence(
            investigation_id=jit.id, evidence_id=item.id, seal_number="FR-1", occurred_at=now
        ),
    )
    item.store(
        jit,
        investigator,
        StoreEvidence(
            investigation_id=jit.id, evidence_id=item.id, location="locker 3", occurred_at=now
        ),
    )
    item.hand_over(
        jit,
        investigator,
        HandOver(
            investigation_id=jit.id,
            evidence_id=item.id,
            recipient_id=advisor.user_id,
            reason="legal review",
            occurred_at=now,
        ),
    )
    item.receive(
        jit,
        advisor,
        ReceiveEvidence(
            investigation_id=jit.id,
            evidence_id=item.id,
            seal_condition=SealCondition.INTACT,
            seal_number="FR-1",
            packaging="ok",
            occurred_at=now,
        ),
    )
    item.transfer_to_party(
        jit,
        advisor,
        TransferToParty(
            investigation_id=jit.id,
            evidence_id=item.id,
            country="BE",
            recipient_id=receiver.user_id,
            reason="BE trial",
            occurred_at=now,
        ),
    )
    item.receive(
        jit,
        receiver,
        ReceiveEvidence(
            investigation_id=jit.id,
            evidence_id=item.id,
            seal_condition=SealCondition.ABSENT,
            seal_number="",
            packaging="",
            occurred_at=now,
        ),
    )
    item.return_item(
        jit,
        receiver,
        ReturnEvidence(
            investigation_id=jit.id,
            evidence_id=item.id,
            returned_to="the owner",
            reason="not needed",
            occurred_at=now,
        ),
    )


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
