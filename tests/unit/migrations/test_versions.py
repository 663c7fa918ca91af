"""The list of schema migrations: what `jitspace migrate` applies, in order."""

from __future__ import annotations

from jitspace.migrations import LATEST, MIGRATIONS


def test_versions_follow_one_another_from_one() -> None:
    # Given the migrations as listed
    versions = [migration.version for migration in MIGRATIONS]

    # Then each version follows the one before, with no gap, and the latest is the last
    assert versions == list(range(1, len(MIGRATIONS) + 1))
    assert versions[-1] == LATEST
    assert all(migration.name for migration in MIGRATIONS)
