"""A new password by email, and an org admin's teams, in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def test_a_forgotten_password_is_reset_by_email_and_the_new_one_logs_in(page, demo_site, mailoutbox, settings):
    settings.SITE_URL = demo_site  # the email's link points at this server
    page.goto(demo_site + "/")
    page.get_by_role("link", name="Forgotten your password?").click()
    page.get_by_label("Email address").fill("em@acme.test")
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    expect(page.get_by_test_id("reset-sent")).to_contain_text("If an account uses that address")

    # The email, as the outbox holds it: one message, to that address, with the link.
    (message,) = [message for message in mailoutbox if message.to == ["em@acme.test"]]
    link = re.search(re.escape(demo_site) + r"/accounts/password-reset/\S+/", message.body)[0]
    page.goto(link)
    page.locator("#id_new_password1").fill("short")
    page.locator("#id_new_password2").fill("short")
    page.get_by_role("button", name="Save the new password").click()
    expect(page.get_by_test_id("error-summary")).to_contain_text("too short")

    page.locator("#id_new_password1").fill("a fresh passphrase for emma")
    page.locator("#id_new_password2").fill("a fresh passphrase for emma")
    page.get_by_role("button", name="Save the new password").click()
    expect(page.get_by_role("heading", name="Your new password is saved")).to_be_visible()

    log_in(page, demo_site, "em@acme.test")  # the old password no longer works
    expect(page.get_by_text("Please enter a correct email address and password")).to_be_visible()
    log_in(page, demo_site, "em@acme.test", password="a fresh passphrase for emma")
    expect(page).to_have_url(re.compile(r"/manager/$"))

    # The link is spent.
    page.goto(link)
    expect(page.get_by_test_id("reset-link-invalid")).to_be_visible()


def test_someone_changes_their_name_and_password_on_my_account(page, demo_site):
    log_in(page, demo_site, "priya@acme.test")
    page.get_by_role("link", name="My account").click()
    page.get_by_label("Your name").fill("Priya P. Shah")
    page.get_by_role("button", name="Save the name").click()
    expect(page.get_by_text("Your name is saved.")).to_be_visible()
    expect(page.get_by_test_id("signed-in-as")).to_have_text("Priya P. Shah")

    page.get_by_role("link", name="Change your password").click()
    page.locator("#id_old_password").fill("not it")
    page.locator("#id_new_password1").fill("another long passphrase")
    page.locator("#id_new_password2").fill("another long passphrase")
    page.get_by_role("button", name="Save the new password").click()
    expect(page.get_by_test_id("error-summary")).to_contain_text("That is not your current password.")
    page.locator("#id_old_password").fill("emassess-demo")
    page.locator("#id_new_password1").fill("another long passphrase")
    page.locator("#id_new_password2").fill("another long passphrase")
    page.get_by_role("button", name="Save the new password").click()
    expect(page.get_by_text("Your new password is saved.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/account/$"))


def test_an_org_admin_creates_and_archives_a_team(page, demo_site):
    log_in(page, demo_site, "admin@acme.test")
    page.get_by_role("link", name="People", exact=True).click()
    page.get_by_role("link", name="Teams", exact=True).click()
    expect(page.get_by_role("heading", name="Teams", exact=True)).to_be_visible()

    # A name already taken, in another case, is refused and kept.
    page.get_by_label("Team name").fill("checkout")
    page.get_by_role("button", name="Add the team").click()
    expect(page.get_by_test_id("error-summary")).to_contain_text("There is already a team called “Checkout”.")
    expect(page.get_by_label("Team name")).to_have_value("checkout")

    page.get_by_label("Team name").fill("Observability")
    page.get_by_label("Kind of team").select_option(label="Platform")
    page.get_by_role("button", name="Add the team").click()
    expect(page.get_by_text("The team Observability is created.")).to_be_visible()
    row = page.get_by_test_id("team-row").filter(has_text="Observability")
    expect(row).to_contain_text("Platform")

    # Put someone in it, then archive it: the confirmation says who moves.
    page.goto(demo_site + "/organisation/people/?q=ines")
    page.get_by_role("link", name=re.compile("^Edit")).first.click()
    page.get_by_label("Team (optional)").select_option(label="Observability")
    page.get_by_role("button", name="Save changes").click()
    page.goto(demo_site + "/organisation/teams/")
    page.get_by_role("link", name="Archive Observability").click()
    expect(page.get_by_role("heading", name="Archive Observability?")).to_be_visible()
    expect(page.get_by_test_id("archive-consequences")).to_contain_text("1 person in it is left in no team")
    page.set_viewport_size(PHONE)
    no_sideways_scroll(page)
    page.get_by_role("button", name="Archive the team").click()
    expect(page.get_by_text("The team Observability is archived; 1 person is now in no team.")).to_be_visible()
    expect(page.get_by_test_id("archived-team").filter(has_text="Observability")).to_be_visible()
    expect(page.get_by_test_id("team-row").filter(has_text="Observability")).to_have_count(0)
    no_sideways_scroll(page)

    # Inès is in no team now, and the team is offered nowhere.
    page.goto(demo_site + "/organisation/people/?team=none&q=ines")
    expect(page.get_by_test_id("person-row")).to_have_count(1)
    page.goto(demo_site + "/organisation/people/invite/")
    expect(page.get_by_label("Team (optional)").locator("option", has_text="Observability")).to_have_count(0)


def test_the_new_pages_fit_a_phone(browser, demo_site):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(demo_site + "/accounts/password-reset/")
        no_sideways_scroll(page)
        log_in(page, demo_site, "admin@acme.test")
        for path in ("/account/", "/account/password/", "/organisation/teams/"):
            page.goto(demo_site + path)
            no_sideways_scroll(page)
        page.goto(demo_site + "/organisation/people/")
        page.get_by_role("link", name=re.compile("^Deactivate")).first.click()
        expect(page.get_by_role("heading", name=re.compile(r"^Deactivate .*\?$"))).to_be_visible()
        no_sideways_scroll(page)
    finally:
        context.close()
