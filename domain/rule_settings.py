"""The rule types of the catalogue (DOMAIN.md) and the parameters each one takes.

A country's rulebook selects rule types and parameterises them: `validate_rule` refuses an
unknown rule type, a parameter of the wrong type or name, and a country outside the JIT.
Every rule takes `severity` (the outcome a failure gives in this forum, replacing the
catalogue's default) and `only_for` (apply it only to items collected by these parties).
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from typing import Any

import msgspec

from domain.errors import RuleViolation


class Outcome(StrEnum):
    """From the least to the most severe. A missing fact (UNKNOWN) ranks just above PASS:
    the worst definite outcome decides a verdict, with what is unknown listed beside it."""

    PASS = "PASS"  # noqa: S105 (an outcome, not a password)
    UNKNOWN = "UNKNOWN"
    WARN = "WARN"
    FORFEITED = "FORFEITED"
    RESTRICT = "RESTRICT"
    RISK = "RISK"
    FAIL = "FAIL"


class RuleSpec(msgspec.Struct, frozen=True):
    """One rule of a rulebook as stored: its id and its (validated) parameters."""

    rule: str
    params: dict[str, Any] = msgspec.field(default_factory=dict)


class Params(
    msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, omit_defaults=True
):
    severity: Outcome | None = None
    only_for: tuple[str, ...] = ()


class Coercive(Params, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """AU-01: methods (words of the recorded method) that are coercive or covert."""

    methods: tuple[str, ...] = (
        "search",
        "seizure",
        "interception",
        "intercept",
        "wiretap",
        "remote access",
        "production order",
        "surveillance",
        "arrest",
    )
    kinds: tuple[str, ...] = ("intercepted_communication", "seized_device", "forensic_image")


class Targets(Params, frozen=True, kw_only=True, forbid_unknown_fields=True):
    incidental_finds: Outcome = Outcome.WARN  # AU-03: a find about someone not named


class Competence(Params, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """AU-05: kinds of measure that need a judge; the e-evidence rule for content data."""

    judge_required_for: tuple[str, ...] = ()
    content_data_kinds: tuple[str, ...] = ("intercepted_communication", "forensic_image")
    content_orders_need_judge_from: date | None = None  # e-evidence Regulation Art. 4(2)
    urgent_confirmation_hours: int = 48


class OffenceCatalogue(Params, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """For each kind of measure, the offences it may be ordered for (`offences`), or the
    maximum penalty in years an offence must carry (`threshold_years`), read against the
    penalties this forum's law sets (`penalties`, offence -> years)."""

    offences: dict[str, tuple[str, ...]] = msgspec.field(default_factory=dict)
    threshold_years: dict[str, int] = msgspec.field(default_factory=dict)
    penalties: dict[str, int] = msgspec.field(default_factory=dict)

    def has_catalogue(self, kind: str) -> bool:
        return kind in self.offences or kind in self.threshold_years

    def allows(self, kind: str, offence: str) -> bool:
        """Whether a measure of `kind` may be ordered for `offence` (case aside)."""
        named = offence.casefold().strip()
        if named in (o.casefold() for o in self.offences.get(kind, ())):
            return True
        threshold = self.threshold_years.get(kind)
        penalty = {o.casefold(): y for o, y in self.penalties.items()}.get(named)
        return threshold is not None and penalty is not None and penalty >= threshold


