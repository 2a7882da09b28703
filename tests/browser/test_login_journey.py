"""Logging in as the demo people, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_a_demo_manager_logs_in_and_sees_their_home(page, demo_site):
    log_in(page, demo_site, "tlm@acme.test")
    expect(page).to_have_url(re.compile(r"/manager/$"))
    expect(page.get_by_role("heading", name="Hello, Tomás")).to_be_visible()
    expect(page.get_by_test_id("manager-role")).to_have_text("Tech lead manager")
    expect(page.get_by_text("over a year")).to_be_visible()

    page.get_by_role("link", name="Read the framework").click()
    expect(page.get_by_test_id("archetype")).to_have_count(6)
    expect(page.get_by_test_id("tlm-checklist").locator("li")).to_have_count(6)

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))


def test_hr_lands_on_their_organisation_only(page, demo_site):
    log_in(page, demo_site, "hr@globex.test")
    expect(page).to_have_url(re.compile(r"/organisation/$"))
    expect(page.get_by_role("heading", name="Globex", exact=True)).to_be_visible()
    expect(page.get_by_test_id("heatmap")).to_contain_text("Core Infrastructure")
    expect(page.get_by_test_id("heatmap")).not_to_contain_text("Checkout")  # an Acme team
    expect(page.locator("main")).not_to_contain_text("Acme")


def test_a_wrong_password_is_explained_and_the_email_kept(page, demo_site):
    log_in(page, demo_site, "em@acme.test", password="not-the-password")
    expect(page.get_by_text("Please enter a correct email address and password")).to_be_visible()
    expect(page.get_by_label("Email address")).to_have_value("em@acme.test")
