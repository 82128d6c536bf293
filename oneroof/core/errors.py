"""How a service refuses a change: a ``ValidationError`` with a code (for tests and callers)
and a translated message, on a field of the form or on the form as a whole."""

from __future__ import annotations

import difflib
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _


def refusal(message: str, code: str, field: str = NON_FIELD_ERRORS) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


class StaleEditError(ValidationError):
    """The record changed since the editor loaded it; nothing was saved. ``diff`` compares the
    saved text with the one submitted, so the editor can redo their change by hand."""

    def __init__(self, *, current: Any, saved: str, submitted: str, message: str) -> None:
        super().__init__(message, code="stale")
        self.current = current
        self.submitted = submitted
        self.diff = "\n".join(
            difflib.unified_diff(
                saved.splitlines(),
                submitted.splitlines(),
                fromfile=_("saved version"),
                tofile=_("your changes"),
                lineterm="",
            )
        )
