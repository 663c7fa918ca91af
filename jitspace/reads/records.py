"""An investigation's records now, or as they stood at a point of the log: one call, `at`.

`Records.at` answers with `Present` (the read models, and the write side's aggregates for a
single record) or `Past` (each record replayed from its own events up to that point, the
lists and the admissibility matrix from the read models' rows kept with the positions
between which they held). Both answer the same
questions with the same documents, so a reader never branches on `as_of` itself. Whoever
asks, the restrictions in force now say who may read an item, its past included.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import Any, Protocol, TypeVar, runtime_checkable
from uuid import UUID

from anyio import to_thread

from domain.authorisation import LegalAuthorisation
from domain.base import JitAggregate
from domain.evidence import EvidenceItem
from domain.investigation import Investigation as InvestigationAggregate
from domain.permissions import Action
from domain.retention import DeletionDate
from domain.rulebook import Rulebook
from domain.task import Task as TaskAggregate
from jitspace.documents.authorisations import (
    Authorisation,
    AuthorisationPage,
    AuthorisationQuery,
    AuthorisationSummary,
)
from jitspace.documents.custody import (
    CustodyAudit,
    CustodyAuditPage,
    CustodyAuditQuery,
    CustodyChain,
    custody_audit,
)
from jitspace.documents.evidence import (
    Evidence,
    EvidencePage,
    EvidenceSummary,
    Lineage,
    RegisterQuery,
)
from jitspace.documents.investigations import (
    Investigation,
    InvestigationPage,
    InvestigationQuery,
    InvestigationSummary,
)
from jitspace.documents.tasks import Task, TaskPage, TaskQuery, TaskSummary
from jitspace.documents.views import (
    authorisation_view,
    custody_view,
    evidence_view,
    investigation_summary,
    investigation_view,
    task_view,
)
from jitspace.reads.past import PastQueries
from jitspace.reads.queries import Point, Queries, evaluated_cells
from jitspace.reads.withholding import Audience, custody_for
from projections.admissibility import Row
from projections.custody import chains_as_of

A = TypeVar("A", bound=JitAggregate)
T = TypeVar("T")


class History(Protocol):
    """An investigation at a point of the log: each record as it stood then, read when first
    asked for. Its calls read the log (run them off the loop)."""

    @property
    def position(self) -> int: ...

    def find(self, record_id: UUID) -> JitAggregate | None: ...

    def record(self, cls: type[A], record_id: UUID) -> A: ...

    def deletion_date_of(self, item: EvidenceItem) -> DeletionDate | None: ...

    def custody_events(self, evidence_id: UUID) -> list[Any]: ...


class Log(Protocol):
    """What the reads ask of the write side: its aggregates as the log has them now, and
    an investigation replayed to a point. Each call checks that the user is a member."""

    def history(
        self,
        user_id: UUID,
        investigation_id: UUID,
        *,
        as_of: datetime | None = None,
        position: int | None = None,
    ) -> History: ...

    def part_for(
        self, user_id: UUID, investigation_id: UUID, cls: type[A], record_id: UUID
    ) -> A: ...

    def investigation_for(
        self, user_id: UUID, investigation_id: UUID
    ) -> InvestigationAggregate: ...

    def rulebook_for(self, user_id: UUID, investigation_id: UUID, country: str) -> Rulebook: ...

    def evidence_for(
        self, user_id: UUID, investigation_id: UUID, evidence_id: UUID
    ) -> tuple[EvidenceItem, DeletionDate | None]: ...


@runtime_checkable  # the API's handlers are given one, checked as any dependency is
class Reading(Protocol):
    """The questions an investigation's records answer, now (`Present`) or as they stood at a
    point of the log (`Past`), with the same documents."""

    async def investigation(self) -> Investigation: ...

    async def rulebook(self, country: str) -> Rulebook: ...

    async def authorisations(self) -> list[AuthorisationSummary]: ...

    async def authorisation_page(self, query: AuthorisationQuery) -> AuthorisationPage: ...

    async def authorisation(self, authorisation_id: UUID) -> Authorisation: ...

    async def tasks(self) -> list[TaskSummary]: ...

    async def task_page(self, query: TaskQuery) -> TaskPage: ...

    async def task(self, task_id: UUID) -> Task: ...

    async def evidence_register(self, country: str) -> list[EvidenceSummary]: ...

    async def evidence_page(self, country: str, query: RegisterQuery) -> EvidencePage: ...

    async def evidence(self, evidence_id: UUID, audience: Audience) -> Evidence: ...

    async def custody(self, evidence_id: UUID, country: str) -> CustodyChain | None: ...

    async def lineage(self, evidence_id: UUID, country: str) -> Lineage: ...

    async def custody_audit(self) -> CustodyAudit: ...

    async def custody_audit_page(self, query: CustodyAuditQuery) -> CustodyAuditPage: ...

    async def matrix(self, evidence_id: UUID | None, on: datetime | None) -> list[Row]: ...

    async def cells(self, items: list[UUID]) -> list[Row]: ...


class Records:
    """Where every read of an investigation's records starts."""

    def __init__(self, log: Log, queries: Queries) -> None:
        self.log = log
        self.queries = queries
        self.kept = PastQueries(queries)

    async def at(
        self,
        user_id: UUID,
        investigation_id: UUID,
        moment: datetime | None = None,
        position: int | None = None,
    ) -> Present | Past:
        """The records now (no moment, no position), or as of a time (what had been
        recorded by then) and/or a log position."""
        if moment is None and position is None:
            return self.now(user_id, investigation_id)
        return await self.past(user_id, investigation_id, moment, position)

    def now(self, user_id: UUID, investigation_id: UUID) -> Present:
        """The records as they stand: the paged lists read only these."""
        return Present(self, user_id, investigation_id)

    async def investigations_of(
        self, user_id: UUID, moment: datetime | None = None, position: int | None = None
    ) -> list[InvestigationSummary]:
        """The investigations the user is a member of (as of then: was a member of)."""
        # memberships and roles change in any investigation: read them as the whole log
        # stands, so that a change is seen at once
        await self.queries.caught_up(None)
        present = await self.queries.investigations_of(user_id)
        if moment is None and position is None:
            return present
        summaries = []
        for summary in present:
            past = await self.past(user_id, summary.id, moment, position)
            if (then := await past.summary()) is not None:
                summaries.append(then)
        return summaries

    async def investigation_page(
        self, user_id: UUID, query: InvestigationQuery
    ) -> InvestigationPage:
        """A page of the investigations the user is a member of now."""
        await self.queries.caught_up(None)  # as `investigations_of`: a change is seen at once
        return await self.queries.investigation_page(user_id, query)

    async def past(
        self,
        user_id: UUID,
        investigation_id: UUID,
        moment: datetime | None = None,
        position: int | None = None,
    ) -> Past:
        """The records at a point of the log (its end when no point is named)."""
        history = await in_thread(
            self.log.history, user_id, investigation_id, as_of=moment, position=position
        )
        # the moment the matrix's deadlines are judged at: the time asked for, or when the
        # event at the position was recorded
        return Past(self, user_id, investigation_id, history, moment if position is None else None)


