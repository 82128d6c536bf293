"""How a service refuses a change: a ``ValidationError`` with a code (for tests and callers)
and a translated message, on a field of the form or on the form as a whole."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def refusal(message: str, code: str, field: str = NON_FIELD_ERRORS) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})