class Catalogue(OffenceCatalogue, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """AU-06: the catalogue of offences of each kind of measure (the authorisation's
    offences, and the offence each use serves, are read against it)."""


class Notification(Params, frozen=True, kw_only=True, forbid_unknown_fields=True):
    objection_hours: int = 96  # AU-10, EIO Art. 31


class Formalities(Params, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """AU-11: formalities this forum asked the collecting parties to follow."""

    formalities: tuple[str, ...] = ()


class DomesticMeasure(OffenceCatalogue, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """AU-12: measures this forum only lets a judge order (a prosecutor's order is not one),
    and the offences this forum could order each kind of measure for (its own catalogue: a
    use for another offence is restricted; `severity = "FAIL"` excludes it)."""

    judge_required_for: tuple[str, ...] = ()


class InterviewRights(Params, frozen=True, kw_only=True, forbid_unknown_fields=True):
    no_lawyer: Outcome = Outcome.RISK  # CO-02


class CustodyGap(Params, frozen=True, kw_only=True, forbid_unknown_fields=True):
    gap_hours: int = 24  # CU-01: the longest stretch an item may spend with no custodian

    @property
    def gap(self) -> timedelta:
        return timedelta(hours=self.gap_hours)


class SealRule(Params, frozen=True, kw_only=True, forbid_unknown_fields=True):
    mismatch: Outcome = Outcome.RISK  # CU-03


class AccessRoles(Params, frozen=True, kw_only=True, forbid_unknown_fields=True):
    roles: tuple[str, ...] = (
        "investigator",
        "analyst",
        "legal_advisor",
        "prosecutor",
        "national_member",
        "jit_leader",
    )


class HashRule(Params, frozen=True, kw_only=True, forbid_unknown_fields=True):
    approved: tuple[str, ...] = ("sha256", "sha512", "sha3-256")
    # IN-01: algorithms that, alone, are a warning (MD5: collisions can be made, but a
    # file hashed at acquisition is rarely forged to match); any other unapproved: a risk
    tolerated: tuple[str, ...] = ("md5",)
    digital_kinds: tuple[str, ...] = (
        "forensic_image",
        "intercepted_communication",
        "open_source_capture",
        "seized_device",
    )


class Derivatives(Params, frozen=True, kw_only=True, forbid_unknown_fields=True):
    propagate: bool = True  # IN-03: a parent's failure fails its derivatives


class Certificates(Params, frozen=True, kw_only=True, forbid_unknown_fields=True):
    certificate_required: bool = True  # IN-04


class UkIntercept(Params, frozen=True, kw_only=True, forbid_unknown_fields=True):
    uk_parties: tuple[str, ...] = ("GB",)


class Retention(Params, frozen=True, kw_only=True, forbid_unknown_fields=True):
    retention_days: int = 3650  # DP-01, counted from the collection


class Forfeiture(Params, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """PR-01: a defect not raised within `deadline_days` of the collection is forfeited."""

    deadline_days: int = 180
    absolute: tuple[str, ...] = ("CO-01",)  # never forfeited


class LateRecords(Params, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """PR-02: a fact recorded more than `days` after it happened is flagged (back-dating)."""

    days: int = 30

    def __post_init__(self) -> None:
        if self.days < 1:
            raise ValueError("days is at least 1")


# rule id -> (the catalogue's check, its parameters)
RULE_TYPES: dict[str, tuple[str, type[Params]]] = {
    "AU-01": ("coercive or covert collection references an authorisation", Coercive),
    "AU-02": ("collection inside the authorisation's validity; renewals not retroactive", Params),
    "AU-03": ("target named in the authorisation", Targets),
    "AU-04": ("method covered by the authorisation", Params),
    "AU-05": ("issuer competent; urgent order confirmed in time", Competence),
    "AU-06": ("offence in the measure's catalogue", Catalogue),
    "AU-07": ("no ruling annulled the measure", Params),
    "AU-08": ("collection inside the JIT's period and parties, or another legal channel", Params),
    "AU-09": ("a seconded member's measure was entrusted and allowed by host law", Params),
    "AU-10": ("target abroad: notification sent; objection respected", Notification),
    "AU-11": ("formalities requested by the forum met", Formalities),
    "AU-12": ("the forum could have ordered the same measure domestically", DomesticMeasure),
    "CO-01": ("no torture, threats or inhuman treatment", Params),
    "CO-02": ("caution, lawyer and interpreter recorded before an interview", InterviewRights),
    "CO-03": ("privileged or core-private content deleted, not used", Params),
    "CO-04": ("search formalities met (witnesses, inventory)", Params),
    "CO-05": ("write-blocked image or justified live access; competent examiner", Params),
    "CU-01": ("unbroken custodian timeline", CustodyGap),
    "CU-02": ("each transfer has its recipient's receipt", Params),
    "CU-03": ("seal at sealing equals seal at opening; opening authorised", SealRule),
    "CU-04": ("every access logged by an authorised role", AccessRoles),
    "IN-01": ("hash at acquisition with an approved algorithm", HashRule),
    "IN-02": ("hash re-verified; a mismatch fails the copy and its derivatives", Params),
    "IN-03": ("each derivative linked to its parent's hash and tool/version", Derivatives),
    "IN-04": ("forum authentication formalities (certificate, notice)", Certificates),
    "US-01": ("use for the JIT's purpose", Params),
    "US-02": ("use for another offence: consent dated before the use", Params),
    "US-03": ("conditions set by the sender respected", Params),
    "US-04": ("speciality for material received outside the JIT (MLA)", Params),
    "US-05": ("onward transfer to a third country: originator's authorisation", Params),
    "US-06": ("England & Wales: no intercept product of UK interception", UkIntercept),
    "DI-01": ("common-law forum: relevant material reviewed and scheduled", Params),
    "DI-02": ("originator restricts disclosure: consent needed", Params),
    "DI-03": ("defence can access the raw data and method of decisive evidence", Params),
    "DP-01": ("no use after a mandatory deletion date", Retention),
    "DP-02": ("processing logs exist", Params),
    "LA-01": ("interviewed in a language understood; documents translated", Params),
    "LA-02": ("translations identify the translator and the source's hash", Params),
    "PR-01": ("defect raised within the forum's deadline, otherwise forfeited", Forfeiture),
    "PR-02": ("facts recorded long after they happened are flagged", LateRecords),
}


def validate_rule(spec: Any, parties: frozenset[str], *, field: str) -> RuleSpec:
    """The rule as a rulebook stores it, or RuleViolation naming what is wrong."""
    try:
        raw = msgspec.convert(spec, RuleSpec)
    except msgspec.ValidationError as error:
        raise RuleViolation(f"a rule is {{rule, params}}: {error}", field=field) from None
    if raw.rule not in RULE_TYPES:
        raise RuleViolation(
            f"unknown rule type {raw.rule!r}: the catalogue has {', '.join(RULE_TYPES)}",
            field=f"{field}.rule",
        )
    params = parse_params(raw, field=field)
    outside = sorted(set(params.only_for) - parties)
    if outside:
        raise RuleViolation(
            f"{raw.rule} refers to {', '.join(outside)}, not a party of this JIT",
            field=f"{field}.params.only_for",
        )
    return RuleSpec(raw.rule, stored_params(params))


def stored_params(params: Params) -> dict[str, Any]:
    """A rule's parameters as a rulebook stores and shows them: what differs from the rule's
    defaults (a shipped rulebook naming a default reads the same as one leaving it out)."""
    stored: dict[str, Any] = msgspec.json.decode(msgspec.json.encode(params))
    return stored


def parse_params(spec: RuleSpec, *, field: str = "params") -> Params:
    cls = RULE_TYPES[spec.rule][1]
    try:
        return msgspec.convert(spec.params, cls)
    except msgspec.ValidationError as error:
        raise RuleViolation(
            f"{spec.rule}: bad parameter: {error}", field=f"{field}.params"
        ) from None
