"""Upward feedback in a real browser (issue 12): three of Alice's reports answer the survey about
her, her home counts them (no names), the cycle closes, and her result names the blind spot her team
sees and advises with it in mind.

The answers are given in the cycle under way (the real date), and the server's clock is then moved
past the cycle's close: forward only, so the browser's cookies, set by the server's clock and read
by Chromium's own, stay valid."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from emassess.orgs.cycles import cycle_containing
from tests import factories
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

BOTTLENECK = "bottleneck-manager"


def as_person(browser, site: str, email: str):
    """A fresh browser context for one person, logged in."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, site, email, factories.PASSWORD)
    return context, page


def test_three_reports_answer_the_cycle_closes_and_the_manager_sees_a_blind_spot(
    browser, live_server, cast, survey, submit_on, time_machine
):
    today = timezone.now().date()
    cycle = cycle_containing(today, cast.acme.cadence_months)
    # Alice sees herself at 0 on the Bottleneck Manager (25 on the other traps).
    submit_on(cast.alice, today, behaviour={BOTTLENECK: 0})
    reports = [cast.bob] + [
        factories.MembershipFactory(
            organisation=cast.acme, reports_to=cast.alice, user__email=f"r{n}@acme.test", user__full_name=f"Report {n}"
        )
        for n in (2, 3)
    ]

    # Each report answers: what they saw her do points at the Bottleneck (the most of it), the rest
    # at "once or twice"; reverse-worded items from the other end.
    for report in reports:
        context, page = as_person(browser, live_server.url, report.user.email)
        expect(page.get_by_test_id("survey-due")).to_contain_text("Alice Able")
        page.get_by_test_id("start-survey").click()
        for item in survey.items:
            level = 4 if item["construct"] == BOTTLENECK else 1
            value = 4 - level if item.get("reverse") else level
            page.locator(f'input[name="{item["id"]}"][value="{value}"]').check()
        page.get_by_role("button", name="Send my answers").click()
        expect(page.get_by_text("Thank you: your answers are in.")).to_be_visible()
        expect(page.get_by_test_id("survey-done")).to_contain_text(f"the {cycle.label} survey about Alice Able")
        context.close()

    # While the cycle is open, Alice's home counts the answers, and names nobody.
    context, page = as_person(browser, live_server.url, "alice@acme.test")
    progress = page.get_by_test_id("feedback-progress")
    expect(progress).to_contain_text(f"3 of 3 of your reports answered the {cycle.label} survey about you so far.")
    for report in reports:
        expect(progress).not_to_contain_text(report.user.full_name)
    page.get_by_test_id("team-view-link").click()
    expect(page.get_by_test_id("team-view-empty")).to_be_visible()  # nothing before the close
    context.close()

    # The cycle closes; a few days later Alice opens her result.
    time_machine.move_to(
        datetime.datetime.combine(cycle.end + datetime.timedelta(days=5), datetime.time(12), datetime.UTC)
    )
    context, page = as_person(browser, live_server.url, "alice@acme.test")
    page.get_by_role("link", name="See that result").click()
    team = page.get_by_test_id("team-on-result")
    expect(team).to_contain_text(f"What your team sees ({cycle.label})")
    spot = page.get_by_test_id("result-blind-spot")
    expect(spot).to_have_count(1)
    expect(spot).to_contain_text(
        "Blind spot: Bottleneck Manager. You see yourself as low on Bottleneck Manager (0); your team sees high (100)."
    )
    expect(spot).to_contain_text("Where the views differ most:")
    expect(team).to_contain_text("more than a third of the 0-100 scale")
    # Her own answers call for nothing; her team's view brings in practices against the Bottleneck.
    expect(page.get_by_test_id("advice-with-team")).to_be_visible()
    practices = page.get_by_test_id("practices-to-start")
    expect(practices).to_contain_text("the Bottleneck Manager (your team sees 100, high)")
    for report in reports:
        expect(page.locator("body")).not_to_contain_text(report.user.full_name)
    context.close()
