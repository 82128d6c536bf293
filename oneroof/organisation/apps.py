from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "oneroof.organisation"
    label = "organisation"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the rules predicates)
