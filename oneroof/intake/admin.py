"""Who each centre serves is configuration: system administrators edit the rules here."""

from __future__ import annotations

from django.contrib import admin

from oneroof.organisation.admin import AuditedAdmin

from .models import EligibilityRule


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(AuditedAdmin):
    list_display = ["centre", "requirement", "max_child_age", "overridable", "is_active"]
    list_filter = ["centre", "requirement", "is_active"]
