"""The disclosure use case: bundle an investigation's history up to a point, hand it out,
and record that it was handed out.

Reading the ledger (`_signed_entries`), building the bundle (jitspace/disclosure/building.py,
with what the discloser may not see withheld), and recording the disclosure (retried if the
investigation changed meanwhile) are each a step of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from uuid import UUID

import msgspec
from eventsourcing.utils import get_topic

from domain.commands import Disclose, RecordDisclosure
from domain.errors import RuleViolation
from domain.evidence import EvidenceItem
from domain.investigation import Investigation
from domain.values import Actor
from jitspace.disclosure.building import BundleContent, build_bundle
from jitspace.ledger.checkpoints import Checkpoint, Ledger
from jitspace.ledger.verification import Entry
from jitspace.reads.withholding import Audience, read_with
from jitspace.services.base import VersionConflict, Workspace

ReadFile = Callable[[str], Iterable[bytes]]
Progress = Callable[[int], None]  # how many events of the bundle are written so far
# a member added while the bundle was built must not void it: recording it is tried again
ATTEMPTS = 3


class Disclosure(Workspace):
    def disclose(
        self,
        user_id: UUID,
        command: Disclose,
        *,
        ledger: Ledger,
        read_file: ReadFile | None = None,
        progress: Progress | None = None,
    ) -> BundleContent:
        """Bundle the investigation's history up to a point, and record that it was disclosed;
        the evidence files go in with `read_file` (storage key -> bytes) if the command asks.
        `progress` hears how many events are written so far."""
        investigation, actor = self._acting(user_id, command.investigation_id, allow_closed=True)
        investigation.check_may_disclose(actor)
        check_disclosable(investigation, command)
        entries, checkpoint = _signed_entries(ledger, command)
        up_to = checkpoint.fields.position

        def registered() -> Iterator[Entry]:
            return ledger.entries(command.investigation_id, up_to=up_to, topic=REGISTERED)

        files = read_file if command.include_files else None
        bundle = self._bundle(
            investigation, actor, command, entries, registered, checkpoint, ledger, files, progress
        )
        try:
            disclosed = disclosure_of(command, bundle, checkpoint)
            self._record_disclosure(user_id, investigation, actor, disclosed)
        except BaseException:
            bundle.file.close()  # the bundle is not handed out: its temporary file goes
            raise
        return bundle

    def _bundle(
        self,
        investigation: Investigation,
        actor: Actor,
        command: Disclose,
        entries: Callable[[], Iterator[Entry]],
        registered_entries: Callable[[], Iterator[Entry]],
        checkpoint: Checkpoint,
        ledger: Ledger,
        read_file: ReadFile | None,
        progress: Progress | None,
    ) -> BundleContent:
        # the items registered, as recorded: what is withheld is decided by them (read
        # first, alone; the bundle is built from the whole stream)
        registered = list(registered_entries())
        return build_bundle(
            entries=entries(),
            checkpoint=checkpoint,
            mapper=self.mapper,
            sign=ledger.key.sign,
            withhold=self._withholding(investigation, actor, command, registered),
            investigation_id=investigation.id,
            investigation_name=investigation.name,
            as_of=command.as_of,
            produced_by=_produced_by(investigation, actor),
            purpose=command.purpose,
            read_file=read_file,
            withheld_files=self._undownloadable_files(registered, actor.country),
            progress=progress,
        )

    def _withholding(
        self, investigation: Investigation, actor: Actor, command: Disclose, entries: list[Entry]
    ) -> Callable[[Entry], bool]:
        """Whether the bundle withholds an entry: one of the items withheld, or what the
        discloser may not see of the legal file (by the rule of every channel)."""
        withheld = self._withheld_items(entries, actor.country, command.withhold_parties)
        audience = Audience(actor.country, actor.role, investigation.observer_rights)
        readable: dict[str, bool] = {}  # topic -> whether the audience reads its events whole
        return lambda entry: withholds(entry, withheld, audience, readable)

    def _record_disclosure(
        self, user_id: UUID, investigation: Investigation, actor: Actor, disclosed: RecordDisclosure
    ) -> None:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                investigation.record_disclosure(actor, disclosed)
                self._save(investigation)
                return
            except VersionConflict:
                if attempt == ATTEMPTS:
                    raise
                investigation, actor = self._acting(user_id, investigation.id, allow_closed=True)

    def _withheld_items(
        self, entries: list[Entry], country: str, parties: frozenset[str]
    ) -> set[UUID]:
        """The items whose events are withheld: those originated by one of `parties`, and
        those whose originating party does not let `country` read them (handling
        restrictions in force now: they say who may read the item, its past included)."""
        originated = (
            {e.originator_id for e in entries if originating_party(e) in parties}
            if parties
            else set()
        )
        unreadable = {item.id for item in self._items(entries) if not item.may_read(country)}
        return originated | unreadable

    def _undownloadable_files(self, entries: list[Entry], country: str) -> frozenset[str]:
        """The files (SHA-256) of items whose originator does not let `country` have them,
        and of items whose files were deleted under retention (the store holds them no more:
        the bundle's events say they were deleted)."""
        return frozenset(
            file.sha256
            for item in self._items(entries)
            if not item.may_download(country) or item.retention_deletion is not None
            for file in item.files.values()
        )

    def _items(self, entries: list[Entry]) -> list[EvidenceItem]:
        """The evidence items registered in `entries`, as they are now."""
        items = (
            self._find(EvidenceItem, e.originator_id) for e in entries if e.topic == REGISTERED
        )
        return [item for item in items if item is not None]


REGISTERED = get_topic(EvidenceItem.Registered)


def check_disclosable(investigation: Investigation, command: Disclose) -> None:
    """The command names one point of the history, and parties of the investigation."""
    if command.as_of is not None and command.up_to_position is not None:
        raise RuleViolation(
            "a bundle stops at a time (as_of) or at a log position (up_to_position): "
            "give one of them, not both",
            field="up_to_position",
        )
    if strangers := sorted(command.withhold_parties - investigation.parties.keys()):
        raise RuleViolation(
            f"{', '.join(strangers)}: not a party of this investigation, whose parties are "
            f"{', '.join(sorted(investigation.parties))}",
            field="withhold_parties",
        )


def _signed_entries(
    ledger: Ledger, command: Disclose
) -> tuple[Callable[[], Iterator[Entry]], Checkpoint]:
    """The investigation's stored events up to the point the command names (streamed from
    the log, each time they are asked for), and a signed checkpoint of its chain there."""
    position = ledger.position_as_of(
        command.investigation_id, command.as_of, command.up_to_position
    )
    if position == 0:
        raise RuleViolation(
            "nothing had been recorded in this investigation by then: there is nothing to disclose",
            field="as_of" if command.as_of is not None else "up_to_position",
        )
    checkpoint = ledger.checkpoint(command.investigation_id, up_to=position)
    up_to = checkpoint.fields.position
    return lambda: ledger.entries(command.investigation_id, up_to=up_to), checkpoint


def disclosure_of(
    command: Disclose, bundle: BundleContent, checkpoint: Checkpoint
) -> RecordDisclosure:
    """What the investigation records of a bundle handed out."""
    return RecordDisclosure(
        investigation_id=command.investigation_id,
        purpose=command.purpose,
        as_of=command.as_of,
        up_to_position=bundle.manifest.up_to_position,
        head_hash=checkpoint.fields.head_hash,
        bundle_sha256=bundle.sha256,
        events=bundle.manifest.events,
        withheld=bundle.manifest.withheld,
    )


def originating_party(entry: Entry) -> str | None:
    """The party that registered an item, read from its stored Registered event (None for
    any other event)."""
    if entry.topic != REGISTERED or entry.state is None:
        return None
    country: str | None = msgspec.json.decode(entry.state).get("country")
    return country


def withholds(
    entry: Entry, withheld: set[UUID], audience: Audience, readable: dict[str, bool]
) -> bool:
    """Whether the bundle withholds an event: one of a withheld item, or one the discloser
    may not read. `readable` remembers, for each topic, whether the discloser reads its
    events (asked once a topic, not once an event)."""
    if entry.originator_id in withheld:
        return True
    may_read = readable.get(entry.topic)
    if may_read is None:
        may_read = readable[entry.topic] = audience.may(read_with(entry.topic.partition(":")[2]))
    return not may_read


def _produced_by(investigation: Investigation, actor: Actor) -> str:
    name = investigation.members[actor.user_id].name
    return f"{name} ({actor.country} {actor.role.value}, user {actor.user_id})"
