"""Use cases of rulebooks: each forum country's admissibility and use rules in one JIT."""

from __future__ import annotations

from uuid import UUID

from domain.commands import AdoptRulebook, RemoveRule, SetRule
from domain.errors import RuleViolation
from domain.investigation import Investigation
from domain.rulebook import Rulebook
from domain.values import Actor
from jitspace.rulebooks import ShippedRulebook, load_shipped
from jitspace.services.base import Workspace


class Rulebooks(Workspace):
    def adopt_rulebook(self, user_id: UUID, command: AdoptRulebook) -> Rulebook:
        """Adopt a rulebook shipped with JITspace (e.g. "de") as `country`'s rulebook."""
        return self._create(user_id, command, self._adopted)

    def _adopted(
        self, investigation: Investigation, actor: Actor, command: AdoptRulebook
    ) -> Rulebook:
        shipped = shipped_rulebook(command.source)
        self._check_no_rulebook(command)
        return Rulebook.adopt(
            investigation,
            actor,
            country=command.country,
            source_name=shipped.name,
            source_version=shipped.content.version,
            source_sha256=shipped.sha256,
            rules=shipped.content.rules,
        )

    def _check_no_rulebook(self, command: AdoptRulebook) -> None:
        rulebook_id = Rulebook.id_for(command.investigation_id, command.country)
        if self._find(Rulebook, rulebook_id) is not None:
            raise RuleViolation(
                f"{command.country} has a rulebook in this JIT already: amend it rule by rule",
                field="country",
            )

    def set_rule(self, user_id: UUID, command: SetRule) -> Rulebook:
        return self._change(user_id, command, Rulebook, Rulebook.set_rule)

    def remove_rule(self, user_id: UUID, command: RemoveRule) -> Rulebook:
        return self._change(user_id, command, Rulebook, Rulebook.remove_rule)

    def rulebook_for(self, user_id: UUID, investigation_id: UUID, country: str) -> Rulebook:
        investigation = self._acting(user_id, investigation_id, allow_closed=True)[0]
        return self._part(investigation, Rulebook, Rulebook.id_for(investigation_id, country))


def shipped_rulebook(source: str) -> ShippedRulebook:
    """The rulebook `source` shipped with JITspace, or RuleViolation."""
    shipped = load_shipped(source)
    if shipped is None:
        raise RuleViolation(f"no rulebook {source!r} is shipped with JITspace", field="source")
    return shipped
