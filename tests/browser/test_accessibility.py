"""Every page, as each role that sees it, at desktop (1280 px) and phone (390 px) widths: no
critical or serious axe-core violation, and on the phone no sideways scrolling. Each test walks
one role's pages and reports every problem it met at once."""

from __future__ import annotations

import datetime
import itertools
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from playwright.sync_api import expect

from emassess.accounts.models import User
from emassess.assessments.models import Assessment
from emassess.assessments.services import assessment_set_shared
from emassess.orgs import services as org_services
from emassess.orgs.invitation_emails import invitation_token
from emassess.orgs.models import Membership, Organisation, Team
from emassess.reminders.services import unsubscribe_token
from tests import factories
from tests.browser.axe import DESKTOP, PHONE, add_axe, sideways_overflow, violations
from tests.browser.conftest import log_in
from tests.browser.test_role_review import group
from tests.browser.test_self_assessment import WEEK, answer_every_radio_group, next_page

pytestmark = pytest.mark.browser


class Audit:
    """Checks pages at both widths and keeps what it found, to report them all at the end."""

    def __init__(self, page):
        self.page = page
        self.problems: list[str] = []
        self.checked: list[str] = []

    def check(self, name: str) -> None:
        """The page as it is now, under `name`: axe at both widths, sideways scroll on the phone."""
        page = self.page
        expect(page.locator("body")).to_be_visible()
        self.checked.append(name)
        for viewport in (DESKTOP, PHONE):
            page.set_viewport_size(viewport)
            width = viewport["width"]
            self.problems += [f"{name} at {width} px: {line}" for line in violations(page)]
            if viewport is PHONE and (overflow := sideways_overflow(page)) > 0:
                self.problems.append(f"{name} at {width} px: scrolls sideways by {overflow} px")
        page.set_viewport_size(DESKTOP)

    def visit(self, url: str, name: str | None = None) -> None:
        self.page.goto(url)
        self.check(name or url)

    def assert_clean(self) -> None:
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture
def audit(browser):
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(10_000)
    add_axe(context)
    page = context.new_page()
    yield Audit(page)
    context.close()


def site_path(site: str, name: str, *args) -> str:
    return site + reverse(name, args=args)


def test_the_pages_anyone_can_reach(audit, demo_site):
    page = audit.page
    audit.visit(site_path(demo_site, "login"), "login")
    page.get_by_label("Email address").fill("em@acme.test")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    audit.check("login, a wrong password")
    audit.visit(demo_site + "/no-such-page/", "404")
    audit.visit(site_path(demo_site, "invitation_accept", "not-a-token"), "invitation unavailable")
    audit.visit(site_path(demo_site, "reminders_unsubscribe", "not-a-token"), "unsubscribe, a bad link")

    acme = Organisation.objects.get(slug="acme")
    admin = Membership.objects.get(organisation=acme, user__email="admin@acme.test")
    invitation = org_services.invitation_create(
        organisation=acme, invited_by=admin.user, email="new@acme.test", full_name="Nia New",
        role=Membership.Role.MANAGER, team=Team.objects.filter(organisation=acme).first(),
        manager_role=Membership.ManagerRole.EM, manager_role_started_on=datetime.date(2026, 1, 5),
    )  # fmt: skip
    audit.visit(site_path(demo_site, "invitation_accept", invitation_token(invitation=invitation)), "invitation")
    em = Membership.objects.get(organisation=acme, user__email="em@acme.test")
    audit.visit(site_path(demo_site, "reminders_unsubscribe", unsubscribe_token(membership=em)), "unsubscribe")

    # The server error page, as the server would send it (no view fails on purpose).
    error_page = demo_site + "/server-error-page/"
    page.route(error_page, lambda route: route.fulfill(status=500, content_type="text/html",
                                                       body=render_to_string("500.html")))  # fmt: skip
    audit.visit(error_page, "500")

    for _ in range(5):  # five wrong passwords lock the pair out
        page.goto(site_path(demo_site, "login"))
        page.get_by_label("Email address").fill("priya@acme.test")
        page.get_by_label("Password").fill("wrong-password")
        page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Too many failed attempts")).to_be_visible()
    audit.check("locked out")

    User.objects.create_user(email="nobody@elsewhere.test", password="a long enough password", full_name="No One")
    log_in(page, demo_site, "nobody@elsewhere.test", password="a long enough password")
    expect(page.get_by_role("heading", name="You are not part of an organisation yet")).to_be_visible()
    audit.check("home, with no organisation")
    audit.assert_clean()


