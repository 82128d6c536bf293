"""Writing and browsing the audit trail: masking, read events, CSV export, filters, context."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from conftest import make_staff
from oneroof.accounts.models import User
from oneroof.audit import services as audit
from oneroof.audit.models import AuditEvent
from oneroof.core.types import AuditContext
from oneroof.organisation.models import Centre, Role

SignIn = Callable[[Client, User], Client]


@pytest.fixture
def dpo(client: Client, centre: Centre, sign_in: SignIn) -> User:
    user = make_staff(Role.DPO, None)
    sign_in(client, user)
    return user


@pytest.fixture
def coordinator(client: Client, centre: Centre, sign_in: SignIn) -> User:
    user = make_staff(Role.COORDINATOR, centre)
    sign_in(client, user)
    return user


def at(centre: Centre) -> AuditContext:
    return AuditContext(role=Role.CASE_MANAGER, centre_id=centre.pk, centre_label=str(centre))


@contextmanager
def recorded_on(day: date) -> Iterator[None]:
    """Events recorded inside happen at noon UTC of ``day`` (the chain hashes whatever time)."""
    field = AuditEvent._meta.get_field("occurred_at")
    moment = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    original = field._get_default
    field._get_default = lambda: moment  # type: ignore[method-assign]
    try:
        yield
    finally:
        field._get_default = original  # type: ignore[method-assign]


def listed(response: Any) -> list[str]:
    return [event.action for event in response.context["page"].object_list]


def exported_rows(response: Any) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


# --- masking -----------------------------------------------------------------------------------


def test_masked_changes_hide_the_values_of_listed_fields() -> None:
    changes = audit.masked_changes(
        {"password": "old-hash", "name": "A"},
        {"password": "new-hash", "name": "B"},
        masked={"password"},
    )
    assert changes == {"name": ["A", "B"], "password": [audit.MASK, audit.MASK]}


def test_masked_changes_leave_out_unchanged_fields() -> None:
    same = {"password": "hash", "name": "A"}
    assert audit.masked_changes(same, dict(same), masked={"password"}) == {}


def test_masked_changes_turn_values_into_plain_json() -> None:
    changes = audit.masked_changes({"when": None}, {"when": date(2026, 2, 10)})
    assert changes == {"when": [None, "2026-02-10"]}


# --- every read of the trail is itself recorded ------------------------------------------------


def test_browsing_the_trail_is_recorded(client: Client, dpo: User) -> None:
    client.get(reverse("audit:event-list"))
    assert AuditEvent.objects.filter(action="audit.events_viewed", actor=dpo).count() == 1


def test_opening_an_event_is_recorded_with_the_event_as_target(client: Client, dpo: User) -> None:
    seen = audit.record(actor=None, action="test.something")
    client.get(reverse("audit:event-detail", args=[seen.pk]))
    event = AuditEvent.objects.get(action="audit.event_viewed")
    assert (event.actor, event.target_type, event.target_id) == (
        dpo,
        "audit.auditevent",
        str(seen.pk),
    )


def test_exporting_the_trail_is_recorded(client: Client, dpo: User) -> None:
    exported_rows(client.get(reverse("audit:event-export")))
    assert AuditEvent.objects.filter(action="audit.events_exported", actor=dpo).count() == 1


def test_a_refused_read_records_nothing(client: Client, centre: Centre, sign_in: SignIn) -> None:
    sign_in(client, make_staff(Role.CASE_MANAGER, centre))
    client.get(reverse("audit:event-list"))
    assert not AuditEvent.objects.filter(action__startswith="audit.").exists()


# --- CSV export ----------------------------------------------------------------------------------


@pytest.mark.parametrize("dangerous", ["=", "+", "-", "@"])
def test_export_defuses_cells_a_spreadsheet_would_run_as_a_formula(
    client: Client, dpo: User, dangerous: str
) -> None:
    audit.record(actor=None, action="test.labelled", target_label=f'{dangerous}HYPERLINK("x")')
    rows = exported_rows(client.get(reverse("audit:event-export")))
    labels = [row["target_label"] for row in rows if row["action"] == "test.labelled"]
    assert labels == [f'\'{dangerous}HYPERLINK("x")']


def test_export_is_a_csv_attachment(client: Client, dpo: User) -> None:
    response = client.get(reverse("audit:event-export"))
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"].startswith('attachment; filename="audyt-')


def test_export_holds_only_what_the_user_may_see(
    client: Client, coordinator: User, centre: Centre, other_centre: Centre
) -> None:
    audit.record(actor=None, action="test.here", context=at(centre))
    audit.record(actor=None, action="test.elsewhere", context=at(other_centre))
    actions = {row["action"] for row in exported_rows(client.get(reverse("audit:event-export")))}
    assert "test.here" in actions
    assert "test.elsewhere" not in actions


def test_export_applies_the_list_filters(client: Client, dpo: User) -> None:
    audit.record(actor=None, action="cases.opened")
    audit.record(actor=None, action="organisation.centre_updated")
    response = client.get(reverse("audit:event-export"), {"action": "cases."})
    assert [row["action"] for row in exported_rows(response)] == ["cases.opened"]


# --- filters -------------------------------------------------------------------------------------


def test_filtering_by_action_prefix_narrows_the_list(client: Client, dpo: User) -> None:
    audit.record(actor=None, action="cases.opened")
    audit.record(actor=None, action="cases.closed")
    audit.record(actor=None, action="organisation.centre_updated")
    response = client.get(reverse("audit:event-list"), {"action": "cases."})
    assert sorted(listed(response)) == ["cases.closed", "cases.opened"]


def test_filtering_by_actor_narrows_the_list(client: Client, dpo: User, centre: Centre) -> None:
    someone = make_staff(Role.THERAPIST, centre, "terapeutka")
    audit.record(actor=someone, action="test.by_someone")
    audit.record(actor=None, action="test.by_system")
    response = client.get(reverse("audit:event-list"), {"actor": "TERAPEUTKA"})
    assert listed(response) == ["test.by_someone"]


def test_filtering_by_date_range_narrows_the_list(client: Client, dpo: User) -> None:
    for day in (date(2026, 1, 10), date(2026, 1, 20), date(2026, 1, 30)):
        with recorded_on(day):
            audit.record(actor=None, action=f"test.on_{day.day}")
    response = client.get(
        reverse("audit:event-list"), {"occurred_from": "2026-01-15", "occurred_to": "2026-01-25"}
    )
    assert listed(response) == ["test.on_20"]


def test_filters_never_widen_what_the_user_may_see(
    client: Client, coordinator: User, other_centre: Centre
) -> None:
    audit.record(actor=None, action="test.elsewhere", context=at(other_centre))
    response = client.get(reverse("audit:event-list"), {"action": "test."})
    assert listed(response) == []


# --- who and where -------------------------------------------------------------------------------


def test_events_carry_the_actors_active_role_and_centre(
    client: Client, coordinator: User, centre: Centre
) -> None:
    client.get(reverse("audit:event-list"))
    event = AuditEvent.objects.get(action="audit.events_viewed")
    assert (event.role, event.centre_ref, event.centre_label) == (
        Role.COORDINATOR,
        centre.pk,
        str(centre),
    )


def test_events_of_organisation_wide_roles_carry_no_centre(client: Client, dpo: User) -> None:
    client.get(reverse("audit:event-list"))
    event = AuditEvent.objects.get(action="audit.events_viewed")
    assert (event.role, event.centre_ref) == (Role.DPO, None)


def test_events_record_the_client_address(client: Client, dpo: User) -> None:
    client.get(reverse("audit:event-list"), REMOTE_ADDR="198.51.100.7")
    assert AuditEvent.objects.get(action="audit.events_viewed").ip_address == "198.51.100.7"


# --- append-only in the database itself --------------------------------------------------------


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)
def test_the_database_refuses_a_raw_update_of_an_event(db: None) -> None:
    event = audit.record(actor=None, action="test.original")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET action = %s WHERE id = %s", ["test.forged", event.pk]
        )
    assert AuditEvent.objects.get(pk=event.pk).action == "test.original"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)
def test_the_database_refuses_a_raw_delete_of_an_event(db: None) -> None:
    event = audit.record(actor=None, action="test.original")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()
