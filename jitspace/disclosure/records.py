"""The records a bundle's events describe, and the reading copy of them (report.html).

Both are rebuilt from the events alone, deterministically: the builder writes them and the
verifier rebuilds them to compare.
"""

from __future__ import annotations

import dataclasses
import gc
import html
import pickle
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any, NamedTuple
from uuid import UUID

import msgspec
from eventsourcing.persistence import Mapper, StoredEvent

from domain.admissibility.facts import CaseFile
from domain.authorisation import LegalAuthorisation
from domain.evidence import EvidenceItem
from domain.investigation import Investigation
from domain.task import Task
from jitspace.disclosure.contents import BundleEvent
from jitspace.documents.views import (
    authorisation_view,
    custody_view,
    evidence_view,
    explanation_view,
    investigation_view,
    task_view,
)
from projections.admissibility import fold
from projections.custody import chains_as_of


def rebuild_records(events: Iterable[BundleEvent], mapper: Mapper[UUID]) -> Records:
    """Replay the bundle's events into the records they describe (withheld ones excepted).
    One pass over the events, in log order, none of them kept: a stream serves as well as a
    list. The records are written out (to disk) as each becomes final, not held."""
    records = Records()
    try:
        with _collection_paused():
            _rebuilt(events, mapper, records)
    except BaseException:
        records.close()
        raise
    return records


@contextmanager
def _collection_paused() -> Iterator[None]:
    """Python's cycle collector paused while the records are built: it would otherwise
    walk every record built so far again and again (a third of the time of a replay of
    many records; their memory is freed as always, when nothing refers to it). It runs again
    afterwards, as it was, and finds then whatever cycles the replay made. The pause is the
    whole process's: in a server, the cycles other requests leave wait as long (seconds, for
    a long history), in memory; `jitspace.cli.settle_heap` makes the collector's walks rarer
    there, not shorter."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _rebuilt(events: Iterable[BundleEvent], mapper: Mapper[UUID], records: Records) -> None:
    withheld: set[UUID] = set()
    aggregates: dict[UUID, Any] = {}
    case = CaseFile()
    cells: dict[tuple[UUID, str], Any] = {}
    # the facts listed as recorded, kept on disk until their turn in records.json
    handling, consents = _Spool(), _Spool()
    records.closing(handling, consents)

    def domain_events() -> Iterator[Any]:
        """The events not withheld, as the domain's; each replayed into the records and the
        admissibility facts as it passes on to the chains of custody."""
        for event in events:
            if event.state is None:
                withheld.add(event.originator_id)
                continue
            domain_event: Any = mapper.to_domain_event(
                StoredEvent(
                    originator_id=event.originator_id,
                    originator_version=event.originator_version,
                    topic=event.topic,
                    state=event.state.encode(),
                )
            )
            record_id = domain_event.originator_id
            aggregates[record_id] = domain_event.mutate(aggregates.get(record_id))
            for row in fold(case, domain_event):
                cells[row.key] = row
            listed = _listed_as(domain_event.__class__)
            if listed is _HANDLING:
                handling.add(_handling_fact(domain_event))
            elif listed is not None:
                consents.add(_consent_fact(domain_event, listed))
            yield domain_event

    chains = chains_as_of(domain_events())

    def of_kind(kind: type) -> Iterator[tuple[UUID, Any]]:
        return (
            (record_id, a)
            for record_id, a in aggregates.items()
            if isinstance(a, kind) and record_id not in withheld
        )

    investigation = None
    for _, investigation in of_kind(Investigation):  # noqa: B007 (the last, as listed)
        pass
    records.value(
        "investigation", None if investigation is None else investigation_view(investigation)
    )

    def evidence() -> Iterator[Any]:
        for _, aggregate in of_kind(EvidenceItem):
            # withheld items are left out: the disclosing party may read the others whole
            owner = aggregates.get(aggregate.investigation_id)
            deletion = (
                aggregate.deletion_date(owner, aggregates.get)
                if isinstance(owner, Investigation)
                else None
            )
            yield evidence_view(aggregate, aggregate.country, deletion=deletion)

    records.listed("evidence", evidence())
    records.listed(
        "custody",
        (
            custody_view(evidence_id, chain, version)
            for evidence_id, (chain, version) in chains.items()
        ),
    )
    order = sorted(cells, key=lambda key: (cells[key].reference, str(key)))
    records.listed(
        "admissibility",
        (
            {"evidence_id": row.verdict.evidence_id, "reference": row.reference}
            | msgspec.to_builtins(explanation_view(row))
            for row in (cells[key] for key in order)
        ),
    )
    records.listed(
        "authorisations", (authorisation_view(a) for _, a in of_kind(LegalAuthorisation))
    )
    records.listed("consents_and_conditions", consents.read())
    records.listed("tasks", (task_view(a) for _, a in of_kind(Task)))
    records.listed("handling", handling.read())
    records.listed("withheld", sorted(str(i) for i in withheld))
    schedule = _disclosure_schedule(aggregates, withheld)
    if schedule:  # (a bundle made before schedules were kept has none, and no such key)
        records.listed("disclosure_schedule", schedule)
    records.end()


class _Spool:
    """Records listed as they are recorded, kept on disk until their turn comes: as many as
    the events, none held. Pickled (written and read back by this process only), so that
    each comes back exactly as it went (a tuple as a tuple: the report shows it as one)."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())

    def add(self, item: Any) -> None:
        pickle.dump(msgspec.to_builtins(item), self._file, protocol=pickle.HIGHEST_PROTOCOL)

    def read(self) -> Iterator[Any]:
        end = self._file.tell()
        self._file.seek(0)
        while self._file.tell() < end:
            yield pickle.load(self._file)  # noqa: S301 (this process's own, from its temporary file)

    def close(self) -> None:
        self._file.close()


