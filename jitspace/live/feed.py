"""Per app process: one reader per watched investigation, fanning the log out to viewers.

Why nothing is lost, duplicated or reordered, whatever the notifications do:
- a reader only ever reads the log (events after the last position it delivered, in
  order); a channel message or the polling backstop merely tells it to look;
- a viewer first catches up from the log itself (the REST query), then goes live, then
  catches up once more: whatever the reader delivered before the viewer went live was
  committed before that second read, so the two together miss nothing;
- a viewer sends only positions above the last one it sent.
Each viewer's queue is bounded: a slow client overflows, is told so, and resumes from
the log after its last position; the others never wait for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import uuid
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import KW_ONLY, dataclass, field
from typing import Any, NamedTuple, TypeVar
from uuid import UUID

import msgspec
from litestar.channels import ChannelsPlugin, Subscriber

from domain.permissions import Action
from jitspace.auth.identity import User
from jitspace.documents.events import EventOut
from jitspace.live import messages
from jitspace.live.channels import (
    ChannelMessage,
    LogMoved,
    PresenceBeat,
    VerdictsMoved,
    channel_of,
)
from jitspace.live.door import Door
from jitspace.reads.queries import Queries
from jitspace.reads.withholding import Audience, Readers, Withheld, Withholding, withheld
from jitspace.telemetry.metrics import LIVE_DELIVERIES

logger = logging.getLogger(__name__)
# events that change what one member may see, and what every observer may
ACCESS_EVENTS = frozenset({"Investigation.MemberRemoved", "Investigation.MemberRoleChanged"})
RIGHTS_EVENT = "Investigation.ObserverRightsSet"
ALL_VIEWERS = UUID(int=0)
# what a session sends the viewer its messages with, and asks whether the viewer may go on
Send = Callable[[str], Awaitable[None]]
StillAllowed = Callable[[bool], Awaitable[Audience]]
# presence changes are sent at most this often (1,000 people joining are one message)
PRESENCE_TICK = 0.5
# each process repeats its viewers this often; a process silent for 3 beats is gone
PRESENCE_BEAT = 10.0


class Delivery(NamedTuple):
    position: int
    text: str
    # the member whose access this event changes (removed, given another role), if it
    # changes one; ALL_VIEWERS: the observers' rights, which may change anyone's
    changes_access: UUID | None
    # who receives `text`; the others receive `withheld_texts` (None: every viewer)
    readers: Readers | None = None
    # the event without what an item is, and without any of its data
    withheld_texts: tuple[str, str] = ("", "")

    def text_for(self, audience: Audience) -> str:
        if self.readers is None:
            return self.text
        what = self.readers.withhold(audience)
        if what is Withheld.NOTHING:
            return self.text
        return self.withheld_texts[0 if what is Withheld.CONTENT else 1]


def delivery_of(event: EventOut, withholding: Withholding) -> Delivery:
    """The message of an event, and its withheld forms for the viewers who may not read it
    whole (jitspace/reads/withholding.py decides who)."""
    changes = None
    if event.type in ACCESS_EVENTS:
        changes = UUID(str(event.data["user_id"]))
    elif event.type == RIGHTS_EVENT:
        changes = ALL_VIEWERS
    text = messages.text(messages.EventMessage(event))
    readers = withholding.readers(event)
    if readers is None:
        return Delivery(event.position, text, changes)
    forms = tuple(
        messages.text(messages.EventMessage(withheld(event, what)))
        for what in (Withheld.CONTENT, Withheld.ALL)
    )
    return Delivery(event.position, text, changes, readers, (forms[0], forms[1]))


class Revised(NamedTuple):
    """Verdicts a passing deadline changed (no event, so no position): sent to the viewers
    who may read the admissibility matrix, as soon as they are live."""

    text: str


Pending = Delivery | Revised | None  # None: the presence changed


class Closed(Exception):
    """The viewer's session ends: `code` is the websocket close code."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


