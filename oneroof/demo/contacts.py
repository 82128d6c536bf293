"""A few fictional contact records for the demo, one with a person who must not be called at
home, so that the contact log and its safe-contact rules have something to show.

Safe to re-run: once any contact exists, nothing is added. Rows are written directly, like the
rest of the generated demo data (no audit events: nobody did these things)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from oneroof.accounts.models import User
from oneroof.cases.models import Case
from oneroof.contacts.models import ContactRecord
from oneroof.families.models import SafeContactRule

DEMO_CASES = 3


@transaction.atomic
def load_demo_contacts() -> int:
    """Add contacts to a few open cases at os. Krakowiaków; return how many were added."""
    if ContactRecord.objects.exists():
        return 0
    # Recorded by the centre's coordinator, who reads every case of the centre.
    author = User.objects.filter(username="koordynator").first()
    if author is None:
        return 0
    cases = (
        Case.objects.filter(centre__code="krakowiakow")
        .exclude(status=Case.Status.CLOSED)
        .prefetch_related("family__members__person")
        .order_by("pk")[:DEMO_CASES]
    )
    now = timezone.now().replace(second=0, microsecond=0)
    made = 0
    for n, case in enumerate(cases):
        people = [member.person for member in case.family.members.all()]
        if not people:
            continue
        adult = people[0]
        if n == 0:
            SafeContactRule.objects.update_or_create(
                person=adult,
                defaults={
                    "channel": SafeContactRule.Channel.MOBILE,
                    "hours": "16-19",
                    "no_calls_at_home": True,
                    "no_letters": True,
                },
            )
        rows = [
            ContactRecord(
                case=case, occurred_at=now - timedelta(days=9, hours=2), person=adult,
                channel=ContactRecord.Channel.PHONE, direction=ContactRecord.Direction.OUTGOING,
                number=ContactRecord.Number.MOBILE,
                summary="Umówiono pierwszą konsultację (dane fikcyjne).", recorded_by=author,
            ),
            ContactRecord(
                case=case, occurred_at=now - timedelta(days=5, hours=4), person=adult,
                channel=ContactRecord.Channel.CENTRE_MEETING,
                direction=ContactRecord.Direction.INCOMING,
                summary="Spotkanie w centrum; omówiono plan wsparcia (dane fikcyjne).",
                recorded_by=author,
            ),
            ContactRecord(
                case=case, occurred_at=now - timedelta(days=2, hours=1),
                institution_name="Szkoła Podstawowa nr 200 (fikcyjna)",
                institution_type=ContactRecord.InstitutionType.SCHOOL,
                channel=ContactRecord.Channel.PHONE, direction=ContactRecord.Direction.INCOMING,
                number=ContactRecord.Number.INSTITUTION,
                summary="Pedagog szkolny pytał o termin spotkania (dane fikcyjne).",
                recorded_by=author,
            ),
        ]  # fmt: skip
        for row in rows:
            row.full_clean()
            row.save()
        rows[-1].about.set(people[-1:])
        made += len(rows)
    return made
