"""Who belongs to an investigation, in which party and role: asked by every request.

The answer comes from the Investigation aggregate itself (never a read model that may lag:
a removed member must lose access at once), but it is rebuilt from the log only when the
investigation has changed since it was last rebuilt here. Whether it has is one indexed
lookup of its latest version, on the event loop; most requests need nothing more. A command
needs not even that: it is decided on the version kept here, and the log records it only if
that version is still the latest (`kept`).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable
from typing import NamedTuple
from uuid import UUID

import asyncpg
from anyio import to_thread

from domain.errors import NotFound
from domain.investigation import Investigation
from domain.permissions import Action
from domain.values import Member
from jitspace.reads.queries import EVENTS_TABLE

# investigations whose members are kept in memory (the least recently asked go first)
KEPT = 1024


class Membership(NamedTuple):
    member: Member
    # what the JIT agreement gives the investigation's observers beyond the table
    observer_rights: frozenset[Action]
    # the investigation's version this was read from
    version: int


class Memberships:
    def __init__(
        self,
        load: Callable[[UUID], Investigation | None],
        pool: asyncpg.Pool,
        kept: int = KEPT,
        kept_version: Callable[[UUID], int | None] = lambda _: None,
    ) -> None:
        # reads the investigation from the log (the write side's repository), never a
        # read model that may lag behind: a removed member loses access at once
        self.load = load
        self.pool = pool
        self.kept = kept
        # the version of an investigation the write side here keeps (newer than the one
        # known here once this process has changed it)
        self.kept_version = kept_version
        self._known: OrderedDict[UUID, Investigation] = OrderedDict()
        # each investigation's latest version, and when it was looked up (loop time)
        self._latest: dict[UUID, tuple[float, int | None]] = {}

    async def member(
        self, user_id: UUID, investigation_id: UUID, *, max_age: float = 0.0, kept: bool = False
    ) -> Membership:
        """The user's membership of the investigation as of its latest event (or, with
        `max_age`, of its latest event as looked up at most that many seconds ago); NotFound,
        as for an investigation that does not exist, if they are not a member. `kept`: as of
        the version kept here, if one is, without looking up its latest: only for a command
        that names that version, which the log records only if it is still the latest
        (`Command.investigation_version`)."""
        loop = asyncio.get_running_loop()
        looked_up = self._latest.get(investigation_id)
        known = self._known.get(investigation_id)
        latest: int | None
        if kept and known is not None and known.member_of(user_id) is not None:
            latest = max(known.version, self.kept_version(investigation_id) or 0)
        elif max_age > 0 and looked_up is not None and loop.time() - looked_up[0] <= max_age:
            latest = looked_up[1]
        else:
            latest = await self.pool.fetchval(
                f"SELECT max(originator_version) FROM {EVENTS_TABLE} "  # noqa: S608
                "WHERE originator_id = $1",
                investigation_id,
            )
            # kept for the investigations viewers recheck (their members'), refreshed by any look
            if max_age > 0 or investigation_id in self._latest:
                self._latest[investigation_id] = (loop.time(), latest)
        investigation = self._known.get(investigation_id)
        if latest is not None and (investigation is None or investigation.version != latest):
            investigation = await to_thread.run_sync(self.load, investigation_id)
            self._keep(investigation)
        member = investigation.member_of(user_id) if investigation and latest else None
        if investigation is None or member is None:
            raise NotFound("no such investigation", field="investigation_id")
        self._known.move_to_end(investigation_id)
        return Membership(member, investigation.observer_rights, investigation.version)

    def _keep(self, investigation: Investigation | None) -> None:
        if investigation is None:
            return
        self._known[investigation.id] = investigation
        self._known.move_to_end(investigation.id)
        while len(self._known) > self.kept:
            forgotten, _ = self._known.popitem(last=False)
            self._latest.pop(forgotten, None)
