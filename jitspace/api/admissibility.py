"""Rulebooks of the forum countries and the admissibility matrix of an investigation.

Verdicts are risk flags for lawyers, not rulings: the court decides.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.response import Stream

from domain.commands import AdoptRulebook, RemoveRule, SetRule
from domain.errors import NotFound
from domain.permissions import Action
from domain.rule_settings import RULE_TYPES, RuleSpec, parse_params, stored_params
from jitspace.api.access import SIGNED_IN, CurrentAudience
from jitspace.api.changes import RULE_CHANGE, RULEBOOK_CHANGE, Creation, RulebookChange
from jitspace.api.dependencies import (
    BASE,
    AsOf,
    CurrentUser,
    RecordsAsOf,
    RuntimeDep,
    records_at,
    zoned_instant,
)
from jitspace.api.register import REGISTER_QUERY, RegisterDep, register_page
from jitspace.api.responses import with_etag
from jitspace.auth.identity import User
from jitspace.bootstrap import Runtime
from jitspace.documents.admissibility import (
    NOTICE,
    AdmissibilityCell,
    AdmissibilityMatrix,
    ItemAdmissibility,
    MatrixPage,
    MatrixRow,
    RulebookCreate,
    RuleOut,
    RuleRemoval,
    RuleSetCreate,
    ShippedRulebook,
)
from jitspace.documents.admissibility import Rulebook as RulebookOut
from jitspace.documents.views import cell_view, explanation_view, rulebook_view
from jitspace.rulebooks import load_shipped, shipped_names
from jitspace.services.application import JITspace
from projections.admissibility import Row

VERDICTS = (
    "Verdicts are risk flags for lawyers, not rulings: the court decides. "
    "Verdict `admissible` (PASS, WARN, FORFEITED), `at risk` (RESTRICT, RISK), `unknown` "
    "(only facts missing), `inadmissible` (FAIL): the worst definite rule result decides, "
    "and a cell lists beside it the rules that lack facts (`unknown`)."
)

On = Annotated[
    str | None,
    QueryParameter(
        description="the date the verdicts are asked for: what had happened by then (a date, "
        "the end of that day in UTC, or a time with a zone); default: each cell's own date, "
        "the time of the last event that changed it",
    ),
]


def parse_on(value: str | None) -> datetime | None:
    if value is None:
        return None
    if len(value) == len("2025-02-15"):
        try:
            return datetime.combine(date.fromisoformat(value), time.max, UTC)
        except ValueError:
            pass  # refused below: no time with a zone is that short
    return zoned_instant(value, field="on", form="a date (2025-02-15) or a time with a zone")


async def cells(
    runtime: Runtime,
    user: User,
    investigation_id: UUID,
    as_of: str | None,
    on: str | None,
    evidence_id: UUID | None = None,
) -> list[Row]:
    """The matrix's cells as of `as_of`, evaluated `on` a date or each on its own."""
    moment = parse_on(on)
    records = await records_at(runtime, user, investigation_id, as_of)
    return await records.matrix(evidence_id, moment)


EXPORT_PAGE = 500
EXPORT_COLUMNS = (
    "reference",
    "kind",
    "from",
    "country",
    "verdict",
    "outcome",
    "rules",
    "reasons",
    "evaluated_on",
)


def export_line(reference: str, kind: str, origin: str, row: Row) -> tuple[str, ...]:
    """One item in one country: its verdict, the rules that decided it and their reasons."""
    v = row.verdict
    deciding = sorted((r for r in v.results if r.outcome is v.outcome), key=lambda r: r.rule)
    return (
        reference,
        kind,
        origin,
        v.country,
        v.verdict.value,
        v.outcome.value,
        " ".join(r.rule for r in deciding),
        "; ".join(f"{r.rule}: {r.reason}" for r in deciding),
        row.evaluated_on.isoformat(),
    )


