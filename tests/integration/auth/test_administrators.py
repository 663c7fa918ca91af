"""Administrators of a deployment: someone must always be able to manage its users."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from jitspace.auth.administration import Administration
from jitspace.auth.errors import IdentityConflict
from jitspace.auth.identity import Identity
from jitspace.auth.security_log import SecurityLog
from tests.support import PASSWORD, fresh_database, pool_of


def test_the_last_administrator_keeps_the_flag(database_url: str) -> None:
    async def story() -> None:
        async with pool_of(fresh_database(database_url, "jitspace_admins"), size=2) as pool:
            identity, log = Identity(pool, timedelta(hours=1)), SecurityLog(pool)
            administration = Administration(identity, log)
            # Given the operator's first administrator, and a second one
            first = await administration.add_user(None, "first", PASSWORD, administrator=True)
            second = await administration.add_user(None, "second", PASSWORD)
            await administration.set_administrator(None, second.user_id, True)
            # When both withdraw each other's flag at once, one of them stays
            results = await asyncio.gather(
                administration.set_administrator(None, first.user_id, False),
                administration.set_administrator(None, second.user_id, False),
                return_exceptions=True,
            )
            assert sum(isinstance(r, IdentityConflict) for r in results) == 1
            accounts = await identity.accounts()
            [kept] = [a for a in accounts if a.administrator]
            # and the last one cannot lose it: a clear refusal, nothing written
            with pytest.raises(IdentityConflict, match="is the last administrator"):
                await administration.set_administrator(None, kept.user_id, False)
            entries = await log.recent(kind="administrator_withdrawn")
            assert len(entries) == 1 and entries[0].client == "command line"

    asyncio.run(story())
