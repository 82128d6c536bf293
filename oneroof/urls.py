from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_GET
from django.views.i18n import set_language
from two_factor import views as two_factor

from oneroof.accounts.views import AuditedBackupTokensView, AuditedSetupView

# The two-factor pages we offer. Left out on purpose: "disable two-factor" (every account must
# keep a second factor) and the phone plugin (no SMS gateway).
two_factor_patterns = (
    [
        path("konto/logowanie/", two_factor.LoginView.as_view(), name="login"),
        path("konto/2fa/konfiguracja/", AuditedSetupView.as_view(), name="setup"),
        path("konto/2fa/kod-qr/", two_factor.QRGeneratorView.as_view(), name="qr"),
        path(
            "konto/2fa/konfiguracja/gotowe/",
            two_factor.SetupCompleteView.as_view(),
            name="setup_complete",
        ),
        path(
            "konto/2fa/kody-zapasowe/",
            AuditedBackupTokensView.as_view(),
            name="backup_tokens",
        ),
        path("konto/2fa/", two_factor.ProfileView.as_view(), name="profile"),
    ],
    "two_factor",
)


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness probe for the process manager; says nothing about data."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("", include("oneroof.dashboard.urls")),
    path("", include(two_factor_patterns)),
    path("konto/", include("oneroof.accounts.urls")),
    path("organizacja/", include("oneroof.organisation.urls")),
    path("audyt/", include("oneroof.audit.urls")),
    path("rodziny/", include("oneroof.families.urls")),
    path("przyjecie/", include("oneroof.intake.urls")),
    path("diagnoza/", include("oneroof.assessment.urls")),
    path("sprawy/", include("oneroof.cases.urls")),
    path("zadania/", include("oneroof.tasks.urls")),
    path("kontakty/", include("oneroof.contacts.urls")),
    path("powiadomienia/", include("oneroof.notifications.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
