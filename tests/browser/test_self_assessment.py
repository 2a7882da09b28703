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
    # An autosave still on its way would race the page's own post on the live server's single
    # SQLite connection: wait for it (moving on cancels one that has not started).
    page.wait_for_selector("form.assessment-form:not([data-saving])", state="attached")
    page.get_by_role("button", name=re.compile(r"^(Next|Submit and see my result)$")).click()


def test_a_manager_fills_in_the_questionnaire_and_reads_the_result(page, demo_site):
    log_in(page, demo_site, "tlm@acme.test")
    expect(page.get_by_text("Last time")).to_be_visible()  # the demo history
    page.get_by_test_id("start-assessment").click()

    # 1. Role: the organisation already filled in what it knows.
    expect(page.get_by_test_id("progress")).to_have_text("Step 1 of 7 · 0% done")
    expect(page.get_by_label("How long have you been in this role?")).to_have_value("13")
    expect(page.get_by_role("radio", name=re.compile("^Tech lead manager"))).to_be_checked()
    answer_every_radio_group(page, choose=0)  # a tech lead alongside; codes, reviews, designs: yes
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
    expect(page.get_by_test_id("anti-pattern-card")).to_have_count(5)
    expect(page.get_by_test_id("archetype-fits").locator("tbody tr")).to_have_count(6)
    expect(page.get_by_text(re.compile(r"compared with \d{4}-Q\d"))).to_be_visible()
    expect(page.get_by_test_id("practices-to-start").locator("li").first).to_be_visible()
    expect(page.get_by_test_id("summary")).to_be_visible()

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


def choose_in(page, question: str, answer: str) -> None:
    """Pick `answer` in the radio group whose legend is `question`."""
    page.get_by_role("group", name=question).get_by_role("radio", name=answer, exact=True).check()


def test_a_non_coding_em_is_asked_only_what_applies_and_told_what_fits(page, demo_site):
    log_in(page, demo_site, "em@acme.test")
    page.get_by_test_id("start-assessment").click()
    choose_in(page, "Which role do you hold?", "Engineering manager (EM): you lead a team mainly through its people")
    choose_in(page, "Does a tech lead or staff engineer own", "Yes")
    choose_in(page, "Do you write or change code yourself", "No")
    choose_in(page, "Do you review the team's pull requests?", "Yes")
    choose_in(page, "Do you give input on technical designs", "No")
    next_page(page)
    for label, value in {**WEEK, "Hands-on coding": "0", "People and team": "60"}.items():
        page.get_by_role("spinbutton", name=label, exact=True).fill(value)
    next_page(page)
    answer_every_radio_group(page, choose=1)
    next_page(page)

    # What happened lately: nothing about her own code or designs, and "does not apply" where it may.
    expect(page.get_by_test_id("progress")).to_contain_text("Step 4 of 7")
    expect(page.get_by_text("You wrote code in the evening")).to_have_count(0)
    expect(page.get_by_text("Before giving a view on a design")).to_have_count(0)
    expect(page.get_by_role("radio", name="Does not apply to me").first).to_be_visible()
    answer_every_radio_group(page, choose=0)
    for item in (
        "You approved a pull request with the comment box left empty",
        "You approved a pull request without reading the change line by line",
        "You approved a change to code you would struggle to explain",
    ):
        choose_in(page, item, "Almost every day")
    next_page(page)
    expect(page.get_by_text("The code you wrote went into a small tool")).to_have_count(0)
    answer_every_radio_group(page, choose=1)
    next_page(page)
    answer_every_radio_group(page, choose=0)
    next_page(page)
    answer_every_radio_group(page, choose=0)
    page.get_by_role("button", name="Submit and see my result").click()

    expect(page.get_by_role("heading", name="Your result")).to_be_visible()
    expect(page.get_by_test_id("summary")).to_contain_text("LGTM Machine")
    expect(page.get_by_test_id("anti-pattern-card")).to_have_count(5)
    architect = page.locator('[data-testid=anti-pattern-card][data-slug="architect-in-exile"]')
    expect(architect.get_by_test_id("not-enough")).to_be_visible()
    lgtm = page.locator('[data-testid=anti-pattern-card][data-slug="lgtm-machine"]')
    expect(lgtm).to_have_attribute("data-band", "high")
    expect(page.locator('[data-testid=practices-to-start] li[data-slug="same-bar-no-pressure"]')).to_have_count(0)
    expect(page.locator('[data-testid=practices-to-start] li[data-slug="stay-off-critical-path"]')).to_have_count(0)
    expect(page.get_by_text("Our addition").first).to_be_visible()


