"""A CASE/UCO JSON-LD document read as a graph of nodes, each with the place it was found.

Only what CASE documents use is understood: a `@context` of prefixes and terms (no remote
contexts), a `@graph` of nodes (or a single node, or a list), nodes embedded in others
(facets, hashes), references `{"@id": ...}` and typed values `{"@value": ...}`. Terms are
expanded to IRIs, and the IRIs of UCO before 1.0 read as UCO 1.x's (`case_terms`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from domain.errors import Violations
from jitspace.interchange.case_terms import current_iri

RDF_TYPE = "@type"


@dataclass
class Node:
    """One node of the graph: its `@id` (as the document wrote it; embedded nodes may have
    none), where the document holds it (`path`), its types and its properties (IRIs)."""

    id: str
    path: str
    types: set[str]
    properties: dict[str, list[Any]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """How a problem names the node: its `@id` and where it is."""
        return f"{self.path} ({self.id})" if self.id else self.path

    def values(self, iri: str) -> list[Any]:
        return self.properties.get(iri, [])

    def text(self, iri: str) -> str | None:
        """The property's first value as text (a literal, or a typed value's `@value`)."""
        for value in self.values(iri):
            if isinstance(value, Literal):
                return value.value
        return None

    def references(self, iri: str) -> list[str]:
        """The `@id`s the property refers to (a reference or an embedded node with an id)."""
        return [
            v.id if isinstance(v, Node) else v.target
            for v in self.values(iri)
            if isinstance(v, Reference) or (isinstance(v, Node) and v.id)
        ]

    def nodes(self, iri: str) -> list[Node]:
        """The nodes embedded in the property (facets, hashes)."""
        return [v for v in self.values(iri) if isinstance(v, Node)]


@dataclass(frozen=True)
class Reference:
    target: str


@dataclass(frozen=True)
class Literal:
    value: str
    datatype: str = ""


class CaseGraph:
    """Every node of the document with an `@id`, by id, and the top-level nodes in order."""

    def __init__(self, nodes: list[Node]) -> None:
        self.top = nodes
        self.by_id: dict[str, Node] = {}
        for node in nodes:
            self._index(node)

    def _index(self, node: Node) -> None:
        if node.id and node.id not in self.by_id:
            self.by_id[node.id] = node
        for values in node.properties.values():
            for value in values:
                if isinstance(value, Node):
                    self._index(value)

    def of_type(self, iri: str) -> list[Node]:
        return [n for n in self.by_id.values() if iri in n.types]

    @classmethod
    def read(cls, text: bytes) -> CaseGraph:
        """The graph of a JSON-LD document; Violations naming where it is broken."""
        try:
            document = json.loads(text)
        except UnicodeDecodeError:
            raise Violations(
                "the document is not JSON-LD", [("document", "the document is not UTF-8 text")]
            ) from None
        except json.JSONDecodeError as broken:
            raise Violations(
                "the document is not JSON-LD",
                [
                    (
                        "document",
                        f"broken JSON at line {broken.lineno}, column {broken.colno}: {broken.msg}",
                    )
                ],
            ) from None
        except RecursionError:
            raise Violations(
                "the document is not JSON-LD", [("document", "the JSON is nested too deeply")]
            ) from None
        reader = _Reader()
        try:
            top = reader.top(document)
        except RecursionError:
            raise Violations(
                "the document is not JSON-LD", [("document", "the nodes are nested too deeply")]
            ) from None
        if reader.problems:
            raise Violations("the JSON-LD document cannot be read", reader.problems)
        return cls(top)


class _Reader:
    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []
        self.prefixes: dict[str, str] = {}
        self.vocab = ""

    def top(self, document: Any) -> list[Node]:
        if isinstance(document, list):
            return self._nodes(document, "$")
        if not isinstance(document, dict):
            self.problems.append(("$", "a JSON-LD document is an object or a list of nodes"))
            return []
        self._context(document.get("@context"), '$["@context"]')
        if "@graph" in document:
            graph = document["@graph"]
            if not isinstance(graph, list):
                self.problems.append(('$["@graph"]', "@graph is a list of nodes"))
                return []
            return self._nodes(graph, '$["@graph"]')
        return [self._node(document, "$")]

    def _context(self, context: Any, path: str) -> None:
        for index, part in enumerate(context if isinstance(context, list) else [context]):
            where = f"{path}[{index}]" if isinstance(context, list) else path
            if part is None:
                continue
            if not isinstance(part, dict):
                self.problems.append(
                    (
                        where,
                        "only a @context written out in the document is read, not one at "
                        "an address",
                    )
                )
                continue
            for term, value in part.items():
                iri = value.get("@id") if isinstance(value, dict) else value
                if term == "@vocab" and isinstance(iri, str):
                    self.vocab = iri
                elif isinstance(iri, str) and not term.startswith("@"):
                    self.prefixes[term] = iri

    def _nodes(self, values: list[Any], path: str) -> list[Node]:
        nodes = []
        for index, value in enumerate(values):
            where = f"{path}[{index}]"
            if isinstance(value, dict):
                nodes.append(self._node(value, where))
            else:
                self.problems.append((where, "a node of the graph is a JSON object"))
        return nodes

    def _node(self, value: dict[str, Any], path: str) -> Node:
        node_id = value.get("@id", "")
        if not isinstance(node_id, str):
            self.problems.append((path, "@id is text"))
            node_id = ""
        types = value.get(RDF_TYPE, [])
        node = Node(
            node_id,
            path,
            {
                self.iri(t)
                for t in (types if isinstance(types, list) else [types])
                if isinstance(t, str)
            },
        )
        for key, raw in value.items():
            if key.startswith("@"):
                continue
            where = f"{path}[{json.dumps(key)}]"
            items = raw if isinstance(raw, list) else [raw]
            node.properties[self.iri(key)] = [
                self._value(item, f"{where}[{i}]" if isinstance(raw, list) else where)
                for i, item in enumerate(items)
            ]
        return node

    def _value(self, value: Any, path: str) -> Any:
        if isinstance(value, dict):
            if "@value" in value:
                datatype = value.get("@type", "")
                return Literal(str(value["@value"]), self.iri(datatype) if datatype else "")
            if set(value) == {"@id"}:
                return Reference(str(value["@id"]))
            return self._node(value, path)
        if isinstance(value, bool):
            return Literal("true" if value else "false")
        return Literal(str(value))

    def iri(self, term: str) -> str:
        prefix, colon, local = term.partition(":")
        if colon and prefix in self.prefixes:
            return current_iri(self.prefixes[prefix] + local)
        if not colon and term in self.prefixes:
            return current_iri(self.prefixes[term])
        if not colon and self.vocab:
            return current_iri(self.vocab + term)
        return current_iri(term)
