"""The metrics a JITspace process keeps for Prometheus, served at /metrics
(jitspace/api/metrics.py).

Each process counts its own work in its own registry and is scraped on its own: several app
processes behind a proxy are several targets, and Prometheus sums them. What can be read
from the database when asked (projection lag, checkpoint age) is read at scrape time and
passed to `exposition`, so every process answers it alike.

Labels name kinds of work only (a use case, a route as declared, a status, a projection):
never an investigation, a reference, a user or anything a request carries.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from ipaddress import ip_address

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.metrics_core import GaugeMetricFamily, Metric

__all__ = ["CONTENT_TYPE_LATEST", "exposition"]

REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)
GCCollector(registry=REGISTRY)

# a command takes a few milliseconds to a few seconds (a large investigation's first load)
COMMAND_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

COMMANDS = Counter(
    "jitspace_commands",
    "Commands run by the write side, by use case and outcome (ok, refused: a domain rule or "
    "a stale version; failed: anything else)",
    ["use_case", "outcome"],
    registry=REGISTRY,
)
COMMAND_SECONDS = Histogram(
    "jitspace_command_duration_seconds",
    "How long a use case took, load to save, by use case",
    ["use_case"],
    buckets=COMMAND_BUCKETS,
    registry=REGISTRY,
)
HTTP_RESPONSES = Counter(
    "jitspace_http_responses",
    "HTTP responses, by method, route as declared ('unmatched' for a path no route has) and "
    "status code",
    ["method", "route", "status"],
    registry=REGISTRY,
)
HTTP_SECONDS = Histogram(
    "jitspace_http_request_duration_seconds",
    "Time from a request's arrival to its response's first byte, by method and route",
    ["method", "route"],
    registry=REGISTRY,
)
LIVE_DELIVERIES = Counter(
    "jitspace_live_deliveries",
    "Events sent to live-feed viewers (one per viewer and event)",
    registry=REGISTRY,
)
UPLOAD_BYTES = Counter(
    "jitspace_upload_bytes",
    "Bytes of evidence files stored as they arrived: whole files, and the parts of upload sessions",
    ["kind"],
    registry=REGISTRY,
)
UPLOAD_SECONDS = Counter(
    "jitspace_upload_seconds",
    "Seconds spent receiving those bytes (rate of bytes / rate of seconds: the throughput)",
    ["kind"],
    registry=REGISTRY,
)
UPLOAD_THROUGHPUT = Histogram(
    "jitspace_upload_throughput_bytes_per_second",
    "Throughput of each upload or part, from its first byte to the store holding all of it",
    ["kind"],
    buckets=(1e5, 1e6, 5e6, 1e7, 2.5e7, 5e7, 1e8, 2.5e8, 5e8, 1e9),
    registry=REGISTRY,
)
INTEGRITY_RESULTS = Counter(
    "jitspace_integrity_verifications",
    "Evidence files re-hashed, by result (verified, violated: a mismatch or a missing file)",
    ["result"],
    registry=REGISTRY,
)
RETENTION_SWEEP = Counter(
    "jitspace_retention_items",
    "Evidence items the retention sweep found past their deletion date, by what it did "
    "(deleted; held: kept under a legal hold; store_failed: deletion recorded, the store kept "
    "the files until the next run)",
    ["action"],
    registry=REGISTRY,
)


@contextmanager
def counting_command(use_case: str, refusals: tuple[type[BaseException], ...]) -> Iterator[None]:
    """Count one run of a use case and time it; an exception of `refusals` is a refusal."""
    started = time.perf_counter()
    outcome = "failed"
    try:
        yield
        outcome = "ok"
    except refusals:
        outcome = "refused"
        raise
    finally:
        COMMANDS.labels(use_case, outcome).inc()
        COMMAND_SECONDS.labels(use_case).observe(time.perf_counter() - started)


def count_upload(kind: str, size: int, seconds: float) -> None:
    """A whole file (`kind` "file") or a part of an upload session ("part") was stored."""
    UPLOAD_BYTES.labels(kind).inc(size)
    UPLOAD_SECONDS.labels(kind).inc(seconds)
    if seconds > 0:
        UPLOAD_THROUGHPUT.labels(kind).observe(size / seconds)


def gauge(
    name: str,
    documentation: str,
    values: Iterable[tuple[tuple[str, ...], float]],
    labels: Iterable[str] = (),
) -> GaugeMetricFamily:
    """A gauge read at scrape time: one sample per (label values, value)."""
    family = GaugeMetricFamily(name, documentation, labels=list(labels))
    for label_values, value in values:
        family.add_metric(list(label_values), value)
    return family


class _Scraped:
    """The families read at scrape time, as a collector for one exposition."""

    def __init__(self, families: Iterable[Metric]) -> None:
        self.families = list(families)

    def collect(self) -> Iterable[Metric]:
        return self.families


# headers that say a request was relayed by a proxy: it came from elsewhere
RELAYED = ("x-forwarded-for", "forwarded", "x-real-ip")


class ScrapeRefused(Exception):
    """Who asked may not read the metrics; `status` is 401 (no or a wrong token) or 403."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


def check_scraper(token: str, authorization: str | None, peer: str, headers: Iterable[str]) -> None:
    """Who may scrape a process's metrics (the API's /metrics, a worker's health port): with
    `token` (JITSPACE_METRICS_TOKEN), whoever sends it as a bearer token; without, this host
    only, in a request no proxy relayed (`headers`: the request's header names, lower case)."""
    if token:
        scheme, _, given = (authorization or "").partition(" ")
        given = given.strip() if scheme.lower() == "bearer" else ""
        if not hmac.compare_digest(given.encode(), token.encode()):
            raise ScrapeRefused(
                401, "send JITSPACE_METRICS_TOKEN as 'Authorization: Bearer <token>'"
            )
        return
    try:
        loopback = ip_address(peer).is_loopback
    except ValueError:
        loopback = False
    if not loopback or any(name in RELAYED for name in headers):
        raise ScrapeRefused(
            403,
            "metrics are served to this host only; set JITSPACE_METRICS_TOKEN to let a "
            "scraper elsewhere read them with it",
        )


def exposition(scraped: Iterable[Metric] = ()) -> bytes:
    """The text Prometheus scrapes: this process's metrics, then those read just now."""
    now = CollectorRegistry()
    now.register(_Scraped(scraped))
    return generate_latest(REGISTRY) + generate_latest(now)
