"""The strict Content Security Policy lets our own scripts run: they carry the nonce."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page

from oneroof.accounts.models import User
from oneroof.organisation.models import Role

pytestmark = pytest.mark.e2e


def test_the_home_page_runs_bootstrap_and_htmx_without_console_or_csp_errors(
    page: Page, login: Any, live_server: Any, staff: dict[str, User]
) -> None:
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        # The app has no favicon; Chromium's automatic request for one is not our page's doing.
        if message.type == "error" and not message.location["url"].endswith("/favicon.ico"):
            errors.append(f"console: {message.text} ({message.location['url']})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))

    login.log_in(page, staff[Role.COORDINATOR.value])
    page.goto(live_server.url + "/")
    page.wait_for_load_state("load")

    assert page.evaluate("typeof window.bootstrap") == "object"
    assert page.evaluate("typeof window.htmx") == "object"
    assert [e for e in errors if "Content Security Policy" in e] == []
    assert errors == []
