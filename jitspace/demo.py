"""A seeded demo: a fictional three-country JIT with members, authorisations, evidence, tasks.

All names, cases and references are invented for demonstration.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import partial
from uuid import UUID

from anyio import to_thread

from domain.commands import (
    AddMember,
    AdoptRulebook,
    AssignTask,
    ChangeTaskStatus,
    CreateTask,
    HandOver,
    OpenInvestigation,
    RecordAuthorisation,
    RecordCollection,
    RegisterEvidence,
    SealEvidence,
)
from domain.handling import HandlingRestrictions
from domain.values import AuthorisationKind, EvidenceKind, Member, Party, Role, Scope, TaskStatus
from jitspace.bootstrap import Runtime

DEMO_PASSWORD = "lantern-demo-2024"  # noqa: S105 (printed for the demo)

# username, display name, party, role
USERS = (
    ("fr.leader", "Claire Martin", "FR", Role.JIT_LEADER),
    ("fr.legal", "Antoine Dubois", "FR", Role.LEGAL_ADVISOR),
    ("be.investigator", "Sofie Peeters", "BE", Role.INVESTIGATOR),
    ("be.legal", "Marc Janssens", "BE", Role.LEGAL_ADVISOR),
    ("nl.member", "Daan de Vries", "NL", Role.NATIONAL_MEMBER),
    ("nl.investigator", "Eva Bakker", "NL", Role.INVESTIGATOR),
    ("europol.analyst", "Katarzyna Nowak", "EUROPOL", Role.ANALYST),
    ("europol.liaison", "Luca Rossi", "EUROPOL", Role.OBSERVER),
)


def at(day: str, time: str = "09:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{time}:00+00:00").astimezone(UTC)


async def seed_demo(runtime: Runtime) -> list[tuple[str, str, str]]:
    """Create the demo users and JIT once; return (username, password, description) lines."""
    logins = [
        (u, DEMO_PASSWORD, f"{name}, {country} {role.value}") for u, name, country, role in USERS
    ]
    if await runtime.identity.find(USERS[0][0]) is not None:
        return logins
    ids: dict[str, UUID] = {}
    for username, name, _, _ in USERS:
        ids[username] = (await runtime.identity.add_user(username, DEMO_PASSWORD, name)).user_id
    await to_thread.run_sync(partial(_seed_case, runtime, ids))
    return logins


def _seed_case(runtime: Runtime, ids: dict[str, UUID]) -> None:
    app = runtime.app
    leader = ids["fr.leader"]
    jit = app.open_investigation(
        leader,
        OpenInvestigation(
            founder_name="Claire Martin",
            country="FR",
            name="LANTERN (demo)",
            agreement_reference="JIT-2024-017 (fictional)",
            purpose="Trafficking in human beings for labour exploitation along the FR-BE-NL "
            "corridor, and the laundering of its proceeds.",
            period_start=date(2024, 2, 1),
            period_end=date(2026, 1, 31),
            parties=(
                Party("FR", "France", "Parquet de Lille, JIRS"),
                Party("BE", "Belgium", "Federal Prosecutor's Office"),
                Party("NL", "Netherlands", "Landelijk Parket"),
                Party("EUROPOL", "Europol", "Analysis Project Phoenix"),
            ),
            occurred_at=at("2024-02-01"),
        ),
    )
    for username, name, country, role in USERS[1:]:
        member = Member(ids[username], name, country, role)
        app.add_member(
            leader, AddMember(investigation_id=jit.id, member=member, occurred_at=at("2024-02-05"))
        )

    fr_legal, nl_inv, be_inv = ids["fr.legal"], ids["nl.investigator"], ids["be.investigator"]
    interception = app.record_authorisation(
        fr_legal,
        RecordAuthorisation(
            investigation_id=jit.id,
            kind=AuthorisationKind.INTERCEPTION_ORDER,
            country="FR",
            authority="Juge des libertés et de la détention, Lille",
            reference="JLD-2024-0311",
            occurred_at=at("2024-02-28"),
            valid_from=at("2024-03-01", "00:00"),
            valid_until=at("2024-06-30", "23:59"),
            scope=Scope(
                targets=("+33 6 00 00 00 01",),
                methods=("telephone interception",),
                evidence_kinds=(EvidenceKind.INTERCEPTED_COMMUNICATION,),
            ),
            conditions="Renewable once for four months.",
        ),
    )
    renewal = app.record_authorisation(
        fr_legal,
        RecordAuthorisation(
            investigation_id=jit.id,
            kind=AuthorisationKind.INTERCEPTION_ORDER,
            country="FR",
            authority="Juge des libertés et de la détention, Lille",
            reference="JLD-2024-0703",
            occurred_at=at("2024-07-03", "16:00"),
            valid_from=at("2024-07-03", "16:00"),
            valid_until=at("2024-10-31", "23:59"),
            scope=interception.scope,
            conditions="Renewal of JLD-2024-0311; not retroactive.",
        ),
    )
    search = app.record_authorisation(
        ids["nl.member"],
        RecordAuthorisation(
            investigation_id=jit.id,
            kind=AuthorisationKind.SEARCH_WARRANT,
            country="NL",
            authority="Rechter-commissaris, Rechtbank Rotterdam",
            reference="RC-24-1187",
            occurred_at=at("2024-05-02"),
            valid_from=at("2024-05-02"),
            valid_until=at("2024-05-09"),
            scope=Scope(
                places=("Warehouse, Havenstraat 12, Rotterdam (fictional)",),
                methods=("search", "seizure"),
            ),
            conditions="",
        ),
    )
    app.register_evidence(
        fr_legal,
        RegisterEvidence(
            investigation_id=jit.id,
            reference="FR-INT-001",
            kind=EvidenceKind.INTERCEPTED_COMMUNICATION,
            description="Intercepted calls of 1-2 July on the target line (item I-1).",
            occurred_at=at("2024-07-02", "18:00"),
            collected_by="OCRTEH interception unit",
            place="Lille",
            method="telephone interception",
            authorisation_id=interception.id,
        ),
    )
    app.register_evidence(
        fr_legal,
        RegisterEvidence(
            investigation_id=jit.id,
            reference="FR-INT-002",
            kind=EvidenceKind.INTERCEPTED_COMMUNICATION,
            description="Intercepted calls from 4 July on the target line (item I-2).",
            occurred_at=at("2024-07-04", "10:00"),
            collected_by="OCRTEH interception unit",
            place="Lille",
            method="telephone interception",
            authorisation_id=renewal.id,
        ),
    )
    phone = app.register_evidence(
        nl_inv,
        RegisterEvidence(
            investigation_id=jit.id,
            reference="NL-24-0412-P",
            kind=EvidenceKind.SEIZED_DEVICE,
            description="Mobile phone seized from the warehouse manager; extraction hashed "
            "(SHA-256).",
            occurred_at=at("2024-05-03", "07:30"),
            collected_by="E. Bakker, Politie Rotterdam",
            place="Rotterdam",
            method="search and seizure",
            authorisation_id=search.id,
        ),
    )
    ledgers = app.register_evidence(
        nl_inv,
        RegisterEvidence(
            investigation_id=jit.id,
            reference="NL-24-0412-L",
            kind=EvidenceKind.DOCUMENT,
            description="Handwritten ledgers found in the office, apparently of VAT invoices.",
            occurred_at=at("2024-05-03", "08:10"),
            collected_by="E. Bakker, Politie Rotterdam",
            place="Rotterdam",
            method="search and seizure",
            authorisation_id=search.id,
        ),
    )
    interview = app.register_evidence(
        be_inv,
        RegisterEvidence(
            investigation_id=jit.id,
            reference="BE-PV-2024-7781",
            kind=EvidenceKind.SUSPECT_INTERVIEW,
            description="Interview of a Romanian-speaking suspect; no interpreter recorded.",
            occurred_at=at("2024-07-10", "14:00"),
            collected_by="S. Peeters, Federal Judicial Police",
            place="Brussels",
            method="interview",
            authorisation_id=None,
            # Belgium lets France read the interview, no one else, and keeps its recording
            handling=HandlingRestrictions(description_to=("FR",), files_to=()),
        ),
    )
    # custody: the phone is sealed and handed over; the receipt is still missing (a defect)
    for item, place, when in (
        (phone, "Rotterdam", "2024-05-03"),
        (ledgers, "Rotterdam", "2024-05-03"),
    ):
        app.record_evidence_collection(
            nl_inv,
            RecordCollection(
                investigation_id=jit.id,
                evidence_id=item.id,
                place=place,
                note="",
                occurred_at=at(when, "08:30"),
            ),
        )
    app.seal_evidence(
        nl_inv,
        SealEvidence(
            investigation_id=jit.id,
            evidence_id=phone.id,
            seal_number="NL-4471",
            occurred_at=at("2024-05-03", "08:40"),
        ),
    )
    app.hand_over_evidence(
        nl_inv,
        HandOver(
            investigation_id=jit.id,
            evidence_id=phone.id,
            recipient_id=ids["be.investigator"],
            reason="examination by the Belgian digital forensics unit",
            occurred_at=at("2024-05-10", "10:00"),
        ),
    )
    # the French and Belgian legal advisors adopt their (illustrative) rulebooks
    app.adopt_rulebook(fr_legal, AdoptRulebook(investigation_id=jit.id, country="FR", source="fr"))
    app.adopt_rulebook(
        ids["be.legal"], AdoptRulebook(investigation_id=jit.id, country="BE", source="be")
    )
    consent = app.create_task(
        ids["be.legal"],
        CreateTask(
            investigation_id=jit.id,
            title="Request NL consent to use the ledgers in the VAT case",
            description="Art. 13(10)(b): prior consent of the state where the material became "
            "available.",
            due_on=date(2025, 2, 15),
            evidence_ids=(ledgers.id,),
            authorisation_ids=(),
        ),
    )
    app.assign_task(
        ids["be.legal"],
        AssignTask(investigation_id=jit.id, task_id=consent.id, assignee_id=ids["nl.member"]),
    )
    translate = app.create_task(
        be_inv,
        CreateTask(
            investigation_id=jit.id,
            title="Have the interview transcript translated into Romanian",
            description="",
            due_on=date(2024, 8, 1),
            evidence_ids=(interview.id,),
            authorisation_ids=(),
        ),
    )
    app.assign_task(
        be_inv, AssignTask(investigation_id=jit.id, task_id=translate.id, assignee_id=be_inv)
    )
    app.change_task_status(
        be_inv,
        ChangeTaskStatus(
            investigation_id=jit.id, task_id=translate.id, status=TaskStatus.IN_PROGRESS, note=""
        ),
    )
    verify = app.create_task(
        leader,
        CreateTask(
            investigation_id=jit.id,
            title="Cross-check the phone extraction against Europol's records",
            description="",
            due_on=None,
            evidence_ids=(phone.id,),
            authorisation_ids=(search.id,),
        ),
    )
    app.assign_task(
        leader,
        AssignTask(investigation_id=jit.id, task_id=verify.id, assignee_id=ids["europol.analyst"]),
    )
