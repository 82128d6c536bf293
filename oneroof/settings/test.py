"""pytest. The database comes from DATABASE_URL (SQLite by default, PostgreSQL in CI)."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only, tests
ONEROOF_DEMO_MODE = False
AXES_ENABLED = True
# Static files come from the app finders in tests; there is no collectstatic output to watch.
STATIC_ROOT = None  # type: ignore[assignment]
WHITENOISE_USE_FINDERS = True
# Background jobs run inline, in the test's own transaction.
Q_CLUSTER = {**Q_CLUSTER, "sync": True}  # noqa: F405
