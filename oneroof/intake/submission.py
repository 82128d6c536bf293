"""The typed shape of one intake: what the multi-step form hands to ``register_intake``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ContactInput:
    received_on: date
    channel: str
    reason: str
    urgency: str
    referring_institution: str = ""
    referrer_contact: str = ""
    family_told: str = ""


@dataclass(frozen=True)
class SafeContactInput:
    channel: str
    hours: str = ""
    no_calls_at_home: bool = False
    no_letters: bool = False
    code_word: str = ""


@dataclass(frozen=True)
class PersonInput:
    key: str  # identifies the person inside this submission only ("p1", "p2", …)
    first_name: str
    last_name: str
    date_of_birth: date
    pesel: str = ""
    sex: str = "X"
    disability: str = "no"
    has_disability_certificate: bool = False
    language: str = "polski"
    needs_interpreter: bool = False
    is_client: bool = False
    existing_person_id: int | None = None  # link to a record the user chose, never implicit
    address: str = ""
    phone: str = ""
    email: str = ""
    school: str = ""
    workplace: str = ""
    household: str = ""
    suspected_of_violence: bool = False
    suspicion_source: str = ""
    suspicion_noted_on: date | None = None
    protected: bool = False
    experienced_violence: bool = False
    safe_contact: SafeContactInput | None = None
    clause_given_on: date | None = None
    clause_through_guardian: str = ""  # key of the guardian who received it for a child


@dataclass(frozen=True)
class RelationshipInput:
    from_key: str
    kind: str
    to_key: str


@dataclass(frozen=True)
class DisclosureBlockInput:
    protected_key: str
    blocked_from_key: str
    reason: str = ""


@dataclass(frozen=True)
class IntakeSubmission:
    contact: ContactInput
    family_name: str
    persons: tuple[PersonInput, ...]
    centre_id: int
    relationships: tuple[RelationshipInput, ...] = ()
    disclosure_blocks: tuple[DisclosureBlockInput, ...] = ()
    override_reason: str = ""