def test_a_manager_of_managers_records_the_role_and_two_teams(page, demo_site):
    log_in(page, demo_site, "marco@acme.test")
    page.get_by_test_id("start-assessment").click()
    choose_in(
        page,
        "Which role do you hold?",
        "Manager of managers: some or all of the people reporting to you lead teams themselves",
    )
    page.get_by_label("How many teams do you lead").fill("2")
    choose_in(page, "Does a tech lead or staff engineer own", "Yes")
    choose_in(page, "Do you write or change code yourself", "No")
    choose_in(page, "Do you review the team's pull requests?", "No")
    choose_in(page, "Do you give input on technical designs", "Yes")
    next_page(page)
    shares = {"Hands-on coding": "0", "Technical leadership": "10", "People and team": "30",
              "Process and delivery": "10", "Product": "10", "Organisation": "40"}  # fmt: skip
    for label, value in shares.items():
        page.get_by_role("spinbutton", name=label, exact=True).fill(value)
    next_page(page)
    answer_every_radio_group(page, choose=1)
    next_page(page)
    expect(page.get_by_text("You approved a pull request")).to_have_count(0)  # she reviews no code
    answer_every_radio_group(page, choose=1)
    next_page(page)
    answer_every_radio_group(page, choose=2)
    next_page(page)
    expect(page.get_by_text("A pull request has waited two days")).to_have_count(0)
    answer_every_radio_group(page, choose=0)
    next_page(page)
    answer_every_radio_group(page, choose=0)
    page.get_by_role("button", name="Submit and see my result").click()

    expect(page.get_by_test_id("closest-archetype")).to_have_text("Lead of Leads EM")
    expect(page.get_by_test_id("role-gap")).to_contain_text("manager of managers")
    page.get_by_text("Is the tech lead manager role for you?").click()
    expect(page.get_by_text("You lead 2 teams")).to_be_visible()
    lgtm = page.locator('[data-testid=anti-pattern-card][data-slug="lgtm-machine"]')
    expect(lgtm.get_by_test_id("not-enough")).to_be_visible()
    stored = Assessment.objects.filter(manager__user__email="marco@acme.test", status="submitted").latest(
        "submitted_at"
    )
    assert stored.held_role == "mom" and stored.answers["role.teams"] == "2"


def test_a_manager_makes_a_plan_from_the_result_and_home_shows_it(page, demo_site):
    log_in(page, demo_site, "tlm@acme.test")
    page.get_by_role("link", name="See that result").click()
    plan = page.get_by_test_id("plan-form")
    boxes = plan.get_by_role("checkbox")
    names = [boxes.nth(index).evaluate("box => box.labels[0].textContent") for index in range(2)]
    for index in range(4):
        boxes.nth(index).check()
    plan.get_by_role("button", name="Save my plan").click()
    expect(page.get_by_test_id("plan-error")).to_contain_text("Pick at most 3 practices")
    expect(page.get_by_test_id("plan-form").get_by_role("checkbox").nth(3)).to_be_checked()  # nothing lost
    page.get_by_test_id("plan-form").get_by_role("checkbox").nth(2).uncheck()
    page.get_by_test_id("plan-form").get_by_role("checkbox").nth(3).uncheck()
    page.get_by_test_id("plan-form").get_by_role("button", name="Save my plan").click()
    expect(page.get_by_text("Your plan is saved.")).to_be_visible()
    page.get_by_role("link", name="Home").click()
    for name in names:
        expect(page.get_by_test_id("home-plan")).to_contain_text(name)
