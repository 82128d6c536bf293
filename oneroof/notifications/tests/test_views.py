"""Staff see and mark only their own notifications; following one never leaves the site."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from oneroof.accounts.models import User
from oneroof.notifications.models import Notification
from oneroof.notifications.tests.factories import NotificationFactory
from oneroof.organisation.models import Role

SignIn = Callable[[Client, User], Client]


@pytest.fixture
def me(staff: dict[str, User]) -> User:
    return staff[Role.CASE_MANAGER]


def read_url(notification: Notification) -> str:
    return reverse("notifications:read", args=[notification.pk])


def test_the_list_shows_only_own_notifications(
    client: Client, sign_in: SignIn, me: User, staff: dict[str, User]
) -> None:
    mine = NotificationFactory(user=me)
    NotificationFactory(user=staff[Role.CLINICAL_LEAD])
    sign_in(client, me)
    response = client.get(reverse("notifications:list"))
    assert list(response.context["page"]) == [mine]


def test_the_list_is_newest_first(client: Client, sign_in: SignIn, me: User) -> None:
    older = NotificationFactory(user=me)
    newer = NotificationFactory(user=me)
    Notification.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=1))
    sign_in(client, me)
    response = client.get(reverse("notifications:list"))
    assert list(response.context["page"]) == [newer, older]


def test_the_list_marks_unread_and_urgent_notifications(
    client: Client, sign_in: SignIn, me: User
) -> None:
    NotificationFactory(user=me, is_urgent=True)
    sign_in(client, me)
    page = client.get(reverse("notifications:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "list-group-item-warning" in page
    assert ">Urgent</span>" in page


def test_marking_read_records_when(client: Client, sign_in: SignIn, me: User) -> None:
    notification = NotificationFactory(user=me)
    sign_in(client, me)
    client.post(read_url(notification))
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_marking_read_follows_a_local_link(client: Client, sign_in: SignIn, me: User) -> None:
    notification = NotificationFactory(user=me, url="/diagnoza/alerty/7/")
    sign_in(client, me)
    response = client.post(read_url(notification))
    assert response["Location"] == "/diagnoza/alerty/7/"


@pytest.mark.parametrize(
    "url", ["https://example.com/phish", "//example.com/phish", "javascript:alert(1)", ""]
)
def test_marking_read_never_leaves_the_site(
    client: Client, sign_in: SignIn, me: User, url: str
) -> None:
    notification = NotificationFactory(user=me, url=url)
    sign_in(client, me)
    response = client.post(read_url(notification))
    assert response["Location"] == reverse("notifications:list")


def test_someone_elses_notification_answers_404(
    client: Client, sign_in: SignIn, me: User, staff: dict[str, User]
) -> None:
    theirs = NotificationFactory(user=staff[Role.CLINICAL_LEAD])
    sign_in(client, me)
    response = client.post(read_url(theirs))
    theirs.refresh_from_db()
    assert response.status_code == 404
    assert theirs.read_at is None


def test_marking_read_is_post_only(client: Client, sign_in: SignIn, me: User) -> None:
    notification = NotificationFactory(user=me)
    sign_in(client, me)
    assert client.get(read_url(notification)).status_code == 405
