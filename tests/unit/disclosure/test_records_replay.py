"""The replay of a bundle's events into its records (jitspace/disclosure/records.py) leaves
Python's cycle collector as it found it."""

from __future__ import annotations

import gc
import uuid
from datetime import UTC, datetime

import msgspec
import pytest

from jitspace.disclosure.contents import BundleEvent
from jitspace.disclosure.records import rebuild_records
from jitspace.ledger.eventlog import MsgspecMapper


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
