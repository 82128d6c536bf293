from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Migrate, load the demo organisation and serve it at http://127.0.0.1:8000."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-serve", action="store_true", help="prepare only")
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.ONEROOF_DEMO_MODE:
            raise CommandError("The demo runs only with ONEROOF_DEMO_MODE on (dev settings).")
        call_command("migrate", verbosity=0)
        call_command("load_demo")
        if not options["no_serve"]:
            self.stdout.write(f"Serving http://{options['addrport']}/ — Ctrl+C stops.")
            call_command("runserver", options["addrport"], use_reloader=False)
