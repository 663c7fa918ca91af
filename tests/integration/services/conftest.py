"""The application without HTTP: use cases driven directly against the real PostgreSQL.

A test is given a FR-BE team in a fresh investigation (`team`), acts as one of its members
through the JITspace application, and reads what the log holds after.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from domain.commands import AddMember, RegisterEvidence
from domain.evidence import EvidenceItem
from domain.values import EvidenceKind, Member, Party, Role
from jitspace.services.application import JITspace
from jitspace.settings import Settings
from jitspace.storage.database import eventsourcing_env
from tests.support import opening

PARTIES = (Party("FR", "France", "PNF"), Party("BE", "Belgium", "Federal Prosecutor"))
MEMBERS = {
    "fr_investigator": ("FR", Role.INVESTIGATOR),
    "fr_legal": ("FR", Role.LEGAL_ADVISOR),
    "be_investigator": ("BE", Role.INVESTIGATOR),
    "be_legal": ("BE", Role.LEGAL_ADVISOR),
}


@dataclass
class Team:
    """A FR-BE investigation in the log: its id, its leader and members (user ids)."""

    app: JITspace
    id: UUID
    leader: UUID
    members: dict[str, UUID]
    now: datetime

    def __getattr__(self, name: str) -> UUID:
        try:
            return self.__dict__["members"][name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def investigation_id(self) -> UUID:
        """The investigation the team's commands are addressed to (for the command builders
        of tests/unit/builders.py)."""
        return self.id

    def position(self) -> int:
        """The position of the last event in the log."""
        return self.app.recorder.max_notification_id() or 0

    def register(self, reference: str = "FR-1", **overrides: object) -> EvidenceItem:
        """The French investigator registers a seized phone."""
        fields: dict[str, object] = {
            "reference": reference,
            "kind": EvidenceKind.SEIZED_DEVICE,
            "description": "black phone",
            "occurred_at": self.now - timedelta(hours=2),
            "collected_by": "OPJ Martin",
            "place": "Lille",
            "method": "search",
        }
        fields.update(overrides)
        command = RegisterEvidence(investigation_id=self.id, **fields)  # type: ignore[arg-type]
        return self.app.register_evidence(self.fr_investigator, command)


@pytest.fixture(scope="module")
def app(database_url: str, settings: Settings) -> Iterator[JITspace]:
    application = JITspace(env=eventsourcing_env(database_url, settings))
    yield application
    application.close()


@pytest.fixture
def team(app: JITspace) -> Team:
    """Given a FR-BE JIT opened by a French leader, with an investigator and a legal
    advisor of each party."""
    leader, now = uuid4(), datetime.now(UTC)
    opened = opening(
        "Services JIT",
        "JIT-SVC",
        parties=PARTIES,
        period_end=date(2030, 1, 1),
        occurred_at=now,
    )
    jit = app.open_investigation(leader, opened).id
    members = {}
    for key, (country, role) in MEMBERS.items():
        members[key] = uuid4()
        member = Member(members[key], key, country, role)
        app.add_member(leader, AddMember(investigation_id=jit, member=member, occurred_at=now))
    return Team(app, jit, leader, members, now)
