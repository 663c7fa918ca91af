"""The app factory: one Litestar application per runtime."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import asyncpg
import psycopg
from anyio import to_thread
from litestar import Litestar, MediaType, Router, get
from litestar.di import Provide
from litestar.exceptions import ServiceUnavailableException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme

from jitspace.api.access import (
    PUBLIC,
    check_access,
    provide_audience,
    provide_current_user,
    provide_member,
)
from jitspace.api.admissibility import (
    AdmissibilityController,
    RulebookController,
    ShippedRulebookController,
)
from jitspace.api.auth import AuthController
from jitspace.api.authorisations import AuthorisationController, AuthorisationFactsController
from jitspace.api.changes import provide_create, provide_decided
from jitspace.api.dependencies import RuntimeDep, provide_records, provide_runtime
from jitspace.api.events import EventController
from jitspace.api.evidence import EvidenceController, EvidenceFactsController
from jitspace.api.evidence_handling import EvidenceHandlingController
from jitspace.api.hardening import cors_config, security_headers
from jitspace.api.interchange import CaseController
from jitspace.api.interface import interface_routes
from jitspace.api.investigations import InvestigationController
from jitspace.api.ledger import DisclosureController, LedgerController
from jitspace.api.live import live_feed
from jitspace.api.metrics import metrics
from jitspace.api.observing import RequestContext, observe_responses
from jitspace.api.openapi import ProblemResponses
from jitspace.api.problems import EXCEPTION_HANDLERS
from jitspace.api.register import RegisterPageController
from jitspace.api.security_log import SecurityLogController
from jitspace.api.tasks import TaskController
from jitspace.api.uploads import UploadController
from jitspace.api.users import UserController
from jitspace.bootstrap import open_runtime
from jitspace.documents.text import InputCheck
from jitspace.migrations import SchemaBehind, check_schema
from jitspace.reads.leadership import WorkerWorks, kept_by_this_process
from jitspace.settings import Settings
from jitspace.storage.blobs import StoreUnavailable

logger = logging.getLogger(__name__)


@get("/health", media_type=MediaType.JSON, tags=["operations"], access=PUBLIC, security=[])
async def health(runtime: RuntimeDep) -> dict[str, str]:
    """Live and ready: the database answers and the read models are being kept. If not, the
    answer (503) names each thing that is wrong, for an operator to act on."""
    try:
        await runtime.pool.fetchval("SELECT 1", timeout=5)
    except (OSError, TimeoutError, asyncpg.PostgresError) as error:
        # the kind of failure for whoever asks; its text (addresses, names) for the log only
        logger.warning("health: the database does not answer: %r", error)
        raise ServiceUnavailableException(
            f"the database does not answer ({type(error).__name__})"
        ) from error
    now = asyncio.get_running_loop().time()
    # what failed, and on which event
    wrong = [stall.describe(now) for stall in runtime.stalls.values()]
    for name, runner in (
        ("registers", runtime.projections),
        ("custody", runtime.custody),
        ("admissibility", runtime.admissibility),
    ):
        if runner is not None and runner.is_interrupted.is_set():
            wrong.append(f"the {name} projection has stopped")
    if wrong:
        raise ServiceUnavailableException("; ".join(wrong))
    return {"status": "ok"}


@get("/health/live", media_type=MediaType.JSON, tags=["operations"], access=PUBLIC, security=[])
async def health_live() -> dict[str, str]:
    """Live: the process answers. It asks nothing of the database or the object store, so
    that an orchestrator restarts a process only for its own fault, never for theirs."""
    return {"status": "ok"}


@get("/health/ready", media_type=MediaType.JSON, tags=["operations"], access=PUBLIC, security=[])
async def health_ready(runtime: RuntimeDep) -> dict[str, str]:
    """Ready to serve: the database answers and its schema is the one this JITspace needs,
    and the object store answers. If not, the answer (503) names what is wrong, for an
    operator to act on; an orchestrator sends this process no requests meanwhile."""
    wrong: list[str] = []
    try:
        await runtime.pool.fetchval("SELECT 1", timeout=5)
    except (OSError, TimeoutError, asyncpg.PostgresError) as error:
        logger.warning("ready: the database does not answer: %r", error)
        wrong.append(f"the database does not answer ({type(error).__name__})")
    else:
        try:
            await asyncio.wait_for(to_thread.run_sync(check_schema, runtime.database_url), 10)
        except SchemaBehind as behind:
            wrong.append(str(behind))
        except (OSError, TimeoutError, psycopg.Error) as error:
            logger.warning("ready: the database's schema could not be read: %r", error)
            wrong.append(f"the database schema could not be read ({type(error).__name__})")
    try:
        await to_thread.run_sync(runtime.blobs.check)
    except StoreUnavailable as error:
        # its text names the store's address: for the log only
        logger.warning("ready: %s", error)
        wrong.append("the object store does not answer")
    if wrong:
        raise ServiceUnavailableException("; ".join(wrong))
    return {"status": "ok"}


def create_app(
    settings: Settings, *, on_ready: list[object] | None = None, sole: bool = False
) -> Litestar:
    """The app; `sole`: the only process of its database that keeps the read models when it
    runs the projections (a `jitspace serve`: it holds the workers' lock, see
    jitspace/reads/leadership.py)."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            if sole and settings.run_projections and settings.database_url:
                try:
                    await stack.enter_async_context(kept_by_this_process(settings.database_url))
                except WorkerWorks as error:
                    logger.error("JITspace cannot start: %s", error)
                    raise
            runtime = await stack.enter_async_context(open_runtime(settings))
            app.state.runtime = runtime
            for hook in on_ready or ():
                await hook(runtime)  # type: ignore[operator]
            yield

    return Litestar(
        route_handlers=[
            health,
            health_live,
            health_ready,
            metrics,
            AuthController,
            InvestigationController,
            EvidenceController,
            CaseController,
            RegisterPageController,
            UploadController,
            AuthorisationController,
            TaskController,
            AuthorisationFactsController,
            EvidenceFactsController,
            EvidenceHandlingController,
            RulebookController,
            ShippedRulebookController,
            AdmissibilityController,
            EventController,
            LedgerController,
            DisclosureController,
            UserController,
            SecurityLogController,
            live_feed,
            *interface_routes(),
        ],
        dependencies={
            "runtime": Provide(provide_runtime, sync_to_thread=False),
            "user": Provide(provide_current_user, sync_to_thread=False),
            "member": Provide(provide_member, sync_to_thread=False),
            "audience": Provide(provide_audience, sync_to_thread=False),
            "records": Provide(provide_records),
            "create": Provide(provide_create, sync_to_thread=False),
            "decided": Provide(provide_decided, sync_to_thread=False),
        },
        # first its id and the ids of what it is about, for the log lines it causes; then,
        # before any handler reads the request, one rule for every text it carries
        middleware=[RequestContext(), InputCheck()],
        guards=[check_access],
        exception_handlers=EXCEPTION_HANDLERS,
        before_send=[security_headers(settings), observe_responses(settings)],
        plugins=[ProblemResponses()],
        cors_config=cors_config(settings),
        lifespan=[lifespan],
        request_max_body_size=settings.max_request_bytes,
        openapi_config=OpenAPIConfig(
            title="JITspace",
            version="0.1.0",
            description="The shared workspace of a Joint Investigation Team.",
            components=Components(
                security_schemes={"bearer": SecurityScheme(type="http", scheme="bearer")}
            ),
            security=[{"bearer": []}],
            # the document only: the HTML viewers load scripts from a CDN into the origin that
            # holds evidence and tokens, and need a looser CSP; any OpenAPI viewer reads it
            render_plugins=[JsonRenderPlugin()],
            # the API's description is public, like its source: no token needed to read it
            openapi_router=Router(
                "/schema", route_handlers=[], opt={"access": PUBLIC}, include_in_schema=False
            ),
        ),
        debug=False,
        # the process's logging is the command line's (JSON lines for `jitspace serve`:
        # jitspace/telemetry/logs.py), not a format of the framework's own over it
        logging_config=None,
    )


def openapi_text(document: dict[str, Any] | None = None) -> str:
    """The OpenAPI document as committed (`frontend/openapi.json`, which the interface's typed
    client is generated from): the served one, or the one this code builds without serving."""
    if document is None:
        document = create_app(Settings()).openapi_schema.to_schema()
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
