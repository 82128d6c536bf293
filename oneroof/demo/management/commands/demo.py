from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Migrate, load the demo organisation and serve it at http://127.0.0.1:8000, with the"
        " background-job worker (django-q2 qcluster) running beside it."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-serve", action="store_true", help="prepare only")
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument(
            "--no-worker", action="store_true", help="serve without the background-job worker"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.ONEROOF_DEMO_MODE:
            raise CommandError("The demo runs only with ONEROOF_DEMO_MODE on (dev settings).")
        call_command("migrate", verbosity=0)
        call_command("load_demo")
        if options["no_serve"]:
            return
        worker = None if options["no_worker"] else self._start_worker()
        self.stdout.write(f"Serving http://{options['addrport']}/ — Ctrl+C stops.")
        try:
            call_command("runserver", options["addrport"], use_reloader=False)
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=15)

    def _start_worker(self) -> subprocess.Popen[bytes]:
        """django-q2's worker (task reminders, daily rule-task sync) in the background; its
        ORM broker is the same database, so nothing else needs to run."""
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE}
        self.stdout.write("Background jobs: django-q2 worker (qcluster) started.")
        return subprocess.Popen([sys.executable, "-m", "django", "qcluster"], env=env)
