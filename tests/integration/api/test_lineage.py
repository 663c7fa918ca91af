"""An item's lineage: the tree of items made from one another that it belongs to, from the
original down, as the reader's party may read it, now and as of a date; a derivation that
would make an item its own ancestor is refused and leaves no event."""

from __future__ import annotations

from typing import Any

from tests.support import Jit, log_of, register_item


def derive(jit: Jit, item: dict[str, Any], parent: dict[str, Any], relation: str) -> Any:
    return jit.leader.post(
        jit.path(f"/evidence/{item['id']}/derivation"),
        json={
            "parent_id": parent["id"],
            "parent_sha256": "ab" * 32,
            "relation": relation,
            "tool": "ewfacquire",
            "tool_version": "20240101",
            "made_by": "the FR forensic laboratory",
        },
    )


def lineage(jit: Jit, item: dict[str, Any], **params: Any) -> list[tuple[str, int, Any]]:
    response = jit.investigator.get(jit.path(f"/evidence/{item['id']}/lineage"), params=params)
    assert response.status_code == 200, response.text
    return [
        (node["item"]["reference"], node["depth"], node["relation"])
        for node in response.json()["items"]
    ]


def test_the_lineage_is_the_whole_tree_from_the_original(jit: Jit) -> None:
    phone = register_item(jit.leader, jit, reference="FR-PHONE", kind="seized_device")
    image = register_item(jit.leader, jit, reference="FR-IMAGE", kind="forensic_image")
    chats = register_item(jit.leader, jit, reference="FR-CHATS", kind="forensic_image")
    report = register_item(jit.leader, jit, reference="FR-REPORT", kind="analysis_report")
    register_item(jit.leader, jit, reference="FR-OTHER")
    for item, parent, relation in (
        (image, phone, "copy"),
        (chats, image, "extraction"),
        (report, phone, "analysis"),
    ):
        assert derive(jit, item, parent, relation).status_code == 200
    whole = [
        ("FR-PHONE", 0, None),
        ("FR-IMAGE", 1, "copy"),
        ("FR-CHATS", 2, "extraction"),
        ("FR-REPORT", 1, "analysis"),
    ]
    # the same tree whichever of its items is asked about, and nothing outside it
    assert lineage(jit, chats) == lineage(jit, phone) == lineage(jit, report) == whole


def test_the_lineage_as_it_stood_then(jit: Jit) -> None:
    phone = register_item(jit.leader, jit, reference="FR-PHONE", kind="seized_device")
    image = register_item(jit.leader, jit, reference="FR-IMAGE", kind="forensic_image")
    before = log_of(jit.leader, jit.id)[-1]["position"]
    assert derive(jit, image, phone, "copy").status_code == 200
    assert lineage(jit, image, as_of=before) == [("FR-IMAGE", 0, None)]
    assert lineage(jit, image) == [("FR-PHONE", 0, None), ("FR-IMAGE", 1, "copy")]


def test_a_withheld_description_stays_withheld_in_the_lineage(jit: Jit) -> None:
    source = register_item(
        jit.leader,
        jit,
        reference="FR-SOURCE",
        description="informant codename nightjar",
        handling={"description_to": ["NL"]},
    )
    copy = register_item(jit.leader, jit, reference="FR-COPY", kind="forensic_image")
    assert derive(jit, copy, source, "copy").status_code == 200
    response = jit.investigator.get(jit.path(f"/evidence/{copy['id']}/lineage"))
    assert response.status_code == 200
    assert "nightjar" not in response.text
    assert response.json()["items"][0]["item"]["withheld"] == ["description"]


def test_an_item_is_never_its_own_ancestor(jit: Jit) -> None:
    a = register_item(jit.leader, jit, reference="FR-A")
    b = register_item(jit.leader, jit, reference="FR-B")
    c = register_item(jit.leader, jit, reference="FR-C")
    assert derive(jit, b, a, "copy").status_code == 200
    assert derive(jit, c, b, "copy").status_code == 200
    events = len(log_of(jit.leader, jit.id))
    refused = derive(jit, a, c, "copy")
    assert refused.status_code == 422, refused.text
    assert "made from this item" in refused.json()["detail"]
    assert len(log_of(jit.leader, jit.id)) == events


def test_a_stranger_reads_no_lineage(jit: Jit) -> None:
    item = register_item(jit.leader, jit, reference="FR-HIDDEN")
    response = jit.outsider.get(jit.path(f"/evidence/{item['id']}/lineage"))
    assert response.status_code == 404
    assert "FR-HIDDEN" not in response.text