class Present:
    """The records as they stand: lists from the read models, once they hold what was just
    recorded; single records from the log itself."""

    def __init__(self, records: Records, user_id: UUID, investigation_id: UUID) -> None:
        self.log, self.queries = records.log, records.queries
        self.records = records
        self.user_id, self.investigation_id = user_id, investigation_id

    async def _part(self, cls: type[A], record_id: UUID) -> A:
        return await in_thread(
            self.log.part_for, self.user_id, self.investigation_id, cls, record_id
        )

    async def _caught_up(self) -> None:
        """Wait (briefly) until the read models show what was just recorded."""
        await self.queries.caught_up(self.investigation_id)

    async def investigation(self) -> Investigation:
        found = await in_thread(self.log.investigation_for, self.user_id, self.investigation_id)
        return investigation_view(found)

    async def rulebook(self, country: str) -> Rulebook:
        return await in_thread(self.log.rulebook_for, self.user_id, self.investigation_id, country)

    async def authorisations(self) -> list[AuthorisationSummary]:
        await self._caught_up()
        return await self.queries.authorisations(self.investigation_id)

    async def authorisation_page(self, query: AuthorisationQuery) -> AuthorisationPage:
        await self._caught_up()
        return await self.queries.authorisation_page(self.investigation_id, query)

    async def authorisation(self, authorisation_id: UUID) -> Authorisation:
        return authorisation_view(await self._part(LegalAuthorisation, authorisation_id))

    async def tasks(self) -> list[TaskSummary]:
        await self._caught_up()
        return await self.queries.tasks(self.investigation_id)

    async def task_page(self, query: TaskQuery) -> TaskPage:
        await self._caught_up()
        return await self.queries.task_page(self.investigation_id, query)

    async def task(self, task_id: UUID) -> Task:
        return task_view(await self._part(TaskAggregate, task_id))

    async def evidence_register(self, country: str) -> list[EvidenceSummary]:
        await self._caught_up()
        return await self.queries.evidence_register(self.investigation_id, country)

    async def evidence_page(self, country: str, query: RegisterQuery) -> EvidencePage:
        await self._caught_up()
        return await self.queries.evidence_page(self.investigation_id, country, query)

    async def evidence(self, evidence_id: UUID, audience: Audience) -> Evidence:
        item, deletion = await in_thread(
            self.log.evidence_for, self.user_id, self.investigation_id, evidence_id
        )
        return evidence_view(
            item, audience.country, deletion=deletion, legal_file=audience.may(Action.VIEW_LEGAL)
        )

    async def custody(self, evidence_id: UUID, country: str) -> CustodyChain | None:
        """None while the custody register has not built the item's chain yet."""
        await self._part(EvidenceItem, evidence_id)
        await self._caught_up()
        return await self.queries.custody_chain(self.investigation_id, evidence_id, country)

    async def custody_audit(self) -> CustodyAudit:
        await self._caught_up()
        return custody_audit(await self.queries.custody_defects(self.investigation_id))

    async def custody_audit_page(self, query: CustodyAuditQuery) -> CustodyAuditPage:
        await self._caught_up()
        return await self.queries.custody_audit_page(self.investigation_id, query)

    async def lineage(self, evidence_id: UUID, country: str) -> Lineage:
        await self._part(EvidenceItem, evidence_id)
        await self._caught_up()
        return await self.queries.lineage(self.investigation_id, evidence_id, country)

    async def matrix(self, evidence_id: UUID | None, on: datetime | None) -> list[Row]:
        """The admissibility matrix kept live; evaluated on another date, replayed."""
        if on is not None:
            past = await self.records.past(self.user_id, self.investigation_id)
            return await past.matrix(evidence_id, on)
        if evidence_id is None:
            await self._caught_up()
        else:
            await self._part(EvidenceItem, evidence_id)
            await self._caught_up()
        return _sorted(await self.queries.admissibility(self.investigation_id, evidence_id))

    async def cells(self, items: list[UUID]) -> list[Row]:
        """The matrix's cells of these items (a page's), as kept live."""
        return await self.queries.admissibility(self.investigation_id, items)


