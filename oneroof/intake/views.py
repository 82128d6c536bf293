from __future__ import annotations

from functools import cached_property
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from formtools.wizard.views import SessionWizardView

from oneroof.families.access import families_visible_to
from oneroof.families.queries import DuplicateMatch, find_duplicates

from . import forms, services

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
