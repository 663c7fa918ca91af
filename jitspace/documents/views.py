"""Domain aggregates -> API records."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

import msgspec

from domain.admissibility.results import Action
from domain.authorisation import LegalAuthorisation
from domain.comments import Comment
from domain.evidence import EvidenceItem
from domain.handling import UNRESTRICTED, HandlingRestrictions
from domain.investigation import Investigation as InvestigationAggregate
from domain.retention import DeletionDate
from domain.rule_settings import RULE_TYPES, Outcome
from domain.rulebook import Rulebook
from domain.task import Task as TaskAggregate
from domain.values import Actor, DerivationKind, EvidenceFile, UsePurpose
from jitspace.documents.admissibility import (
    NOTICE,
    AdmissibilityCell,
    CountryExplanation,
    CureAction,
    EventRef,
    RuleOut,
    RuleResultOut,
)
from jitspace.documents.admissibility import Rulebook as RulebookOut
from jitspace.documents.authorisations import (
    Authorisation,
    AuthorisationSummary,
    EntrustmentOut,
    FormalityOut,
    NotificationOut,
    ScopeOut,
)
from jitspace.documents.custody import CustodyChain
from jitspace.documents.evidence import (
    Evidence,
    EvidenceFileOut,
    EvidenceFileStored,
    EvidenceSummary,
    Handling,
    HandlingCreate,
    LegalHoldOut,
    Lineage,
    LineageNode,
    RetentionDeletionOut,
)
from jitspace.documents.fields import ActorOut, CommentOut
from jitspace.documents.investigations import (
    ExtensionOut,
    Investigation,
    InvestigationSummary,
    MemberOut,
    PartyOut,
)
from jitspace.documents.tasks import Task, TaskSummary
from jitspace.rulebooks import load_shipped
from projections.admissibility import Row
from projections.custody import Chain

S = TypeVar("S", bound=msgspec.Struct)


def from_record(cls: type[S], record: object, **fields: Any) -> S:
    """The document `cls` of a record: the `fields` given, and every other field the
    record's attribute of the same name."""
    same = {name: getattr(record, name) for name in cls.__struct_fields__ if name not in fields}
    return cls(**same, **fields)


def actor_view(actor: Actor) -> ActorOut:
    return ActorOut(user_id=actor.user_id, country=actor.country, role=actor.role.value)


def investigation_view(i: InvestigationAggregate) -> Investigation:
    return from_record(
        Investigation,
        i,
        status="closed" if i.is_closed else "open",
        parties=[
            PartyOut(
                p.country,
                p.name,
                p.lead_authority,
                i.departed.get(p.country),
                i.joined.get(p.country),
                i.departure_reasons.get(p.country),
            )
            for p in i.parties.values()
        ],
        members=[MemberOut(m.user_id, m.name, m.country, m.role) for m in i.members.values()],
        observer_rights=sorted(i.observer_rights),
        extensions=[
            ExtensionOut(e.previous_end, e.period_end, e.signed_at, e.reason) for e in i.extensions
        ],
    )


# what an item's document withholds from a party its handling restrictions do not let read it
ITEM_CONTENT = ("description", "place", "files.name", "location", "comments.comment")


def evidence_view(
    e: EvidenceItem,
    viewer: str,
    *,
    readable: bool | None = None,
    deletion: DeletionDate | None = None,
    legal_file: bool = True,
) -> Evidence:
    """The item as the viewer's party may see it: by its handling restrictions, or as
    `readable` says (a past state is shown by the restrictions in force now); `deletion`:
    its deletion date (`EvidenceItem.deletion_date`, which needs the investigation's records);
    `legal_file`: whether the viewer may read the legal file (a legal hold's grounds)."""
    readable = e.may_read(viewer) if readable is None else readable
    hold, deleted = e.legal_hold, e.retention_deletion
    withheld = [] if readable else [*ITEM_CONTENT]
    withheld += [] if legal_file or hold is None else ["legal_hold.reason", "legal_hold.reference"]
    return from_record(
        Evidence,
        e,
        deletion_date=deletion.on if deletion else None,
        deletion_ground=deletion.ground if deletion else None,
        legal_hold=LegalHoldOut(
            actor_view(hold.placed_by),
            hold.placed_at,
            hold.reason if legal_file else None,
            hold.reference if legal_file else None,
        )
        if hold
        else None,
        deleted_under_retention=RetentionDeletionOut(
            actor_view(deleted.deleted_by),
            deleted.deleted_at,
            deleted.deletion_date,
            deleted.ground,
        )
        if deleted
        else None,
        description=e.description if readable else None,
        place=e.place if readable else None,
        registered_at=e.created_on,
        registered_by=actor_view(e.registered_by),
        files=[evidence_file_view(f, readable=readable) for f in e.files.values()],
        awaiting_receipt_by=e.handover.recipient_id if e.handover else None,
        location=e.location if readable else None,
        withheld=withheld,
        handling=handling_view(e.handling) if viewer == e.country else None,
        comments=[comment_view(c, readable=readable) for c in e.comments],
    )