def test_a_managers_pages(audit, demo_site):
    page = audit.page
    log_in(page, demo_site, "tlm@acme.test")
    audit.check("manager home")
    audit.visit(site_path(demo_site, "assessment_history"), "history")
    latest = Assessment.objects.filter(manager__user__email="tlm@acme.test", status=Assessment.Status.SUBMITTED)
    audit.visit(site_path(demo_site, "assessment_result", latest.latest("submitted_at").public_id), "a past result")
    audit.visit(site_path(demo_site, "framework_guide"), "framework guide")
    audit.visit(site_path(demo_site, "feedback_team_view"), "what the team sees")
    audit.visit(site_path(demo_site, "organisation_home"), "403")

    # The questionnaire, every step, and a step with errors.
    page.goto(site_path(demo_site, "manager_home"))
    page.get_by_test_id("start-assessment").click()
    for step in range(1, 8):
        expect(page.get_by_test_id("progress")).to_contain_text(f"Step {step} of 7")
        if step == 2:
            next_page(page)  # nothing typed: the error summary
            expect(page.get_by_test_id("error-summary")).to_be_visible()
            audit.check("questionnaire step 2, with errors")
            for label, value in WEEK.items():
                page.get_by_role("spinbutton", name=label, exact=True).fill(value)
        audit.check(f"questionnaire step {step}")
        answer_every_radio_group(page, choose=step % 5)
        next_page(page)
    expect(page.get_by_test_id("progress")).to_have_count(0)
    audit.check("the result just submitted")

    # The role review (due: the demo TLM's role began thirteen months ago) and its result.
    audit.visit(site_path(demo_site, "role_review"), "role review")
    page.get_by_role("button", name="Submit and see my recommendation").click()
    audit.check("role review, with errors")
    group(page, "How much do you enjoy the people side of the job?").get_by_label(
        "Mostly: it is a good part of my week"
    ).check()
    group(page, "What energises you?").get_by_label("Seeing people on the team grow").check()
    group(page, "What drains you?").get_by_label("Incidents and firefighting").check()
    group(page, "Which responsibilities would you give up if you could?").get_by_label("Hands-on coding").check()
    group(page, "What do you want next?").get_by_label("More people leadership").check()
    page.get_by_role("button", name="Submit and see my recommendation").click()
    expect(page.get_by_test_id("recommendation")).to_be_visible()
    audit.check("role review result")
    audit.visit(site_path(demo_site, "role_review"), "role review, none due")
    expect(page.get_by_role("heading", name="No role review is due")).to_be_visible()
    audit.assert_clean()


def test_a_reports_pages(audit, demo_site):
    log_in(audit.page, demo_site, "ines@acme.test")
    audit.check("report home")
    audit.visit(site_path(demo_site, "feedback_survey"), "upward feedback survey")
    audit.page.get_by_role("button", name=re.compile("answers", re.I)).first.click()  # nothing chosen: the errors
    audit.check("upward feedback survey, with errors")
    audit.visit(site_path(demo_site, "feedback_answers"), "my past answers")
    audit.visit(site_path(demo_site, "framework_guide"), "framework guide")
    audit.visit(site_path(demo_site, "assessment_history"), "403")
    audit.assert_clean()


def test_hrs_pages(audit, demo_site):
    page = audit.page
    acme = Organisation.objects.get(slug="acme")
    shared = Assessment.objects.filter(manager__user__email="em@acme.test", status=Assessment.Status.SUBMITTED)
    shared = shared.latest("submitted_at")
    assessment_set_shared(assessment=shared, shared=True, by=shared.manager.user)
    log_in(page, demo_site, "hr@acme.test")
    audit.check("overview, this quarter")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Dashboard")).to_have_attribute("aria-current", "page")
    previous = page.locator("#quarter option").nth(1).get_attribute("value")
    audit.visit(f"{site_path(demo_site, 'organisation_home')}?quarter={previous}", "overview, last quarter")
    expect(page.get_by_test_id("blind-spots")).to_be_visible()  # the demo's teams answered last quarter
    page.get_by_role("link", name="Their teams' view").click()
    audit.check("overview, last quarter, the heatmap as the teams see it")
    team = Team.objects.get(organisation=acme, name="Checkout")
    audit.visit(f"{site_path(demo_site, 'team_dashboard', team.pk)}?quarter={previous}", "team, last quarter")
    audit.visit(site_path(demo_site, "team_dashboard", team.pk), "team, this quarter")
    for kind in ("overdue", "never-assessed", "one-year-reviews"):
        audit.visit(site_path(demo_site, "follow_up", kind), f"follow-up: {kind}")
    audit.visit(site_path(demo_site, "shared_result", shared.public_id), "a shared result")
    audit.visit(site_path(demo_site, "reminder_outbox"), "outbox")
    expect(nav.get_by_role("link", name="Outbox")).to_have_attribute("aria-current", "page")
    expect(nav.locator("[aria-current]")).to_have_count(1)
    audit.visit(site_path(demo_site, "framework_guide"), "framework guide")
    audit.assert_clean()