class _Table(NamedTuple):
    """One of the report's tables: its title, its columns, and a record's cells by column."""

    title: str
    columns: Sequence[str]
    cells: Callable[[dict[str, Any], dict[str, str]], dict[str, Any]]


class Records:
    """The records rebuilt, written out as each becomes final: records.json's bytes and the
    report's tables of them, each on disk. Held: the investigation (for the report's head)
    and each item's reference (by which the report's tables name the items)."""

    def __init__(self) -> None:
        self._json = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        self._tables: dict[str, Any] = {}
        self._closing: list[Any] = []
        self._encoder = msgspec.json.Encoder()
        self._started = False
        self.investigation: dict[str, Any] | None = None
        self.references: dict[str, str] = {}

    def closing(self, *spools: _Spool) -> None:
        self._closing.extend(spools)

    def _key(self, key: str) -> None:
        self._json.write(b"," if self._started else b"{")
        self._started = True
        self._json.write(self._encoder.encode(key) + b":")

    def value(self, key: str, value: Any) -> None:
        builtins = msgspec.to_builtins(value)
        if key == "investigation":
            self.investigation = builtins
        self._key(key)
        self._json.write(self._encoder.encode(builtins))

    def listed(self, key: str, items: Iterable[Any]) -> None:
        """A list of records, each written (and rendered in its table) as it comes."""
        self._key(key)
        self._json.write(b"[")
        table = _TABLES.get(key)
        rows = None
        if table is not None:
            rows = self._tables[key] = tempfile.TemporaryFile()  # noqa: SIM115
        for n, item in enumerate(items):
            builtins = msgspec.to_builtins(item)
            if n:
                self._json.write(b",")
            self._json.write(self._encoder.encode(builtins))
            if key == "evidence":
                self.references[builtins["id"]] = builtins["reference"]
            if table is not None and rows is not None:
                cells = table.cells(builtins, self.references)
                rows.write(
                    (
                        "<tr>"
                        + "".join(
                            f"<td>{html.escape(_cell(cells.get(c)))}</td>" for c in table.columns
                        )
                        + "</tr>"
                    ).encode()
                )
        self._json.write(b"]")

    def end(self) -> None:
        self._json.write(b"}" if self._started else b"{}")

    def json(self, size: int = 1 << 20) -> Iterator[bytes]:
        """records.json, in pieces of about `size` bytes."""
        self._json.seek(0)
        while chunk := self._json.read(size):
            yield chunk

    def tables(self) -> Iterator[str | bytes]:
        """The report's tables of the records (but its members'), in the report's order."""
        e = html.escape
        for key, table in _TABLES.items():
            rows = self._tables.get(key)
            if rows is None:  # (no disclosure schedule: no such table)
                continue
            head = "".join(f"<th>{e(c)}</th>" for c in table.columns)
            yield f"<h2>{e(table.title)}</h2><table><tr>{head}</tr>"
            rows.seek(0)
            while chunk := rows.read(1 << 20):
                yield chunk
            yield "</table>"

    def close(self) -> None:
        self._json.close()
        for rows in self._tables.values():
            rows.close()
        for spool in self._closing:
            spool.close()

    def __enter__(self) -> Records:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


