"""The disclosure use case: a bundle handed out, and on record."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.commands import Disclose
from domain.errors import RuleViolation
from domain.investigation import Investigation
from jitspace.disclosure.checking import verify_bundle
from jitspace.ledger.checkpoints import Ledger
from jitspace.ledger.eventlog import EventLog
from jitspace.services.application import JITspace
from jitspace.settings import Settings
from jitspace.storage.database import create_database, eventsourcing_env, with_database

from .conftest import Team


@pytest.fixture(scope="module")
def own_settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A database and a data folder of their own: the checkpoints that disclosures sign
    stay apart from those of the test server's log and witness file."""
    name = f"disclosure_{uuid.uuid4().hex[:8]}"
    create_database(with_database(database_url, "postgres"), name)
    url = with_database(database_url, name)
    return Settings(database_url=url, data_dir=tmp_path_factory.mktemp("disclosure"))


@pytest.fixture(scope="module")
def app(own_settings: Settings) -> Iterator[JITspace]:
    application = JITspace(env=eventsourcing_env(own_settings.database_url, own_settings))
    yield application
    application.close()


@pytest.fixture
def ledger(team: Team, own_settings: Settings) -> Ledger:
    assert isinstance(team.app.recorder, EventLog)
    ledger = Ledger.from_settings(team.app.recorder, own_settings)
    ledger.create_table()
    return ledger


def test_a_disclosure_is_recorded_with_its_bundles_hash(team: Team, ledger: Ledger) -> None:
    team.register()
    bundle = team.app.disclose(
        team.fr_legal, Disclose(investigation_id=team.id, purpose="defence"), ledger=ledger
    )
    investigation = team.app.repository.get(team.id)
    assert isinstance(investigation, Investigation)
    recorded = team.app.recorder.select_notifications(team.position(), limit=1)[0]
    assert recorded.topic.endswith("Investigation.DisclosureProduced")
    assert bundle.sha256.encode() in recorded.state
    assert bundle.manifest.events == 7  # opened, 5 members added, 1 item registered
    bundle.file.close()


def test_a_bundle_stops_at_a_time_or_a_position_not_both(team: Team, ledger: Ledger) -> None:
    before = team.position()
    with pytest.raises(RuleViolation) as refused:
        team.app.disclose(
            team.fr_legal,
            Disclose(investigation_id=team.id, purpose="x", as_of=team.now, up_to_position=before),
            ledger=ledger,
        )
    assert refused.value.field == "up_to_position"
    assert team.position() == before


def test_the_bundle_checks_offline(team: Team, ledger: Ledger, tmp_path: Path) -> None:
    bundle = team.app.disclose(
        team.leader, Disclose(investigation_id=team.id, purpose="court"), ledger=ledger
    )
    path = tmp_path / "bundle.zip"
    path.write_bytes(bundle.data)
    assert verify_bundle(path).ok
