"""The header's "Notifications" link carries the unread count, seen and heard."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from oneroof.accounts.models import User
from oneroof.notifications.context_processors import unread_notifications
from oneroof.notifications.tests.factories import NotificationFactory
from oneroof.organisation.models import Role

SignIn = Callable[[Client, User], Client]


def test_the_header_gives_the_unread_count_to_screen_readers(
    client: Client, sign_in: SignIn, staff: dict[str, User]
) -> None:
    me = staff[Role.THERAPIST]
    NotificationFactory.create_batch(2, user=me)
    NotificationFactory(user=me, read_at=timezone.now())
    NotificationFactory(user=staff[Role.COORDINATOR])
    sign_in(client, me)
    page = client.get(reverse("dashboard:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<span class="visually-hidden"> (2 unread)</span>' in page
    assert '<span class="badge rounded-pill text-bg-danger" aria-hidden="true">2</span>' in page


def test_the_header_shows_no_count_when_all_is_read(
    client: Client, sign_in: SignIn, staff: dict[str, User]
) -> None:
    me = staff[Role.THERAPIST]
    NotificationFactory(user=me, read_at=timezone.now())
    sign_in(client, me)
    page = client.get(reverse("dashboard:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "unread)" not in page


def test_the_unread_count_costs_one_query(
    staff: dict[str, User], django_assert_num_queries: Any
) -> None:
    me = staff[Role.THERAPIST]
    NotificationFactory.create_batch(3, user=me)
    request = RequestFactory().get("/")
    request.user = me
    template = Template("{{ unread_notifications }} {{ unread_notifications }}")
    with django_assert_num_queries(1):
        rendered = template.render(Context(unread_notifications(request)))
    assert rendered == "3 3"


def test_the_anonymous_get_no_count() -> None:
    # No database fixture: any query here would fail the test.
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert unread_notifications(request) == {"unread_notifications": 0}