# the forensic and handling facts of items (domain/evidence_handling.py), listed as recorded
HANDLING_FACTS = (
    EvidenceItem.PrivilegeReviewed,
    EvidenceItem.SearchRecorded,
    EvidenceItem.ExaminationRecorded,
    EvidenceItem.CertificateRecorded,
    EvidenceItem.Translated,
    EvidenceItem.ProcessingLogRecorded,
    EvidenceItem.HashedElsewhere,
    EvidenceItem.VerifiedElsewhere,
)
_NOT_FACTS = {"originator_id", "originator_version", "timestamp", "investigation_id", "actor"}


def _handling_fact(e: Any) -> dict[str, Any]:
    """One forensic or handling fact: the item, what it is, when, and its fields."""
    fields = {f.name: getattr(e, f.name) for f in dataclasses.fields(e) if f.name not in _NOT_FACTS}
    return {
        "evidence_id": e.originator_id,
        "fact": type(e).__name__,
        "recorded_by": e.actor.country,
        **fields,
    }


def _disclosure_schedule(aggregates: dict[UUID, Any], withheld: set[UUID]) -> list[dict[str, Any]]:
    """Each item's steps on the forums' disclosure schedules, by reference, forum and date."""
    steps = [
        {
            "evidence_id": record_id,
            "reference": aggregate.reference,
            "country": country,
            "step": step.words,
            "occurred_at": at,
        }
        for record_id, aggregate in aggregates.items()
        if isinstance(aggregate, EvidenceItem) and record_id not in withheld
        for country, step, at in aggregate.disclosure_steps
    ]
    return sorted(steps, key=lambda s: (s["reference"], s["country"], s["occurred_at"]))


# the report's end, after its last row of events
REPORT_END = "</table></html>"


def report_row(event: BundleEvent) -> str:
    """The report's row of one event."""
    e = _escaped
    kind = event.topic.partition(":")[2]
    if event.state is None:
        recorded, who, what = "", "", "<em>withheld by its originating party</em>"
    else:
        state = msgspec.json.decode(event.state)
        actor = state.get("actor", {})
        recorded = e(str(state.get("timestamp", "")))
        who = e(f"{actor.get('country', '')} {actor.get('role', '')}")
        what = e(_summary(state))
    return (
        f"<tr><td>{event.position}</td><td>{recorded}</td><td>{e(kind)}</td>"
        f"<td>{who}</td><td>{what}</td></tr>"
    )


def _escaped(text: str) -> str:
    """`html.escape(text)`, but for text with nothing to escape, as most is (times, kinds
    of events, parties): given back as it is, found by one search rather than five
    replacements."""
    return html.escape(text) if _TO_ESCAPE.search(text) else text


_TO_ESCAPE = re.compile("[&<>\"']")


