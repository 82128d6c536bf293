"""Input shape of the task pages; the rules live in ``services``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from oneroof.accounts.models import User

from .models import Task
from .services import MAX_TEXT, MAX_TITLE

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TaskForm(forms.Form):
    """Add or edit a manual task. ``owners``: who may own it (``queries.eligible_owners``),
    given as a list so that rendering and validating cost no query."""

    title = forms.CharField(label=_("What is to be done"), max_length=MAX_TITLE)
    due_on = forms.DateField(label=_("Due"), widget=_DATE)
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int, required=False, empty_value=None)
    description = forms.CharField(
        label=_("Details (optional)"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, owners: Sequence[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._owners = {user.pk: user for user in owners}
        field = self.fields["owner"]
        if isinstance(field, forms.ChoiceField):
            field.choices = [("", _("unassigned")), *((u.pk, str(u)) for u in owners)]

    def clean_owner(self) -> User | None:
        owner_id = self.cleaned_data.get("owner")
        return None if owner_id is None else self._owners.get(owner_id)


class EditTaskForm(TaskForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    @classmethod
    def for_task(cls, task: Task, owners: Sequence[User]) -> EditTaskForm:
        return cls(
            initial={
                "title": task.title,
                "due_on": task.due_on,
                "owner": task.owner_id,
                "description": task.description,
                "version": task.version,
            },
            owners=owners,
        )


class CompleteTaskForm(forms.Form):
    note = forms.CharField(label=_("Note (optional)"), max_length=MAX_TEXT, required=False)
