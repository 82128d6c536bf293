"""Deployment checks: `manage.py check --deploy` fails when a shortcut meant for the demo is on."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register


@register(Tags.security, deploy=True)
def demo_mode_is_off(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.ONEROOF_DEMO_MODE:
        return [
            Error(
                "ONEROOF_DEMO_MODE is on: demo accounts could sign in without two-factor "
                "authentication.",
                hint="Unset ONEROOF_DEMO_MODE; it is for the fictional demo only.",
                id="oneroof.E001",
            )
        ]
    return []
