"""GET /metrics: this process's metrics for Prometheus (jitspace/telemetry/metrics.py).

Who may scrape: with `JITSPACE_METRICS_TOKEN` set, whoever sends it as a bearer token (a
scraper on another host, through the proxy or not); without it, this host only: a request
from a loopback address that no proxy relayed (one that carries X-Forwarded-For or Forwarded
came from elsewhere, whatever the peer address says). Nothing it serves names an
investigation, a record or a person, but counts of work and the health of the read models
are the operators' business, not the members'.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from litestar import MediaType, Request, Response, get
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from prometheus_client.metrics_core import Metric

from jitspace.api.access import PUBLIC
from jitspace.api.dependencies import RuntimeDep, in_thread
from jitspace.bootstrap import Runtime
from jitspace.telemetry.metrics import (
    CONTENT_TYPE_LATEST,
    ScrapeRefused,
    exposition,
    gauge,
)
from jitspace.telemetry.metrics import check_scraper as scrapers_only


@get(
    "/metrics",
    media_type=MediaType.TEXT,
    tags=["operations"],
    access=PUBLIC,
    security=[],
    include_in_schema=False,  # for scrapers, not the API's clients
)
async def metrics(request: Request[Any, Any, Any], runtime: RuntimeDep) -> Response[bytes]:
    """This process's metrics, and the read models' lag and checkpoint age read now."""
    check_scraper(request, runtime.settings.metrics_token)
    return Response(
        exposition(await read_now(runtime)),
        media_type=CONTENT_TYPE_LATEST,
        headers={"Cache-Control": "no-store"},
    )


def check_scraper(request: Request[Any, Any, Any], token: str) -> None:
    peer = request.client.host if request.client else ""
    try:
        scrapers_only(token, request.headers.get("authorization"), peer, request.headers.keys())
    except ScrapeRefused as refused:
        if refused.status == 401:
            raise NotAuthorizedException(
                str(refused), headers={"WWW-Authenticate": "Bearer"}
            ) from None
        raise PermissionDeniedException(str(refused)) from None


async def read_now(runtime: Runtime) -> list[Metric]:
    """What the database and this process's live feed say at the moment of the scrape."""
    lags = await runtime.queries.projection_lags()
    checkpoint = await in_thread(runtime.ledger.latest)
    families: list[Metric] = [
        gauge(
            "jitspace_projection_lag_events",
            "Log positions between a read-model projection's last applied event and the head "
            "of the log",
            [((lag.projection,), lag.events) for lag in lags],
            ["projection"],
        ),
        gauge(
            "jitspace_projection_lag_seconds",
            "Seconds since the first event a read-model projection has not applied was "
            "recorded (0: caught up)",
            [((lag.projection,), lag.seconds) for lag in lags],
            ["projection"],
        ),
        gauge(
            "jitspace_projection_stalled",
            "1 while a read-model projection of this process has failed and waits to be "
            "started again (see /health)",
            [
                ((projection,), 1.0 if runner in runtime.stalls else 0.0)
                for runner, projection in _runners(runtime).items()
            ],
            ["projection"],
        ),
        gauge(
            "jitspace_live_viewers",
            "Live-feed viewers this process holds now",
            [((), float(runtime.live.seated))],
        ),
    ]
    if checkpoint is not None:
        age = (datetime.now(UTC) - checkpoint.fields.signed_at).total_seconds()
        families.append(
            gauge(
                "jitspace_checkpoint_age_seconds",
                "Seconds since the newest signed checkpoint of the log",
                [((), max(0.0, age))],
            )
        )
    return families


def _runners(runtime: Runtime) -> dict[str, str]:
    """The projections this process runs (none on an app process of a deployment): the
    runner's name in the Runtime, and the projection's as its tracking table has it."""
    if not runtime.settings.run_projections:
        return {}
    return {"projections": "registers", "custody": "custody", "admissibility": "admissibility"}
