from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from oneroof.audit import services as audit
from oneroof.audit.models import AppendOnlyError, AuditEvent


@pytest.fixture
def three_events(db: None) -> list[AuditEvent]:
    return [audit.record(actor=None, action=f"test.event_{n}") for n in range(3)]


def test_events_are_numbered_consecutively(three_events: list[AuditEvent]) -> None:
    assert [event.seq for event in three_events] == [1, 2, 3]


def test_each_event_links_to_the_previous_hash(three_events: list[AuditEvent]) -> None:
    assert three_events[1].prev_hash == three_events[0].hash


def test_verify_reports_an_intact_chain(three_events: list[AuditEvent], capsys) -> None:
    call_command("audit_verify")
    assert "3 events verified" in capsys.readouterr().out


def test_saved_event_cannot_be_changed_through_the_orm(three_events: list[AuditEvent]) -> None:
    with pytest.raises(AppendOnlyError):
        three_events[0].save()


def test_events_cannot_be_bulk_deleted(three_events: list[AuditEvent]) -> None:
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def _raw(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The attacker here owns the table: flush deferred FK checks, switch the guard off.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        cursor.execute(sql, params)


def test_verify_reports_the_tampered_row(three_events: list[AuditEvent]) -> None:
    _raw("UPDATE audit_auditevent SET action = %s WHERE seq = %s", ["test.forged", 2])
    with pytest.raises(CommandError, match="#2: tampered"):
        call_command("audit_verify")


def test_verify_reports_a_missing_row(three_events: list[AuditEvent]) -> None:
    _raw("DELETE FROM audit_auditevent WHERE seq = %s", [2])
    with pytest.raises(CommandError, match="#2: missing"):
        call_command("audit_verify")


def test_verify_reports_rows_cut_off_the_end(three_events: list[AuditEvent]) -> None:
    _raw("DELETE FROM audit_auditevent WHERE seq = %s", [3])
    with pytest.raises(CommandError, match="#3: truncated"):
        call_command("audit_verify")