def test_an_org_admins_pages(audit, demo_site):
    page = audit.page
    acme = Organisation.objects.get(slug="acme")
    admin = Membership.objects.get(organisation=acme, user__email="admin@acme.test")
    leaver = Membership.objects.get(organisation=acme, user__email="marco@acme.test")
    org_services.membership_deactivate(membership=leaver, by=admin)
    log_in(page, demo_site, "admin@acme.test")
    audit.check("overview")
    audit.visit(site_path(demo_site, "people"), "people")
    # On a phone the people table is a stack of cards, each cell under its column's name.
    page.set_viewport_size(PHONE)
    row = page.get_by_test_id("person-row").first
    assert row.locator("td").first.get_attribute("data-label") == "Email"
    assert row.evaluate("element => getComputedStyle(element).display") == "block"
    page.set_viewport_size(DESKTOP)
    audit.visit(site_path(demo_site, "people_invite"), "invite")
    page.locator("main form button[type=submit]").first.click()
    audit.check("invite, with errors")
    audit.visit(site_path(demo_site, "people_import"), "import")
    page.locator("input[type=file]").set_input_files(
        {"name": "people.csv", "mimeType": "text/csv",
         "buffer": b"email,name,team,role,role_start_date\nnot-an-email,Someone,Checkout,manager,2026-13-01\n"}
    )  # fmt: skip
    page.locator("main form button[type=submit]").first.click()
    expect(page.get_by_test_id("import-preview")).to_be_visible()
    audit.check("import preview, with problems")
    audit.visit(site_path(demo_site, "person_edit", leaver.pk), "person edit")
    audit.visit(site_path(demo_site, "person_erase", leaver.pk), "erase")
    audit.visit(site_path(demo_site, "organisation_settings"), "settings")
    audit.visit(site_path(demo_site, "audit_log"), "audit log")
    audit.visit(site_path(demo_site, "reminder_outbox"), "outbox")
    audit.assert_clean()


# --- What the pages promise beyond axe ---------------------------------------------------------


def option_boxes(page, question: int = 0) -> list[dict]:
    """The bounding boxes of the answer labels (what a tap hits) of the page's `question`-th scale."""
    scale = page.locator(".answer-scale").nth(question)
    labels = scale.locator("label.form-check-label")
    return [labels.nth(index).bounding_box() for index in range(labels.count())]


def test_answer_scales_are_44_px_targets_in_one_row_or_a_stacked_list(page, demo_site):
    log_in(page, demo_site, "em@acme.test")
    page.get_by_test_id("start-assessment").click()
    answer_every_radio_group(page, choose=0)
    next_page(page)
    for label, value in WEEK.items():
        page.get_by_role("spinbutton", name=label, exact=True).fill(value)
    next_page(page)
    answer_every_radio_group(page, choose=0)
    next_page(page)
    expect(page.get_by_test_id("progress")).to_contain_text("Step 4 of 7")  # the behaviours: never...always

    boxes = option_boxes(page)
    assert len(boxes) == 5
    assert all(box["height"] >= 44 and box["width"] >= 44 for box in boxes), boxes
    assert len({round(box["y"]) for box in boxes}) == 1, boxes  # one unbroken row
    assert [box["x"] for box in boxes] == sorted(box["x"] for box in boxes)

    page.set_viewport_size(PHONE)
    boxes = option_boxes(page)
    assert all(box["height"] >= 44 and box["width"] >= 44 for box in boxes), boxes
    assert len({round(box["x"]) for box in boxes}) == 1, boxes  # a stacked list, one under another
    assert all(below["y"] >= above["y"] + above["height"] for above, below in itertools.pairwise(boxes))

    # The whole box takes the tap, and the focused radio shows a ring.
    page.mouse.click(boxes[2]["x"] + boxes[2]["width"] - 5, boxes[2]["y"] + boxes[2]["height"] / 2)
    expect(page.locator(".answer-scale").first.locator("input[type=radio]").nth(2)).to_be_checked()
    page.keyboard.press("ArrowDown")
    focused = page.locator(".answer-scale").first.locator("input[type=radio]").nth(3)
    expect(focused).to_be_focused()
    ring = focused.evaluate(
        "element => getComputedStyle(element).outlineStyle + ' ' + getComputedStyle(element).outlineWidth"
    )
    assert ring == "solid 3px"