NOT_A_MEMBER = Closed(4404, "no such investigation")
LOGGED_OUT = Closed(4401, "the token is unknown or expired: log in again")
TOO_SLOW = Closed(4408, "the client did not read for too long")
# (1013, "try again later": a client with several servers tries the next)
FULL = Closed(1013, "this server has all the viewers it takes: try again, or another server")


class Viewer:
    """One client watching one investigation."""

    def __init__(self, user: User, audience: Audience, after: int, queue_size: int) -> None:
        self.user = user
        # their party, role and observers' rights: what is withheld from them (kept up to
        # date: an event that changes them is checked before the next one is sent)
        self.audience = audience
        self.position = after
        # what the reader handed over and the session has not sent yet, `queue_size` at most
        # (a deque and a bare future, not an asyncio.Queue: this runs once per viewer per event)
        self.pending: deque[Pending] = deque()
        self.queue_size = queue_size
        self.live = False
        self.overflowed = False
        self.overflows = 0
        # when the send in progress started (0: none), watched by the reader
        self.sending_since = 0.0
        self.stalled = False
        self.session: asyncio.Task[None] | None = None
        self._waiter: asyncio.Future[None] | None = None
        self._alarm: asyncio.TimerHandle | None = None
        self._alarm_at = 0.0

    def offer(self, item: Pending) -> None:
        """Called by the reader; never waits. A full queue drops the item and flags it."""
        if not self.live or self.overflowed:
            return
        if len(self.pending) >= self.queue_size:
            self.overflowed = True
            self.overflows += 1
        elif item is not None or not self.pending or self.pending[-1] is not None:
            self.pending.append(item)  # (presence twice in a row is sent once)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def wait(self, until: float) -> None:
        """Until the reader offers something (or overflows us), or the loop's clock says
        `until`. The alarm for `until` is set once, not once per wait: a busy viewer waits
        once per delivery, always until the same recheck."""
        if self.pending or self.overflowed:
            return
        loop = asyncio.get_running_loop()
        if self._alarm_at != until:
            self.stop_alarm()
            self._alarm, self._alarm_at = loop.call_at(until, self._ring), until
        self._waiter = waiter = loop.create_future()
        try:
            await waiter
        finally:
            self._waiter = None

    def _ring(self) -> None:
        self._alarm = None
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def stop_alarm(self) -> None:
        if self._alarm is not None:
            self._alarm.cancel()
            self._alarm = None

    def stall(self) -> None:
        """The reader's verdict: the client has not read for too long; end the session."""
        if self.session is not None and not self.stalled:
            self.stalled = True
            self.session.cancel()


T = TypeVar("T")
STOP_SECONDS = 10.0
# LISTEN and UNLISTEN run on with the reader that started them gone (see `subscription`)
_unfinished: set[asyncio.Future[Any]] = set()


def stopping() -> bool:
    """Whether the running task has been asked to stop (cancelled)."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


def _keep(future: asyncio.Future[T]) -> asyncio.Future[T]:
    _unfinished.add(future)
    future.add_done_callback(_unfinished.discard)
    return future


@contextlib.asynccontextmanager
async def subscription(channels: ChannelsPlugin, channel: str) -> AsyncIterator[Subscriber]:
    """The process's subscription to `channel`. Its LISTEN and UNLISTEN run to their end even
    if the reader is stopped meanwhile: one cut short leaves the process's single listening
    connection busy, and the next reader's LISTEN or UNLISTEN fails."""
    subscribing = _keep(asyncio.ensure_future(channels.subscribe([channel])))
    try:
        subscriber = await asyncio.shield(subscribing)
    except asyncio.CancelledError:

        def undo(done: asyncio.Future[Subscriber]) -> None:
            if not done.cancelled() and done.exception() is None:
                _keep(asyncio.ensure_future(channels.unsubscribe(done.result())))

        subscribing.add_done_callback(undo)
        raise
    try:
        yield subscriber
    finally:
        leaving = _keep(asyncio.ensure_future(channels.unsubscribe(subscriber)))
        try:
            await asyncio.shield(leaving)
        except asyncio.CancelledError:
            if not stopping():
                raise


