from django.contrib.admin.apps import AdminConfig


class OneRoofAdminConfig(AdminConfig):
    """Django's admin, but on a site that only system administrators reach."""

    default_site = "oneroof.organisation.admin_site.OneRoofAdminSite"
