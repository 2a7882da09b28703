"""The self-assessment journey in a real browser: fill it in, go back, fix the week, submit, read."""

import re

import pytest
from playwright.sync_api import expect

from emassess.assessments.models import Assessment
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

WEEK = {
    "Hands-on coding": "40", "Technical leadership": "20", "People and team": "20",
    "Process and delivery": "10", "Product": "5", "Organisation": "5",
}  # fmt: skip


def answer_every_radio_group(page, choose: int) -> None:
    """Pick the `choose`-th option (or the last one) of every unanswered radio group on the page."""
    groups = page.locator("fieldset:has(input[type=radio])")
    for index in range(groups.count()):
        radios = groups.nth(index).locator("input[type=radio]")
        if radios.count() and not groups.nth(index).locator("input[type=radio]:checked").count():
            radios.nth(min(choose, radios.count() - 1)).check()


def next_page(page) -> None:
    page.get_by_role("button", name=re.compile(r"^(Next|Submit and see my result)$")).click()


def test_a_manager_fills_in_the_questionnaire_and_reads_the_result(page, demo_site):
    log_in(page, demo_site, "tlm@acme.test")
    expect(page.get_by_text("Last time")).to_be_visible()  # the demo history
    page.get_by_test_id("start-assessment").click()

    # 1. Role: the organisation already filled in what it knows.
    expect(page.get_by_test_id("progress")).to_have_text("Step 1 of 7 · 0% done")
    expect(page.get_by_label("How long have you been in this role?")).to_have_value("13")
    expect(page.get_by_role("radio", name=re.compile("^Tech lead manager"))).to_be_checked()
    answer_every_radio_group(page, choose=1)
    next_page(page)

    # 2. The week, first with a total that is wrong.
    expect(page.get_by_test_id("progress")).to_contain_text("Step 2 of 7")
    for label, value in WEEK.items():
        page.get_by_role("spinbutton", name=label, exact=True).fill(value)
    page.get_by_role("spinbutton", name="Organisation", exact=True).fill("25")
    expect(page.get_by_text("Total: 120%")).to_be_visible()
    next_page(page)
    expect(page.get_by_test_id("error-summary")).to_contain_text("Your week adds up to 120%")
    expect(page.get_by_role("spinbutton", name="Hands-on coding", exact=True)).to_have_value(
        "40"
    )  # nothing typed is lost

    # Go back a step and forward again: the answers are still there.
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_test_id("progress")).to_contain_text("Step 1 of 7")
    next_page(page)
    expect(page.get_by_role("spinbutton", name="Organisation", exact=True)).to_have_value("25")
    page.get_by_role("spinbutton", name="Organisation", exact=True).fill("5")
    expect(page.get_by_text("Total: 100%")).to_be_visible()
    next_page(page)

    # 3-7: the checklist, behaviours, practices, scenarios and reflection.
    expect(page.get_by_test_id("progress")).to_contain_text("Step 3 of 7")
    answer_every_radio_group(page, choose=0)  # every TLM statement resonates
    next_page(page)
    expect(page.get_by_test_id("progress")).to_contain_text("Step 4 of 7")
    answer_every_radio_group(page, choose=3)  # behaviours: often
    next_page(page)
    expect(page.get_by_test_id("progress")).to_contain_text("Step 5 of 7")
    answer_every_radio_group(page, choose=1)  # practices: rarely
    next_page(page)
    expect(page.get_by_test_id("progress")).to_contain_text("Step 6 of 7")
    answer_every_radio_group(page, choose=0)
    next_page(page)
    expect(page.get_by_test_id("progress")).to_contain_text("Step 7 of 7")
    answer_every_radio_group(page, choose=0)
    page.get_by_role("button", name="Submit and see my result").click()

    # The result.
    expect(page.get_by_role("heading", name="Your result")).to_be_visible()
    expect(page.get_by_test_id("closest-archetype")).to_be_visible()
    expect(page.get_by_test_id("tlm-verdict")).to_contain_text("6 of 6 statements sound like you")
    expect(page.get_by_test_id("anti-pattern-card")).to_have_count(4)
    expect(page.get_by_test_id("archetype-fits").locator("tbody tr")).to_have_count(6)
    expect(page.get_by_text(re.compile(r"compared with \d{4}-Q\d"))).to_be_visible()
    expect(page.get_by_test_id("practices-to-start").locator("li").first).to_be_visible()

    submitted = Assessment.objects.filter(manager__user__email="tlm@acme.test", status="submitted")
    latest = submitted.order_by("-submitted_at").first()
    assert latest.answers["week.organisation"] == "5"
    assert latest.tlm_statements == 6

    # The back button after submitting shows the result, not a second submission.
    page.go_back()
    page.reload()
    expect(page.get_by_role("heading", name="Your result")).to_be_visible()
    assert submitted.count() == 4  # three demo quarters and this one


def test_a_closed_tab_loses_nothing_typed(page, demo_site, browser):
    log_in(page, demo_site, "em@acme.test")
    page.get_by_test_id("start-assessment").click()
    answer_every_radio_group(page, choose=1)
    next_page(page)
    expect(page.get_by_test_id("progress")).to_contain_text("Step 2 of 7")
    page.get_by_role("spinbutton", name="People and team", exact=True).fill("55")
    expect(page.get_by_text("Your answers are saved.")).to_be_visible()

    # The tab is closed without pressing anything; a new one picks up where it was.
    cookies = page.context.cookies()
    page.context.close()
    context = browser.new_context()
    context.add_cookies(cookies)
    again = context.new_page()
    again.goto(demo_site + "/manager/")
    again.get_by_test_id("continue-assessment").click()
    expect(again.get_by_role("spinbutton", name="People and team", exact=True)).to_have_value("55")
    context.close()
