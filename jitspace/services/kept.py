"""Aggregates kept in memory between commands, brought up to date from the log before each use.

Every command loads the investigation (who is acting, in which role) and the record it
changes. Replaying them from their first event costs in proportion to their history; a kept
copy costs one indexed read of the events recorded since its version, whatever the history.

Never a stale decision: each load reads the log for events newer than the kept version (so
a member removed through another process is gone before the next check here), and the
log's optimistic concurrency check still refuses a save from a version that another command
took meanwhile (`VersionConflict`, services/base.py). A command whose access was decided on
a known version of its investigation takes the kept copy without reading the log
(`kept_copy`): the log records it only if the investigation is still at that version when
it commits (`unchanged`, ledger/eventlog.py), else nothing is recorded and the access is
decided again (`AccessOutdated`, services/base.py).

Kept aggregates are never changed once kept: a load copies the kept one and brings the copy
up to date, and keeps a copy of the result when it is newer. A command that acts on its
copy and then fails leaves nothing behind, and threads never read an aggregate that another
thread is changing. (The library's own cache brings the kept aggregate itself up to date in
place, under a lock it releases before it copies, so a copy could be taken halfway.)
"""

from __future__ import annotations

import threading
from copy import deepcopy
from typing import Any, cast
from uuid import UUID

from eventsourcing.application import (
    AggregateNotFoundError,
    LRUCache,
    ProjectorFunction,
    Repository,
    project_aggregate,
)
from eventsourcing.domain import TDomainEvent, TMutableOrImmutableAggregate
from eventsourcing.persistence import EventStore

# the aggregates kept by default: a deployment's active investigations and their records
DEFAULT_KEPT = 4096
# locks that let one thread at a time replay an aggregate that is not kept (the others then
# take its copy): an aggregate's lock is one of these, by its id
REPLAY_LOCKS = 64


class KeptAggregates(Repository[UUID]):
    """The repository of the application: the library's, keeping up to `kept` aggregates
    (the least recently loaded go first); 0 keeps none (every load replays the log)."""

    def __init__(self, event_store: EventStore[UUID], *, kept: int) -> None:
        super().__init__(event_store)
        self.kept: LRUCache[UUID, Any] | None = LRUCache(maxsize=kept) if kept > 0 else None
        self._keeping = threading.Lock()
        self._replaying = [threading.Lock() for _ in range(REPLAY_LOCKS)]

    def get(
        self,
        aggregate_id: UUID,
        *,
        version: int | None = None,
        projector_func: ProjectorFunction[
            TMutableOrImmutableAggregate, TDomainEvent
        ] = project_aggregate,
        fastforward_skipping: bool = False,
        deepcopy_from_cache: bool = True,
    ) -> TMutableOrImmutableAggregate:
        """The aggregate as of its latest event (or as of `version`, replayed), a copy of
        its own that the caller may change."""
        if self.kept is None or version is not None:
            return super().get(aggregate_id, version=version, projector_func=projector_func)
        kept = self._kept(aggregate_id)
        if kept is None:
            # the commands that arrive together for an investigation not kept yet (after a
            # start, say) replay it once, not once each
            with self._replaying[aggregate_id.int % REPLAY_LOCKS]:
                kept = self._kept(aggregate_id)
                if kept is None:
                    aggregate = self._reconstruct_aggregate(aggregate_id, None, projector_func)
                    self._keep(aggregate_id, deepcopy(aggregate))
                    return aggregate
        newer = list(self.event_store.get(originator_id=aggregate_id, gt=kept.version))
        aggregate = deepcopy(kept)
        if newer:
            brought = projector_func(aggregate, cast("list[TDomainEvent]", newer))
            if brought is None:
                raise AggregateNotFoundError(aggregate_id)
            aggregate = brought
            self._keep(aggregate_id, deepcopy(aggregate))
        return aggregate

    def kept_copy(self, aggregate_id: UUID) -> Any:
        """A copy of the aggregate as kept, without reading the log (None if it is not kept):
        only for a decision the log checks when it records, by the version (`unchanged`,
        ledger/eventlog.py)."""
        if self.kept is None:
            return None
        kept = self._kept(aggregate_id)
        return None if kept is None else deepcopy(kept)

    def kept_version(self, aggregate_id: UUID) -> int | None:
        """The version of the aggregate kept here (None if it is not kept)."""
        if self.kept is None:
            return None
        kept = self._kept(aggregate_id)
        return None if kept is None else int(kept.version)

    def keep_saved(self, aggregate: Any) -> None:
        """Keep an aggregate this process has just saved, as the log now holds it: its next
        command here starts from it rather than from the version before."""
        if self.kept is not None:
            self._keep(aggregate.id, deepcopy(aggregate))

    def _kept(self, aggregate_id: UUID) -> Any:
        assert self.kept is not None
        try:
            return self.kept.get(aggregate_id)
        except KeyError:
            return None

    def _keep(self, aggregate_id: UUID, aggregate: Any) -> None:
        """Keep the aggregate unless a newer version of it is kept already (two loads may
        bring it up to date at once, and finish in either order)."""
        assert self.kept is not None
        with self._keeping:
            current = self._kept(aggregate_id)
            if current is None or current.version < aggregate.version:
                self.kept.put(aggregate_id, aggregate)
