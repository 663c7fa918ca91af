"""A seeded demo: a fictional three-country JIT with members, authorisations, evidence, tasks.

All names, cases and references are invented for demonstration.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import partial
from typing import NamedTuple
from uuid import UUID

from anyio import to_thread

from domain.authorisation import LegalAuthorisation
from domain.commands import (
    AddMember,
    AdoptRulebook,
    AgreeRetention,
    AssignTask,
    ChangeTaskStatus,
    CreateTask,
    ExtendAgreement,
    HandOver,
    OpenInvestigation,
    RecordAuthorisation,
    RecordCollection,
    RegisterEvidence,
    SealEvidence,
)
from domain.evidence import EvidenceItem
from domain.handling import UNRESTRICTED, HandlingRestrictions
from domain.task import Task
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

# username, display name: an administrator of the deployment, a member of no investigation
ADMINISTRATOR = ("admin", "Ingrid Halvorsen")


def at(day: str, time: str = "09:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{time}:00+00:00").astimezone(UTC)


async def seed_demo(runtime: Runtime) -> list[tuple[str, str, str]]:
    """Create the demo users and JIT once; return (username, password, description) lines."""
    logins = [
        (u, DEMO_PASSWORD, f"{name}, {country} {role.value}") for u, name, country, role in USERS
    ]
    admin, admin_name = ADMINISTRATOR
    logins.append((admin, DEMO_PASSWORD, f"{admin_name}, administrator of the deployment"))
    if await runtime.identity.find(admin) is None:  # a demo seeded before there was one too
        await runtime.administration.add_user(
            None, admin, DEMO_PASSWORD, admin_name, administrator=True
        )
    if await runtime.identity.find(USERS[0][0]) is not None:
        return logins
    ids: dict[str, UUID] = {}
    for username, name, _, _ in USERS:
        ids[username] = (await runtime.identity.add_user(username, DEMO_PASSWORD, name)).user_id
    await to_thread.run_sync(partial(_seed_case, runtime, ids))
    return logins


class Collection(NamedTuple):
    """How some of the demo's evidence was collected, and who registers it."""

    registered_by: str  # username
    collected_by: str
    place: str
    method: str


