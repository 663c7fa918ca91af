"""The workspace registers: investigations and their members, evidence, tasks, authorisations.

One row per record, enough for list pages; the full record is read from its aggregate.
Rows and the tracking position are written in one transaction, so an event is applied
exactly once however often it is delivered.
"""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Any

from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from eventsourcing.projection import Projection
from psycopg.sql import SQL

from domain.authorisation import LegalAuthorisation
from domain.evidence import EvidenceItem
from domain.investigation import Investigation
from domain.task import Task

Statement = tuple[str, tuple[Any, ...]]

TABLES = (
    """CREATE TABLE IF NOT EXISTS rm_investigations (
        investigation_id uuid PRIMARY KEY, name text NOT NULL, agreement_reference text NOT NULL,
        purpose text NOT NULL, period_start date NOT NULL, period_end date NOT NULL,
        parties text[] NOT NULL, status text NOT NULL, opened_at timestamptz NOT NULL,
        version bigint NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS rm_members (
        investigation_id uuid NOT NULL, user_id uuid NOT NULL, name text NOT NULL,
        country text NOT NULL, role text NOT NULL, joined_at timestamptz NOT NULL,
        PRIMARY KEY (investigation_id, user_id))""",
    "CREATE INDEX IF NOT EXISTS rm_members_user_idx ON rm_members (user_id)",
    """CREATE TABLE IF NOT EXISTS rm_evidence (
        evidence_id uuid PRIMARY KEY, investigation_id uuid NOT NULL, reference text NOT NULL,
        country text NOT NULL, kind text NOT NULL, description text NOT NULL,
        collected_at timestamptz NOT NULL, registered_at timestamptz NOT NULL,
        authorisation_id uuid, version bigint NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS rm_evidence_inv_idx ON rm_evidence (investigation_id)",
    """CREATE TABLE IF NOT EXISTS rm_tasks (
        task_id uuid PRIMARY KEY, investigation_id uuid NOT NULL, title text NOT NULL,
        status text NOT NULL, assignee_id uuid, due_on date, created_at timestamptz NOT NULL,
        version bigint NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS rm_tasks_inv_idx ON rm_tasks (investigation_id)",
    """CREATE TABLE IF NOT EXISTS rm_authorisations (
        authorisation_id uuid PRIMARY KEY, investigation_id uuid NOT NULL, kind text NOT NULL,
        country text NOT NULL, authority text NOT NULL, reference text NOT NULL,
        valid_from timestamptz NOT NULL, valid_until timestamptz NOT NULL,
        revoked boolean NOT NULL, version bigint NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS rm_authorisations_inv_idx ON rm_authorisations (investigation_id)",
)

# the row each aggregate's events keep: every event moves its version, so an If-Match taken
# from a list page matches the record (not only the events that change a listed column)
REGISTERED = (
    (Investigation.Event, "rm_investigations", "investigation_id"),
    (EvidenceItem.Event, "rm_evidence", "evidence_id"),
    (Task.Event, "rm_tasks", "task_id"),
    (LegalAuthorisation.Event, "rm_authorisations", "authorisation_id"),
)


class RegistersView(PostgresTrackingRecorder):
    """The register tables, written together with the tracking position."""

    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self.sql_create_statements.extend(SQL(statement).format() for statement in TABLES)

    def apply(self, statements: list[Statement], tracking: Tracking) -> None:
        with self.datastore.transaction(commit=True) as curs:
            for sql, params in statements:
                curs.execute(sql, params, prepare=True)
            self._insert_tracking(curs, tracking)


class WorkspaceRegisters(Projection[RegistersView]):
    name = "registers"

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.apply(_version_of(domain_event), tracking)

    @process_event.register
    def _(self, e: Investigation.Opened, tracking: Tracking) -> None:
        self.view.apply(
            [
                (
                    "INSERT INTO rm_investigations VALUES (%s,%s,%s,%s,%s,%s,%s,'open',%s,%s)",
                    (
                        e.originator_id,
                        e.name,
                        e.agreement_reference,
                        e.purpose,
                        e.period_start,
                        e.period_end,
                        [p.country for p in e.parties],
                        e.timestamp,
                        e.originator_version,
                    ),
                )
            ],
            tracking,
        )

    @process_event.register
    def _(self, e: Investigation.PartyJoined, tracking: Tracking) -> None:
        self.view.apply(
            [
                (
                    "UPDATE rm_investigations SET parties = parties || %s::text, version = %s "
                    "WHERE investigation_id = %s",
                    (e.party.country, e.originator_version, e.originator_id),
                )
            ],
            tracking,
        )

    @process_event.register
    def _(self, e: Investigation.MemberAdded, tracking: Tracking) -> None:
        m = e.member
        self.view.apply(
            [
                (
                    "INSERT INTO rm_members VALUES (%s,%s,%s,%s,%s,%s)",
                    (e.originator_id, m.user_id, m.name, m.country, m.role.value, e.occurred_at),
                ),
                _investigation_version(e),
            ],
            tracking,
        )

    @process_event.register
    def _(self, e: Investigation.MemberRemoved, tracking: Tracking) -> None:
        self.view.apply(
            [
                (
                    "DELETE FROM rm_members WHERE investigation_id = %s AND user_id = %s",
                    (e.originator_id, e.user_id),
                ),
                _investigation_version(e),
            ],
            tracking,
        )

    @process_event.register
    def _(self, e: Investigation.MemberRoleChanged, tracking: Tracking) -> None:
        self.view.apply(
            [
                (
                    "UPDATE rm_members SET role = %s WHERE investigation_id = %s AND user_id = %s",
                    (e.role.value, e.originator_id, e.user_id),
                ),
                _investigation_version(e),
            ],
            tracking,
        )

    @process_event.register
    def _(self, e: Investigation.Closed, tracking: Tracking) -> None:
        self.view.apply(
            [
                (
                    "UPDATE rm_investigations SET status = 'closed', version = %s "
                    "WHERE investigation_id = %s",
                    (e.originator_version, e.originator_id),
                )
            ],
            tracking,
        )

    @process_event.register
    def _(self, e: EvidenceItem.Registered, tracking: Tracking) -> None:
        self.view.apply(
            [
                (
                    "INSERT INTO rm_evidence VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
                    (
                        e.originator_id,
                        e.investigation_id,
                        e.reference,
                        e.country,
                        e.kind.value,
                        e.description,
                        e.occurred_at,
                        e.timestamp,
                        e.authorisation_id,
                        e.originator_version,
                    ),
                )
            ],
            tracking,
        )

    @process_event.register
    def _(self, e: EvidenceItem.DescriptionAmended, tracking: Tracking) -> None:
        self.view.apply(
            [
                (
                    "UPDATE rm_evidence SET description = %s, version = %s WHERE evidence_id = %s",
                    (e.description, e.originator_version, e.originator_id),
                )
            ],
            tracking,
        )

    @process_event.register
    def _(self, e: Task.Created, tracking: Tracking) -> None:
        self.view.apply(
            [
                (
                    "INSERT INTO rm_tasks VALUES (%s,%s,%s,'open',NULL,%s,%s,%s)",
                    (
                        e.originator_id,
                        e.investigation_id,
                        e.title,
                        e.due_on,
                        e.timestamp,
                        e.originator_version,
                    ),
                )
            ],
            tracking,
        )

    @process_event.register
    def _(self, e: Task.Assigned, tracking: Tracking) -> None:
        self.view.apply(
            [
                (
                    "UPDATE rm_tasks SET assignee_id = %s, version = %s WHERE task_id = %s",
                    (e.assignee_id, e.originator_version, e.originator_id),
                )
            ],
            tracking,
        )

    @process_event.register
    def _(self, e: Task.StatusChanged, tracking: Tracking) -> None:
        self.view.apply(
            [
                (
                    "UPDATE rm_tasks SET status = %s, version = %s WHERE task_id = %s",
                    (e.status.value, e.originator_version, e.originator_id),
                )
            ],
            tracking,
        )

    @process_event.register
    def _(self, e: LegalAuthorisation.Recorded, tracking: Tracking) -> None:
        self.view.apply(
            [
                (
                    "INSERT INTO rm_authorisations VALUES (%s,%s,%s,%s,%s,%s,%s,%s,false,%s)",
                    (
                        e.originator_id,
                        e.investigation_id,
                        e.kind.value,
                        e.country,
                        e.authority,
                        e.reference,
                        e.valid_from,
                        e.valid_until,
                        e.originator_version,
                    ),
                )
            ],
            tracking,
        )

    @process_event.register
    def _(self, e: LegalAuthorisation.Extended, tracking: Tracking) -> None:
        self.view.apply(
            [
                (
                    "UPDATE rm_authorisations SET valid_until = %s, version = %s "
                    "WHERE authorisation_id = %s",
                    (e.valid_until, e.originator_version, e.originator_id),
                )
            ],
            tracking,
        )

    @process_event.register
    def _(self, e: LegalAuthorisation.Revoked, tracking: Tracking) -> None:
        self.view.apply(
            [
                (
                    "UPDATE rm_authorisations SET revoked = true, version = %s "
                    "WHERE authorisation_id = %s",
                    (e.originator_version, e.originator_id),
                )
            ],
            tracking,
        )


def _investigation_version(e: Investigation.Event) -> Statement:
    return (
        "UPDATE rm_investigations SET version = %s WHERE investigation_id = %s",
        (e.originator_version, e.originator_id),
    )


def _version_of(e: Any) -> list[Statement]:
    """The version of the registered row of the event's record (none: not registered)."""
    for event_class, table, key in REGISTERED:
        if isinstance(e, event_class):
            return [
                (
                    f"UPDATE {table} SET version = %s WHERE {key} = %s",  # noqa: S608
                    (e.originator_version, e.originator_id),
                )
            ]
    return []
