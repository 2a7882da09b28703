"""Real headless Chromium (Debian's package) driven by Playwright, against a live server."""

from __future__ import annotations

import io
import os

import pytest
from django.core.management import call_command

from tests.conftest import CHROMIUM

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread, so Django would refuse ORM calls
    # from the test body as if it were async code. They are not: allow them while the browser lives.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def demo_site(live_server, transactional_db) -> str:
    """The live server's URL, with the content and the demo organisations loaded as `make run` does."""
    commands = [["load_framework"], ["load_questionnaire"], ["load_feedback_survey"], ["load_demo"]]
    for command in [*commands, ["release_figures", "--all"]]:
        call_command(*command, stdout=io.StringIO())
    return live_server.url


def log_in(page, site: str, email: str, password: str = "emassess-demo") -> None:
    page.goto(site + "/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
