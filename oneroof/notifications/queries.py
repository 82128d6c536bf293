"""Reads of notifications: a member of staff only ever sees their own."""

from __future__ import annotations

from django.db.models import QuerySet

from oneroof.accounts.models import User

from .models import Notification


def notifications_of(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