def test_the_navigation_marks_the_current_page_and_leads_to_history(page, demo_site):
    log_in(page, demo_site, "tlm@acme.test")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.locator("[aria-current]")).to_have_count(1)
    expect(nav.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
    nav.get_by_role("link", name="My assessments").click()
    expect(page.get_by_role("heading", name="My assessments")).to_be_visible()
    expect(nav.get_by_role("link", name="My assessments")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name="Home")).not_to_have_attribute("aria-current", re.compile("."))
    page.get_by_role("link", name=re.compile("^View result")).first.click()
    expect(nav.get_by_role("link", name="My assessments")).to_have_attribute("aria-current", "true")  # under it
    expect(nav.get_by_role("link", name="Download my data")).to_have_attribute("href", reverse("my_data"))


def heat_backgrounds(page) -> dict[str, set[str]]:
    """The computed background of the heatmap's cells, by their shade class."""
    return page.get_by_test_id("heatmap").evaluate(
        """table => {
            const found = {};
            table.querySelectorAll("td[class*='heat-']").forEach(cell => {
                const shade = [...cell.classList].find(name => name.startsWith("heat-"));
                (found[shade] = found[shade] || new Set()).add(getComputedStyle(cell).backgroundColor);
            });
            return Object.fromEntries(Object.entries(found).map(([shade, colours]) => [shade, [...colours]]));
        }"""
    )


def test_the_heatmap_is_shaded_by_level_with_a_key(page, live_server, cast, submit, release):
    """Four teams of three, flagged for Bottleneck Manager by none, one, two and all three of them:
    each share its own shade, and the key shows every shade."""
    for flagged, name in enumerate(("None flagged", "One flagged", "Two flagged", "All flagged")):
        team = factories.TeamFactory(organisation=cast.acme, name=name)
        for index in range(3):
            manager = factories.ManagerFactory(organisation=cast.acme, team=team)
            submit(manager, "2026-Q3", behaviour={"bottleneck-manager": 4 if index < flagged else 0})
    release()
    log_in(page, live_server.url, cast.hana.user.email, password=factories.PASSWORD)
    page.goto(live_server.url + reverse("organisation_home") + "?quarter=2026-Q3")

    heatmap = page.get_by_test_id("heatmap")
    shades = {}
    for name, share in (
        ("None flagged", "0%"),
        ("One flagged", "33%"),
        ("Two flagged", "67%"),
        ("All flagged", "100%"),
    ):
        cell = heatmap.get_by_role("row", name=re.compile(f"^{name}")).locator("td").first
        expect(cell).to_contain_text(share)
        shades[name] = cell.evaluate("element => getComputedStyle(element).backgroundColor")
    assert len(set(shades.values())) == 4, shades  # 0-19, 20-39, 60-79 and 80-100 each their own
    assert "rgb(255, 255, 255)" not in shades.values() and "rgba(0, 0, 0, 0)" not in shades.values(), shades
    # Alice's and Carol's teams have no responses: grey, explained once in the key.
    withheld = heatmap.locator("td.heat-none").first
    expect(withheld).to_contain_text("not enough responses")  # to screen readers; the grey says it on screen
    assert withheld.evaluate("element => getComputedStyle(element).backgroundColor") not in shades.values()
    key = page.get_by_test_id("heat-legend")
    expect(key.locator("li")).to_have_count(6)
    expect(key).to_contain_text("withheld")
    for level in range(5):
        colour = key.locator(f".heat-swatch.heat-{level}").evaluate("e => getComputedStyle(e).backgroundColor")
        assert colour != "rgba(0, 0, 0, 0)"
    assert (
        key.locator(".heat-swatch.heat-4").evaluate("e => getComputedStyle(e).backgroundColor") == shades["All flagged"]
    )
