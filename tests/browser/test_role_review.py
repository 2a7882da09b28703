"""The one-year review in a real browser: the demo TLM, thirteen months in, finds it on their home
page, answers it, and reads the recommendation."""

import re

import pytest
from playwright.sync_api import expect

from emassess.reviews.models import RoleReview
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def group(page, name: str):
    """A question's fieldset, found by its legend."""
    return page.get_by_role("group", name=re.compile(rf"^{re.escape(name)}"))


def test_the_demo_tlm_answers_the_one_year_review_and_reads_the_recommendation(page, demo_site):
    log_in(page, demo_site, "tlm@acme.test")
    card = page.get_by_test_id("review-card")
    expect(card).to_contain_text("Your one-year review is due")
    card.get_by_role("link", name="Start your review").click()

    expect(page.get_by_role("heading", name="Your one-year review")).to_be_visible()
    expect(page.get_by_test_id("review-compares")).to_contain_text(re.compile(r"your first in this role \(\d{4}-Q\d\)"))

    # Half an answer first: the errors are listed, and what was ticked stays ticked.
    group(page, "What drains you?").get_by_label("Incidents and firefighting").check()
    page.get_by_role("button", name="Submit and see my recommendation").click()
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_contain_text("There are 4 problems on this page")
    expect(summary).to_be_focused()
    expect(group(page, "What drains you?").get_by_label("Incidents and firefighting")).to_be_checked()

    # The rest.
    group(page, "How much do you enjoy the people side of the job?").get_by_label(
        "Mostly: it is a good part of my week"
    ).check()
    group(page, "What energises you?").get_by_label("Seeing people on the team grow").check()
    group(page, "What energises you?").get_by_label("Solving hard technical problems").check()
    group(page, "Which responsibilities would you give up if you could?").get_by_label("Hands-on coding").check()
    group(page, "What do you want next?").get_by_label("More people leadership").check()
    page.get_by_label("Anything else you want to remember from this review").fill("Ask about a staff engineer")
    page.get_by_role("button", name="Submit and see my recommendation").click()

    # The recommendation: giving up the coding means pairing with a tech lead.
    expect(page.get_by_test_id("recommendation")).to_have_text("Rebalance")
    expect(page.get_by_test_id("headline")).to_contain_text("After a year in the role")
    expect(page.get_by_test_id("reasons")).to_contain_text("You would give up hands-on coding")
    expect(page.get_by_test_id("next-steps").locator("li")).to_have_count(2)
    expect(page.get_by_test_id("next-steps")).to_contain_text("tech lead or staff engineer")
    # Tomás's demo history: his coding share came down from 45% to 30% of the week.
    expect(page.get_by_test_id("comparison-coding")).to_contain_text("45%")
    expect(page.get_by_test_id("comparison-coding")).to_contain_text("30%")
    expect(page.get_by_test_id("comparison-risk")).to_have_count(5)  # the five traps
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    expect(page.get_by_test_id("answers")).to_contain_text("Ask about a staff engineer")

    review = RoleReview.objects.get(manager__user__email="tlm@acme.test")
    assert review.status == RoleReview.Status.SUBMITTED
    assert review.recommendation == "rebalance"
    assert review.answers["give_up"] == ["coding"]
    assert review.first_assessment_id != review.latest_assessment_id

    # Home again: the card has gone and the result is a link away.
    page.get_by_role("link", name="Back to my home page").click()
    expect(page.get_by_test_id("review-card")).to_have_count(0)
    expect(page.get_by_test_id("last-review")).to_contain_text("Rebalance")
    page.get_by_test_id("last-review").get_by_role("link", name="Read it again").click()
    expect(page.get_by_test_id("recommendation")).to_have_text("Rebalance")
