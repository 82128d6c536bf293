"""Input shape of the contact log; the rules live in ``services`` and ``safety``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oneroof.families.models import Person, SafeContactRule

from .models import Channel, Direction, InstitutionType, Number
from .services import MAX_SUMMARY_LENGTH

PERSON, INSTITUTION = "person", "institution"
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def restriction_labels(rule: SafeContactRule | None) -> list[str]:
    """Short labels of what a person's rules forbid, for choices and the rules panel."""
    if rule is None:
        return []
    labels = []
    if rule.no_calls_at_home:
        labels.append(str(_("do not call at home")))
    if rule.no_letters:
        labels.append(str(_("do not send letters")))
    return labels


class PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A family member; restrictions are part of the label, so that they are seen (and read
    by screen readers) before anything is submitted, with or without JavaScript."""

    def __init__(self, *args: Any, rules: dict[int, SafeContactRule], **kwargs: Any) -> None:
        self.rules = rules
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        rule = self.rules.get(obj.pk)
        name = f"{obj.first_name} {obj.last_name}"
        if rule is None:
            return name
        notes = [str(_("safe channel: %(channel)s") % {"channel": rule.get_channel_display()})]
        notes += restriction_labels(rule)
        return f"{name} ⚠ {'; '.join(notes)}"


class ContactForm(forms.Form):
    occurred_at = forms.DateTimeField(
        label=_("When"),
        input_formats=[DATETIME_FORMAT],
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "class": "form-control"}, format=DATETIME_FORMAT
        ),
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=Channel.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    direction = forms.ChoiceField(
        label=_("Direction"),
        choices=Direction.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    counterpart = forms.ChoiceField(
        label=_("With whom"),
        choices=[(PERSON, _("a family member")), (INSTITUTION, _("an institution"))],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        initial=PERSON,
    )
    person = PersonChoiceField(
        label=_("Family member"),
        queryset=Person.objects.none(),
        required=False,
        rules={},
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    institution_name = forms.CharField(
        label=_("Institution"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    institution_type = forms.ChoiceField(
        label=_("Kind of institution"),
        choices=[("", "—"), *InstitutionType.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    number = forms.ChoiceField(
        label=_("Number used (phone calls)"),
        choices=[("", _("not a phone call")), *Number.choices],
        required=False,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    about = forms.ModelMultipleChoiceField(
        label=_("Concerns (contacts with institutions)"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("None: the family as a whole."),
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=MAX_SUMMARY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )
    warning_codes = forms.CharField(required=False, widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label=_("I have read the warnings above and confirm this contact."),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(
        self,
        *args: Any,
        persons: QuerySet[Person],
        rules: dict[int, SafeContactRule],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        if isinstance(person, PersonChoiceField):
            person.rules = rules
            person.queryset = persons
        about = self.fields["about"]
        if isinstance(about, forms.ModelMultipleChoiceField):
            about.queryset = persons
        if not self.is_bound:
            self.initial.setdefault("occurred_at", timezone.localtime().replace(second=0))

    def add_error(self, field: str | None, error: Any) -> None:
        """Every error, from the form or the service, marks its field for assistive tech."""
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"id_{name}-errors"

    def confirmed_warnings(self) -> frozenset[str]:
        """The warnings the author confirmed: those shown with the box they ticked."""
        if not self.cleaned_data.get("confirm"):
            return frozenset()
        codes = self.cleaned_data.get("warning_codes") or ""
        return frozenset(code for code in codes.split(",") if code)

    def counterpart_data(self) -> dict[str, Any]:
        """The service's counterpart arguments from the chosen kind of counterpart."""
        data = self.cleaned_data
        if data["counterpart"] == PERSON:
            return {"person": data["person"], "about": []}
        return {
            "institution_name": data["institution_name"],
            "institution_type": data["institution_type"],
            "about": list(data["about"]),
        }


class MarkEnteredInErrorForm(forms.Form):
    reason = forms.CharField(
        label=_("Why was it entered in error?"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
