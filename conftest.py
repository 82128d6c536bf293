"""Shared personas: one member of staff per role at ``centre``, plus a stranger elsewhere.

``sign_in(client, user)`` logs a user in *and* marks the session as having passed the
second factor, as the two-factor login would; tests of the login flow itself use the form.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from oneroof.accounts.models import User
from oneroof.accounts.tests.factories import TOTPDeviceFactory, UserFactory
from oneroof.organisation.models import ORGANISATION_WIDE_ROLES, Centre, Membership, Role
from oneroof.organisation.tests.factories import CentreFactory, MembershipFactory


@pytest.fixture(autouse=True)
def _data_from_migrations(request: pytest.FixtureRequest) -> None:
    """What data migrations create (NORR-P v1, the daily job schedules) is there for every
    database test, also after a live_server test has flushed the database (data migrations
    do not run again). Both loaders are idempotent."""
    uses_db = {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    if not uses_db and request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("db")
    import_module("oneroof.assessment.migrations.0002_load_norr_p_v1").load(django_apps, None)
    import_module("oneroof.tasks.migrations.0002_daily_schedules").create_schedules(
        django_apps, None
    )


@pytest.fixture
def centre(db: None) -> Centre:
    return CentreFactory(code="krakowiakow", address="os. Krakowiaków 2, Kraków")


@pytest.fixture
def other_centre(db: None) -> Centre:
    return CentreFactory(code="wodna", address="ul. Wodna 2B, Kraków")


def pdf_text(content: bytes) -> str:
    """The text of a PDF, for tests that check what a printout shows (and leaves out)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(content)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def make_staff(role: str, centre: Centre | None, username: str | None = None) -> User:
    user = UserFactory(username=username or f"{role}-{centre.code if centre else 'org'}")
    MembershipFactory(
        user=user, role=role, centre=None if role in ORGANISATION_WIDE_ROLES else centre
    )
    TOTPDeviceFactory(user=user)
    return user


@pytest.fixture
def staff(centre: Centre) -> dict[str, User]:
    """One user per role, each acting at ``centre`` (organisation-wide roles have no centre)."""
    return {role.value: make_staff(role.value, centre) for role in Role}


@pytest.fixture
def sign_in() -> Callable[[Client, User], Client]:
    def _sign_in(client: Client, user: User) -> Client:
        client.force_login(user)
        device = user.totpdevice_set.filter(confirmed=True).first()
        if device is not None:
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    return _sign_in


@pytest.fixture
def membership_of() -> Callable[[User], Membership]:
    def _membership_of(user: User) -> Membership:
        return Membership.objects.get(user=user)

    return _membership_of
