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
from oneroof.organisation.models import Membership, Role
from oneroof.organisation.permissions import active_centre_id

from .models import Case, CaseNote
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


class EditGoalForm(VersionedForm):
    description = forms.CharField(
        label=_("Goal (measurable)"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    target_date = forms.DateField(label=_("Target date"))


class ApprovePlanForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
