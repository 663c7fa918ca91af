"""Keeping the read models: a projection that fails is stopped, with everything it holds,
and started again later and later, while the others carry on.

A projection that fails on an event would fail on it again at once: starting it again every
second only multiplies the load, and every start opened connections that nothing closed.
So each attempt waits twice as long as the one before (capped), the event it failed on is
named (log position and topic) in the log and in /health, and the failure ends when the
projection has got past that event.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection, ProjectionRunner
from eventsourcing.utils import get_topic

logger = logging.getLogger(__name__)


class EventFailed(Exception):
    """A projection could not apply an event of the log."""

    def __init__(self, position: int, topic: str, cause: BaseException) -> None:
        super().__init__(f"event {position} ({topic}): {type(cause).__name__}: {cause}")
        self.position = position
        self.topic = topic


def naming_failed_events(projection_class: type[Projection[Any]]) -> type[Projection[Any]]:
    """The projection, raising EventFailed (which names the event) when an event fails."""

    class NamingFailedEvents(projection_class):  # type: ignore[valid-type,misc]
        name = projection_class.name  # its tables and tracking keep their name

        def process_event(self, domain_event: Any, tracking: Tracking) -> None:
            try:
                super().process_event(domain_event, tracking)
            except Exception as error:
                topic = get_topic(type(domain_event))
                raise EventFailed(tracking.notification_id, topic, error) from error

    NamingFailedEvents.__name__ = NamingFailedEvents.__qualname__ = projection_class.__name__
    return NamingFailedEvents


@dataclass
class Stall:
    """A projection that failed and waits for its next attempt."""

    projection: str
    attempts: int
    reason: str
    retry_at: float  # on the event loop's clock
    position: int | None = None  # of the event it failed on, if an event was at fault

    def describe(self, now: float) -> str:
        wait = self.retry_at - now
        tries = f"{self.attempts} attempt{'s' if self.attempts > 1 else ''}"
        next_one = f"next attempt in {wait:.0f} s" if wait > 0 else "trying again"
        return f"the {self.projection} projection failed on {self.reason} ({tries}); {next_one}"


def retry_delay(attempts: int, first: float, longest: float) -> float:
    """Seconds before the next attempt, after this many failed ones: doubling, capped."""
    return float(min(longest, first * 2 ** min(attempts - 1, 30)))


def stall_after(
    name: str, error: BaseException | None, attempts: int, now: float, delay: float
) -> Stall:
    if isinstance(error, EventFailed):
        return Stall(name, attempts, str(error), now + delay, error.position)
    reason = f"{type(error).__name__}: {error}" if error else "an unknown error"
    return Stall(name, attempts, reason, now + delay)


def stop_runner(runner: ProjectionRunner[Any, Any]) -> BaseException | None:
    """Stop the runner and close every connection it holds; the error it failed with."""
    error: BaseException | None = None
    try:
        runner.__exit__(None, None, None)  # re-raises the error its thread failed with
    except Exception as failed:
        error = failed
    # the runner closes its application, not its view: without this, each start of a
    # projection left the view's connections open
    runner.view.datastore.close()
    return error


def caught_up_past(runner: ProjectionRunner[Any, Any], position: int) -> bool:
    """Has the projection applied the event at `position` (or a later one)?"""
    done = runner.view.max_tracking_id(runner.app_name)
    return done is not None and done >= position