INTERCEPTIONS = Collection(
    "fr.legal", "OCRTEH interception unit", "Lille", "telephone interception"
)
ROTTERDAM_SEARCH = Collection(
    "nl.investigator", "E. Bakker, Politie Rotterdam", "Rotterdam", "search and seizure"
)
BRUSSELS_INTERVIEW = Collection(
    "be.investigator", "S. Peeters, Federal Judicial Police", "Brussels", "interview"
)
TARGET_LINE = Scope(
    targets=("+33 6 00 00 00 01",),
    methods=("telephone interception",),
    evidence_kinds=(EvidenceKind.INTERCEPTED_COMMUNICATION,),
)


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
    app.agree_retention(
        leader,
        AgreeRetention(
            investigation_id=jit.id,
            retention_days=10 * 365,
            agreement_clause="Art. 11 of the JIT agreement (fictional): data deleted ten years "
            "after its collection",
            occurred_at=at("2024-02-05"),
        ),
    )
    # the agreement was extended before its first period ran out: the team works on, two
    # years ahead of whenever the demo is started
    app.extend_agreement(
        leader,
        ExtendAgreement(
            investigation_id=jit.id,
            period_end=date(datetime.now(UTC).year + 2, 1, 31),
            reason="Amendment no. 1 to the JIT agreement (fictional), signed by the parties",
            occurred_at=at("2026-01-20"),
        ),
    )

    fr_legal, nl_inv, be_inv = ids["fr.legal"], ids["nl.investigator"], ids["be.investigator"]

    def interception_order(
        reference: str, issued: datetime, valid: tuple[datetime, datetime], conditions: str
    ) -> LegalAuthorisation:
        """An order of the Lille judge to intercept the target line."""
        return app.record_authorisation(
            fr_legal,
            RecordAuthorisation(
                investigation_id=jit.id,
                kind=AuthorisationKind.INTERCEPTION_ORDER,
                country="FR",
                authority="Juge des libertés et de la détention, Lille",
                reference=reference,
                occurred_at=issued,
                valid_from=valid[0],
                valid_until=valid[1],
                scope=TARGET_LINE,
                conditions=conditions,
            ),
        )

    def register(
        collection: Collection,
        authorisation_id: UUID | None,
        reference: str,
        kind: EvidenceKind,
        description: str,
        collected_at: datetime,
        handling: HandlingRestrictions = UNRESTRICTED,
    ) -> EvidenceItem:
        """An item collected as `collection` says, under the authorisation (if any)."""
        return app.register_evidence(
            ids[collection.registered_by],
            RegisterEvidence(
                investigation_id=jit.id,
                reference=reference,
                kind=kind,
                description=description,
                occurred_at=collected_at,
                collected_by=collection.collected_by,
                place=collection.place,
                method=collection.method,
                authorisation_id=authorisation_id,
                handling=handling,
            ),
        )

    def assigned_task(by: UUID, assignee: UUID, task: CreateTask) -> Task:
        """The task, created by `by` and assigned by them to `assignee`."""
        created = app.create_task(by, task)
        app.assign_task(
            by, AssignTask(investigation_id=jit.id, task_id=created.id, assignee_id=assignee)
        )
        return created

    interception = interception_order(
        "JLD-2024-0311",
        at("2024-02-28"),
        (at("2024-03-01", "00:00"), at("2024-06-30", "23:59")),
        "Renewable once for four months.",
    )
    renewal = interception_order(
        "JLD-2024-0703",
        at("2024-07-03", "16:00"),
        (at("2024-07-03", "16:00"), at("2024-10-31", "23:59")),
        "Renewal of JLD-2024-0311; not retroactive.",
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
        ),
    )
    intercepted = EvidenceKind.INTERCEPTED_COMMUNICATION
    register(
        INTERCEPTIONS,
        interception.id,
        "FR-INT-001",
        intercepted,
        "Intercepted calls of 1-2 July on the target line (item I-1).",
        at("2024-07-02", "18:00"),
    )
    register(
        INTERCEPTIONS,
        renewal.id,
        "FR-INT-002",
        intercepted,
        "Intercepted calls from 4 July on the target line (item I-2).",
        at("2024-07-04", "10:00"),
    )
    phone = register(
        ROTTERDAM_SEARCH,
        search.id,
        "NL-24-0412-P",
        EvidenceKind.SEIZED_DEVICE,
        "Mobile phone seized from the warehouse manager; extraction hashed (SHA-256).",
        at("2024-05-03", "07:30"),
    )
    ledgers = register(
        ROTTERDAM_SEARCH,
        search.id,
        "NL-24-0412-L",
        EvidenceKind.DOCUMENT,
        "Handwritten ledgers found in the office, apparently of VAT invoices.",
        at("2024-05-03", "08:10"),
    )
    interview = register(
        BRUSSELS_INTERVIEW,
        None,
        "BE-PV-2024-7781",
        EvidenceKind.SUSPECT_INTERVIEW,
        "Interview of a Romanian-speaking suspect; no interpreter recorded.",
        at("2024-07-10", "14:00"),
        # Belgium lets France read the interview, no one else, and keeps its recording
        HandlingRestrictions(description_to=("FR",), files_to=()),
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
    assigned_task(
        ids["be.legal"],
        ids["nl.member"],
        CreateTask(
            investigation_id=jit.id,
            title="Request NL consent to use the ledgers in the VAT case",
            description="Art. 13(10)(b): prior consent of the state where the material became "
            "available.",
            due_on=date(2025, 2, 15),
            evidence_ids=(ledgers.id,),
        ),
    )
    translate = assigned_task(
        be_inv,
        be_inv,
        CreateTask(
            investigation_id=jit.id,
            title="Have the interview transcript translated into Romanian",
            due_on=date(2024, 8, 1),
            evidence_ids=(interview.id,),
        ),
    )
    app.change_task_status(
        be_inv,
        ChangeTaskStatus(
            investigation_id=jit.id, task_id=translate.id, status=TaskStatus.IN_PROGRESS, note=""
        ),
    )
    assigned_task(
        leader,
        ids["europol.analyst"],
        CreateTask(
            investigation_id=jit.id,
            title="Cross-check the phone extraction against Europol's records",
            evidence_ids=(phone.id,),
            authorisation_ids=(search.id,),
        ),
    )
