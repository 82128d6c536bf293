"""What every page does with a refused form or service call: tell the user, in messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse


def show_form_errors(request: HttpRequest, form: Form) -> None:
    for field_errors in form.errors.values():
        for message in field_errors:
            messages.error(request, str(message))


def show_errors(request: HttpRequest, error: ValidationError) -> None:
    """A service's refusal, as messages on the page the user comes back to."""
    for message in error.messages:
        messages.error(request, message)


def submit(
    request: HttpRequest,
    form: Form,
    act: Callable[[dict[str, Any]], object],
    *,
    done: str,
    back: HttpResponse,
) -> HttpResponse:
    """Validate ``form`` and hand its data to the service (``act``). Form errors and the
    service's refusal come back as messages, success as ``done``; either way, ``back``."""
    if not form.is_valid():
        show_form_errors(request, form)
        return back
    try:
        act(form.cleaned_data)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, done)
    return back
