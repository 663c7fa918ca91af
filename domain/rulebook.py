"""The Rulebook aggregate: one forum country's admissibility and use rules in one JIT.

Adopted from a file shipped with JITspace (its name, version and SHA-256 are on record),
then amended rule by rule by that country's legal advisor. Amendments are events, so a
verdict can be recomputed with the rulebook as it stood at any point of the log.
"""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from domain.base import Investigating, JitAggregate
from domain.commands import RemoveRule, SetRule
from domain.errors import PermissionDenied, RuleViolation
from domain.investigation import Investigation
from domain.rule_settings import RuleSpec, validate_rule
from domain.values import Actor, Role


class Rulebook(JitAggregate):
    class Adopted(JitAggregate.Created):
        country: str
        source_name: str
        source_version: str
        source_sha256: str
        rules: tuple[RuleSpec, ...]

    class RuleSet(JitAggregate.Event):
        """A rule added, or its parameters changed."""

        country: str
        spec: RuleSpec
        reason: str

    class RuleRemoved(JitAggregate.Event):
        country: str
        rule: str
        reason: str

    @staticmethod
    def id_for(investigation_id: UUID, country: str) -> UUID:
        return uuid.uuid5(investigation_id, f"rulebook:{country}")

    @classmethod
    def create_id(cls, investigation_id: UUID, country: str, **_: Any) -> UUID:
        return cls.id_for(investigation_id, country)

    noun = "rulebook"
    id_field = "country"

    @event(Adopted)
    def __init__(
        self,
        investigation_id: UUID,
        actor: Actor,
        country: str,
        source_name: str,
        source_version: str,
        source_sha256: str,
        rules: tuple[RuleSpec, ...],
    ) -> None:
        self.investigation_id = investigation_id
        self.country = country
        self.source = (source_name, source_version, source_sha256)
        self.rules = {spec.rule: spec for spec in rules}

    @classmethod
    def adopt(
        cls,
        investigation: Investigation,
        actor: Actor,
        *,
        country: str,
        source_name: str,
        source_version: str,
        source_sha256: str,
        rules: list[Any],
    ) -> Rulebook:
        """Adopt a shipped rulebook for `country`; refused if any rule is not valid here."""
        check_legal_advisor(investigation, actor, country)
        return cls(
            investigation_id=investigation.id,
            actor=actor,
            country=country,
            source_name=source_name,
            source_version=source_version,
            source_sha256=source_sha256,
            rules=valid_rules(rules, frozenset(investigation.parties)),
        )

    def set_rule(self, investigation: Investigation, actor: Actor, command: SetRule) -> None:
        self.check_belongs_to(investigation)
        check_legal_advisor(investigation, actor, self.country)
        spec = {"rule": command.rule, "params": command.params}
        valid = validate_rule(spec, frozenset(investigation.parties), field="rule")
        if self.rules.get(valid.rule) == valid:
            raise RuleViolation(f"{valid.rule} already reads so", field="params")
        self._record(self.RuleSet, actor, command, country=self.country, spec=valid)

    def remove_rule(self, investigation: Investigation, actor: Actor, command: RemoveRule) -> None:
        self.check_belongs_to(investigation)
        check_legal_advisor(investigation, actor, self.country)
        if command.rule not in self.rules:
            raise RuleViolation(f"{command.rule} is not in the rulebook", field="rule")
        self._record(self.RuleRemoved, actor, command, country=self.country)

    def check_belongs_to(self, investigation: Investigating, *, field: str = "") -> None:
        if self.investigation_id != investigation.id:
            raise RuleViolation(
                "no such rulebook in this investigation", field=field or self.id_field
            )

    @event(RuleSet)
    def _rule_set(self, spec: RuleSpec) -> None:
        self.rules[spec.rule] = spec

    @event(RuleRemoved)
    def _rule_removed(self, rule: str) -> None:
        del self.rules[rule]


def check_legal_advisor(investigation: Investigation, actor: Actor, country: str) -> None:
    investigation.check_can_act(actor)
    if country not in investigation.parties:
        raise RuleViolation(f"{country} is not a party of this JIT", field="country")
    if actor.role is not Role.LEGAL_ADVISOR or actor.country != country:
        raise PermissionDenied(
            f"only a legal advisor of {country} adopts and amends {country}'s rulebook"
        )


def valid_rules(rules: list[Any], parties: frozenset[str]) -> tuple[RuleSpec, ...]:
    """The rules of a rulebook, each validated for a JIT of `parties`, none twice."""
    specs = tuple(
        validate_rule(spec, parties, field=f"rules[{index}]") for index, spec in enumerate(rules)
    )
    if len({s.rule for s in specs}) != len(specs):
        raise RuleViolation("a rule appears twice in the rulebook", field="rules")
    return specs
