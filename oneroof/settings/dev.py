"""Local development and the demo: runserver on SQLite with fictional demo accounts."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
ONEROOF_DEMO_MODE = env.bool("ONEROOF_DEMO_MODE", default=True)