def handling_view(h: HandlingRestrictions) -> Handling:
    return Handling(
        description_to=list(h.description_to) if h.description_to is not None else None,
        files_to=list(h.files_to) if h.files_to is not None else None,
        consent_first=h.consent_first,
    )


def handling_of(h: HandlingCreate | None) -> HandlingRestrictions:
    if h is None:
        return UNRESTRICTED
    return HandlingRestrictions(
        description_to=tuple(h.description_to) if h.description_to is not None else None,
        files_to=tuple(h.files_to) if h.files_to is not None else None,
        consent_first=h.consent_first,
    )


def stored_file(item: EvidenceItem, file: EvidenceFile, viewer: str) -> EvidenceFileStored:
    """The answer to an upload: the file recorded, as the uploader's party may see it."""
    return EvidenceFileStored(
        evidence_id=item.id,
        version=item.version,
        file=evidence_file_view(file, readable=item.may_read(viewer)),
    )


def evidence_file_view(f: EvidenceFile, *, readable: bool = True) -> EvidenceFileOut:
    return EvidenceFileOut(
        id=f.file_id,
        name=f.name if readable else None,
        media_type=f.media_type,
        sha256=f.sha256,
        size=f.size,
        integrity=f.integrity,
    )


def authorisation_view(a: LegalAuthorisation) -> Authorisation:
    scope = ScopeOut(**{name: list(getattr(a.scope, name)) for name in ScopeOut.__struct_fields__})
    notifications = [
        NotificationOut(**msgspec.structs.asdict(n)) for _, n in sorted(a.notifications.items())
    ]
    return from_record(
        Authorisation,
        a,
        scope=scope,
        notifications=notifications,
        entrustments=[
            EntrustmentOut(**msgspec.structs.asdict(t)) for _, t in sorted(a.entrustments.items())
        ],
        formalities=[
            FormalityOut(**msgspec.structs.asdict(f)) for _, f in sorted(a.formalities.items())
        ],
    )


def task_view(t: TaskAggregate) -> Task:
    return from_record(
        Task,
        t,
        evidence_ids=list(t.evidence_ids),
        authorisation_ids=list(t.authorisation_ids),
        created_at=t.created_on,
        created_by=actor_view(t.created_by),
        comments=[comment_view(c) for c in t.comments],
    )


def comment_view(c: Comment, *, readable: bool = True) -> CommentOut:
    return CommentOut(
        id=c.comment_id,
        author=actor_view(c.author),
        comment=c.comment if readable else None,
        mentions=list(c.mentions),
        written_at=c.written_at,
    )


# -- rows of the lists, for the past (the present ones come from the registers) -------------


def authorisation_summary(a: LegalAuthorisation) -> AuthorisationSummary:
    return from_record(
        AuthorisationSummary,
        a,
        revoked=a.revoked_at is not None,
        annulled=a.annulled_at is not None,
    )


def task_summary(t: TaskAggregate) -> TaskSummary:
    return from_record(TaskSummary, t, created_at=t.created_on)


def custody_view(evidence_id: UUID, chain: Chain, version: int) -> CustodyChain:
    return msgspec.convert(
        {**msgspec.to_builtins(chain), "evidence_id": evidence_id, "version": version},
        CustodyChain,
    )


