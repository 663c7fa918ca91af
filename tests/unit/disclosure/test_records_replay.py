"""The replay of a bundle's events into its records (jitspace/disclosure/records.py) leaves
Python's cycle collector as it found it, and keeps what it lists exactly as listed."""

from __future__ import annotations

import gc
import html
import uuid
from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest

from jitspace.disclosure.contents import BundleEvent
from jitspace.disclosure.records import ReportRows, rebuild_records
from jitspace.ledger.eventlog import MsgspecMapper
from tests.unit import builders


def _mapper() -> MsgspecMapper:
    return MsgspecMapper(transcoder=None)  # type: ignore[arg-type]


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_runs_after_a_replay_as_it_did_before(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        with rebuild_records([], _mapper()) as rebuilt:
            assert gc.isenabled() is enabled
            records = msgspec.json.decode(b"".join(rebuilt.json()))
        assert records["investigation"] is None and records["tasks"] == []
    finally:
        (gc.enable if was else gc.disable)()


def test_the_collector_runs_again_after_a_replay_that_fails() -> None:
    # Given an event of a kind the domain does not have
    event = BundleEvent(
        position=1,
        originator_id=uuid.uuid4(),
        originator_version=1,
        investigation_id=uuid.uuid4(),
        recorded_at=datetime.now(UTC),
        topic="domain.task:Task.NoSuchEvent",
        state="{}",
        state_sha256="00" * 32,
        event_hash="00" * 32,
        investigation_hash="00" * 32,
    )
    assert gc.isenabled()
    # When its replay fails, then the collector is running again
    with pytest.raises(Exception, match="NoSuchEvent"):
        rebuild_records([event], _mapper())
    assert gc.isenabled()


def test_the_report_shows_the_facts_listed_as_they_were_recorded(
    team: Any, register_evidence: Any
) -> None:
    # Given a search recorded with its witnesses and who signed the record
    item = register_evidence(team, reference="FR-SEARCH-1")
    investigator = team.actor(team.fr_investigator)
    item.record_search(team.investigation, investigator, builders.record_search(item))
    mapper = _mapper()
    events = [
        BundleEvent(
            position=position,
            originator_id=stored.originator_id,
            originator_version=stored.originator_version,
            investigation_id=team.investigation.id,
            recorded_at=datetime.now(UTC),
            topic=stored.topic,
            state=stored.state.decode(),
            state_sha256="00" * 32,
            event_hash="00" * 32,
            investigation_hash="00" * 32,
        )
        for position, stored in enumerate(
            (mapper.to_stored_event(e) for e in [*team.history, *item.collect_events()]), 1
        )
    ]
    fields = {
        "investigation_name": "JIT",
        "investigation_id": str(team.investigation.id),
        "up_to_position": len(events),
        "as_of": None,
        "events": len(events),
        "withheld": 0,
        "produced_at": "now",
        "produced_by": "FR",
        "purpose": "trial",
    }
    # When its records are rebuilt (the listed facts kept on disk until their turn)
    with ReportRows() as rows, rebuild_records(rows.passing(events), mapper) as records:
        report = html.unescape(b"".join(rows.report(fields, records)).decode())
        listed = msgspec.json.decode(b"".join(records.json()))
    # Then the records list it, and the report shows its names as it always has
    assert [(f["fact"], f["witnesses"]) for f in listed["handling"]] == [
        ("SearchRecorded", ["Mme Martin", "M. Dubois"])
    ]
    assert "witnesses: ('Mme Martin', 'M. Dubois'); inventory_made: True" in report
    assert "<td>FR-SEARCH-1</td><td>SearchRecorded</td>" in report
