from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from oneroof.accounts.models import User
from oneroof.audit import services as audit
from oneroof.demo.families import generate_families


class Command(BaseCommand):
    help = "Generate N fictional families (valid PESELs, realistic shapes) with a progress bar."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("count", type=int)
        parser.add_argument("--seed", type=int, default=None, help="default: a new one each run")
        parser.add_argument("--as-user", default="rejestracja", help="registering account")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(username=options["as_user"]).first()
        if actor is None:
            raise CommandError(f"No account {options['as_user']!r}: run load_demo first.")
        started = time.perf_counter()
        with tqdm(total=options["count"], unit="family", disable=options["verbosity"] < 1) as bar:
            try:
                made = generate_families(
                    options["count"],
                    actor=actor,
                    seed=options["seed"] or time.time_ns(),
                    progress=bar.update,
                )
            except ValueError as error:
                raise CommandError(str(error)) from error
        # Bulk inserts bypass per-record audit; the generation itself is one audited act.
        audit.record(actor=None, action="demo.families_generated", target_label=f"{made} families")
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Generated {made} families in {elapsed:.1f} s.")
