"""Telling staff that something needs them: in the app, and by e-mail after commit."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from oneroof.accounts.models import User

from .models import Notification


def notify(
    *, users: Iterable[User], message: str, url: str = "", urgent: bool = False
) -> list[Notification]:
    """One notification per user; an e-mail to those with an address once the surrounding
    transaction commits (a rolled-back alert sends nothing). The e-mail carries the message and
    a link only: no personal data leaves the system by mail."""
    recipients = {user.pk: user for user in users}.values()
    created = Notification.objects.bulk_create(
        Notification(user=user, message=message[:300], url=url, is_urgent=urgent)
        for user in recipients
    )
    mails = [
        (message[:150], f"{message}\n\n{settings.ONEROOF_BASE_URL}{url}", None, [user.email])
        for user in recipients
        if user.email
    ]
    if mails:
        transaction.on_commit(lambda: send_mass_mail(mails, fail_silently=True))
    return created


def mark_read(*, user: User, notification: Notification) -> Notification:
    if notification.user_id != user.pk:
        raise PermissionError
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
