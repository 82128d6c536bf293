from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from oneroof.accounts.models import User
from oneroof.demo.families import generate_families
from oneroof.demo.organisation import DEMO_PASSWORD, SEED, load_demo_organisation
from oneroof.families.models import Family
from oneroof.organisation.models import Membership

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
