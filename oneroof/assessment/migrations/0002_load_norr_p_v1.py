"""Publish NORR-P v1 from its data file. Reads the JSON directly (no app code), and is safe to
re-run: an existing v1 is left alone."""

import hashlib
import json
from pathlib import Path

from django.db import migrations

FILE = Path(__file__).resolve().parent.parent / "instruments" / "norr-p-v1.json"


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    version = apps.get_model("assessment", "InstrumentVersion")
    definition = json.loads(FILE.read_text(encoding="utf-8"))
    if version.objects.filter(code=definition["code"], version=definition["version"]).exists():
        return
    canonical = json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    version.objects.create(
        code=definition["code"],
        version=definition["version"],
        is_proposal=definition["is_proposal"],
        definition=definition,
        checksum=hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
    )


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
