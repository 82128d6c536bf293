from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from oneroof.accounts.models import User
from oneroof.demo.casework import load_demo_casework
from oneroof.demo.contacts import load_demo_contacts
from oneroof.demo.families import generate_families
from oneroof.demo.organisation import DEMO_PASSWORD, SEED, load_demo_organisation
from oneroof.families.models import Family
from oneroof.organisation.models import Membership
from oneroof.tasks.jobs import sync_all_rule_tasks

DEMO_FAMILIES = 40


class Command(BaseCommand):
    help = "Load the fictional demo organisation (safe to re-run) and print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = load_demo_organisation()
        if not Family.objects.exists():
            # A newcomer should find families to open; all generated, all fictional.
            registrar = User.objects.get(username="rejestracja")
            generate_families(DEMO_FAMILIES, actor=registrar, seed=SEED)
            self.stdout.write(f"Generated {DEMO_FAMILIES} fictional families.")
        load_demo_casework()  # the demo case managers get cases, one with an approved plan
        sync_all_rule_tasks()  # the generator's bulk inserts send no signals
        load_demo_contacts()  # a few fictional contacts, one person not to be called at home
        memberships = Membership.objects.filter(
            user__username__in=[a.username for a in accounts]
        ).select_related("user", "centre")
        roles: dict[str, list[str]] = {}
        for membership in memberships:
            roles.setdefault(membership.user.username, []).append(str(membership))
        self.stdout.write(
            self.style.SUCCESS("Demo accounts (password for all: " + DEMO_PASSWORD + ")")
        )
        for account in accounts:
            self.stdout.write(f"  {account.username:<22} {'; '.join(roles[account.username])}")
