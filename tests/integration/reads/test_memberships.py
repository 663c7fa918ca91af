"""Who belongs to an investigation: every request looks at its latest event; a live feed's
recheck on the clock may read it as looked up a moment ago, never older."""

from __future__ import annotations

from uuid import UUID

import asyncpg
import pytest

from domain.errors import NotFound
from jitspace.reads.memberships import Memberships
from jitspace.services.application import JITspace
from jitspace.settings import Settings
from jitspace.storage.database import eventsourcing_env
from tests.support import Jit, remove_member


async def test_a_recheck_may_read_the_membership_of_a_moment_ago_a_fresh_look_never(
    jit: Jit, database_url: str, settings: Settings
) -> None:
    app = JITspace(env=eventsourcing_env(database_url, settings))
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=2)
    try:
        memberships = Memberships(app.investigation, pool)
        investigation_id, investigator = UUID(jit.id), jit.investigator.user_id
        # Given the investigator's membership, looked up for a recheck
        looked_up = await memberships.member(investigator, investigation_id, max_age=60)
        assert looked_up.member.user_id == investigator
        # When the leader removes them from the investigation
        remove_member(jit, jit.investigator, "seconded back home", current_version=True)
        # Then a recheck within the minute may still read them as a member
        again = await memberships.member(investigator, investigation_id, max_age=60)
        assert again.member.user_id == investigator
        # but a fresh look (every request's) finds them gone
        with pytest.raises(NotFound):
            await memberships.member(investigator, investigation_id)
        # and every recheck after it reads what that look found
        with pytest.raises(NotFound):
            await memberships.member(investigator, investigation_id, max_age=60)
    finally:
        await pool.close()
        app.close()
