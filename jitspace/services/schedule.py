"""Work a process does on a schedule: re-hashing evidence files, the retention sweep, the
sweep of files no record claims."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

logger = logging.getLogger(__name__)


async def every(seconds: float, run: Callable[[], Awaitable[object]], failed: str) -> None:
    """Run `run` every `seconds`, the first time one interval from now, until cancelled. A
    run that fails (the store or the database may be down) is logged as `failed`, and the
    next one tries again."""
    while True:
        await asyncio.sleep(seconds)
        try:
            await run()
        except Exception:
            logger.exception("%s; trying again later", failed)
