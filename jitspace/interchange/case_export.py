"""An investigation's evidence as CASE/UCO JSON-LD, the graph forensic tools exchange.

What a member may read, now or as of a point of the log (`Reading`, the one read of every
channel, so the same withholding applies): the items of parties whose handling restrictions
let the member's party read them (the others are left out whole: their reference, kind and
files alone would say what they are), with

- each item as a `uco-observable:ObservableObject` (name: its reference; description; kind as
  a tag), created by its party (`uco-identity:Organization`);
- each of its files as a `uco-observable:File` with a FileFacet (name, size) and a
  ContentDataFacet (size, media type, SHA-256 as a `uco-types:Hash`), contained within the
  item (`uco-observable:ObservableRelationship`);
- its chain of custody as a `case-investigation:ProvenanceRecord` (exhibit number: the
  reference) and one `case-investigation:InvestigativeAction` per step (its collection, seal,
  handover, transfer, receipt, storage, return, destruction), performed by a
  `uco-identity:Person` (by name) at its `occurred_at` (`uco-action:startTime`);
- what it was made from as an InvestigativeAction named by the relation (a copy, an
  extraction...), its object the parent, its result the item.

The document is written node by node (`case_chunks`): an investigation's items need not fit in
memory as one graph.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec

from jitspace.documents.custody import CustodyChain, CustodyEntry
from jitspace.documents.evidence import Evidence, EvidenceFileOut, EvidenceSummary
from jitspace.documents.investigations import Investigation
from jitspace.interchange.case_terms import (
    COLLECTION,
    CONTAINED_WITHIN,
    CONTEXT,
    KIND_TAG,
    PARTY_TAG,
    node_id,
    reference,
    typed,
)
from jitspace.reads.records import Reading
from jitspace.reads.withholding import Audience

# the custody steps written as actions, with the name each action takes
CUSTODY_ACTIONS = {
    "Collected": "Taken into custody",
    "Sealed": "Sealed",
    "SealOpened": "Seal opened",
    "HandedOver": "Handed over",
    "TransferredToParty": "Transferred to another party",
    "Received": "Received",
    "Stored": "Stored",
    "Returned": "Returned",
    "Destroyed": "Destroyed",
}
MEDIA_TYPE = "application/ld+json"


async def case_chunks(reading: Reading, audience: Audience) -> AsyncIterator[bytes]:
    """The JSON-LD document, a node at a time, as `audience` may read it. The
    investigation and its register are read first: a refusal (an `as_of` before it was
    opened) is an answer of its own, not a document broken off."""
    investigation = await reading.investigation()
    register = await reading.evidence_register(audience.country)
    return _chunks(reading, audience, investigation, register)


async def _chunks(
    reading: Reading,
    audience: Audience,
    investigation: Investigation,
    register: list[EvidenceSummary],
) -> AsyncIterator[bytes]:
    names = {m.user_id: m.name for m in investigation.members}
    yield b'{"@context":' + msgspec.json.encode(CONTEXT) + b',"@graph":['
    first = True
    for node in _parties(investigation):
        yield (b"" if first else b",") + msgspec.json.encode(node)
        first = False
    people: set[str] = set()
    exported = {s.id for s in register if "description" not in s.withheld}
    for summary in register:
        if summary.id not in exported:
            continue
        item = await reading.evidence(summary.id, audience)
        chain = await reading.custody(summary.id, audience.country)
        lineage = await reading.lineage(summary.id, audience.country)
        nodes = list(_item_nodes(item, investigation.id))
        nodes += _custody_nodes(item, chain, names, people)
        for entry in lineage.items:
            if entry.item.id == item.id and entry.parent_id in exported and entry.relation:
                nodes.append(_derivation(item, entry.parent_id, entry.relation.value))
        for node in nodes:
            yield b"," + msgspec.json.encode(node)
    yield b"]}\n"


def _parties(investigation: Investigation) -> list[dict[str, Any]]:
    return [
        {
            "@id": _party_id(investigation.id, party.country),
            "@type": "uco-identity:Organization",
            "uco-core:name": party.name,
            "uco-core:description": party.lead_authority,
            "uco-core:tag": [PARTY_TAG + party.country],
        }
        for party in investigation.parties
    ]


def _item_nodes(item: Evidence, investigation_id: UUID) -> list[dict[str, Any]]:
    item_id = _item_id(item.id)
    nodes: list[dict[str, Any]] = [
        {
            "@id": item_id,
            "@type": "uco-observable:ObservableObject",
            "uco-core:name": item.reference,
            "uco-core:description": item.description or "",
            "uco-core:tag": [KIND_TAG + item.kind.value],
            "uco-core:createdBy": reference(_party_id(investigation_id, item.country)),
            "uco-core:objectCreatedTime": _time(item.registered_at),
        }
    ]
    for file in item.files:
        file_id = node_id("file", file.id)
        nodes.append(_file(file_id, file))
        nodes.append(
            {
                "@id": node_id("relationship", file.id),
                "@type": "uco-observable:ObservableRelationship",
                "uco-core:source": reference(file_id),
                "uco-core:target": reference(item_id),
                "uco-core:isDirectional": True,
                "uco-core:kindOfRelationship": CONTAINED_WITHIN,
            }
        )
    return nodes


def _file(file_id: str, file: EvidenceFileOut) -> dict[str, Any]:
    facet: dict[str, Any] = {
        "@id": node_id("file-facet", file.id),
        "@type": "uco-observable:FileFacet",
        "uco-observable:sizeInBytes": file.size,
    }
    if file.name is not None:
        facet["uco-observable:fileName"] = file.name
    return {
        "@id": file_id,
        "@type": "uco-observable:File",
        "uco-core:hasFacet": [
            facet,
            {
                "@id": node_id("content-data-facet", file.id),
                "@type": "uco-observable:ContentDataFacet",
                "uco-observable:sizeInBytes": file.size,
                "uco-observable:mimeType": file.media_type,
                "uco-observable:hash": [
                    {
                        "@id": node_id("hash", file.id),
                        "@type": "uco-types:Hash",
                        "uco-types:hashMethod": "SHA256",
                        "uco-types:hashValue": typed("xsd:hexBinary", file.sha256.upper()),
                    }
                ],
            },
        ],
    }


def _custody_nodes(
    item: Evidence, chain: CustodyChain | None, names: dict[UUID, str], people: set[str]
) -> list[dict[str, Any]]:
    """The provenance record of the item and the actions of its custody, its collection
    first (by whom the register says collected it)."""
    item_id = _item_id(item.id)
    record_id = node_id("provenance-record", item.id)
    nodes: list[dict[str, Any]] = [
        {
            "@id": record_id,
            "@type": "case-investigation:ProvenanceRecord",
            "case-investigation:exhibitNumber": item.reference,
            "uco-core:object": [reference(item_id)]
            + [reference(node_id("file", f.id)) for f in item.files],
        }
    ]
    collection: dict[str, Any] = {
        "@id": node_id("action", item.id, "registered"),
        "@type": "case-investigation:InvestigativeAction",
        "uco-core:name": COLLECTION,
        "uco-core:description": item.method,
        "uco-action:startTime": _time(item.collected_at),
        "uco-action:performer": reference(_person(item.collected_by, nodes, people)),
        "uco-action:result": [reference(item_id), reference(record_id)],
    }
    if item.place is not None:
        place = node_id("location", item.id)
        nodes.append({"@id": place, "@type": "uco-location:Location", "uco-core:name": item.place})
        collection["uco-action:location"] = reference(place)
    nodes.append(collection)
    for entry in chain.entries if chain else []:
        if entry.kind in CUSTODY_ACTIONS:
            nodes.append(_custody_action(item, entry, record_id, names, nodes, people))
    return nodes


def _custody_action(
    item: Evidence,
    entry: CustodyEntry,
    record_id: str,
    names: dict[UUID, str],
    nodes: list[dict[str, Any]],
    people: set[str],
) -> dict[str, Any]:
    performer = names.get(entry.actor_id, f"member {entry.actor_id}")
    action: dict[str, Any] = {
        "@id": node_id("action", item.id, entry.version),
        "@type": "case-investigation:InvestigativeAction",
        "uco-core:name": CUSTODY_ACTIONS[entry.kind],
        "uco-action:startTime": _time(entry.occurred_at),
        "uco-action:performer": reference(_person(performer, nodes, people)),
        "uco-action:object": [reference(_item_id(item.id))],
        "uco-action:result": [reference(record_id)],
    }
    recipient = entry.details.get("recipient_id")
    if recipient is not None:
        name = names.get(UUID(str(recipient)), f"member {recipient}")
        action["uco-action:participant"] = [reference(_person(name, nodes, people))]
    return action


def _derivation(item: Evidence, parent_id: UUID, relation: str) -> dict[str, Any]:
    return {
        "@id": node_id("action", item.id, "derived"),
        "@type": "case-investigation:InvestigativeAction",
        "uco-core:name": relation,
        "uco-action:object": [reference(_item_id(parent_id))],
        "uco-action:result": [reference(_item_id(item.id))],
    }


def _person(name: str, nodes: list[dict[str, Any]], people: set[str]) -> str:
    """The Person node of a name, added to `nodes` the first time the document names them."""
    person = node_id("person", name)
    if person not in people:
        people.add(person)
        nodes.append({"@id": person, "@type": "uco-identity:Person", "uco-core:name": name})
    return person


def _item_id(item_id: UUID) -> str:
    return node_id("evidence", item_id)


def _party_id(investigation_id: UUID, country: str) -> str:
    return node_id("organization", investigation_id, country)


def _time(moment: datetime) -> dict[str, Any]:
    return typed("xsd:dateTime", moment.isoformat())