class ReportRows:
    """The report's rows of events, written to a temporary file as the events pass (the
    rows are as many as the events: none is held), then the report read out whole: its
    head (the records), the rows, its end. The same for the builder and the verifier."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        self._pending: list[str] = []

    def add(self, event: BundleEvent) -> None:
        self._pending.append(report_row(event))
        if len(self._pending) >= _ROWS_HELD:
            self._flush()

    def passing(self, events: Iterable[BundleEvent]) -> Iterator[BundleEvent]:
        """The events, each added as it passes on."""
        for event in events:
            self.add(event)
            yield event

    def _flush(self) -> None:
        self._file.write("".join(self._pending).encode())
        self._pending.clear()

    def report(self, manifest_fields: dict[str, Any], records: Records) -> Iterator[bytes]:
        """The report in pieces of about 1 MiB: deterministic, so that the verifier can
        render it again and compare."""
        self._flush()
        for part in report_head(manifest_fields, records):
            yield part.encode() if isinstance(part, str) else part
        self._file.seek(0)
        while chunk := self._file.read(1 << 20):
            yield chunk
        yield REPORT_END.encode()

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> ReportRows:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


# rows rendered before they are written out together
_ROWS_HELD = 256


def report_head(manifest_fields: dict[str, Any], records: Records) -> Iterator[str | bytes]:
    """The report up to its table of events' first row, in pieces."""
    e = html.escape
    investigation = records.investigation or {}
    parties = ", ".join(
        f"{p['country']} ({p['lead_authority']})" for p in investigation.get("parties", [])
    )
    columns = ("name", "country", "role")
    members = "".join(
        "<tr>" + "".join(f"<td>{e(_cell(m.get(c)))}</td>" for c in columns) + "</tr>"
        for m in investigation.get("members", [])
    )
    yield (
        "<!doctype html><html lang=en><meta charset=utf-8>"
        f"<title>Disclosure: {e(str(manifest_fields['investigation_name']))}</title>"
        "<style>body{font:14px/1.4 sans-serif;margin:2em;max-width:70em}"
        "table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;padding:2px 6px;"
        "text-align:left;vertical-align:top}th{background:#eee}</style>"
        f"<h1>Disclosure: {e(str(manifest_fields['investigation_name']))}</h1>"
        f"<p>Investigation {e(str(manifest_fields['investigation_id']))}; parties: {e(parties)}."
        f"<br>History up to log position {manifest_fields['up_to_position']}"
        f"{' (as of ' + e(str(manifest_fields['as_of'])) + ')' if manifest_fields['as_of'] else ''}"
        f"; {manifest_fields['events']} events, {manifest_fields['withheld']} withheld."
        f"<br>Produced at {e(str(manifest_fields['produced_at']))} by "
        f"{e(str(manifest_fields['produced_by']))} for: {e(str(manifest_fields['purpose']))}.</p>"
        "<p>Check this bundle without trusting its publisher: <code>jitspace verify "
        "BUNDLE.zip --public-key PUBLISHER.pem</code>. It checks every event against the hash "
        "chain and the signed checkpoint, every file against the signed manifest, and rebuilds "
        "the records and this report from the events.</p>"
        "<h2>Members</h2><table><tr>"
        + "".join(f"<th>{e(c)}</th>" for c in columns)
        + f"</tr>{members}</table>"
    )
    yield from records.tables()
    yield (
        "<h2>Events</h2><table><tr><th>position</th><th>recorded</th><th>event</th>"
        "<th>by</th><th>facts</th></tr>"
    )


def _reference(item: dict[str, Any], references: dict[str, str]) -> str:
    evidence_id: str = item["evidence_id"]
    return references.get(evidence_id, evidence_id)


# the report's tables of the records, in its order, by the records' key: what each row shows
_TABLES: dict[str, _Table] = {
    "evidence": _Table(
        "Evidence",
        ("reference", "country", "kind", "description", "collected_at", "authorisation_id"),
        lambda item, _: item,
    ),
    "custody": _Table(
        "Chain of custody (risk flags for lawyers, not rulings: the court decides)",
        ("reference", "status", "holding party", "integrity", "defects"),
        lambda c, refs: {
            "reference": _reference(c, refs),
            "status": c["status"],
            "holding party": c["holding_country"],
            "integrity": c["integrity"],
            "defects": "; ".join(d["message"] for d in c["defects"]) or "none",
        },
    ),
    "admissibility": _Table(
        "Admissibility per country (risk flags for lawyers, not rulings: the court decides)",
        ("reference", "country", "verdict", "reasons"),
        lambda v, _: {
            "reference": v["reference"],
            "country": v["country"],
            "verdict": v["verdict"],
            "reasons": "; ".join(
                f"{r['rule']} {r['outcome']}: {r['reason']}"
                for r in v["results"]
                if r["outcome"] != "PASS"
            )
            or "no rule flags it",
        },
    ),
    "authorisations": _Table(
        "Legal authorisations",
        (
            "reference",
            "kind",
            "country",
            "authority",
            "valid_from",
            "valid_until",
            "revoked_at",
            "notifications",
            "entrusted",
            "formalities",
        ),
        lambda a, _: (
            a
            | {
                "notifications": _notifications(a.get("notifications", [])),
                "entrusted": _entrustments(a.get("entrustments", [])),
                "formalities": _formalities(a.get("formalities", [])),
            }
        ),
    ),
    "consents_and_conditions": _Table(
        "Consents and the sender's conditions",
        ("reference", "fact", "by", "for", "purpose", "offence", "terms", "occurred_at"),
        lambda c, refs: c | {"reference": _reference(c, refs)},
    ),
    "handling": _Table(
        "Searches, examinations, reviews, certificates, translations, processing logs and "
        "hashes made elsewhere",
        ("reference", "fact", "when", "facts"),
        lambda f, refs: {
            "reference": _reference(f, refs),
            "fact": f["fact"],
            "when": f.get("occurred_at"),
            "facts": "; ".join(
                f"{k}: {_cell(v)}"
                for k, v in f.items()
                if k not in ("evidence_id", "fact", "occurred_at")
            ),
        },
    ),
    "disclosure_schedule": _Table(
        "Disclosure schedules", ("reference", "country", "step", "occurred_at"), lambda s, _: s
    ),
    "tasks": _Table("Tasks", ("title", "status", "due_on"), lambda t, _: t),
}


