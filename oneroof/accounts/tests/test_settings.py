"""Security settings: what production refuses, what the deploy check accepts, how passwords are
stored. Production settings are imported in a fresh interpreter, with only the variables a
server would have."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from oneroof.settings import base

REPO = Path(__file__).resolve().parents[3]


def run_with_production_settings(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "oneroof.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "oneroof.example.org",
        **env,
    }
    return subprocess.run(  # noqa: S603 - fixed arguments, our own interpreter
        [sys.executable, *args],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_refuse_the_demo_mode() -> None:
    result = run_with_production_settings(
        "-c", "import oneroof.settings.production", ONEROOF_DEMO_MODE="true"
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_production_settings_refuse_the_development_secret_key() -> None:
    result = run_with_production_settings(
        "-c",
        "import oneroof.settings.production",
        DJANGO_SECRET_KEY="insecure-dev-key-not-for-production",
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


@pytest.mark.parametrize("demo_mode", ["false", ""], ids=["off", "unset"])
def test_production_settings_load_without_the_demo_mode(demo_mode: str) -> None:
    env = {"ONEROOF_DEMO_MODE": demo_mode} if demo_mode else {}
    result = run_with_production_settings("-c", "import oneroof.settings.production", **env)
    assert result.returncode == 0, result.stderr


def test_the_deploy_check_passes_with_production_settings() -> None:
    result = run_with_production_settings(
        "manage.py", "check", "--deploy", "--fail-level", "WARNING"
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_passwords_are_hashed_with_argon2() -> None:
    # Test settings swap in MD5 for speed; what ships is the base list.
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
