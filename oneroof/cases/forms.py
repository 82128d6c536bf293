"""Input shape of the case pages; the rules live in ``services``."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from oneroof.accounts.models import User
from oneroof.families.access import NOTE_ROLES, FamilyAccess
from oneroof.families.models import Person
from oneroof.organisation.models import Institution, Membership, Role
from oneroof.organisation.permissions import active_centre_id

from .models import Case, CaseNote, PlanStage
from .notes import MAX_NOTE_LENGTH
from .permissions import can_write_note_level
from .services import TEAM_ROLES, allowed_next_statuses


def staff_at(centre_id: int | None, roles: Any) -> QuerySet[User]:
    if centre_id is None:
        return User.objects.none()
    return User.objects.filter(
        pk__in=Membership.objects.active()
        .filter(centre_id=centre_id, role__in=list(roles))
        .values("user_id")
    ).order_by("last_name", "first_name", "username")


class CaseFilter(django_filters.FilterSet):
    """Filters of the case list; applied on top of what the user may see."""

    status = django_filters.ChoiceFilter(choices=Case.Status.choices, label=_("Status"))
    case_manager = django_filters.ModelChoiceFilter(
        queryset=User.objects.none(), label=_("Case manager")
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label=_("Diagnosis overdue"),
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Case
        fields: list[str] = []

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["case_manager"].queryset = staff_at(
            active_centre_id(user), [Role.CASE_MANAGER]
        )

    def filter_overdue(self, queryset: QuerySet[Case], name: str, value: bool) -> QuerySet[Case]:
        return queryset.filter(Q(diagnosis_overdue=True)) if value else queryset


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ChoicesForm(forms.Form):
    def _set_queryset(self, name: str, queryset: QuerySet[Any]) -> None:
        field = self.fields[name]
        if isinstance(field, forms.ModelChoiceField):  # ModelMultipleChoiceField is one too
            field.queryset = queryset


class StatusForm(VersionedForm):
    to_status = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(label=_("Reason (optional)"), max_length=200, required=False)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Case.Status.choices)
        field = self.fields["to_status"]
        if isinstance(field, forms.ChoiceField):
            field.choices = [(s, labels[s]) for s in allowed_next_statuses(case)]
        self.initial.setdefault("version", case.version)


class CloseForm(VersionedForm):
    reason = forms.ChoiceField(label=_("Reason for closing"), choices=Case.ClosureReason.choices)
    summary = forms.CharField(label=_("Closure summary"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("version", case.version)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why is the case reopened?"), max_length=200)


class AssignCaseManagerForm(ChoicesForm):
    case_manager = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Case manager"))

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_queryset("case_manager", staff_at(case.centre_id, [Role.CASE_MANAGER]))


class AddTeamMemberForm(ChoicesForm):
    user = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Staff member"))
    works_with = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        required=False,
        label=_("Works with"),
        help_text=_("Leave empty for the whole family."),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_queryset("user", staff_at(case.centre_id, TEAM_ROLES))
        self._set_queryset(
            "works_with",
            Person.objects.filter(memberships__family_id=case.family_id).order_by("pk"),
        )


class RemoveTeamMemberForm(ChoicesForm):
    user = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Staff member"))

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_queryset("user", User.objects.filter(case_teams__case=case))


class NoteForm(ChoicesForm):
    level = forms.ChoiceField(label=_("Confidentiality"))
    about = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        required=False,
        label=_("About"),
        help_text=_("Leave empty for a note about the family as a whole."),
        widget=forms.CheckboxSelectMultiple,
    )
    restricted_to = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=_("Restricted to"),
        help_text=_("Only for notes restricted to named staff."),
        widget=forms.CheckboxSelectMultiple,
    )
    body = forms.CharField(
        label=_("Note"), max_length=MAX_NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(
        self, *args: Any, case: Case, user: Any, access: FamilyAccess, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["level"]
        if isinstance(field, forms.ChoiceField):
            field.choices = [
                (value, label)
                for value, label in CaseNote.Level.choices
                if can_write_note_level(user, value)
            ]
        persons = access.linked_person_ids - access.walled_person_ids
        self._set_queryset("about", Person.objects.filter(pk__in=persons).order_by("pk"))
        self._set_queryset(
            "restricted_to",
            staff_at(case.centre_id, NOTE_ROLES).exclude(pk=user.pk),
        )


class CorrectNoteForm(forms.Form):
    body = forms.CharField(
        label=_("Correction"),
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = forms.CharField(label=_("Why is it corrected?"), max_length=200)


class EditNoteForm(VersionedForm):
    body = forms.CharField(
        label=_("Note"), max_length=MAX_NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )


# --- the support plan -----------------------------------------------------------------------


def _optional_date(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label, required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class StageForm(forms.Form):
    name = forms.CharField(
        label=_("Stage name"),
        max_length=120,
        help_text=_("For example: stabilisation, relational work, consolidation."),
    )
    review_on = _optional_date(_("Review date"))


class EditStageForm(VersionedForm, StageForm):
    pass


class RemoveForm(VersionedForm):
    """Removing a plan item: the version the user saw, so a changed item is not removed."""


class StageChoiceForm(ChoicesForm):
    """A form adding to one of the plan's stages, chosen from the list already loaded."""

    stage = forms.TypedChoiceField(label=_("Stage"), coerce=int)

    def __init__(self, *args: Any, stages: list[PlanStage], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stages = {stage.pk: stage for stage in stages}
        field = self.fields["stage"]
        if isinstance(field, forms.ChoiceField):
            field.choices = [(stage.pk, f"{stage.order}. {stage.name}") for stage in stages]

    def clean_stage(self) -> PlanStage:
        return self._stages[self.cleaned_data["stage"]]


class AddGoalForm(StageChoiceForm):
    description = forms.CharField(
        label=_("Goal (measurable)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What will have changed, and how will we know?"),
    )
    target_date = forms.DateField(
        label=_("Target date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    responsible = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Responsible"))
    concerns = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        required=False,
        label=_("Who the goal concerns"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, case: Case, access: FamilyAccess, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_queryset("responsible", staff_at(case.centre_id, TEAM_ROLES))
        persons = access.linked_person_ids - access.walled_person_ids
        self._set_queryset("concerns", Person.objects.filter(pk__in=persons).order_by("pk"))


class AddHelpForm(StageChoiceForm):
    """A form of help from an accepted NORR recommendation, or described by hand."""

    from_recommendation = forms.TypedChoiceField(
        label=_("From an accepted NORR recommendation"),
        required=False,
        coerce=int,
        empty_value=None,
    )
    description = forms.CharField(
        label=_("Or describe the form of help"), max_length=300, required=False
    )
    provider = forms.ModelChoiceField(
        queryset=Institution.objects.none(),
        required=False,
        label=_("Providing institution"),
        help_text=_("Needed only for a form of help described by hand."),
    )
    responsible = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Responsible"))

    def __init__(self, *args: Any, case: Case, recommendations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._recommendations = {rec.pk: rec for rec in recommendations}
        field = self.fields["from_recommendation"]
        if isinstance(field, forms.ChoiceField):
            field.choices = [("", "—")] + [(rec.pk, rec.display_text) for rec in recommendations]
        self._set_queryset(
            "provider",
            Institution.objects.exclude(kind__in=Institution.EXTERNAL_KINDS).order_by("short_name"),
        )
        self._set_queryset("responsible", staff_at(case.centre_id, TEAM_ROLES))

    def clean_from_recommendation(self) -> Any:
        chosen = self.cleaned_data["from_recommendation"]
        return None if chosen is None else self._recommendations[chosen]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("from_recommendation") is None and not data.get("description"):
            raise forms.ValidationError(
                _("Choose a recommendation or describe the form of help."), code="required"
            )
        return data


class EditGoalForm(VersionedForm):
    description = forms.CharField(
        label=_("Goal (measurable)"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    target_date = forms.DateField(label=_("Target date"))


class ApprovePlanForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
