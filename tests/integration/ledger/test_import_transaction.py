"""An import records its items batch by batch in one transaction of the log: the chains run
on through every batch and verify, the references are claimed as a registration claims them,
and a reference held already, or claimed twice across batches, records none of them."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec
import pytest

from domain.commands import ImportedItem, ImportEvidence
from domain.errors import Duplicate, RuleViolation
from domain.evidence import EvidenceItem, reference_claim
from jitspace.ledger.checkpoints import Ledger
from jitspace.ledger.eventlog import EventLog
from jitspace.services.application import JITspace
from jitspace.services.evidence import IMPORT_BATCH
from jitspace.settings import Settings
from jitspace.storage.database import eventsourcing_env
from tests.support import fresh_database, open_in_app, registering

COLLECTED = datetime.now(UTC) - timedelta(days=2)


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[tuple[JITspace, Settings]]:
    url = fresh_database(database_url, "jitspace_imports")
    settings = Settings(database_url=url, data_dir=tmp_path)
    application = JITspace(env=eventsourcing_env(url, settings))
    yield application, settings
    application.close()


def items(investigation_id: object, references: list[str]) -> Iterator[ImportedItem]:
    for reference in references:
        yield ImportedItem(item=registering(investigation_id, reference, COLLECTED))  # type: ignore[arg-type]


def events_of(app: JITspace) -> int:
    assert isinstance(app.recorder, EventLog)
    return len(app.recorder.select_notifications(1, 1_000_000))


def test_items_in_many_batches_chain_on_and_verify(app: tuple[JITspace, Settings]) -> None:
    application, settings = app
    investigation, leader = open_in_app(application, "Import JIT", "JIT-IMP")
    other, other_leader = open_in_app(application, "Other JIT", "JIT-OTHER")
    references = [f"FR-IMP-{n}" for n in range(2 * IMPORT_BATCH + 7)]
    heard: list[EvidenceItem] = []

    events = application.import_evidence(
        leader,
        ImportEvidence(
            investigation_id=investigation.id, items=items(investigation.id, references)
        ),
        heard.append,
    )
    # a command after the import chains on from where it left the log
    application.register_evidence(other_leader, registering(other.id, "FR-AFTER", COLLECTED))

    assert events == len(references)
    assert [i.reference for i in heard] == references
    assert isinstance(application.recorder, EventLog)
    report = Ledger.from_settings(application.recorder, settings).verify()
    assert report.findings == []
    held = application.recorder.held_keys(
        investigation.id, [reference_claim(references[0]), reference_claim(references[-1])]
    )
    assert set(held.values()) == {heard[0].id, heard[-1].id}


def test_a_reference_held_already_records_nothing(app: tuple[JITspace, Settings]) -> None:
    application, _ = app
    investigation, leader = open_in_app(application, "Import JIT", "JIT-IMP")
    application.register_evidence(leader, registering(investigation.id, "FR-HELD", COLLECTED))
    before = events_of(application)
    references = [f"FR-IMP-{n}" for n in range(IMPORT_BATCH + 5)] + ["fr-held"]

    with pytest.raises(Duplicate, match="already holds evidence item 'FR-HELD'"):
        application.import_evidence(
            leader,
            ImportEvidence(
                investigation_id=investigation.id, items=items(investigation.id, references)
            ),
        )

    assert events_of(application) == before
    assert not [t for t in threading.enumerate() if t.name == "jitspace-import-batches"]


def test_a_reference_claimed_twice_across_batches_records_nothing(
    app: tuple[JITspace, Settings],
) -> None:
    application, _ = app
    investigation, leader = open_in_app(application, "Import JIT", "JIT-IMP")
    before = events_of(application)
    references = [f"FR-IMP-{n}" for n in range(IMPORT_BATCH + 5)] + ["FR-IMP-3"]

    with pytest.raises(RuleViolation, match="two items of the import have the reference"):
        application.import_evidence(
            leader,
            ImportEvidence(
                investigation_id=investigation.id, items=items(investigation.id, references)
            ),
        )

    assert events_of(application) == before


def test_an_item_refused_in_a_later_batch_records_nothing(
    app: tuple[JITspace, Settings],
) -> None:
    # Given an import whose last item the domain refuses (made while earlier batches are
    # written, in a thread of its own)
    application, _ = app
    investigation, leader = open_in_app(application, "Import JIT", "JIT-IMP")
    before = events_of(application)

    def refused_last() -> Iterator[ImportedItem]:
        yield from items(investigation.id, [f"FR-IMP-{n}" for n in range(2 * IMPORT_BATCH)])
        blank = registering(investigation.id, "FR-BLANK", COLLECTED)
        yield ImportedItem(item=msgspec.structs.replace(blank, description="  "))

    # When it is recorded, it is refused with the domain's reason
    with pytest.raises(RuleViolation, match="describe the item"):
        application.import_evidence(
            leader, ImportEvidence(investigation_id=investigation.id, items=refused_last())
        )

    # Then nothing is recorded, and no thread making batches is left behind
    assert events_of(application) == before
    assert not [t for t in threading.enumerate() if t.name == "jitspace-import-batches"]
