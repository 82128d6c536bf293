"""The shape of the safety-alert forms. The rules (reasons required, one decision only, who may
decide, when joint sessions may resume) live in ``services``; these forms only parse input, so
the service's messages are the ones staff see next to the fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SafetyAlert

TEXT_MAX = 4000


class AlertDecisionForm(forms.Form):
    safety_plan_made = forms.BooleanField(
        label=_("A safety plan was made with the person"), required=False
    )
    blue_card = forms.ChoiceField(
        label=_("Blue Card (NK-A)"),
        choices=SafetyAlert.BlueCard.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    blue_card_reasons = forms.CharField(
        label=_("Reasons for the Blue Card decision"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required, whichever way you decide. Describe the risk, not the answers."),
    )
    child_referral = forms.ChoiceField(
        label=_("Child victim: referral to the Centrum Pomocy Dzieciom"),
        choices=SafetyAlert.ChildReferral.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    notes = forms.CharField(
        label=_("Notes"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class JointSessionsClearForm(forms.Form):
    reason = forms.CharField(
        label=_("Why joint sessions may be planned again"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
