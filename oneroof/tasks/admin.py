"""django-q2's pages in the configuration back-office, for the system administrator only.

django-q2 registers its own admins, which rely on Django's permission tables; here they are
registered again on our terms (``SysadminOnly``; schedule changes audited). The queue itself
(``OrmQ``: pickled payloads waiting for the worker) is not offered. Tasks of case work have
no admin: administrators run the system, not the cases.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django_q import admin as q_admin
from django_q.models import Failure, OrmQ, Schedule, Success

from oneroof.organisation.admin import AuditedChanges, SysadminOnly

for model in (Schedule, Success, Failure, OrmQ):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(Schedule)
class ScheduleAdmin(AuditedChanges, SysadminOnly, q_admin.ScheduleAdmin):
    pass


class _ResultAdmin(SysadminOnly):
    """Results of finished jobs: read-only records; the worker writes them."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False


@admin.register(Success)
class SuccessAdmin(_ResultAdmin, q_admin.TaskAdmin):
    pass


@admin.register(Failure)
class FailureAdmin(_ResultAdmin, q_admin.FailAdmin):
    pass
