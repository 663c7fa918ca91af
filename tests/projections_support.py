"""Helpers of the admissibility projection's tests and benchmark: its runner, and a spy on the
evaluator processes it hands its batches to."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from eventsourcing.projection import ProjectionRunner

from jitspace.services.application import JITspace
from projections.admissibility import AdmissibilityMatrix, AdmissibilityView


def admissibility_runner(env: Mapping[str, str]) -> ProjectionRunner[Any, Any]:
    """The admissibility matrix projected from the application's log into its view, as the
    server runs it (start it with `with`)."""
    return ProjectionRunner(
        application_class=JITspace,
        projection_class=AdmissibilityMatrix,
        view_class=AdmissibilityView,
        env=env,
    )


def spy_on_evaluators(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The evaluator processes (or None, for in-process) each batch is evaluated by, appended
    to the list returned as the projection asks for them; as if the processes started at
    once, the spy waits for them when they are starting."""
    used: list[Any] = []
    evaluators_of = AdmissibilityMatrix._evaluators

    def spy(self: AdmissibilityMatrix) -> Any:
        evaluators = evaluators_of(self)
        if evaluators is None and self.started is not None:
            self.started.result(timeout=60)
            evaluators = evaluators_of(self)
        used.append(evaluators)
        return evaluators

    monkeypatch.setattr(AdmissibilityMatrix, "_evaluators", spy)
    return used
