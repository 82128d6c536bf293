"""Settings shared by every environment. Wiring only: values come from the environment.

Environments: ``dev`` (runserver, demo data), ``test`` (pytest), ``production``.
``DATABASE_URL`` switches from the embedded SQLite file to PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-dev-key-not-for-production")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

# Demo accounts may skip two-factor enrolment only while this is on; production.py refuses it.
ONEROOF_DEMO_MODE = env.bool("ONEROOF_DEMO_MODE", default=False)

INSTALLED_APPS = [
    "oneroof.organisation.admin_config.OneRoofAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_static",
    "django_otp.plugins.otp_totp",
    "two_factor",
    "axes",
    "rules",
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    "formtools",
    "csp",
    "django_q",
    "oneroof.core",
    "oneroof.audit",
    "oneroof.accounts",
    "oneroof.organisation",
    "oneroof.families",
    "oneroof.cases",
    "oneroof.intake",
    "oneroof.assessment",
    "oneroof.notifications",
    "oneroof.tasks",
    "oneroof.contacts",
    "oneroof.dashboard",
    "oneroof.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "oneroof.audit.middleware.AuditRequestContextMiddleware",
    "oneroof.accounts.middleware.RequireTwoFactorMiddleware",
    "oneroof.organisation.middleware.ActiveMembershipMiddleware",
    # While a respondent holds the device, the session reaches that questionnaire only.
    "oneroof.assessment.middleware.RespondentLockMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes requires, so that lock-outs answer before any view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "oneroof.urls"
WSGI_APPLICATION = "oneroof.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "oneroof.core.context_processors.site",
                "oneroof.organisation.context_processors.navigation",
                "oneroof.dashboard.context_processors.case_navigation",
                "oneroof.notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# SQLite by default (WAL + IMMEDIATE transactions so that concurrent writers queue instead of
# failing with "database is locked"); PostgreSQL in production via DATABASE_URL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR.parent / 'oneroof.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
            " PRAGMA foreign_keys=ON;"
        ),
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes must come first so that locked-out users are refused before any check.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "two_factor:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "two_factor:login"
TWO_FACTOR_REMEMBER_COOKIE_AGE = None
TWO_FACTOR_PATCH_ADMIN = False

# Lock an account + address out after 5 failures for 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "auth-username"
AXES_USERNAME_CALLABLE = "oneroof.accounts.lockout.attempted_username"

# Sessions end after 30 minutes without activity and with the browser.
SESSION_COOKIE_AGE = env.int("ONEROOF_SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "pl"
LANGUAGES = [("pl", _("Polish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Warsaw"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["oneroof.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR.parent / "staticfiles"
# The project-wide assets (Bootstrap, our CSS) live in oneroof/static, which is not an app.
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="oneroof@localhost")
# Links in e-mails point here (no request exists when a job sends them).
ONEROOF_BASE_URL = env("ONEROOF_BASE_URL", default="http://127.0.0.1:8000")

# Background jobs (django-q2): the ORM broker keeps the queue in our own database, so the
# worker (`oneroof qcluster`, started by `oneroof demo`) needs no Redis, on SQLite or PostgreSQL.
Q_CLUSTER = {
    "name": "oneroof",
    "orm": "default",
    "workers": 1,
    "timeout": 300,
    "retry": 600,
    "max_attempts": 3,
    "catch_up": False,  # a missed daily run happens once at the next start, not once per day
    "label": _("Background jobs"),
}
# Tasks and SLA timers: a support plan is reviewed this many weeks after its approval (6–8).
ONEROOF_PLAN_REVIEW_WEEKS = env.int("ONEROOF_PLAN_REVIEW_WEEKS", default=6)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
