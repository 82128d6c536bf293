"""Static assets under the live server, and the keyboard route to the main content."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from oneroof.accounts.models import User
from oneroof.organisation.models import Role

pytestmark = pytest.mark.e2e


def test_the_stylesheets_and_scripts_are_served_under_the_live_server(
    page: Page, login: Any
) -> None:
    statuses: dict[str, int] = {}
    page.on("response", lambda r: statuses.__setitem__(r.url, r.status))

    page.goto(login.login_url)

    assets = [url for url in statuses if "/static/" in url]
    assert any(url.endswith("bootstrap.min.css") for url in assets), statuses
    assert any(url.endswith("oneroof.css") for url in assets), statuses
    assert any(url.endswith("bootstrap.bundle.min.js") for url in assets), statuses
    assert {url: statuses[url] for url in assets if statuses[url] != 200} == {}
    # oneroof.css applied: the skip link is taken out of the flow until focused.
    assert page.locator("a.skip-link").evaluate("e => getComputedStyle(e).position") == "absolute"


def test_the_first_tab_focuses_the_visible_skip_link_which_moves_focus_to_main(
    page: Page, login: Any, staff: dict[str, User]
) -> None:
    login.log_in(page, staff[Role.THERAPIST.value])
    page.reload()  # a fresh page: focus starts at the top of the document
    skip_link = page.locator("a.skip-link")
    expect(skip_link).not_to_be_in_viewport()

    page.keyboard.press("Tab")

    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