def csv_line(values: tuple[str, ...]) -> str:
    """A CSV line; a value a spreadsheet would take for a formula is quoted as text."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(
        "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value for value in values
    )
    return out.getvalue()


class AdmissibilityController(Controller):
    path = BASE
    tags = ["admissibility"]

    @get("/admissibility", description=VERDICTS, access=Action.VIEW_LEGAL)
    async def matrix(
        self,
        investigation_id: FromPath[UUID],
        runtime: RuntimeDep,
        user: CurrentUser,
        as_of: AsOf = None,
        on: On = None,
    ) -> AdmissibilityMatrix:
        """The admissibility matrix: every evidence item in every party's courts (risk flags
        for lawyers, not rulings)."""
        rows = await cells(runtime, user, investigation_id, as_of, on)
        return AdmissibilityMatrix(
            investigation_id=investigation_id, notice=NOTICE, cells=[cell_view(r) for r in rows]
        )

    @get(
        "/admissibility/page",
        description=VERDICTS,
        access=Action.VIEW_LEGAL,
        dependencies=REGISTER_QUERY,
    )
    async def page(
        self,
        investigation_id: FromPath[UUID],
        records: RecordsAsOf,
        audience: CurrentAudience,
        register: RegisterDep,
    ) -> MatrixPage:
        """A page of the matrix: items as the register lists them (its filters, sorting and
        cursor; `sort=worst` for the worst outcome in any country, `disagreeing=true` for the
        items whose countries' outcomes differ), each with its cell in every country; as of
        a point with `as_of`, the register and the cells as they stood then."""
        found = await register_page(records, audience.country, register)
        rows = await records.cells([item.id for item in found.items])
        cells: dict[UUID, list[AdmissibilityCell]] = {}
        for row in sorted(rows, key=lambda r: r.verdict.country):
            cells.setdefault(row.verdict.evidence_id, []).append(cell_view(row))
        return MatrixPage(
            notice=NOTICE,
            items=[MatrixRow(item, cells.get(item.id, [])) for item in found.items],
            next=found.next,
            total=found.total,
        )

    @get(
        "/admissibility/export.csv",
        description=VERDICTS,
        access=Action.VIEW_LEGAL,
        dependencies=REGISTER_QUERY,
        media_type="text/csv",
    )
    async def export(
        self,
        investigation_id: FromPath[UUID],
        records: RecordsAsOf,
        audience: CurrentAudience,
        register: RegisterDep,
    ) -> Stream:
        """The matrix with its reasons as CSV, one line per item and country, in the page's
        order and with its filters (`limit` and `after` are ignored: every matching item);
        as of a point with `as_of`."""
        first = msgspec.structs.replace(register, limit=EXPORT_PAGE, after=None)
        # the first page is read before the answer starts: a bad query is still a 4xx
        page = await register_page(records, audience.country, first)

        async def lines() -> AsyncIterator[str]:
            nonlocal page
            yield csv_line(EXPORT_COLUMNS)
            while True:
                rows = await records.cells([item.id for item in page.items])
                by_item: dict[UUID, list[Row]] = {}
                for row in sorted(rows, key=lambda r: r.verdict.country):
                    by_item.setdefault(row.verdict.evidence_id, []).append(row)
                for item in page.items:
                    for row in by_item.get(item.id, []):
                        yield csv_line(export_line(item.reference, item.kind, item.country, row))
                if page.next is None:
                    return
                following = msgspec.structs.replace(first, after=page.next)
                page = await register_page(records, audience.country, following)

        return Stream(
            lines(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="admissibility.csv"'},
        )

    @get(
        "/evidence/{evidence_id:uuid}/admissibility", description=VERDICTS, access=Action.VIEW_LEGAL
    )
    async def item(
        self,
        investigation_id: FromPath[UUID],
        evidence_id: FromPath[UUID],
        runtime: RuntimeDep,
        user: CurrentUser,
        as_of: AsOf = None,
        on: On = None,
    ) -> ItemAdmissibility:
        """One item's verdict per country, explained: every rule result, the events it rests
        on (or the missing one), and what would cure it (risk flags, not rulings)."""
        rows = await cells(runtime, user, investigation_id, as_of, on, evidence_id)
        return ItemAdmissibility(
            evidence_id=evidence_id,
            reference=rows[0].reference if rows else "",
            notice=NOTICE,
            countries=[explanation_view(r) for r in rows],
        )


class ShippedRulebookController(Controller):
    path = "/rulebooks"
    tags = ["admissibility"]

    @get("/", access=SIGNED_IN)
    async def shipped(self) -> list[ShippedRulebook]:
        """The rulebooks shipped with JITspace, each with its rules and parameters: a legal
        advisor reads them before adopting one. Illustrative examples, not legal advice."""
        books = [load_shipped(name) for name in shipped_names()]
        return [
            ShippedRulebook(
                source=book.name.removesuffix(".toml"),
                jurisdiction=book.content.jurisdiction,
                version=book.content.version,
                title=book.content.title,
                notice=book.content.notice,
                illustrative=book.content.illustrative,
                sha256=book.sha256,
                rules=[
                    RuleOut(
                        rule=rule["rule"],
                        check=RULE_TYPES[rule["rule"]][0],
                        params=stored_params(
                            parse_params(RuleSpec(rule["rule"], rule.get("params", {})))
                        ),
                    )
                    for rule in book.content.rules
                ],
            )
            for book in books
            if book is not None
        ]


class RulebookController(Controller):
    path = f"{BASE}/rulebooks"
    tags = ["admissibility"]
    dependencies = RULEBOOK_CHANGE

    @post("/", access=Action.AMEND_RULEBOOK)
    async def adopt(
        self, data: JSONBody[RulebookCreate], create: Creation
    ) -> Response[RulebookOut]:
        """Adopt a rulebook shipped with JITspace as your country's (its legal advisor only).
        Shipped rulebooks are illustrative examples, not legal advice."""
        return await create(JITspace.adopt_rulebook, AdoptRulebook, data, rulebook_view)

    @get("/", access=Action.VIEW_LEGAL)
    async def adopted(
        self, investigation_id: FromPath[UUID], records: RecordsAsOf
    ) -> list[RulebookOut]:
        """The rulebooks the team's countries have adopted, in the order of the parties (a
        country that has none is not listed: its verdicts use the catalogue's defaults)."""
        found = []
        for party in (await records.investigation()).parties:
            try:
                found.append(rulebook_view(await records.rulebook(party.country)))
            except NotFound:
                continue
        return found

    @get("/{country:str}", access=Action.VIEW_LEGAL)
    async def read(
        self, investigation_id: FromPath[UUID], country: FromPath[str], records: RecordsAsOf
    ) -> Response[RulebookOut]:
        return with_etag(rulebook_view(await records.rulebook(country)))

    @post("/{country:str}/rules", status_code=200, access=Action.AMEND_RULEBOOK)
    async def set_rule(
        self, data: JSONBody[RuleSetCreate], change: RulebookChange
    ) -> Response[RulebookOut]:
        """Add a rule of the catalogue, or change its parameters (that country's legal
        advisor only)."""
        return await change(JITspace.set_rule, SetRule, data)

    @post(
        "/{country:str}/rules/{rule:str}/removal",
        status_code=200,
        access=Action.AMEND_RULEBOOK,
        dependencies=RULE_CHANGE,
    )
    async def remove_rule(
        self, data: JSONBody[RuleRemoval], change: RulebookChange
    ) -> Response[RulebookOut]:
        return await change(JITspace.remove_rule, RemoveRule, data)
