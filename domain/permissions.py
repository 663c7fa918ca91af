"""Who may do what in an investigation: one table of role x action, as data.

Every endpoint and the live feed name the action they perform, and the caller's role in
that investigation must be in the action's row. Finer rules stay with the records they
protect (only the originating party sets its item's handling restrictions, only a
country's legal advisor amends its rulebook, only the custodian hands an item over, ...).

The rows follow the usual division of work in a JIT under the model agreement: the leader
and national members run the team; investigators collect and handle evidence and enter
the warrants they execute; prosecutors and legal advisors decide the legal questions and,
where exhibits are placed under judicial authority, hold them too; analysts register their
work products and download copies but handle no exhibits and decide nothing legal;
observers (Europol or Eurojust staff) see the case and work the tasks given to them.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from domain.errors import PermissionDenied
from domain.values import Role


class Action(StrEnum):
    VIEW_INVESTIGATION = "view_investigation"  # the JIT, its event log, its live feed
    MANAGE_TEAM = "manage_team"  # parties and members
    CLOSE_INVESTIGATION = "close_investigation"
    VIEW_EVIDENCE = "view_evidence"  # the register, items, custody chains
    REGISTER_EVIDENCE = "register_evidence"  # new items, descriptions, files
    SET_HANDLING = "set_handling"  # handling restrictions (the originating party's)
    DOWNLOAD_FILES = "download_files"
    RECORD_CUSTODY = "record_custody"  # collection, seals, handovers, receipts, storage...
    RECORD_INTERVIEW = "record_interview"
    RECORD_DERIVATION = "record_derivation"  # copies, extractions, analysis products
    VIEW_LEGAL = "view_legal"  # authorisations, rulebooks, admissibility
    RECORD_AUTHORISATION = "record_authorisation"  # record, amend, extend, qualify, revoke,
    # and the rulings on it: confirmed by a judge, annulled by a court
    RECORD_CONCERNS = "record_concerns"  # whom an item concerns (persons, numbers, ...)
    RECORD_NOTIFICATION = "record_notification"  # notifications to a state, its objections,
    # and where a measure's target was
    DECIDE_CONSENT = "decide_consent"  # grant, refuse or withdraw consent to another use
    REQUEST_CONSENT = "request_consent"  # ask the originator's consent; record an onward
    # transfer (which needs it)
    SET_CONDITIONS = "set_conditions"  # the sender's conditions on an item: attached, met,
    # lifted
    RECORD_USE = "record_use"  # use of an item in a proceeding
    RECORD_PRIVILEGE_REVIEW = "record_privilege_review"  # privileged content found, deleted
    RECORD_CERTIFICATE = "record_certificate"  # certificates of authenticity, their notice
    RECORD_HANDLING = "record_handling"  # search records, examinations, translations,
    # processing logs, hashes and re-verifications made outside JITspace
    RAISE_DEFECT = "raise_defect"  # a defect raised before a court, the court's rulings
    RECORD_DISCLOSURE = "record_disclosure"  # an item's steps on the party's disclosure
    # schedule (reviewed, scheduled, disclosed to the defence)
    AMEND_RULEBOOK = "amend_rulebook"
    VIEW_TASKS = "view_tasks"
    MANAGE_TASKS = "manage_tasks"  # create and assign
    WORK_TASKS = "work_tasks"  # change a task's status
    DISCLOSE = "disclose"  # produce a disclosure bundle
    COMMENT = "comment"  # on evidence items and tasks, mentioning members
    VIEW_SECURITY_LOG = "view_security_log"  # the security log's entries about the investigation
    HOLD_EVIDENCE = "hold_evidence"  # place or release a legal hold on an item
    DELETE_UNDER_RETENTION = "delete_under_retention"  # execute an item's deletion date now

    @property
    def described(self) -> str:
        return _DESCRIBED[self]


_EVERYONE = frozenset(Role)
_RUN = frozenset({Role.JIT_LEADER, Role.NATIONAL_MEMBER})
_LEGAL = frozenset({Role.LEGAL_ADVISOR, Role.PROSECUTOR, Role.NATIONAL_MEMBER})
_OPERATIONAL = _RUN | {Role.INVESTIGATOR}
_STAFF = _EVERYONE - {Role.OBSERVER}

PERMISSIONS: Mapping[Action, frozenset[Role]] = MappingProxyType(
    {
        Action.VIEW_INVESTIGATION: _EVERYONE,
        Action.MANAGE_TEAM: _RUN,
        Action.CLOSE_INVESTIGATION: frozenset({Role.JIT_LEADER}),
        Action.VIEW_EVIDENCE: _EVERYONE,
        Action.REGISTER_EVIDENCE: _STAFF,
        Action.SET_HANDLING: _OPERATIONAL | _LEGAL,
        Action.DOWNLOAD_FILES: _STAFF,
        Action.RECORD_CUSTODY: _OPERATIONAL | _LEGAL,
        Action.RECORD_INTERVIEW: _OPERATIONAL | {Role.PROSECUTOR},
        Action.RECORD_DERIVATION: _OPERATIONAL | {Role.ANALYST},
        Action.VIEW_LEGAL: _STAFF,
        Action.RECORD_AUTHORISATION: _OPERATIONAL | _LEGAL,
        Action.RECORD_CONCERNS: _OPERATIONAL | _LEGAL,
        Action.RECORD_NOTIFICATION: _LEGAL | {Role.JIT_LEADER},
        Action.DECIDE_CONSENT: _LEGAL,
        Action.REQUEST_CONSENT: _LEGAL,
        Action.SET_CONDITIONS: _LEGAL,
        Action.RECORD_USE: _OPERATIONAL | _LEGAL,
        Action.RAISE_DEFECT: _LEGAL,
        Action.RECORD_PRIVILEGE_REVIEW: _LEGAL,
        Action.RECORD_CERTIFICATE: _LEGAL,
        Action.RECORD_HANDLING: _OPERATIONAL | _LEGAL | {Role.ANALYST},
        Action.RECORD_DISCLOSURE: _OPERATIONAL | _LEGAL,
        Action.AMEND_RULEBOOK: frozenset({Role.LEGAL_ADVISOR}),
        Action.VIEW_TASKS: _EVERYONE,
        Action.MANAGE_TASKS: _STAFF,
        Action.WORK_TASKS: _EVERYONE,
        Action.DISCLOSE: _LEGAL | {Role.JIT_LEADER},
        Action.COMMENT: _STAFF,
        Action.VIEW_SECURITY_LOG: frozenset({Role.JIT_LEADER}),
        Action.HOLD_EVIDENCE: _LEGAL | {Role.JIT_LEADER},
        Action.DELETE_UNDER_RETENTION: frozenset({Role.JIT_LEADER}),
    }
)

_DESCRIBED: Mapping[Action, str] = MappingProxyType(
    {
        Action.VIEW_INVESTIGATION: "see this investigation",
        Action.MANAGE_TEAM: "change the parties and members of the team",
        Action.CLOSE_INVESTIGATION: "close the investigation",
        Action.VIEW_EVIDENCE: "see the evidence register",
        Action.REGISTER_EVIDENCE: "register evidence or attach files",
        Action.SET_HANDLING: "set handling restrictions",
        Action.DOWNLOAD_FILES: "download evidence files",
        Action.RECORD_CUSTODY: "record custody of evidence",
        Action.RECORD_INTERVIEW: "record interviews",
        Action.RECORD_DERIVATION: "record copies and derived evidence",
        Action.VIEW_LEGAL: "see authorisations, rulebooks and admissibility",
        Action.RECORD_AUTHORISATION: "record legal authorisations",
        Action.RECORD_CONCERNS: "record whom evidence concerns",
        Action.RECORD_NOTIFICATION: "record notifications to other states and where a target was",
        Action.DECIDE_CONSENT: "decide on consent to another use",
        Action.REQUEST_CONSENT: "ask for consent and record onward transfers",
        Action.SET_CONDITIONS: "set and close the conditions attached to evidence",
        Action.RECORD_USE: "record uses of evidence in proceedings",
        Action.RECORD_PRIVILEGE_REVIEW: "record reviews for privileged content",
        Action.RECORD_CERTIFICATE: "record certificates of authenticity",
        Action.RECORD_HANDLING: "record searches, examinations, translations and hashes",
        Action.RAISE_DEFECT: "record defects raised before a court and its rulings on evidence",
        Action.RECORD_DISCLOSURE: "record the disclosure schedule of evidence",
        Action.AMEND_RULEBOOK: "adopt or amend a rulebook",
        Action.VIEW_TASKS: "see tasks",
        Action.MANAGE_TASKS: "create or assign tasks",
        Action.WORK_TASKS: "change the status of tasks",
        Action.DISCLOSE: "produce disclosure bundles",
        Action.COMMENT: "comment on evidence and tasks",
        Action.VIEW_SECURITY_LOG: "read the security log of this investigation",
        Action.HOLD_EVIDENCE: "place or release a legal hold on evidence",
        Action.DELETE_UNDER_RETENTION: "delete evidence whose deletion date has passed",
    }
)


# what a JIT agreement may give its observers beyond the table (Europol analysts working on
# the data, Eurojust staff following the legal file); never custody, legal decisions,
# rulebooks, the team or disclosure
GRANTABLE_TO_OBSERVERS = frozenset(
    {
        Action.VIEW_LEGAL,
        Action.DOWNLOAD_FILES,
        Action.REGISTER_EVIDENCE,
        Action.RECORD_DERIVATION,
        Action.MANAGE_TASKS,
        Action.COMMENT,
    }
)


def permits(role: Role, action: Action, granted: frozenset[Action] = frozenset()) -> bool:
    """Whether the role may perform the action; `granted`: what the JIT agreement gives its
    observers besides."""
    return role in PERMISSIONS[action] or (role is Role.OBSERVER and action in granted)


def check_permitted(role: Role, action: Action, granted: frozenset[Action] = frozenset()) -> None:
    """Raise PermissionDenied unless the role may perform the action."""
    if not permits(role, action, granted):
        raise PermissionDenied(
            f"in this investigation you are {_article(role)} {role.value.replace('_', ' ')}, "
            f"who may not {action.described}"
        )


def _article(role: Role) -> str:
    return "an" if role.value[0] in "aeiou" else "a"