def _notifications(notices: Iterable[dict[str, Any]]) -> str:
    """What is on record of notifying other states (EIO Art. 31), in words."""
    said: list[str] = []
    for n in notices:
        facts = [
            f"{label} {n[key]}"
            for key, label in (
                ("sent_at", "sent"),
                ("received_at", "received"),
                ("objected_at", "objection"),
                ("not_made_at", "none made, recorded"),
            )
            if n.get(key)
        ]
        if n.get("objection_covers"):
            facts.append(f"objection covers {n['objection_covers']}")
        if n.get("not_made_reason"):
            facts.append(f"why none: {n['not_made_reason']}")
        said.append(f"{n['country']}: {', '.join(facts)}")
    return "; ".join(said) or "none"


# an item's facts of consent and conditions, as the bundle's records name them
_CONSENT_FACTS: dict[str, str] = {
    "ConsentRequested": "consent requested",
    "ConsentGranted": "consent granted",
    "ConsentRefused": "consent refused",
    "ConsentWithdrawn": "consent withdrawn",
    "ConditionAttached": "condition attached",
    "ConditionMet": "condition met",
    "ConditionLifted": "condition lifted",
    "SentOnward": "sent on outside the JIT",
}


_HANDLING = "handling"


@cache
def _listed_as(cls: type) -> str | None:
    """How the records list an event of this class, besides the record it changes: as a
    handling fact (`_HANDLING`), as that fact of consent or conditions, or not (None)."""
    if issubclass(cls, HANDLING_FACTS):
        return _HANDLING
    if issubclass(cls, EvidenceItem.Event):
        return _CONSENT_FACTS.get(cls.__name__)
    return None


def _consent_fact(e: Any, fact: str) -> dict[str, Any]:
    """A consent asked, given, refused or withdrawn, a condition attached, met or lifted, or
    a transfer on outside the JIT (`fact`), as the bundle's records list it."""
    number = getattr(e, "number", None)
    terms = " ".join(
        str(t)
        for t in (
            f"condition {number}:" if number else "",
            getattr(e, "kind", ""),
            getattr(e, "text", "") or getattr(e, "conditions", ""),
            getattr(e, "recipient", ""),
            getattr(e, "reason", "") or getattr(e, "note", ""),
        )
        if t
    )
    return {
        "evidence_id": str(e.originator_id),
        "fact": fact,
        "by": e.actor.country,
        "for": getattr(e, "to_country", ""),
        "purpose": str(getattr(e, "purpose", "")),
        "offence": getattr(e, "offence", ""),
        "terms": terms,
        "occurred_at": getattr(e, "occurred_at", e.timestamp).isoformat(),
    }


def _entrustments(entrustments: Iterable[dict[str, Any]]) -> str:
    """A seconded member's measure entrusted by the host state (AU-09), in words."""
    return (
        "; ".join(
            f"to {t['to_country']} by {t['entrusted_by']} on {t['entrusted_at']}, "
            + ("allowed" if t["allowed_by_host_law"] else "not allowed")
            + " by the host state's law"
            for t in entrustments
        )
        or "none"
    )


def _formalities(formalities: Iterable[dict[str, Any]]) -> str:
    """The formalities forums asked for and whether they were met (AU-11), in words."""
    said = []
    for f in formalities:
        met = f.get("met")
        state = (
            "not reported"
            if met is None
            else "met"
            if met
            else f"not met ({f.get('reason') or 'no reason given'})"
        )
        said.append(f"{f['formality']} asked by {f['by_country']} ({f['requested_by']}): {state}")
    return "; ".join(said) or "none"


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def _summary(state: dict[str, Any]) -> str:
    skip = {"timestamp", "actor", "investigation_id", "originator_topic", "class_version"}
    return "; ".join(f"{k}: {v}" for k, v in state.items() if k not in skip)[:500]
