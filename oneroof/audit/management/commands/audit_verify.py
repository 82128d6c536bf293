"""Verify the audit hash chain and report the first tampered, missing or truncated row."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from oneroof.audit.chain import HASHED_FIELDS, verify
from oneroof.audit.models import AuditChainHead, AuditEvent


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; exit 1 at the first broken row."

    def handle(self, *args: Any, **options: Any) -> None:
        head = AuditChainHead.objects.filter(pk=1).first()
        rows = (
            AuditEvent.objects.order_by("seq")
            .values("hash", "prev_hash", *HASHED_FIELDS)
            .iterator(chunk_size=2000)
        )
        problem = verify(
            rows,
            head_seq=head.last_seq if head else 0,
            head_hash=head.last_hash if head else "",
        )
        if problem is not None:
            raise CommandError(
                f"Audit chain broken at event #{problem.seq}: {problem.kind} ({problem.detail})"
            )
        count = head.last_seq if head else 0
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {count} events verified."))
