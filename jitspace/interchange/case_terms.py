"""The CASE/UCO terms JITspace writes and reads (CASE 1.5.0 and UCO 1.4.0, the release the
`case_validate` tool of case-utils 0.18 checks against), and how JITspace's own facts that
CASE has no property for travel in a graph: as tags (`uco-core:tag`) with a prefix."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid5

CONTEXT: dict[str, str] = {
    "kb": "urn:jitspace:kb:",
    "case-investigation": "https://ontology.caseontology.org/case/investigation/",
    "uco-action": "https://ontology.unifiedcyberontology.org/uco/action/",
    "uco-core": "https://ontology.unifiedcyberontology.org/uco/core/",
    "uco-identity": "https://ontology.unifiedcyberontology.org/uco/identity/",
    "uco-location": "https://ontology.unifiedcyberontology.org/uco/location/",
    "uco-observable": "https://ontology.unifiedcyberontology.org/uco/observable/",
    "uco-types": "https://ontology.unifiedcyberontology.org/uco/types/",
    "uco-vocabulary": "https://ontology.unifiedcyberontology.org/uco/vocabulary/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

# the IRIs (expanded) of what the import reads
UCO_CORE = CONTEXT["uco-core"]
UCO_OBSERVABLE = CONTEXT["uco-observable"]
UCO_ACTION = CONTEXT["uco-action"]
UCO_TYPES = CONTEXT["uco-types"]
UCO_IDENTITY = CONTEXT["uco-identity"]
UCO_LOCATION = CONTEXT["uco-location"]
CASE_INVESTIGATION = CONTEXT["case-investigation"]

# JITspace's facts without a CASE property, as tags of the node they describe
KIND_TAG = "jitspace-kind:"  # an item's kind (EvidenceKind), on the item
PARTY_TAG = "jitspace-party:"  # a party's country code, on its Organization
# the name of the action that collected an item (its Registered event)
COLLECTION = "Collected when registered"
# how a file lies in the item it belongs to
CONTAINED_WITHIN = "Contained_Within"


# UCO before 1.0 named its terms so (CASE 0.x documents, as older tools write them): read as
# the same terms
OLD_UCO = "https://unifiedcyberontology.org/ontology/uco/"
UCO = "https://ontology.unifiedcyberontology.org/uco/"


def current_iri(iri: str) -> str:
    """The IRI as UCO 1.x names it (`.../uco/core#name` → `.../uco/core/name`)."""
    if iri.startswith(OLD_UCO):
        return UCO + iri.removeprefix(OLD_UCO).replace("#", "/", 1)
    return iri


def node_id(kind: str, *names: object) -> str:
    """A stable `@id` ending in a UUID (as UCO asks) for a node derived from JITspace's ids."""
    return f"kb:{kind}-{uuid5(UUID(int=0), '/'.join(str(n) for n in names))}"


def reference(node_id: str) -> dict[str, Any]:
    return {"@id": node_id}


def typed(datatype: str, value: str) -> dict[str, Any]:
    return {"@type": datatype, "@value": value}
