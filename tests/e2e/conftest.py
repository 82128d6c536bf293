"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

* No browser download: Playwright launches ``/usr/bin/chromium`` (or ``$CHROMIUM_PATH``).
* Every context speaks Polish (``pl-PL``), as the staff's browsers do.
* Users sign in through the real two-step login form (password, then a TOTP code computed from
  their confirmed authenticator device), never through a forged session.
* ``live_server`` makes every test use ``transactional_db``: data created in a test is committed
  and visible to the server thread.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from oneroof.accounts.models import User
from oneroof.accounts.tests.factories import TEST_PASSWORD

# Playwright's sync API runs an asyncio loop in the test thread, so Django's ORM would refuse
# every query from the test itself (microsoft/playwright-pytest#29).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

LOGIN_PATH = "/konto/logowanie/"
SETUP_PATH = "/konto/2fa/konfiguracja/"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}; install Debian's chromium package")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "pl-PL", "viewport": {"width": 1280, "height": 800}}


class TwoStepLogin:
    """The real login form at /konto/logowanie/: password step, then the TOTP step."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.login_url = base_url + LOGIN_PATH
        self.setup_url = base_url + SETUP_PATH

    def submit_password(self, page: Page, username: str, password: str = TEST_PASSWORD) -> None:
        page.goto(self.login_url)
        page.locator('input[name="auth-username"]').fill(username)
        page.locator('input[name="auth-password"]').fill(password)
        page.locator('input[name="auth-password"]').press("Enter")

    def submit_token(self, page: Page, user: User) -> None:
        field = page.locator('input[name="token-otp_token"]')
        field.fill(current_totp(user))
        field.press("Enter")

    def log_in(self, page: Page, user: User, password: str = TEST_PASSWORD) -> None:
        """Sign ``user`` in on ``page`` through both steps; ends on the home page."""
        self.submit_password(page, user.username, password)
        expect(page.locator('input[name="token-otp_token"]')).to_be_visible()
        self.submit_token(page, user)
        expect(page).to_have_url(self.base_url + "/")


def current_totp(user: User) -> str:
    """A code the user's authenticator app would show now, not yet used at this login.

    django-otp refuses a code of a time step it has already accepted (replay protection), so a
    second sign-in within the same 30 s takes the next step's code, which the device's
    tolerance of one step still accepts.
    """
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    app = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    app.time = time.time()
    if app.t() <= device.last_t:
        app.drift += device.last_t - app.t() + 1
    return f"{app.token():0{device.digits}d}"


@pytest.fixture
def login(live_server: Any) -> TwoStepLogin:
    return TwoStepLogin(live_server.url)


def _axe_violations(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return result.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                nodes: v.nodes.map((n) => ({
                    target: n.target.join(" "),
                    summary: n.failureSummary,
                })),
            }));
        }""",
        WCAG_TAGS,
    )


def _describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            summary = " / ".join(str(node["summary"]).splitlines())
            lines.append(f"    {node['target']}: {summary}")
    return "\n".join(lines)


@pytest.fixture
def assert_accessible() -> Callable[[Page], None]:
    """Fail with every WCAG 2.1 A/AA violation axe-core finds on the page as it is now.

    Use with ``@pytest.mark.browser_context_args(bypass_csp=True)``: the app's CSP runs only
    scripts carrying the response's nonce, and the injected axe script has none.
    """

    def _assert_accessible(page: Page) -> None:
        violations = _axe_violations(page)
        assert not violations, f"axe on {page.url}:\n{_describe(violations)}"

    return _assert_accessible
