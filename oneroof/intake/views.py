from __future__ import annotations

from functools import cached_property
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from formtools.wizard.views import SessionWizardView

from oneroof.cases.permissions import can_request_handover
from oneroof.core.access import get_visible_or_404
from oneroof.core.types import AuthenticatedRequest
from oneroof.families.access import cases_visible_to, families_visible_to
from oneroof.families.queries import DuplicateMatch, find_duplicates

from . import forms, handovers, services
from .models import CentreHandover

STEP_TITLES = {
    "contact": gettext_lazy("Contact or referral"),
    "persons": gettext_lazy("Persons"),
    "relationships": gettext_lazy("Relationships"),
    "safety": gettext_lazy("Safety and consent"),
    "routing": gettext_lazy("Centre and confirmation"),
}


class IntakeWizard(SessionWizardView):
    """Register a first contact: nothing is saved until the last step is confirmed, and what
    was typed survives an error on any step (the wizard keeps it in the session)."""

    form_list = [
        ("contact", forms.ContactForm),
        ("persons", forms.PersonFormSet),
        ("relationships", forms.RelationshipFormSet),
        ("safety", forms.SafetyFormSet),
        ("routing", forms.RoutingForm),
    ]
    template_name = "intake/wizard.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not services.can_register_intake(request.user):  # type: ignore[arg-type]
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[no-any-return]

    # --- data of earlier steps -------------------------------------------------------------
    def _rows(self, step: str) -> list[dict[str, Any]]:
        data = self.get_cleaned_data_for_step(step) or []
        return [row for row in data if row]

    @cached_property
    def persons(self) -> list[dict[str, Any]]:
        return self._rows("persons")

    @cached_property
    def duplicates(self) -> dict[int, list[DuplicateMatch]]:
        found = {}
        for index, person in enumerate(self.persons):
            matches = find_duplicates(
                self.request.user,
                pesel=person.get("pesel") or "",
                first_name=person["first_name"],
                last_name=person["last_name"],
                born=person.get("date_of_birth"),
            )
            if matches:
                found[index] = matches
        return found

    def submission_for(self, routing: dict[str, Any]) -> Any:
        return forms.build_submission(
            self.get_cleaned_data_for_step("contact") or {},
            self.persons,
            self._rows("relationships"),
            self._rows("safety"),
            routing,
        )

    # --- forms -----------------------------------------------------------------------------
    def get_form_initial(self, step: str) -> Any:
        if step == "safety":
            return [{} for _ in self.persons]
        return super().get_form_initial(step)

    def get_form_kwargs(self, step: str | None = None) -> dict[str, Any]:
        if step in ("relationships", "safety"):
            return {"persons": self.persons}
        if step == "routing":
            links = {
                index: [
                    (str(m.person.pk), f"{m.person} ({m.person.date_of_birth:%d.%m.%Y})")
                    for m in matches
                    if m.person is not None
                ]
                for index, matches in self.duplicates.items()
            }
            return {
                "links": {i: c for i, c in links.items() if c},
                "submission_for": self.submission_for,
            }
        return {}

    def get_context_data(self, form: Form, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(form=form, **kwargs)
        context["step_title"] = STEP_TITLES[self.steps.current]
        context["step_names"] = list(STEP_TITLES.items())
        if self.steps.current == "routing":
            draft = self.submission_for({"centre": None})
            context["proposals"] = services.propose(draft, timezone.localdate())
            context["duplicates"] = [
                (self.persons[i], matches) for i, matches in self.duplicates.items()
            ]
            context["persons"] = self.persons
        return context

    def done(self, form_list: Any, **kwargs: Any) -> HttpResponse:
        routing = self.get_cleaned_data_for_step("routing") or {}
        try:
            referral = services.register_intake(
                actor=self.request.user, submission=self.submission_for(routing)
            )
        except ValidationError as error:
            form = self.get_form("routing", data=self.storage.get_step_data("routing"))
            for message in error.messages:
                form.add_error(None, message)
            return self.render(form)  # type: ignore[no-any-return]
        case = referral.case
        messages.success(
            self.request,
            _("Registered: case %(number)s at %(centre)s.")
            % {"number": case.number, "centre": case.centre},
        )
        if families_visible_to(self.request.user).filter(pk=case.family_id).exists():
            return redirect("families:detail", family_id=case.family_id)
        return redirect("families:list")


# --- handovers between centres ------------------------------------------------------------------


def _require_handover_role(request: AuthenticatedRequest) -> None:
    if not handovers.can_see_handovers(request.user):
        raise PermissionDenied


def _add_errors(form: Form, error: ValidationError) -> None:
    for key, field_messages in error.message_dict.items():
        field = key if key in form.fields else None
        for message in field_messages:
            form.add_error(field, message)


@require_GET
def handover_list(request: AuthenticatedRequest) -> HttpResponse:
    _require_handover_role(request)
    inbox = handovers.inbox_for(request.user)
    return render(request, "intake/handover_list.html", {"inbox": inbox})


@require_http_methods(["GET", "POST"])
def handover_request(request: AuthenticatedRequest, case_id: int) -> HttpResponse:
    _require_handover_role(request)
    case = get_visible_or_404(cases_visible_to(request.user).select_related("centre"), case_id)
    if not can_request_handover(request.user, case):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = forms.HandoverRequestForm(data, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            handover = handovers.request_handover(
                actor=request.user,
                case=case,
                to_centre=form.cleaned_data["to_centre"],
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("Sent: case %(number)s awaits the decision of %(centre)s.")
                % {"number": case.number, "centre": handover.to_centre},
            )
            return redirect("intake:handover-list")
    return render(request, "intake/handover_request.html", {"case": case, "form": form})


@require_http_methods(["GET", "POST"])
def handover_decide(request: AuthenticatedRequest, handover_id: int) -> HttpResponse:
    _require_handover_role(request)
    handover = get_visible_or_404(handovers.handovers_visible_to(request.user), handover_id)
    if not handovers.can_decide_handover(request.user, handover):
        raise PermissionDenied
    pending = handover.status == CentreHandover.Status.PENDING
    form = forms.HandoverDecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            handovers.decide_handover(
                actor=request.user,
                handover=handover,
                accept=form.accepts,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if form.accepts:
                message = _("Accepted: case %(number)s is now available to your centre.")
            else:
                message = _(
                    "Declined: case %(number)s stays where it is; the sender sees your reason."
                )
            messages.success(request, message % {"number": handover.case.number})
            return redirect("intake:handover-list")
    return render(
        request,
        "intake/handover_decide.html",
        {"handover": handover, "form": form, "pending": pending},
    )