class Past:
    """The records as they stood at a point of the log: each record replayed from its own
    events up to that point."""

    def __init__(
        self,
        records: Records,
        user_id: UUID,
        investigation_id: UUID,
        history: History,
        moment: datetime | None = None,
    ) -> None:
        self.queries, self.kept = records.queries, records.kept
        self.user_id, self.investigation_id = user_id, investigation_id
        self.history = history
        self.moment = moment

    async def _record(self, cls: type[A], record_id: UUID) -> A:
        return await in_thread(self.history.record, cls, record_id)

    async def investigation(self) -> Investigation:
        return investigation_view(await self._record(InvestigationAggregate, self.investigation_id))

    async def summary(self) -> InvestigationSummary | None:
        """The investigation as listed to the user then; None if they were not a member."""
        then = await in_thread(self.history.find, self.investigation_id)
        if isinstance(then, InvestigationAggregate) and then.member_of(self.user_id):
            return investigation_summary(then, self.user_id)
        return None

    async def rulebook(self, country: str) -> Rulebook:
        return await self._record(Rulebook, Rulebook.id_for(self.investigation_id, country))

    async def _point(self) -> Point:
        """Where the paged lists read then, and the time an authorisation's status is
        judged at (the time asked for, or when the event at the position was recorded)."""
        position = self.history.position
        await self.queries.wait_tracked(position, timeout=2.0)
        return Point(position, self.moment or await self.kept.recorded_at(position))

    async def authorisations(self) -> list[AuthorisationSummary]:
        return await self.kept.authorisations(self.investigation_id, self.history.position)

    async def authorisation_page(self, query: AuthorisationQuery) -> AuthorisationPage:
        point = await self._point()
        return await self.queries.authorisation_page(self.investigation_id, query, point)

    async def authorisation(self, authorisation_id: UUID) -> Authorisation:
        return authorisation_view(await self._record(LegalAuthorisation, authorisation_id))

    async def tasks(self) -> list[TaskSummary]:
        return await self.kept.tasks(self.investigation_id, self.history.position)

    async def task_page(self, query: TaskQuery) -> TaskPage:
        point = await self._point()
        return await self.queries.task_page(self.investigation_id, query, point)

    async def task(self, task_id: UUID) -> Task:
        return task_view(await self._record(TaskAggregate, task_id))

    async def evidence_register(self, country: str) -> list[EvidenceSummary]:
        position = self.history.position
        return await self.kept.evidence_register(self.investigation_id, position, country)

    async def evidence_page(self, country: str, query: RegisterQuery) -> EvidencePage:
        point = await self._point()
        if query.judged:  # filtered or sorted by verdicts: every cell evaluated then
            assert point.position is not None
            rows = await self.kept.matrix(
                self.investigation_id, point.position, point.moment, None, None
            )
            point = replace(point, cells=evaluated_cells(rows))
        return await self.queries.evidence_page(self.investigation_id, country, query, point)

    async def evidence(self, evidence_id: UUID, audience: Audience) -> Evidence:
        then = await self._record(EvidenceItem, evidence_id)
        deletion = await in_thread(self.history.deletion_date_of, then)
        now = await self.queries.withholding(self.investigation_id)
        return evidence_view(
            then,
            audience.country,
            readable=now.may_read(evidence_id, audience.country),
            deletion=deletion,
            legal_file=audience.may(Action.VIEW_LEGAL),
        )

    async def custody(self, evidence_id: UUID, country: str) -> CustodyChain | None:
        await self._record(EvidenceItem, evidence_id)
        events = await in_thread(self.history.custody_events, evidence_id)
        chain, version = chains_as_of(events)[evidence_id]
        now = await self.queries.withholding(self.investigation_id)
        return custody_for(
            custody_view(evidence_id, chain, version), now.may_read(evidence_id, country)
        )

    async def custody_audit(self) -> CustodyAudit:
        position = self.history.position
        return custody_audit(await self.kept.custody_defects(self.investigation_id, position))

    async def custody_audit_page(self, query: CustodyAuditQuery) -> CustodyAuditPage:
        point = await self._point()
        return await self.queries.custody_audit_page(self.investigation_id, query, point)

    async def lineage(self, evidence_id: UUID, country: str) -> Lineage:
        await self._record(EvidenceItem, evidence_id)
        position = self.history.position
        return await self.kept.lineage(self.investigation_id, position, evidence_id, country)

    async def matrix(self, evidence_id: UUID | None, on: datetime | None) -> list[Row]:
        """The matrix then, evaluated on the facts kept then at the moment asked for (or
        when the position's event was recorded), or `on` a date."""
        if evidence_id is not None:
            await self._record(EvidenceItem, evidence_id)
        items = None if evidence_id is None else [evidence_id]
        position = self.history.position
        rows = await self.kept.matrix(self.investigation_id, position, self.moment, items, on)
        return _sorted(rows)

    async def cells(self, items: list[UUID]) -> list[Row]:
        """The matrix's cells of these items (a page's) then, evaluated on the facts kept."""
        position = self.history.position
        return await self.kept.matrix(self.investigation_id, position, self.moment, items, None)


def _sorted(rows: list[Row]) -> list[Row]:
    return sorted(rows, key=lambda r: (r.reference, str(r.verdict.evidence_id), r.verdict.country))


async def in_thread(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a blocking call (the write side's, the log's) off the event loop."""
    return await to_thread.run_sync(partial(fn, *args, **kwargs))
