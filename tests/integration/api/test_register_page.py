"""The register a page at a time: every item once, in a fixed order, whatever is registered
meanwhile; filters and search that never reveal what an item's handling restrictions
withhold; clear answers to a cursor or a filter that cannot be used."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import Jit, People, Person, add_member, authorisation_body, register_item


def page(person: Person, jit: Jit, **params: Any) -> dict[str, Any]:
    response = person.get(jit.path("/evidence/page"), params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def every_page(person: Person, jit: Jit, **params: Any) -> list[dict[str, Any]]:
    """The items of every page, following the cursors."""
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        body = page(person, jit, **params, **({"after": cursor} if cursor else {}))
        items.extend(body["items"])
        if (cursor := body["next"]) is None:
            return items


def test_pages_hold_every_item_once_in_order(jit: Jit) -> None:
    for n in range(7):
        register_item(jit.leader, jit, reference=f"FR-{n:02d}", description=f"ledger {n}")
    first = page(jit.investigator, jit, limit=3, sort="reference")
    assert [i["reference"] for i in first["items"]] == ["FR-00", "FR-01", "FR-02"]
    assert first["total"] == 7 and first["next"]
    listed = every_page(jit.investigator, jit, limit=3, sort="reference", order="desc")
    assert [i["reference"] for i in listed] == [f"FR-{n:02d}" for n in reversed(range(7))]


def test_items_registered_meanwhile_neither_repeat_nor_push_others_out(jit: Jit) -> None:
    for n in range(6):
        register_item(jit.leader, jit, reference=f"OLD-{n}")
    first = page(jit.investigator, jit, limit=3)
    # others register while the member reads: before and after the cursor in any order
    register_item(jit.leader, jit, reference="NEW-A")
    register_item(jit.leader, jit, reference="AAA-FIRST")
    rest = []
    cursor = first["next"]
    while cursor:
        body = page(jit.investigator, jit, limit=3, after=cursor)
        rest.extend(body["items"])
        cursor = body["next"]
    seen = [i["reference"] for i in first["items"] + rest]
    assert len(seen) == len(set(seen))
    assert {f"OLD-{n}" for n in range(6)} <= set(seen)
    # in the order of registration, the new ones come after the cursor, so they show
    assert seen[-2:] == ["NEW-A", "AAA-FIRST"]


def test_filters_by_party_and_kind(jit: Jit) -> None:
    register_item(jit.leader, jit, reference="FR-DOC", kind="document")
    register_item(jit.leader, jit, reference="FR-PHONE", kind="seized_device")
    register_item(jit.investigator, jit, reference="BE-DOC", kind="document")
    documents = page(jit.legal, jit, kind="document")
    assert sorted(i["reference"] for i in documents["items"]) == ["BE-DOC", "FR-DOC"]
    assert documents["total"] == 2
    belgian = page(jit.legal, jit, party="BE")
    assert [i["reference"] for i in belgian["items"]] == ["BE-DOC"]
    assert page(jit.legal, jit, party="BE", kind="seized_device")["items"] == []


def test_search_never_finds_a_description_withheld_from_the_searcher(
    jit: Jit, people: People
) -> None:
    register_item(
        jit.leader,
        jit,
        reference="FR-SOURCE",
        description="informant codename nightjar",
        handling={"description_to": ["NL"]},
    )
    register_item(jit.leader, jit, reference="FR-OPEN", description="bank ledger")
    assert [i["reference"] for i in page(jit.leader, jit, q="nightjar")["items"]] == ["FR-SOURCE"]
    # Belgium may not read the description (FR lets only NL): a search finds nothing, no count
    found = page(jit.investigator, jit, q="nightjar")
    assert found["items"] == [] and found["total"] == 0
    # the reference is not withheld: it is found, its description stays withheld
    by_reference = page(jit.investigator, jit, q="fr-source")["items"]
    assert [i["reference"] for i in by_reference] == ["FR-SOURCE"]
    assert by_reference[0]["description"] is None
    assert by_reference[0]["withheld"] == ["description"]
    restricted = page(jit.investigator, jit, restricted="true")["items"]
    assert [i["reference"] for i in restricted] == ["FR-SOURCE"]
    open_items = page(jit.investigator, jit, restricted="false")["items"]
    assert [i["reference"] for i in open_items] == ["FR-OPEN"]


def test_search_finds_descriptions_by_their_words_in_the_team_s_languages(jit: Jit) -> None:
    register_item(
        jit.leader, jit, reference="FR-LEDGER", description="bank ledgers of the shipping firm"
    )
    register_item(
        jit.leader, jit, reference="FR-ECOUTE", description="écoutes téléphoniques du suspect"
    )
    register_item(jit.leader, jit, reference="DE-BERICHT", description="Berichte der Ermittler")

    def found(q: str) -> list[str]:
        return sorted(i["reference"] for i in page(jit.leader, jit, q=q)["items"])

    assert found("ledger") == ["FR-LEDGER"]  # English: a word finds its plural
    assert found("ledg") == ["FR-LEDGER"]  # the start of a word
    assert found("bank ship") == ["FR-LEDGER"]  # every word, in any order
    assert found("écoute") == ["FR-ECOUTE"]  # French
    assert found("Bericht") == ["DE-BERICHT"]  # German
    assert found("bank suspect") == []  # not one description holds both
    assert found("ECOUTE") == ["FR-ECOUTE"]  # the reference, as ever, by any part


def test_search_takes_wildcards_literally(jit: Jit) -> None:
    register_item(jit.leader, jit, reference="FR-100%", description="a")
    register_item(jit.leader, jit, reference="FR-1000", description="b")
    assert [i["reference"] for i in page(jit.leader, jit, q="100%")["items"]] == ["FR-100%"]
    assert [i["reference"] for i in page(jit.leader, jit, q="FR-1_0")["items"]] == []


def test_the_admissibility_filter_is_for_those_who_may_see_admissibility(
    jit: Jit, people: People
) -> None:
    register_item(jit.leader, jit, reference="FR-ANY")
    observer = add_member(people, jit, "eu-observer", "BE", "observer")
    response = observer.get(jit.path("/evidence/page"), params={"outcome": "PASS"})
    assert response.status_code == 403, response.text
    assert "list without `outcome`" in response.json()["detail"]
    # without it, the observer lists the register like everyone
    assert observer.get(jit.path("/evidence/page")).status_code == 200
    assert page(jit.legal, jit, outcome="PASS", forum="NL")["total"] >= 0


@pytest.mark.parametrize(
    ("params", "key"),
    [
        ({"after": "not-a-cursor"}, "after"),
        ({"limit": 0}, "limit"),
        ({"limit": 1001}, "limit"),
        ({"sort": "description"}, "sort"),
        ({"kind": "rumour"}, "kind"),
    ],
)
def test_a_page_that_cannot_be_read_says_why(jit: Jit, params: dict[str, Any], key: str) -> None:
    response = jit.leader.get(jit.path("/evidence/page"), params=params)
    assert response.status_code == 400, response.text
    assert key in response.text


def test_a_stranger_finds_no_register(jit: Jit) -> None:
    register_item(jit.leader, jit, reference="FR-HIDDEN")
    response = jit.outsider.get(jit.path("/evidence/page"), params={"q": "FR-HIDDEN"})
    assert response.status_code == 404
    assert "FR-HIDDEN" not in response.text


def test_the_items_resting_on_an_authorisation(jit: Jit) -> None:
    order = jit.legal.post(jit.path("/authorisations"), json=authorisation_body())
    assert order.status_code == 201, order.text
    register_item(jit.leader, jit, reference="FR-UNDER", authorisation_id=order.json()["id"])
    register_item(jit.leader, jit, reference="FR-FREE")
    resting = page(jit.legal, jit, authorisation=order.json()["id"])
    assert [i["reference"] for i in resting["items"]] == ["FR-UNDER"]
    assert resting["total"] == 1
