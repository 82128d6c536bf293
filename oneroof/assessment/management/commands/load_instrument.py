from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from oneroof.assessment.services import publish_instrument


class Command(BaseCommand):
    help = (
        "Publish an instrument version from a JSON data file (a published version never changes)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            version, created = publish_instrument(path=options["path"])
        except (ValueError, OSError) as error:
            raise CommandError(str(error)) from error
        state = "published" if created else "already published, unchanged"
        self.stdout.write(f"{version}: {state}.")
