"""The steps of the intake form. Field checks reuse ``families.validation``; the last step runs
the whole-submission check of the service, so errors appear before anything is saved."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet, formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from localflavor.pl.forms import PLPESELField

from oneroof.cases.models import Case
from oneroof.families import validation
from oneroof.families.models import Person, Relationship, SafeContactRule
from oneroof.families.pesel import birth_date_from_pesel
from oneroof.organisation.models import Centre

from .models import CentreHandover, ReferralChannel, Urgency
from .services import validate_submission
from .submission import (
    ContactInput,
    DisclosureBlockInput,
    IntakeSubmission,
    PersonInput,
    RelationshipInput,
    SafeContactInput,
)

MAX_PERSONS = 12
_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_TEXT_LIMIT = 200


class ContactForm(forms.Form):
    family_name = forms.CharField(
        label=_("Family name"),
        max_length=120,
        help_text=_("Seen by the whole centre: a surname at most, e.g. “Rodzina Nowaków”."),
    )
    received_on = forms.DateField(label=_("Date of contact"), widget=_DATE)
    channel = forms.ChoiceField(label=_("Channel"), choices=ReferralChannel.choices)
    referring_institution = forms.CharField(
        label=_("Referring institution"), max_length=_TEXT_LIMIT, required=False
    )
    referrer_contact = forms.CharField(
        label=_("Contact person at the institution"), max_length=_TEXT_LIMIT, required=False
    )
    reason = forms.CharField(
        label=_("Reason, in the referrer's words"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    family_told = forms.CharField(
        label=_("What the family was told"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_received_on(self) -> date:
        value: date = self.cleaned_data["received_on"]
        if value > timezone.localdate():
            raise ValidationError(_("The date of contact cannot be in the future."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        channel = data.get("channel")
        institutional = channel and channel not in ReferralChannel.self_referral()
        if institutional and not data.get("referring_institution", "").strip():
            self.add_error(
                "referring_institution", _("Name the institution that referred the family.")
            )
        return data


class PersonForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    pesel = PLPESELField(label=_("PESEL"), required=False)
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=_DATE,
        help_text=_("Needed when there is no PESEL; taken from the PESEL otherwise."),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Person.Sex.choices, initial="X")
    disability = forms.ChoiceField(
        label=_("Disability"), choices=Person.Disability.choices, initial="no"
    )
    has_disability_certificate = forms.BooleanField(
        label=_("Has a disability certificate"), required=False
    )
    language = forms.CharField(label=_("Language"), max_length=50, initial="polski")
    needs_interpreter = forms.BooleanField(label=_("Needs an interpreter"), required=False)
    is_client = forms.BooleanField(label=_("Client (the person the help is for)"), required=False)
    household = forms.CharField(
        label=_("Household"),
        max_length=100,
        required=False,
        help_text=_("Persons with the same label live together, e.g. “mieszkanie 1”."),
    )
    address = forms.CharField(label=_("Address"), max_length=_TEXT_LIMIT, required=False)
    phone = forms.RegexField(
        label=_("Phone"),
        regex=r"^\+?[\d\s\-()]{9,20}$",
        required=False,
        error_messages={"invalid": _("Enter a phone number of 9 to 15 digits.")},
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    school = forms.CharField(label=_("School or preschool"), max_length=_TEXT_LIMIT, required=False)
    workplace = forms.CharField(label=_("Workplace"), max_length=_TEXT_LIMIT, required=False)

    def clean_first_name(self) -> str:
        value: str = self.cleaned_data["first_name"].strip()
        validation.validate_name(value)
        return value

    def clean_last_name(self) -> str:
        value: str = self.cleaned_data["last_name"].strip()
        validation.validate_name(value)
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        pesel, born = data.get("pesel") or "", data.get("date_of_birth")
        if pesel and born is None and "pesel" not in self.errors:
            data["date_of_birth"] = born = birth_date_from_pesel(pesel)
        if born is None:
            if "pesel" not in self.errors:
                self.add_error("date_of_birth", _("Give the date of birth or a PESEL."))
            return data
        try:
            validation.validate_date_of_birth(born, timezone.localdate())
        except ValidationError as error:
            self.add_error("date_of_birth", error)
        if pesel and "pesel" not in self.errors:
            try:
                validation.validate_pesel_matches(pesel, born)
            except ValidationError as error:
                self.add_error("pesel", error)
        return data


class BasePersonFormSet(BaseFormSet):  # type: ignore[type-arg]
    def clean(self) -> None:
        if any(self.errors):
            return
        filled = [f for f in self.forms if f.has_changed() and f.cleaned_data]
        if not filled:
            raise ValidationError(_("Add at least one person."))
        pesels = [f.cleaned_data["pesel"] for f in filled if f.cleaned_data.get("pesel")]
        if len(pesels) != len(set(pesels)):
            raise ValidationError(_("The same PESEL is entered twice."))


PersonFormSet = formset_factory(
    PersonForm, formset=BasePersonFormSet, extra=4, max_num=MAX_PERSONS, validate_max=True
)


def person_choices(persons: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [
        (f"p{n}", f"{p['first_name']} {p['last_name']} ({p['date_of_birth']:%d.%m.%Y})")
        for n, p in enumerate(persons)
    ]


class RelationshipForm(forms.Form):
    from_person = forms.ChoiceField(label=_("Person"))
    # The empty choice keeps an unused row empty: without it the browser posts the first kind
    # and the row counts as filled in, with its persons missing.
    kind = forms.ChoiceField(
        label=pgettext_lazy("relationship: <person> is <kind> of <person>", "is"),
        choices=[("", "—"), *Relationship.Kind.choices],
    )
    to_person = forms.ChoiceField(
        label=pgettext_lazy("relationship: <person> is <kind> of <person>", "of")
    )

    def __init__(self, *args: Any, persons: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "—"), *person_choices(persons)]
        for name in ("from_person", "to_person"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
            field.choices = choices


class BaseRelationshipFormSet(BaseFormSet):  # type: ignore[type-arg]
    def __init__(self, *args: Any, persons: list[dict[str, Any]], **kwargs: Any) -> None:
        self.persons = persons
        kwargs["form_kwargs"] = {"persons": persons}
        super().__init__(*args, **kwargs)

    def clean(self) -> None:
        if any(self.errors):
            return
        born = {f"p{n}": p["date_of_birth"] for n, p in enumerate(self.persons)}
        # Read every row first: add_error() removes the field from that row's cleaned_data.
        rows = [
            (form, form.cleaned_data["from_person"], form.cleaned_data["kind"],
             form.cleaned_data["to_person"])
            for form in self.forms
            if form.has_changed() and form.cleaned_data
        ]  # fmt: skip
        today = timezone.localdate()
        for form, a, kind, b in rows:
            if a == b:
                form.add_error("to_person", _("Choose two different persons."))
                continue
            others = {k for other, x, k, y in rows if other is not form and {x, y} == {a, b}}
            try:
                validation.validate_relationship(kind, born[a], born[b], others, today)
            except ValidationError as error:
                form.add_error("kind", error)


RelationshipFormSet = formset_factory(
    RelationshipForm, formset=BaseRelationshipFormSet, extra=6, max_num=30, validate_max=True
)


class SafetyForm(forms.Form):
    """Safety facts and consent for one person (the form's ``label`` names them)."""

    suspected_of_violence = forms.BooleanField(
        label=_("Suspected of using violence"), required=False
    )
    suspicion_source = forms.CharField(
        label=_("Source of the suspicion"), max_length=_TEXT_LIMIT, required=False
    )
    suspicion_noted_on = forms.DateField(label=_("Noted on"), required=False, widget=_DATE)
    protected = forms.BooleanField(label=_("Protected person"), required=False)
    experienced_violence = forms.BooleanField(
        label=_("Experienced violence (a child witness too)"), required=False
    )
    hidden_from = forms.MultipleChoiceField(
        label=_("Do not disclose this person's contact and location to"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    safe_channel = forms.ChoiceField(
        label=_("Safe contact channel"),
        required=False,
        choices=[("", "—"), *SafeContactRule.Channel.choices],
    )
    safe_hours = forms.CharField(label=_("Safe hours"), max_length=100, required=False)
    no_calls_at_home = forms.BooleanField(label=_("Do not call at home"), required=False)
    no_letters = forms.BooleanField(label=_("Do not send letters"), required=False)
    code_word = forms.CharField(label=_("Code word"), max_length=50, required=False)
    clause_given_on = forms.DateField(
        label=_("RODO information clause given on"), required=False, widget=_DATE
    )
    clause_through_guardian = forms.ChoiceField(
        label=_("For a child: given through the guardian"), required=False
    )

    def __init__(
        self, *args: Any, persons: list[dict[str, Any]], index: int, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.person_key = f"p{index}"
        person = persons[index]
        self.label = f"{person['first_name']} {person['last_name']}"
        others = [c for c in person_choices(persons) if c[0] != self.person_key]
        hidden_from, guardian = self.fields["hidden_from"], self.fields["clause_through_guardian"]
        assert isinstance(hidden_from, forms.ChoiceField)  # noqa: S101 - declared above
        assert isinstance(guardian, forms.ChoiceField)  # noqa: S101 - declared above
        hidden_from.choices = others
        guardian.choices = [("", "—"), *others]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("suspected_of_violence") and not data.get("suspicion_source", "").strip():
            self.add_error("suspicion_source", _("Say where the suspicion comes from."))
        rule_fields = ("safe_hours", "no_calls_at_home", "no_letters", "code_word")
        if any(data.get(name) for name in rule_fields) and not data.get("safe_channel"):
            self.add_error("safe_channel", _("Choose the safe channel these rules belong to."))
        if data.get("clause_through_guardian") and not data.get("clause_given_on"):
            self.add_error("clause_given_on", _("Give the date the clause was given."))
        return data


class BaseSafetyFormSet(BaseFormSet):  # type: ignore[type-arg]
    """One safety form per person entered on the persons step, never more."""

    def __init__(self, *args: Any, persons: list[dict[str, Any]], **kwargs: Any) -> None:
        self.persons = persons
        super().__init__(*args, **kwargs)
        self.max_num = self.absolute_max = len(persons)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {"persons": self.persons, "index": index}

    def clean(self) -> None:
        if any(self.errors):
            return
        suspected = {
            f.person_key for f in self.forms if f.cleaned_data.get("suspected_of_violence")
        }
        for form in self.forms:
            if form.cleaned_data.get("clause_through_guardian") in suspected:
                form.add_error(
                    "clause_through_guardian",
                    _("The clause cannot go through a guardian suspected of violence."),
                )


SafetyFormSet = formset_factory(SafetyForm, formset=BaseSafetyFormSet, extra=0)


class RoutingForm(forms.Form):
    centre = forms.ModelChoiceField(
        label=_("Centre"),
        queryset=Centre.objects.filter(is_active=True),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    override_reason = forms.CharField(
        label=_("Reason for choosing a centre that was not proposed"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        *args: Any,
        links: dict[int, list[tuple[str, str]]],
        submission_for: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.submission_for = submission_for
        for index, choices in links.items():
            self.fields[f"link_p{index}"] = forms.ChoiceField(
                label=_("Existing record"),
                choices=[("", _("Create a new record")), *choices],
                required=False,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        submission = self.submission_for(data)
        try:
            validate_submission(submission, timezone.localdate())
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                field = key if key in self.fields else None
                for message in messages:
                    self.add_error(field, message)
        return data


def build_submission(
    contact: dict[str, Any],
    persons: list[dict[str, Any]],
    relationships: list[dict[str, Any]],
    safety: list[dict[str, Any]],
    routing: dict[str, Any],
) -> IntakeSubmission:
    """Turn the cleaned data of all steps into the service's typed input."""
    safety_by_key = {f"p{n}": row for n, row in enumerate(safety)}
    person_inputs = []
    blocks = []
    for n, p in enumerate(persons):
        key = f"p{n}"
        s = safety_by_key.get(key, {})
        link = routing.get(f"link_{key}") or ""
        safe = (
            SafeContactInput(
                channel=s["safe_channel"],
                hours=s.get("safe_hours", ""),
                no_calls_at_home=s.get("no_calls_at_home", False),
                no_letters=s.get("no_letters", False),
                code_word=s.get("code_word", ""),
            )
            if s.get("safe_channel")
            else None
        )
        person_inputs.append(
            PersonInput(
                key=key,
                first_name=p["first_name"],
                last_name=p["last_name"],
                date_of_birth=p["date_of_birth"],
                pesel=p.get("pesel") or "",
                sex=p.get("sex") or "X",
                disability=p.get("disability") or "no",
                has_disability_certificate=p.get("has_disability_certificate", False),
                language=p.get("language") or "polski",
                needs_interpreter=p.get("needs_interpreter", False),
                is_client=p.get("is_client", False),
                existing_person_id=int(link) if link else None,
                address=p.get("address", ""),
                phone=p.get("phone", ""),
                email=p.get("email", ""),
                school=p.get("school", ""),
                workplace=p.get("workplace", ""),
                household=p.get("household", ""),
                suspected_of_violence=s.get("suspected_of_violence", False),
                suspicion_source=s.get("suspicion_source", ""),
                suspicion_noted_on=s.get("suspicion_noted_on"),
                protected=s.get("protected", False),
                experienced_violence=s.get("experienced_violence", False),
                safe_contact=safe,
                clause_given_on=s.get("clause_given_on"),
                clause_through_guardian=s.get("clause_through_guardian", ""),
            )
        )
        blocks += [DisclosureBlockInput(key, other) for other in s.get("hidden_from", [])]
    centre = routing.get("centre")
    return IntakeSubmission(
        contact=ContactInput(
            received_on=contact["received_on"],
            channel=contact["channel"],
            reason=contact["reason"],
            urgency=contact["urgency"],
            referring_institution=contact.get("referring_institution", ""),
            referrer_contact=contact.get("referrer_contact", ""),
            family_told=contact.get("family_told", ""),
        ),
        family_name=contact["family_name"],
        persons=tuple(person_inputs),
        relationships=tuple(
            RelationshipInput(r["from_person"], r["kind"], r["to_person"]) for r in relationships
        ),
        disclosure_blocks=tuple(blocks),
        centre_id=centre.pk if centre is not None else 0,
        override_reason=routing.get("override_reason", ""),
    )


class HandoverRequestForm(forms.Form):
    """Refer or transfer one case: the shape only; the rules are in ``handovers``."""

    kind = forms.ChoiceField(
        label=_("Kind of handover"),
        choices=CentreHandover.Kind.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "A referral shares the case and your centre stays its owner; a transfer moves the "
            "case and your centre no longer sees it once the transfer is accepted."
        ),
    )
    to_centre = forms.ModelChoiceField(
        label=_("Receiving centre"), queryset=Centre.objects.none(), empty_label=None
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "The receiving coordinator reads this before deciding: describe the need, not the "
            "persons' details."
        ),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_centre"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        field.queryset = Centre.objects.filter(is_active=True).exclude(pk=case.centre_id)


class HandoverDecisionForm(forms.Form):
    ACCEPT, DECLINE = "accept", "decline"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(ACCEPT, _("Accept")), (DECLINE, _("Decline"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you decline; the sending centre sees it."),
    )

    @property
    def accepts(self) -> bool:
        return bool(self.cleaned_data["decision"] == self.ACCEPT)
