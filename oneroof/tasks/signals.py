"""Receivers that keep the rule tasks in step with cases. They only call the service.

``Case`` rows are mostly changed through compare-and-set updates (``cases.services._save``),
which send no ``post_save``; every such change also writes a ``CaseEvent`` (status, case
manager, closing, reopening, plan approval), so the receivers listen to all three models.
They run inside the writing service's transaction: the tasks change, or nothing does.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from oneroof.cases.models import Case, CaseEvent, SupportPlan

from . import services


def _case_saved(sender: Any, instance: Case, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        services.sync_rule_tasks(case=instance)


def _case_event_saved(
    sender: Any, instance: CaseEvent, created: bool = False, raw: bool = False, **kwargs: Any
) -> None:
    if created and not raw:
        services.sync_rule_tasks(case=instance.case)


def _plan_saved(sender: Any, instance: SupportPlan, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        services.sync_rule_tasks(case=instance.case)


def connect() -> None:
    post_save.connect(_case_saved, sender=Case, dispatch_uid="tasks.case_saved")
    post_save.connect(_case_event_saved, sender=CaseEvent, dispatch_uid="tasks.case_event_saved")
    post_save.connect(_plan_saved, sender=SupportPlan, dispatch_uid="tasks.plan_saved")
