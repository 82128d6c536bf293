"""What every page does with a refused form or service call: tell the user, in messages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest


def show_form_errors(request: HttpRequest, form: Form) -> None:
    for field_errors in form.errors.values():
        for message in field_errors:
            messages.error(request, str(message))


def show_errors(request: HttpRequest, error: ValidationError) -> None:
    """A service's refusal, as messages on the page the user comes back to."""
    for message in error.messages:
        messages.error(request, message)
