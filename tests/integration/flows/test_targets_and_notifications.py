"""AU-03 and AU-10 through the API, from recorded facts: whom an item concerns, where its
target was, and the notification of the measure to the state of the target (EIO Art. 31),
with its receipt, an objection, or the fact that none was made. Every outcome of both rules
is reached; the facts go into a disclosure bundle that verifies; bad input leaves no event.

Dates are relative to now: the objection window runs from the live clock."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from jitspace.disclosure.checking import verify_bundle
from tests.integration.admissibility_support import Team, days_ago, issues, open_team
from tests.support import People, log_of


def with_rule(team: Team, country: str, rule: str, **params: Any) -> None:
    team.post(
        team.legal[country],
        f"/rulebooks/{country}/rules",
        {"rule": rule, "params": params, "reason": f"{rule} applies here"},
    )


def outcome(team: Team, item: str, country: str, rule: str) -> list[dict[str, Any]]:
    explained = team.explain(item)[country]
    found = [r for r in explained["results"] if r["rule"] == rule]
    assert found, issues(explained)
    return found


def intercepted(
    team: Team, reference: str, scope: dict[str, Any], days: float = 20
) -> tuple[str, str]:
    """An XA interception order with `scope`, and an item collected under it `days` ago."""
    order = team.authorisation(
        "XA",
        kind="interception_order",
        authority="investigating judge of A",
        reference=f"ORDER-{reference}",
        occurred_at=days_ago(days + 10),
        valid_from=days_ago(days + 10),
        valid_until=days_ago(-60),
        scope={"methods": ["interception"], **scope},
    )
    item = team.collected(
        "XA",
        reference,
        kind="intercepted_communication",
        method="interception",
        occurred_at=days_ago(days),
        authorisation_id=order,
        kept_at=days_ago(days, "10:00"),
        content=f"intercepts {reference}".encode(),
    )
    return order, item


def test_whom_an_item_concerns_decides_whether_it_is_an_incidental_find(people: People) -> None:
    # Given an XA-XB JIT: XA reads incidental finds as usable with a warning, XB (as its
    # shipped illustrative rulebook says) excludes them
    team = open_team(people, ["XA", "XB"])
    with_rule(team, "XA", "AU-03")
    # an order naming no one, and one naming a phone
    _, untargeted = intercepted(team, "ANY", {})
    _, item = intercepted(team, "PHONE", {"targets": ["phone +33 6 00 00 00 01 (Jean D.)"]})
    team.reached(untargeted, "XB", "AU-03", "PASS")
    # Then, before whom the item concerns is recorded, AU-03 cannot tell
    team.reached(item, "XA", "AU-03", "UNKNOWN")
    team.reached(item, "XB", "AU-03", "UNKNOWN")
    # When the investigator records that it concerns the named phone, spelt otherwise
    team.post(
        team.investigators["XA"],
        f"/evidence/{item}/concerns",
        {"identifiers": [{"kind": "phone_number", "value": "+33600000001"}]},
    )
    # Then it passes in both
    for country in ("XA", "XB"):
        assert [r["outcome"] for r in outcome(team, item, country, "AU-03")] == ["PASS"]
    # When the list is replaced: it concerns someone the order does not name
    team.post(
        team.legal["XA"],
        f"/evidence/{item}/concerns",
        {"identifiers": [{"kind": "person", "value": "Marie X"}]},
    )
    # Then it is an incidental find: a warning in XA, excluded in XB
    team.reached(item, "XA", "AU-03", "WARN")
    [failed] = team.reached(item, "XB", "AU-03", "FAIL")
    assert "it concerns a person the authorisation does not name" in failed["reason"]
    # the reason names the authorisation's targets only: whom the item concerns is what the
    # item is, which handling restrictions may withhold from the forum's readers
    assert "Marie X" not in failed["reason"]
    assert "ConcernsRecorded" in {e["event"] for e in failed["rests_on"]}


def test_a_notification_to_the_state_of_the_target_reaches_every_outcome(
    people: People, tmp_path: Any
) -> None:
    # Given an XA-XB JIT whose XA rulebook reads AU-10 (objections within 96 hours)
    team = open_team(people, ["XA", "XB"])
    with_rule(team, "XA", "AU-10")
    legal = team.legal["XA"]

    def au10(item: str) -> list[str]:
        return [r["outcome"] for r in outcome(team, item, "XA", "AU-10")]

    # a target in XB (a party): nothing on record is unknown
    _, item = intercepted(team, "IN-XB", {"places": ["XB"]})
    team.reached(item, "XA", "AU-10", "UNKNOWN")
    # recorded that the target was in XA itself: no target abroad
    team.post(legal, f"/evidence/{item}/target-location", {"country": "XA"})
    team.reached(item, "XA", "AU-10", "PASS")

    # a target in CH, outside the JIT: no notification on record is a risk ...
    outside, outside_item = intercepted(team, "IN-CH", {"places": ["CH"]})
    team.reached(outside_item, "XA", "AU-10", "RISK")
    # ... and that none was made, recorded, fails
    team.post(
        legal,
        f"/authorisations/{outside}/no-notification",
        {"to_country": "CH", "reason": "not thought necessary", "occurred_at": days_ago(19)},
    )
    [failed] = team.reached(outside_item, "XA", "AU-10", "FAIL")
    assert "NoNotificationMade" in {e["event"] for e in failed["rests_on"]}
    # to XB, a party, no notification made is a risk the court weighs
    party, party_item = intercepted(team, "NONE-XB", {"places": ["XB"]})
    team.post(
        legal,
        f"/authorisations/{party}/no-notification",
        {"to_country": "XB", "reason": "XB's team knew", "occurred_at": days_ago(19)},
    )
    assert au10(party_item) == ["RISK"]

    # notified yesterday, acknowledged today: the objection window is open
    fresh, fresh_item = intercepted(team, "FRESH", {"places": ["XB"]}, days=2)
    team.post(
        legal,
        f"/authorisations/{fresh}/notifications",
        {"to_country": "XB", "occurred_at": days_ago(1)},
    )
    team.post(
        legal,
        f"/authorisations/{fresh}/notification-receipts",
        {"to_country": "XB", "occurred_at": days_ago(0, "00:00")},
    )
    [open_window] = outcome(team, fresh_item, "XA", "AU-10")
    assert open_window["outcome"] == "RISK"
    assert open_window["until"].startswith(days_ago(-4, "00:00")[:16])
    assert "objection window is open until" in open_window["reason"]

    # notified ten days ago, no objection: the window has closed, it passes
    closed, closed_item = intercepted(team, "CLOSED", {"places": ["XB"]})
    team.post(
        legal,
        f"/authorisations/{closed}/notifications",
        {"to_country": "XB", "occurred_at": days_ago(10)},
    )
    assert au10(closed_item) == ["PASS"]

    # notified ten days ago, XB objected five days later, after the window: not binding, but
    # on record
    late, late_item = intercepted(team, "LATE", {"places": ["XB"]})
    team.post(
        legal,
        f"/authorisations/{late}/notifications",
        {"to_country": "XB", "occurred_at": days_ago(10)},
    )
    team.post(
        team.legal["XB"],
        f"/authorisations/{late}/objections",
        {"by_country": "XB", "covers": "use_of_data", "note": "", "occurred_at": days_ago(5)},
    )
    [warned] = team.reached(late_item, "XA", "AU-10", "WARN")
    assert "after the 96 h window" in warned["reason"]

    # notified, and XB objected within the window to the use of the data: restricted
    objected, objected_item = intercepted(team, "OBJECTED", {"places": ["XB"]})
    team.post(
        legal,
        f"/authorisations/{objected}/notifications",
        {"to_country": "XB", "occurred_at": days_ago(10)},
    )
    team.post(
        team.legal["XB"],
        f"/authorisations/{objected}/objections",
        {
            "by_country": "XB",
            "covers": "use_of_data",
            "note": "only for the trafficking case",
            "occurred_at": days_ago(9),
        },
    )
    team.reached(objected_item, "XA", "AU-10", "RESTRICT")
    # and used in a proceeding after the objection: it fails
    team.use(
        team.investigators["XA"], objected_item, "XA-2025-1", "fraud", "other_offence", days_ago(2)
    )
    [used] = outcome(team, objected_item, "XA", "AU-10")
    assert used["outcome"] == "FAIL"
    assert "after XB objected" in used["reason"]

    # the facts are in a disclosure bundle, which verifies
    bundle = team.leader.post(team.path("/disclosures"), json={"purpose": "to the defence"})
    assert bundle.status_code == 201, bundle.text
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as z:
        events = [json.loads(line) for line in z.read("events.jsonl").splitlines()]
        records = json.loads(z.read("records.json"))
        report = z.read("report.html").decode()
    kinds = {e["topic"].rpartition(".")[2] for e in events}
    assert kinds >= {
        "NotificationSent",
        "NotificationReceived",
        "ObjectionRaised",
        "NoNotificationMade",
        "TargetLocated",
    }
    [objected_record] = [a for a in records["authorisations"] if a["id"] == objected]
    [notice] = objected_record["notifications"]
    assert (notice["country"], notice["objection_covers"]) == ("XB", "use_of_data")
    assert "why none: not thought necessary" in report
    assert verify_bundle(io.BytesIO(bundle.content)).ok


def refused(team: Team, person: Any, rest: str, body: dict[str, Any], status: int) -> str:
    """The request is refused with `status`, and the log holds the same events after."""
    before = len(log_of(team.leader, team.id))
    response = person.post(team.path(rest), json=body)
    assert response.status_code == status, response.text
    assert len(log_of(team.leader, team.id)) == before
    return str(response.json().get("detail", ""))


def test_bad_notifications_and_targets_are_refused_and_leave_no_event(people: People) -> None:
    team = open_team(people, ["XA", "XB"])
    order, item = intercepted(team, "REFUSED", {"places": ["XB"]})
    legal = team.legal["XA"]
    notify = f"/authorisations/{order}/notifications"
    # a code that is no state's, an EU body, the issuing state itself, a malformed code
    assert "ISO 3166-1" in refused(team, legal, notify, {"to_country": "ZZ"}, 422)
    refused(team, legal, notify, {"to_country": "EUROPOL"}, 422)
    assert "another state" in refused(team, legal, notify, {"to_country": "XA"}, 422)
    refused(team, legal, notify, {"to_country": "xb"}, 400)
    # sent in the future
    refused(team, legal, notify, {"to_country": "XB", "occurred_at": days_ago(-3)}, 400)
    # an objection, or a receipt, with no notification on record
    objection = {"by_country": "XB", "covers": "all"}
    refused(team, legal, f"/authorisations/{order}/objections", objection, 409)
    receipt = {"to_country": "XB"}
    refused(team, legal, f"/authorisations/{order}/notification-receipts", receipt, 409)
    # an objection dated before the notification it answers
    team.post(legal, notify, {"to_country": "XB", "occurred_at": days_ago(5)})
    early = objection | {"occurred_at": days_ago(6)}
    refused(team, legal, f"/authorisations/{order}/objections", early, 409)
    # that none was made, once one is on record; with no reason
    none = {"to_country": "XB", "reason": "forgotten"}
    refused(team, legal, f"/authorisations/{order}/no-notification", none, 409)
    refused(team, legal, f"/authorisations/{order}/no-notification", {"to_country": "CH"}, 400)
    # whom the item concerns: an empty value, an unknown kind, a name given twice
    concerns = f"/evidence/{item}/concerns"
    investigator = team.investigators["XA"]
    refused(team, investigator, concerns, {"identifiers": [{"kind": "person", "value": ""}]}, 400)
    refused(team, investigator, concerns, {"identifiers": [{"kind": "car", "value": "A"}]}, 400)
    twice = [{"kind": "person", "value": "Jean D."}, {"kind": "person", "value": "Jean  D."}]
    refused(team, investigator, concerns, {"identifiers": twice}, 422)
    # where the target was: a code that is no state's; and an investigator may not say it
    location = f"/evidence/{item}/target-location"
    refused(team, legal, location, {"country": "ZZ"}, 422)
    refused(team, investigator, location, {"country": "XB"}, 403)
