"""One assessment per cycle in a real browser: submit, home says it is done and when the next one
opens, reopen, change an answer, resubmit, and history keeps one row for the quarter."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from emassess.assessments.models import Assessment
from emassess.orgs.cycles import cycle_containing
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

WEEK = {
    "Hands-on coding": "20", "Technical leadership": "20", "People and team": "40",
    "Process and delivery": "10", "Product": "5", "Organisation": "5",
}  # fmt: skip


def choose_in_every_radio_group(page, choose: int, *, even_if_answered: bool = False) -> None:
    groups = page.locator("fieldset:has(input[type=radio])")
    for index in range(groups.count()):
        group = groups.nth(index)
        radios = group.locator("input[type=radio]")
        if radios.count() and (even_if_answered or not group.locator("input[type=radio]:checked").count()):
            radios.nth(min(choose, radios.count() - 1)).check()


def go_on(page) -> None:
    page.get_by_role("button", name=re.compile(r"^(Next|Submit and see my result|Resubmit and see my result)$")).click()


def test_submit_then_change_the_answers_until_the_quarter_closes(page, demo_site):
    log_in(page, demo_site, "em@acme.test")
    page.get_by_test_id("start-assessment").click()
    for step in range(1, 8):
        expect(page.get_by_test_id("progress")).to_contain_text(f"Step {step} of 7", timeout=20_000)
        if step == 2:
            for label, value in WEEK.items():
                page.get_by_role("spinbutton", name=label, exact=True).fill(value)
        choose_in_every_radio_group(page, choose=1)  # on step 3: no TLM statement resonates
        go_on(page)
    expect(page.get_by_role("heading", name="Your result")).to_be_visible()
    emma = Assessment.objects.filter(manager__user__email="em@acme.test", status="submitted")
    result = emma.order_by("-submitted_at").first()
    assert result.tlm_statements == 0

    # Home says it is done, and when the next cycle opens; no second assessment is offered.
    page.goto(demo_site + "/manager/")
    cycle = cycle_containing(timezone.localdate())
    expect(page.get_by_test_id("cycle-done")).to_contain_text(f"You have taken your {cycle.label} assessment")
    expect(page.get_by_test_id("next-cycle")).to_have_text(f"The next assessment opens on {cycle.end:%-d %B %Y}.")
    expect(page.get_by_test_id("start-assessment")).to_have_count(0)

    # Reopen, change the TLM statements, resubmit.
    page.get_by_test_id("reopen-assessment").click()
    expect(page.get_by_test_id("changing-answers")).to_be_visible()
    for step in range(1, 8):
        expect(page.get_by_test_id("progress")).to_contain_text(f"Step {step} of 7", timeout=20_000)
        if step == 3:
            choose_in_every_radio_group(page, choose=0, even_if_answered=True)  # now all six resonate
        go_on(page)
    expect(page.get_by_role("heading", name="Your result")).to_be_visible()
    expect(page.get_by_test_id("tlm-verdict")).to_contain_text("6 of 6 statements sound like you")
    changed = Assessment.objects.get(pk=result.pk)
    assert changed.tlm_statements == 6 and changed.resubmitted_at is not None
    assert emma.filter(period=result.period).count() == 1

    # History: one row for the quarter.
    page.goto(demo_site + "/assessments/")
    rows = page.get_by_test_id("history").locator("tbody tr")
    expect(rows.filter(has_text=result.period)).to_have_count(1)
    expect(rows.filter(has_text=result.period)).to_contain_text("answers changed")