def evidence_summary(item: EvidenceItem, chain: Chain | None, readable: bool) -> EvidenceSummary:
    return from_record(
        EvidenceSummary,
        item,
        description=item.description if readable else None,
        registered_at=item.created_on,
        custody_status=chain.status if chain else "no custodian",
        custodian_id=chain.custodian_id if chain else None,
        holding_country=chain.holding_country if chain else item.country,
        integrity=chain.integrity if chain else "no files",
        custody_defects=len(chain.defects) if chain else 0,
        withheld=[] if readable else ["description"],
        legal_hold=item.legal_hold is not None,
        deleted_under_retention_at=item.retention_deletion.deleted_at
        if item.retention_deletion
        else None,
    )


def lineage_of(
    item_id: UUID,
    items: Mapping[UUID, tuple[EvidenceSummary, UUID | None, DerivationKind | None]],
) -> Lineage:
    """The lineage `item_id` belongs to, from `items` (each with its parent and how it was
    made from it; at least the item's tree): its original first, each item followed by what
    was made from it, in the order registered."""
    root, seen = item_id, {item_id}
    while (parent := items[root][1]) is not None and parent in items and parent not in seen:
        root = parent
        seen.add(root)
    children: dict[UUID, list[UUID]] = {}
    for child, (_, parent, _) in sorted(
        items.items(), key=lambda entry: (entry[1][0].registered_at, entry[0])
    ):
        if parent is not None:
            children.setdefault(parent, []).append(child)
    nodes: list[LineageNode] = []
    placed: set[UUID] = set()
    stack = [(root, 0)]
    while stack:
        current, depth = stack.pop()
        if current in placed:
            continue
        placed.add(current)
        summary, parent, relation = items[current]
        if depth == 0:  # the original: made from nothing the team holds
            parent = relation = None
        nodes.append(LineageNode(summary, parent, relation, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(current, [])))
    return Lineage(nodes)


def investigation_summary(i: InvestigationAggregate, user_id: UUID) -> InvestigationSummary:
    member = i.members[user_id]
    return InvestigationSummary(
        id=i.id,
        name=i.name,
        agreement_reference=i.agreement_reference,
        status="closed" if i.is_closed else "open",
        parties=list(i.parties),
        my_country=member.country,
        my_role=member.role.value,
        version=i.version,
    )


def cell_view(row: Row) -> AdmissibilityCell:
    v = row.verdict
    return AdmissibilityCell(
        evidence_id=v.evidence_id,
        reference=row.reference,
        country=v.country,
        verdict=v.verdict.value,
        outcome=v.outcome.value,
        reasons=sorted({r.rule for r in v.results if r.outcome is v.outcome}),
        evaluated_on=row.evaluated_on,
        changes_on=v.changes_on(),
        unknown=sorted(
            {r.rule for r in v.results if r.outcome is Outcome.UNKNOWN}
            if v.outcome is not Outcome.UNKNOWN
            else set()
        ),
    )


def cure_view(action: Action | None) -> CureAction | None:
    if action is None:
        return None
    return CureAction(
        cure=action.cure,
        record_id=action.record_id,
        decided_by=action.decided_by,
        to_country=action.to_country,
        purpose=UsePurpose(action.purpose) if action.purpose else None,
        offence=action.offence,
    )


def explanation_view(row: Row) -> CountryExplanation:
    v = row.verdict
    return CountryExplanation(
        country=v.country,
        verdict=v.verdict.value,
        outcome=v.outcome.value,
        evaluated_on=row.evaluated_on,
        results=[
            RuleResultOut(
                rule=r.rule,
                outcome=r.outcome.value,
                reason=r.reason,
                rests_on=[EventRef(x.record_id, x.version, x.event) for x in r.rests_on],
                missing=r.missing,
                cure=r.cure,
                use=r.use,
                until=r.until,
                action=cure_view(r.action),
            )
            for r in v.results
        ],
        changes_on=v.changes_on(),
    )


def rulebook_view(book: Rulebook) -> RulebookOut:
    name, version, sha256 = book.source
    shipped = load_shipped(name.removesuffix(".toml"))
    return RulebookOut(
        id=book.id,
        version=book.version,
        country=book.country,
        source_name=name,
        source_version=version,
        source_sha256=sha256,
        rules=[
            RuleOut(rule=s.rule, check=RULE_TYPES[s.rule][0], params=s.params)
            for s in sorted(book.rules.values(), key=lambda s: s.rule)
        ],
        notice=shipped.content.notice if shipped else NOTICE,
    )
