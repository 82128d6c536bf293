"""Request facts (client address) that services cannot see but audit events record."""

from __future__ import annotations

from contextvars import ContextVar

current_ip: ContextVar[str | None] = ContextVar("oneroof_audit_ip", default=None)
