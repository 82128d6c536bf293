"""The two daily background jobs of tasks, as django-q2 schedules (safe to re-run: looked up
by name; an administrator may change their times in the configuration back-office)."""

import datetime
import zoneinfo

from django.db import migrations

JOBS = (
    # Rule tasks first, so that the reminders see today's deadlines.
    ("tasks: sync rule tasks", "oneroof.tasks.jobs.sync_all_rule_tasks", datetime.time(5, 0)),
    ("tasks: send reminders", "oneroof.tasks.jobs.send_task_reminders", datetime.time(7, 0)),
)


def create_schedules(apps, schema_editor):
    schedule = apps.get_model("django_q", "Schedule")
    warsaw = zoneinfo.ZoneInfo("Europe/Warsaw")
    tomorrow = datetime.datetime.now(tz=warsaw).date() + datetime.timedelta(days=1)
    for name, func, at in JOBS:
        schedule.objects.get_or_create(
            name=name,
            defaults={
                "func": func,
                "schedule_type": "D",
                "repeats": -1,
                "next_run": datetime.datetime.combine(tomorrow, at, tzinfo=warsaw),
            },
        )


def remove_schedules(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(
        name__in=[name for name, _func, _at in JOBS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0001_tasks"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
