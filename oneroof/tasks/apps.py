from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "oneroof.tasks"
    label = "tasks"
    verbose_name = _("Tasks")

    def ready(self) -> None:
        # The cases app knows nothing of tasks: the rule tasks follow its changes from here.
        from . import signals

        signals.connect()
