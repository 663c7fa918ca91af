"""Catching up in batches: a projection behind the head of the log (a rebuild, a catch-up
after downtime, a restore) writes up to BATCH events in one transaction; caught up, it writes
each event before it takes the next.

A batch's writes run in the order of its events, with the tracking position, in one
transaction, sent in a pipeline: a statement does not wait for the one before to come back.
A read (`read`: a custody chain recomputed from its steps) goes with the statements sent
before it and waits for them, so it sees what the batch wrote before it, an earlier event's
rows included: inside the transaction they are there. So the read model after a
batch is the one its events would have left one by one, the history rows included, each
version kept from the position of the event that wrote it.

Behind the head, the commit does not wait for the write-ahead log to reach the disk: a crash
of the database may lose the last batches, each whole, position included, and the projection
then applies their events again (the log itself commits synchronously). A batch that fails
leaves nothing of itself: its transaction rolls back, and the runner starts again from the
last position committed.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable
from typing import Any, TypeVar

from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.projection import Projection
from psycopg import Cursor
from psycopg.rows import DictRow

BATCH = 1000  # most events written in one transaction while catching up
EVENTS_TABLE = "jitspace_events"

Statement = tuple[str, tuple[Any, ...]]
# what an event writes: statements, or work that reads (`read`) what the statements before it
# wrote and gives the statements to write then
Write = Statement | Callable[[Cursor[DictRow]], list[Statement]]


class TrackedView(PostgresTrackingRecorder):
    """Read-model tables written with the tracking position, an event or a batch at a time."""

    def head(self) -> int:
        """The log's last position: below it, more events are on their way."""
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(f"SELECT max(notification_id) AS head FROM {EVENTS_TABLE}")  # noqa: S608
            row = curs.fetchone()
        return int(row["head"] or 0) if row else 0

    def apply(self, writes: list[Write], tracking: Tracking, *, behind: bool = False) -> None:
        """The writes in order and the position, in one transaction (its commit not waiting
        for the disk while `behind`: see the module's docstring)."""
        with self.datastore.transaction(commit=True) as curs:
            if behind:
                curs.execute("SET LOCAL synchronous_commit = off")
            with curs.connection.pipeline():
                for write in writes:
                    for statement in write(curs) if callable(write) else [write]:
                        curs.execute(*statement, prepare=True)
            self._insert_tracking(curs, tracking)  # it reads its result: out of the pipeline


def read(curs: Cursor[DictRow], *queries: Statement) -> list[list[DictRow]]:
    """The rows of each query, once every statement sent before has run: the queries go with
    them in one round trip, each on a cursor of its own (in a pipeline, a cursor that sent
    statements before could be handed an earlier statement's result)."""
    conn = curs.connection
    with conn.pipeline() as pipeline:
        cursors = [conn.cursor() for _ in queries]
        try:
            for cursor, query in zip(cursors, queries, strict=True):
                cursor.execute(*query, prepare=True)
            pipeline.sync()
            return [cursor.fetchall() for cursor in cursors]
        finally:
            for cursor in cursors:
                cursor.close()


TView = TypeVar("TView", bound=TrackedView)


class InBatches(Projection[TView]):
    """A projection whose events' writes are gathered while it is behind the head, up to
    BATCH events, and written together (`TrackedView.apply`)."""

    def __init__(self, view: TView) -> None:
        super().__init__(view)
        self.pending: list[Write] = []
        self.events = 0  # gathered, not yet written
        self.known_head = 0

    @abstractmethod
    def writes(self, domain_event: Any, position: int) -> list[Write]:
        """What the event writes, at its position in the log."""

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        try:
            self.pending += self.writes(domain_event, tracking.notification_id)
            self.events += 1
            behind = self._behind(tracking.notification_id)
            if self.events >= BATCH or not behind:
                self.view.apply(self.pending, tracking, behind=behind)
                self.pending, self.events = [], 0
        except BaseException:
            # nothing of a failed batch was committed: a restart applies its events again
            self.pending, self.events = [], 0
            raise

    def _behind(self, position: int) -> bool:
        if position < self.known_head:
            return True
        self.known_head = self.view.head()
        return position < self.known_head
