"""The evidence register a page at a time: filtered, sorted and searched on the server, for
registers of any size (the web interface's table). Pages follow a cursor (keyset paging), so
items registered meanwhile neither repeat nor shift the pages already read."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from litestar import Controller, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, QueryParameter

from domain.errors import PermissionDenied
from domain.permissions import Action, check_permitted
from domain.rule_settings import Outcome
from domain.values import EvidenceKind
from jitspace.api.access import CurrentAudience
from jitspace.api.dependencies import BASE, RecordsAsOf
from jitspace.api.pages import Cursor, Limit, Party, page_from
from jitspace.documents.evidence import EvidencePage, RegisterQuery, RegisterSort
from jitspace.reads.records import Reading

Search = Annotated[
    str | None,
    QueryParameter(
        min_length=1,
        max_length=200,
        description="text in the reference (any part), or words in the description where "
        "you may read it (word starts, and English, French, Dutch and German word forms)",
    ),
]


Rule = Annotated[
    str | None,
    QueryParameter(
        pattern=r"^[A-Z]{2}-\d{2}$",
        description="items a rule (its code, e.g. US-02) flags in `forum` (by default the "
        "caller's country): its result there is anything but PASS",
    ),
]
Disagreeing = Annotated[
    bool | None,
    QueryParameter(
        description="items whose admissibility outcomes differ between the team's countries "
        "(true), or agree (false)"
    ),
]


async def register_query(
    limit: Limit = 100,
    after: Cursor = None,
    sort: FromQuery[RegisterSort] = RegisterSort.REGISTERED_AT,
    order: FromQuery[Literal["asc", "desc"]] = "asc",
    party: Party = None,
    kind: FromQuery[EvidenceKind | None] = None,
    custodian: FromQuery[UUID | None] = None,
    restricted: FromQuery[bool | None] = None,
    outcome: FromQuery[Outcome | None] = None,
    rule: Rule = None,
    forum: Party = None,
    q: Search = None,
    disagreeing: Disagreeing = None,
    authorisation: Annotated[
        UUID | None,
        QueryParameter(description="items collected under this authorisation (resting on it)"),
    ] = None,
) -> RegisterQuery:
    """Which page of the register, in which order, of which items: the query parameters the
    register and the admissibility matrix share."""
    return RegisterQuery(
        limit=limit,
        after=after,
        sort=sort,
        descending=order == "desc",
        party=party,
        kind=kind,
        custodian=custodian,
        restricted=restricted,
        outcome=outcome,
        rule=rule,
        forum=forum,
        search=q,
        disagreeing=disagreeing,
        authorisation=authorisation,
    )


REGISTER_QUERY = {"register": Provide(register_query)}
RegisterDep = NamedDependency[RegisterQuery]


async def register_page(records: Reading, party: str, query: RegisterQuery) -> EvidencePage:
    """The page `query` names, as `party` may read it, now (once the read models hold the
    caller's writes) or as of a point; a cursor that is not one of ours is a 400 that says
    so."""
    return await page_from(records.evidence_page(party, query))


class RegisterPageController(Controller):
    path = f"{BASE}/evidence/page"
    tags = ["evidence"]
    dependencies = REGISTER_QUERY

    @get("/", access=Action.VIEW_EVIDENCE)
    async def page(
        self,
        investigation_id: FromPath[UUID],
        records: RecordsAsOf,
        audience: CurrentAudience,
        register: RegisterDep,
    ) -> EvidencePage:
        """A page of the register, as your party may read it (as of a point with `as_of`:
        what the register held then, withheld as the restrictions in force now say).
        Filters: the originating party,
        the kind, the custodian, whether handling restrictions are in force, the admissibility
        outcome in a forum (yours unless named; for those who may see admissibility), whether
        the countries' outcomes differ, and text in the reference or the description."""
        if register.judged:
            try:
                check_permitted(audience.role, Action.VIEW_LEGAL, audience.observer_rights)
            except PermissionDenied as refused:
                raise PermissionDenied(
                    f"{refused.message}: list without `outcome`, `forum`, `disagreeing` "
                    "or sorting by `worst`"
                ) from None
        return await register_page(records, audience.country, register)
