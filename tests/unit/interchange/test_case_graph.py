"""A CASE/UCO JSON-LD document read as a graph: terms expanded by its context, UCO's IRIs of
before 1.0 read as today's, and a document that cannot be read named by where it breaks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from domain.errors import Violations
from jitspace.interchange.case_graph import CaseGraph
from jitspace.interchange.case_terms import UCO_CORE, UCO_OBSERVABLE

EXAMPLE = Path(__file__).parents[2] / "data" / "case" / "exif_data.json"


def test_the_terms_of_uco_before_1_0_read_as_today_s() -> None:
    graph = CaseGraph.read(EXAMPLE.read_bytes())

    [photo] = graph.of_type(UCO_OBSERVABLE + "File")
    assert photo.id == "kb:digital_photograph1"
    assert photo.path == '$["@graph"][3]'
    facets = photo.nodes(UCO_CORE + "hasFacet")
    assert facets[0].text(UCO_OBSERVABLE + "fileName") == "IMG_0123.jpg"


def test_broken_json_is_named_by_line_and_column() -> None:
    with pytest.raises(Violations) as refused:
        CaseGraph.read(b'{"@graph": [\n  {"@id": "kb:a",\n  }\n]}')

    assert refused.value.problems == [
        (
            "document",
            "broken JSON at line 3, column 3: Expecting property name enclosed in double quotes",
        )
    ]


def test_a_context_at_an_address_and_a_node_that_is_no_object_are_named() -> None:
    document = {"@context": "https://example.org/context.jsonld", "@graph": [{"@id": "a"}, 7]}

    with pytest.raises(Violations) as refused:
        CaseGraph.read(json.dumps(document).encode())

    assert [where for where, _ in refused.value.problems] == ['$["@context"]', '$["@graph"][1]']
