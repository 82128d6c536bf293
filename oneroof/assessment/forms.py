"""Forms of the NORR administration: starting one, one domain per screen, and ending the
respondent mode. They check the shape of the input; the services decide what is allowed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar, cast

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from oneroof.families.models import Person

from .models import Administration, InstrumentVersion

T = TypeVar("T")


def localised(texts: Mapping[str, T]) -> T:
    """The text of an instrument definition in the current language (Polish as fallback)."""
    return texts.get((get_language() or "pl")[:2]) or texts["pl"]


# --- starting an administration -------------------------------------------------------------


class StartForm(forms.Form):
    """Who answers which form on which occasion. The respondent choices pair each person the
    user may administer with only the forms that fit the person's age, so an impossible
    combination cannot be chosen."""

    respondent = forms.ChoiceField(label=_("Respondent and form"))
    occasion = forms.ChoiceField(
        label=_("Occasion"),
        choices=Administration.Occasion.choices,
        initial=Administration.Occasion.DIAGNOSIS,
    )

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        persons: Sequence[Person],
        forms_of: Mapping[int, Sequence[str]],
        today: date,
    ) -> None:
        super().__init__(data)
        self.persons = {person.pk: person for person in persons}
        form_labels = dict(Administration.Form.choices)
        groups: list[tuple[str, list[tuple[str, str]]]] = []
        for person in persons:
            label = _("%(name)s, aged %(age)d") % {
                "name": f"{person.first_name} {person.last_name}",
                "age": person.age(today),
            }
            options = [
                (f"{person.pk}:{form}", str(form_labels[form])) for form in forms_of[person.pk]
            ]
            groups.append((str(label), options))
        field = cast(forms.ChoiceField, self.fields["respondent"])
        field.choices = [("", _("Choose a person")), *groups]

    def clean_respondent(self) -> tuple[Person, str]:
        person_id, _sep, form = self.cleaned_data["respondent"].partition(":")
        return self.persons[int(person_id)], form

    @property
    def person(self) -> Person:
        person: Person = self.cleaned_data["respondent"][0]
        return person

    @property
    def form(self) -> str:
        form: str = self.cleaned_data["respondent"][1]
        return form


# --- one domain per screen ------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One screen: a domain of the instrument and the items of the form in it."""

    index: int
    code: str
    name: str
    items: tuple[dict[str, Any], ...]


def steps_of(version: InstrumentVersion, form: str) -> list[Step]:
    """The domains that have items in ``form``, in the instrument's order."""
    items = version.items_for(form)
    steps: list[Step] = []
    for domain in version.domains():
        chosen = tuple(item for item in items if item["domain"] == domain["code"])
        if chosen:
            steps.append(Step(len(steps), domain["code"], localised(domain["name"]), chosen))
    return steps


def item_text(item: Mapping[str, Any], form: str) -> str:
    """The wording the respondent reads: the teen wording on the teen form when it has one."""
    texts: Mapping[str, str] = item["text"]
    if form == Administration.Form.TEEN and item.get("teen_text"):
        texts = item["teen_text"]
    return localised(texts)


class StepForm(forms.Form):
    """One radio group per item of the step; a group left empty is an unanswered item."""

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        step: Step,
        form: str,
        scales: Mapping[str, Any],
        initial: dict[str, str] | None = None,
    ) -> None:
        super().__init__(data, initial=initial, prefix="item")
        self.step = step
        for item in step.items:
            scale = scales[item["scale"]]
            labels = localised(scale["labels"])
            self.fields[item["id"]] = forms.ChoiceField(
                label=item_text(item, form),
                required=False,
                widget=forms.RadioSelect(attrs={"class": "btn-check", "autocomplete": "off"}),
                choices=[(str(v), label) for v, label in zip(scale["values"], labels, strict=True)],
                error_messages={"invalid_choice": _("Choose one of the given answers.")},
            )

    def answers(self) -> dict[str, str]:
        """Every item of the step: its answer, or "" (clears an earlier answer)."""
        return {item["id"]: self.cleaned_data.get(item["id"]) or "" for item in self.step.items}


# --- ending the respondent mode --------------------------------------------------------------


class HandbackForm(forms.Form):
    password = forms.CharField(
        label=_("Your password (staff member)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
