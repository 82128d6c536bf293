"""Production: PostgreSQL, HTTPS only, no demo shortcuts.

Refuses to start with the demo mode on or with the development secret key, so that a
misconfigured server can never let an account in without two-factor authentication.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import STORAGES, env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
if SECRET_KEY == "insecure-dev-key-not-for-production":  # noqa: S105 - base.py's dev default
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be a long random secret in production.")
ONEROOF_DEMO_MODE = env.bool("ONEROOF_DEMO_MODE", default=False)
if ONEROOF_DEMO_MODE:
    raise ImproperlyConfigured("ONEROOF_DEMO_MODE must not be enabled in production settings.")

SECURE_SSL_REDIRECT = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
