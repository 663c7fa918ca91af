"""DP-01 through the API, from the JIT agreement's retention, collections, uses and deletions
under retention: no use after the deletion date, nothing kept past it. Every outcome is
reached, in an NL-BE JIT whose agreement keeps evidence 30 days.

Dates are relative to now (`days_ago`): the deletion dates run from the live clock."""

from __future__ import annotations

from tests.integration.admissibility_support import days_ago, open_team
from tests.support import People


def test_nothing_is_used_or_kept_after_its_deletion_date(people: People) -> None:
    # Given a JIT whose agreement keeps evidence 30 days from its collection
    team = open_team(people, ["NL", "BE"])
    team.post(team.leader, "/retention", {"retention_days": 30, "agreement_clause": "art. 12"})

    def ledger(reference: str, days: float) -> str:
        """A scanned ledger NL seized `days` ago."""
        return team.collected(
            "NL",
            reference,
            occurred_at=days_ago(days),
            kept_at=days_ago(days, "09:30"),
            content=f"scan of {reference}".encode(),
        )

    # an item collected ten days ago is within its retention
    recent = ledger("RECENT", 10)
    [within] = team.reached(recent, "NL", "DP-01", "PASS")
    assert "the JIT agreement's retention of 30 days" in within["reason"]
    # an item collected 40 days ago and still held is kept past its deletion date
    kept = ledger("KEPT", 40)
    [risk] = team.reached(kept, "NL", "DP-01", "RISK")
    assert risk["missing"] == "the deletion of the data"
    # When the leader deletes its files under the retention, it is no longer kept
    deleted = team.leader.post(team.path(f"/evidence/{kept}/retention-deletion"))
    assert deleted.status_code == 200, deleted.text
    team.reached(kept, "NL", "DP-01", "PASS")
    # an item collected 40 days ago and used by BE five days ago: used after its date
    used = ledger("USED", 40)
    team.use(
        team.investigators["BE"], used, "BE trafficking case", "human trafficking", "jit",
        days_ago(5),
    )  # fmt: skip
    [failed] = team.reached(used, "NL", "DP-01", "FAIL")
    assert "used after the deletion date" in failed["reason"]
