"""A started server's heap settings (jitspace.cli.settle_heap)."""

from __future__ import annotations

import gc
import weakref

from jitspace.cli import GC_THRESHOLDS, settle_heap


class Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the collector frees it


def test_startup_leaves_the_collectors_sight_and_later_cycles_are_still_collected() -> None:
    thresholds = gc.get_threshold()
    built_at_startup = Node()
    try:
        settle_heap()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == GC_THRESHOLDS
        frozen = weakref.ref(built_at_startup)
        later = Node()
        collected = weakref.ref(later)
        del built_at_startup, later
        gc.collect()
        assert collected() is None  # made after start-up: collected
        assert frozen() is not None  # frozen: out of the collector's sight
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
        gc.collect()
