"""HR's journey in a real browser: the overview, a team, the CSV export."""

import csv
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_hr_opens_the_overview_drills_into_a_team_and_exports_csv(page, demo_site):
    log_in(page, demo_site, "hr@acme.test")
    expect(page).to_have_url(re.compile(r"/organisation/$"))
    expect(page.get_by_role("heading", name="Acme", exact=True)).to_be_visible()
    expect(page.get_by_test_id("completion")).to_be_visible()  # live: the demo has answers this quarter
    # ...but this quarter's result figures are released only when it closes.
    expect(page.get_by_test_id("release-status").first).to_contain_text("appear when the quarter closes")
    expect(page.get_by_test_id("archetype-mix")).to_have_count(0)

    # An earlier quarter, chosen from the picker: released, with its figures.
    previous = page.locator("#quarter option").nth(1).get_attribute("value")
    page.locator("#quarter").select_option(previous)
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name=f"Completion of {previous}")).to_be_visible()
    expect(page.get_by_test_id("release-status").first).to_contain_text(f"Released when {previous} closed")
    expect(page.get_by_test_id("archetype-mix")).to_be_visible()
    expect(page.get_by_test_id("trends").locator("tbody tr")).to_have_count(8)
    expect(page.get_by_test_id("heatmap")).to_contain_text("not enough responses")  # small teams stay hidden

    # Drill into a team.
    page.get_by_test_id("heatmap").get_by_role("link", name="Checkout").click()
    expect(page.get_by_role("heading", name="Checkout", exact=True)).to_be_visible()
    expect(page.get_by_test_id("team-managers")).to_contain_text("Emma Moreau")
    expect(page.get_by_test_id("team-managers")).not_to_contain_text("Tomás")  # another team

    # Export what the team page shows.
    with page.expect_download() as download_info:
        page.get_by_test_id("export-csv").click()
    download = download_info.value
    assert download.suggested_filename.endswith(f"{previous}.csv")
    assert download.suggested_filename == f"emassess-acme-team-checkout-{previous}.csv"
    with open(download.path(), "rb") as file:
        assert file.read(3) == b"\xef\xbb\xbf"  # the BOM: Excel reads it as UTF-8
    with open(download.path(), newline="", encoding="utf-8-sig") as file:
        rows = list(csv.DictReader(file))
    emma = next(row for row in rows if row["manager"] == "Emma Moreau")
    assert emma["status"] == "done"  # her demo history covers last quarter


def test_a_manager_cannot_open_the_dashboards(page, demo_site):
    log_in(page, demo_site, "em@acme.test")
    page.goto(demo_site + "/organisation/")
    expect(page.get_by_role("heading", name="This page is not available to you")).to_be_visible()


def test_hr_reminds_a_manager_who_has_not_started_once(page, demo_site):
    from emassess.reminders.models import Reminder

    log_in(page, demo_site, "hr@acme.test")
    page.goto(demo_site + "/organisation/follow-up/not-started/")
    button = page.get_by_role("button", name=re.compile(r"^Remind \S+ now$")).first
    name = button.inner_text().removeprefix("Remind ").removesuffix(" now")
    button.click()
    expect(page.get_by_text(re.compile(rf"Reminder on its way to {name}"))).to_be_visible()
    expect(page.get_by_text("Reminded this cycle").first).to_be_visible()
    manual = Reminder.objects.filter(kind="manual")
    assert manual.count() == 1
    # The page offers no second reminder to the same person this cycle.
    expect(page.get_by_role("button", name=f"Remind {name} now")).to_have_count(0)
