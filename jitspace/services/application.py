"""JITspace, the application: every group of use cases of the write side, and the reads of
one record, over one event-sourced application (jitspace/services/base.py).

The projection runner, the tracking tables and the environment know the application by its
name, "JITspace": it stays so.
"""

from __future__ import annotations

from jitspace.services.authorisations import Authorisations
from jitspace.services.custody import Custody
from jitspace.services.disclosure import Disclosure
from jitspace.services.evidence import Evidence
from jitspace.services.handling_facts import HandlingFacts
from jitspace.services.investigations import Investigations
from jitspace.services.legal_facts import LegalFacts
from jitspace.services.reading import Reading
from jitspace.services.retention import Retention
from jitspace.services.rulebooks import Rulebooks
from jitspace.services.tasks import Tasks


class JITspace(
    Investigations,
    Authorisations,
    Rulebooks,
    Evidence,
    Custody,
    LegalFacts,
    HandlingFacts,
    Tasks,
    Disclosure,
    Retention,
    Reading,
):
    name = "JITspace"