class Reader:
    """Follows one investigation's events in the log for this process's viewers of it."""

    def __init__(self, feed: LiveFeed, investigation_id: UUID) -> None:
        self.feed = feed
        self.investigation_id = investigation_id
        self.channel = channel_of(investigation_id)
        self.viewers: set[Viewer] = set()
        self.position = 0
        self.wake = asyncio.Event()
        self.tasks: list[asyncio.Task[None]] = []
        self.subscribed = asyncio.Event()
        # presence: process id -> (expires at, viewers); what we last published and sent
        self.present: dict[str, tuple[float, list[tuple[str, str]]]] = {}
        self.published: list[tuple[str, str]] | None = None
        self.published_at = 0.0
        self.merged: list[tuple[str, str]] = []
        self.presence_text = messages.text(messages.Presence([]))
        self.withholding = Withholding({})

    async def start(self) -> None:
        self.position = await self.feed.queries.head(self.investigation_id)
        # read after the head: restrictions set meanwhile apply to the events before them too
        self.withholding = await self.feed.queries.withholding(self.investigation_id)
        self.tasks = [
            asyncio.create_task(self._follow_log(), name=f"live-read-{self.channel}"),
            asyncio.create_task(self._follow_channel(), name=f"live-channel-{self.channel}"),
            asyncio.create_task(self._keep_presence(), name=f"live-presence-{self.channel}"),
        ]
        # wait for LISTEN, so a message published from now on reaches this process
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.subscribed.wait(), 5)

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        # a reader that does not end within STOP_SECONDS is left to end by itself, said in
        # the log: stopping one investigation's reader never holds up the others
        stuck: set[asyncio.Task[None]] = set()
        if self.tasks:  # asyncio.wait takes no empty set
            _, stuck = await asyncio.wait(self.tasks, timeout=STOP_SECONDS)
        for task in stuck:
            logger.error("live reader task %s did not stop", task.get_name())
        for task in set(self.tasks) - stuck:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                task.result()
        with contextlib.suppress(Exception):  # others drop this process's viewers at once
            beat = PresenceBeat(self.feed.process, [], ttl=0)
            await self.feed.channels.wait_published(msgspec.json.encode(beat), self.channel)

    async def _follow_log(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), self.feed.poll_seconds)
            self.wake.clear()
            try:
                await self.deliver_new()
            except Exception:
                logger.exception("live reader of %s could not read the log", self.channel)
                await asyncio.sleep(self.feed.poll_seconds)

    async def deliver_new(self) -> None:
        while True:
            events = await self.feed.queries.events(
                self.investigation_id, self.position, self.feed.page_size
            )
            # restrictions apply to the item's earlier events too, and come in the same
            # save as its registration: learn them before delivering any event of the page
            for event in events:
                self.withholding.learn(event)
            if len(events) == self.feed.page_size:  # the next page may hold some: read them
                self.withholding = await self.feed.queries.withholding(self.investigation_id)
            for event in events:
                item = delivery_of(event, self.withholding)
                for viewer in self.viewers:
                    viewer.offer(item)
                self.position = event.position
            if len(events) < self.feed.page_size:
                return

    async def _follow_channel(self) -> None:
        decoder = msgspec.json.Decoder(ChannelMessage)
        while True:
            try:
                async with subscription(self.feed.channels, self.channel) as subscriber:
                    self.subscribed.set()
                    self.wake.set()  # anything published before LISTEN took effect
                    async for raw in subscriber.iter_events():
                        try:
                            message = decoder.decode(raw)
                        except msgspec.DecodeError:
                            logger.warning("ignored a malformed message on %s", self.channel)
                            continue
                        if isinstance(message, LogMoved):
                            if message.position > self.position:
                                self.wake.set()
                        elif isinstance(message, VerdictsMoved):
                            revised = Revised(
                                messages.text(messages.Verdicts(message.evidence_ids))
                            )
                            for viewer in self.viewers:
                                viewer.offer(revised)
                        else:
                            self._heard(message)
            except asyncio.CancelledError:
                raise
            except Exception:
                if stopping():  # asked to stop: an error on the way out must not retry
                    raise asyncio.CancelledError from None
                logger.exception("live channel %s failed; subscribing again", self.channel)
                await asyncio.sleep(1)

    def _heard(self, beat: PresenceBeat) -> None:
        loop = asyncio.get_running_loop()
        if beat.ttl <= 0 or not beat.viewers:
            self.present.pop(beat.process, None)
        else:
            self.present[beat.process] = (loop.time() + beat.ttl, beat.viewers)

    async def _keep_presence(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(PRESENCE_TICK)
            now = loop.time()
            local = sorted({(str(v.user.user_id), v.user.username) for v in self.viewers})
            if local != self.published or now - self.published_at > PRESENCE_BEAT:
                self.published, self.published_at = local, now
                self.present[self.feed.process] = (now + 3 * PRESENCE_BEAT, local)
                beat = PresenceBeat(self.feed.process, local, ttl=3 * PRESENCE_BEAT)
                try:
                    await self.feed.channels.wait_published(msgspec.json.encode(beat), self.channel)
                except Exception:
                    logger.warning("could not publish presence on %s", self.channel)
            for process, (expires, _) in list(self.present.items()):
                if expires < now:
                    del self.present[process]
            self._stop_stalled(now)
            merged = sorted({v for _, viewers in self.present.values() for v in viewers})
            if merged != self.merged:
                self.merged = merged
                self.presence_text = messages.text(
                    messages.Presence([messages.Present(u, name) for u, name in merged])
                )
                for viewer in self.viewers:
                    viewer.offer(None)

    def _stop_stalled(self, now: float) -> None:
        # one look per tick at every viewer, rather than a timer around every send
        for viewer in self.viewers:
            if viewer.sending_since and now - viewer.sending_since > self.feed.send_timeout:
                viewer.stall()


@dataclass(eq=False)
class LiveFeed:
    """One process's feed: a reader per watched investigation and the viewers it admits.
    The fields before `seated` are what it is given: where it reads and publishes, and its
    limits (held per viewer, how often it looks, how many it seats and lets wait at the door)."""

    queries: Queries
    channels: ChannelsPlugin
    _: KW_ONLY
    queue_size: int
    poll_seconds: float
    recheck_seconds: float
    send_timeout: float = 30.0
    page_size: int = 500
    max_viewers: int = 5000
    max_arriving: int = 500
    hello_timeout: float = 10.0
    seated: int = field(default=0, init=False)  # admitted viewers, until their session ends
    door: Door = field(init=False)
    process: str = field(default_factory=lambda: uuid.uuid4().hex, init=False)
    readers: dict[UUID, Reader] = field(default_factory=dict, init=False)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)

    def __post_init__(self) -> None:
        self.door = Door(self.max_arriving, self.hello_timeout)

    @contextlib.contextmanager
    def seat(self) -> Iterator[None]:
        """A place for one more viewer in this process while the block runs; FULL (raised)
        when `max_viewers` hold one already. Only an admitted viewer takes one (a socket that
        says nothing must not keep viewers out), with no wait between the count and the
        check, so that viewers admitted together cannot all pass it before any counts."""
        if self.seated >= self.max_viewers:
            raise FULL
        self.seated += 1
        try:
            yield
        finally:
            self.seated -= 1

    def wake_all(self) -> None:
        """After a lost connection: every reader looks at the log now."""
        for reader in self.readers.values():
            reader.wake.set()

    async def close(self) -> None:
        readers, self.readers = list(self.readers.values()), {}
        for reader in readers:
            await reader.stop()

    async def watch(
        self, investigation_id: UUID, viewer: Viewer, send: Send, still_allowed: StillAllowed
    ) -> None:
        """Send the viewer everything after its position, then live events, until the
        session ends (Closed) or the client goes away (the transport's error).
        `still_allowed(fresh)` raises Closed once the viewer may no longer watch (logged out,
        token expired, removed from the investigation), else says who the viewer is now
        (their party, role, observers' rights); it runs every `recheck_seconds`, and `fresh`
        when an event removes the viewer's user or changes what they may see (its answer
        must include that event; on the clock, an answer a second old will do)."""
        reader = await self._join(investigation_id, viewer)
        viewer.session = asyncio.current_task()
        try:
            await self._serve(reader, viewer, send, still_allowed)
        except asyncio.CancelledError:
            if not viewer.stalled or viewer.session is None:
                raise
            viewer.session.uncancel()  # cancelled by the reader's watch, not from outside
            raise TOO_SLOW from None
        finally:
            viewer.stop_alarm()
            await self._leave(reader, viewer)

    async def _join(self, investigation_id: UUID, viewer: Viewer) -> Reader:
        async with self._lock:
            reader = self.readers.get(investigation_id)
            if reader is None:
                reader = Reader(self, investigation_id)
                await reader.start()
                self.readers[investigation_id] = reader
            reader.viewers.add(viewer)
            return reader

    async def _leave(self, reader: Reader, viewer: Viewer) -> None:
        async with self._lock:
            reader.viewers.discard(viewer)
            last = not reader.viewers and self.readers.get(reader.investigation_id) is reader
            if last:
                del self.readers[reader.investigation_id]
        if last:  # outside the lock: others join and leave meanwhile
            await reader.stop()

    async def _serve(
        self, reader: Reader, viewer: Viewer, send: Send, still_allowed: StillAllowed
    ) -> None:
        loop = asyncio.get_running_loop()

        async def put(text: str) -> None:
            viewer.sending_since = loop.time()
            await send(text)
            viewer.sending_since = 0.0

        async def deliver(item: Delivery) -> None:
            if item.position <= viewer.position:
                return  # already sent (caught up from the log, or before an overflow)
            if item.changes_access in (viewer.user.user_id, ALL_VIEWERS):
                viewer.audience = await still_allowed(True)
            await put(item.text_for(viewer.audience))
            viewer.position = item.position
            LIVE_DELIVERIES.inc()

        async def catch_up() -> None:
            while True:
                events = await self.queries.events(
                    reader.investigation_id, viewer.position, self.page_size
                )
                if not events:
                    return
                # read after the events: restrictions set meanwhile apply to them too
                withholding = await self.queries.withholding(reader.investigation_id)
                for event in events:
                    await deliver(delivery_of(event, withholding))
                if len(events) < self.page_size:
                    return

        await catch_up()
        viewer.live = True
        await catch_up()  # whatever the reader delivered before we were live
        await put(messages.text(messages.CaughtUp(viewer.position)))
        await put(reader.presence_text)
        # checked on a clock, busy or not: a steady stream of events must not keep out the
        # check of a logged-out or removed viewer. The first check falls anywhere in the
        # interval, so viewers who connected together are not all checked in the same instant.
        recheck_at = loop.time() + self.recheck_seconds * random.uniform(0.5, 1.0)  # noqa: S311
        while True:
            await viewer.wait(recheck_at)
            # everything the reader offered meanwhile, in one wake-up
            while viewer.pending:
                item = viewer.pending.popleft()
                if item is None:
                    await put(reader.presence_text)
                elif isinstance(item, Revised):
                    if viewer.audience.may(Action.VIEW_LEGAL):
                        await put(item.text)
                else:
                    await deliver(item)
            if viewer.overflowed:
                await put(messages.text(messages.Overflow(viewer.position)))
                viewer.overflowed = False
                await catch_up()
                await put(reader.presence_text)
            if loop.time() >= recheck_at:
                viewer.audience = await still_allowed(False)
                recheck_at = loop.time() + self.recheck_seconds
