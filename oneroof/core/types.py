"""Types shared across apps. No domain rules here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.http import HttpRequest

if TYPE_CHECKING:
    from oneroof.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    """A request that passed the login and two-factor middleware."""

    user: User


@dataclass(frozen=True)
class AuditContext:
    """Who acted, in which role and centre: stamped on every audit event."""

    role: str = ""
    centre_id: int | None = None
    centre_label: str = ""


class AuditActor(Protocol):
    """What the audit trail needs to know about an actor (implemented by accounts.User)."""

    username: str

    @property
    def pk(self) -> Any: ...

    def audit_context(self) -> AuditContext: ...
