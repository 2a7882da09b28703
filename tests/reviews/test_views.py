"""The review pages in the browser's shoes: the form and its errors, saving a draft, submitting
once, the result, and who may open what."""

from __future__ import annotations

import datetime
import html

import pytest
from django.urls import reverse

from emassess.reviews.models import RoleReview
from emassess.reviews.recommendation import PENDULUM_NOTES, STEP_PARTNER
from emassess.reviews.services import role_review_save_draft, role_review_start, role_review_submit
from tests.helpers import (
    LOGIN,
    MANAGERS_ONLY_OWN,
    ROLES,
    assert_status,
    checked,
    login_as,
    posted_review,
    review_answers,
)

# The clock is pinned to TODAY for every test here, so anniversaries do not depend on the run.
pytestmark = pytest.mark.usefixtures("pinned")

D = datetime.date
URL = "/reviews/"


def test_the_url_names():
    assert reverse("role_review") == URL
    assert reverse("role_review_result", args=[7]) == "/reviews/7/"


def test_the_form_for_the_due_year(alice_client, cast, assessed):
    assessed(cast.alice, D(2025, 4, 10))
    assessed(cast.alice, D(2026, 7, 10))
    response = alice_client.get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="h3">Your one-year review</h1>' in page
    assert "your first in this role (2025-Q2) and your latest (2026-Q3)" in page
    assert "How much do you enjoy the people side of the job?" in page
    assert "Very much: it is the best part of the job" in page
    assert "On-call and incidents" in page
    assert "Back to the individual-contributor track" in page
    assert page.count("<legend") >= 7  # three groups and each choice question in its own fieldset
    assert "Save and finish later" in page
    assert not RoleReview.objects.exists()  # looking creates nothing


def test_the_form_says_when_nothing_was_assessed(alice_client):
    page = alice_client.get(URL).content.decode()
    assert "You have not taken the self-assessment yet" in page


def test_years_two_and_three_get_their_check_in(client, cast, pinned):
    cast.alice.manager_role_started_on = D(2023, 11, 1)
    cast.alice.save()
    client.force_login(cast.alice.user)
    page = client.get(URL).content.decode()
    assert "Your three-year check-in" in page
    assert "for three years (36 months)" in page


def test_no_review_due_says_when_the_next_one_comes(client, cast, pinned):
    cast.alice.manager_role_started_on = D(2026, 6, 30)
    cast.alice.save()
    client.force_login(cast.alice.user)
    page = client.get(URL).content.decode()
    assert "No role review is due" in page
    assert "Your one-year review comes on 30 June 2027." in page
    assert 'name="enjoy_people"' not in page


def test_after_three_years_of_reviews_nothing_more_comes(client, cast, pinned):
    cast.alice.manager_role_started_on = D(2022, 1, 10)
    cast.alice.save()
    review = RoleReview.objects.create(
        manager=cast.alice, year=3, role_started_on=D(2022, 1, 10), status="submitted", recommendation="carry_on",
        submitted_at=datetime.datetime(2025, 2, 1, tzinfo=datetime.UTC),
    )  # fmt: skip
    client.force_login(cast.alice.user)
    page = client.get(URL).content.decode()
    assert "You have had all three reviews of this role." in page
    assert reverse("role_review_result", args=[review.pk]) in page
    assert "Your three-year check-in</a>" in page


def test_without_a_start_date_the_page_says_so(client, cast, pinned):
    cast.alice.manager_role_started_on = None
    cast.alice.save()
    client.force_login(cast.alice.user)
    assert "has not recorded when you started this role" in client.get(URL).content.decode()


def test_errors_are_listed_and_nothing_typed_is_lost(alice_client, cast):
    data = posted_review(
        enjoy_people=None,
        energises=[],
        energises_other="",
        drains=["incidents", "stakeholders"],
        drains_other="Quarterly planning",
        give_up=["coding", "none"],
        wants_next="more_people",
        notes="Talk to Sam about hiring",
    )
    response = alice_client.post(URL, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="error-summary"' in page
    assert "There are 3 problems on this page" in page
    assert "Choose how much you enjoy the people side." in page
    assert "Tick at least one thing that energises you, or describe your own." in page
    assert "not both" in page
    # The summary's links land on real elements.
    assert 'href="#id_enjoy_people_0"' in page and 'id="id_enjoy_people_0"' in page
    assert 'href="#id_energises"' in page and 'id="id_energises"' in page
    # Everything typed is still there.
    assert checked(page, "drains") == ["stakeholders", "incidents"]
    assert checked(page, "give_up") == ["coding", "none"]
    assert checked(page, "wants_next") == ["more_people"]
    assert 'value="Quarterly planning"' in page
    assert "Talk to Sam about hiring</textarea>" in page
    # And kept as a draft, so a closed tab loses nothing either.
    draft = RoleReview.objects.get(manager=cast.alice)
    assert draft.status == RoleReview.Status.DRAFT
    assert draft.answers["drains"] == ["incidents", "stakeholders"]
    assert draft.answers["notes"] == "Talk to Sam about hiring"


def test_describing_your_own_energy_is_enough(alice_client):
    response = alice_client.post(URL, posted_review(energises=[], energises_other="Pairing with juniors"))
    assert response.status_code == 302


def test_save_and_finish_later_then_continue_from_home(alice_client, cast):
    data = posted_review(action="save", enjoy_people="2", energises=["hiring"], wants_next=None, notes="half done")
    response = alice_client.post(URL, data)
    assert response["Location"] == reverse("manager_home")
    draft = RoleReview.objects.get(manager=cast.alice)
    assert (draft.status, draft.year, draft.role_started_on) == ("draft", 1, D(2025, 3, 1))
    assert draft.answers["enjoy_people"] == "2"
    assert draft.submitted_at is None
    home = alice_client.get(reverse("manager_home")).content.decode()
    assert "Continue your review" in home
    page = alice_client.get(URL).content.decode()
    assert checked(page, "enjoy_people") == ["2"]
    assert checked(page, "energises") == ["hiring"]
    assert checked(page, "wants_next") == []
    assert "half done</textarea>" in page
    assert "error-summary" not in page  # a saved draft is not an error


def test_submitting_stores_the_review_and_shows_the_recommendation(alice_client, cast, assessed):
    first = assessed(cast.alice, D(2025, 4, 10), behaviour={"weekend-warrior": 3})
    assessed(cast.alice, D(2025, 10, 10))
    latest = assessed(cast.alice, D(2026, 7, 10), behaviour={"weekend-warrior": 1})
    response = alice_client.post(URL, posted_review(give_up=["technical_leadership"]))
    review = RoleReview.objects.get(manager=cast.alice)
    assert response["Location"] == reverse("role_review_result", args=[review.pk])
    assert review.status == RoleReview.Status.SUBMITTED
    assert review.submitted_at == datetime.datetime(2026, 11, 21, 12, tzinfo=datetime.UTC)
    assert (review.first_assessment, review.latest_assessment) == (first, latest)
    assert review.recommendation == "rebalance"
    assert review.answers["enjoy_people"] == 4  # typed on submit
    assert review.answers["give_up"] == ["technical_leadership"]
    assert review.outcome["recommendation"] == "rebalance"
    assert review.outcome["comparison"]["has_first"] is True

    page = alice_client.get(response["Location"]).content.decode()
    assert '<h2 class="h3 mb-2" data-testid="recommendation">Rebalance</h2>' in page
    assert "You would give up technical leadership and design" in page
    assert STEP_PARTNER in html.unescape(page)
    assert "First in the role (2025-Q2)" in page
    assert "Latest (2026-Q3)" in page
    comparison = page[page.index('data-testid="comparison"') :]
    weekend = comparison[comparison.index('data-slug="weekend-warrior"') :]
    weekend = weekend[: weekend.index("</tr>")]
    assert "▼" in weekend and "text-success" in weekend  # the risk fell: a green arrow down
    assert "data-print" in page
    assert "Mostly: it is a good part of my week (4 of 5)" in page  # the answers, for the printout
    assert 'data-testid="pendulum"' not in page


def test_with_a_single_assessment_there_is_no_trend(alice_client, cast, assessed):
    only = assessed(cast.alice, D(2026, 7, 10))
    alice_client.post(URL, posted_review())
    review = RoleReview.objects.get(manager=cast.alice)
    assert (review.first_assessment, review.latest_assessment) == (only, only)
    assert review.outcome["comparison"]["has_first"] is False
    page = alice_client.get(reverse("role_review_result", args=[review.pk])).content.decode()
    assert "You had one self-assessment in the role (2026-Q3)" in page
    assert "First in the role" not in page


def test_without_any_assessment_the_result_says_there_is_nothing_to_compare(alice_client, cast):
    alice_client.post(URL, posted_review(enjoy_people="1"))
    review = RoleReview.objects.get(manager=cast.alice)
    assert review.recommendation == "move_to_ic"
    page = alice_client.get(reverse("role_review_result", args=[review.pk])).content.decode()
    assert "Move back to the individual-contributor track</h2>" in page
    assert 'data-testid="no-comparison"' in page


def test_the_two_year_check_in_carries_the_pendulum_note(client, cast, pinned):
    cast.alice.manager_role_started_on = D(2024, 9, 1)
    cast.alice.save()
    client.force_login(cast.alice.user)
    response = client.post(URL, posted_review())
    review = RoleReview.objects.get(manager=cast.alice)
    assert review.year == 2
    page = client.get(response["Location"]).content.decode()
    assert "Your two-year check-in" in page
    assert PENDULUM_NOTES[2] in page


def test_submitting_twice_stores_one_review(alice_client, cast):
    first = alice_client.post(URL, posted_review())
    second = alice_client.post(URL, posted_review(enjoy_people="1"))  # the back button, a changed answer
    review = RoleReview.objects.get(manager=cast.alice)
    assert second["Location"] == first["Location"] == reverse("role_review_result", args=[review.pk])
    assert review.recommendation == "carry_on"
    again = alice_client.post(URL, posted_review(action="save"))
    assert again["Location"] == first["Location"]
    review.refresh_from_db()
    assert review.answers["enjoy_people"] == 4


def test_two_tabs_submitting_the_same_draft_store_one_result(cast, pinned):
    review = role_review_start(manager=cast.alice, year=1)
    stale = RoleReview.objects.get(pk=review.pk)
    assert role_review_start(manager=cast.alice, year=1) == review  # a second start finds the same row
    done = role_review_submit(review=review, answers=review_answers(enjoy_people=5))
    again = role_review_submit(review=stale, answers=review_answers(enjoy_people=1))
    assert again.pk == done.pk
    assert again.recommendation == "carry_on"
    assert again.submitted_at == done.submitted_at
    assert RoleReview.objects.count() == 1
    assert role_review_save_draft(review=stale, answers={"enjoy_people": "1"}) is False  # a late draft save
    assert RoleReview.objects.get().answers["enjoy_people"] == 5


def test_a_draft_result_sends_back_to_the_form(alice_client, cast):
    alice_client.post(URL, posted_review(action="save"))
    draft = RoleReview.objects.get(manager=cast.alice)
    assert alice_client.get(reverse("role_review_result", args=[draft.pk]))["Location"] == URL


def test_another_managers_review_is_not_found(client, cast, pinned):
    client.force_login(cast.alice.user)
    client.post(URL, posted_review())
    review = RoleReview.objects.get(manager=cast.alice)
    client.force_login(cast.carol.user)
    assert client.get(reverse("role_review_result", args=[review.pk])).status_code == 404
    assert client.get(reverse("role_review_result", args=[review.pk + 1])).status_code == 404
    # Carol's own review page is hers: it never shows Alice's review or answers.
    page = client.get(URL).content.decode()
    assert "Alice" not in page


# ---------------------------------------------------------------- permissions, every role

REVIEW_FORM = {
    "anonymous": LOGIN, "report": 403, "manager": 200, "other_manager": 200,
    "hr": 403, "other_org_hr": 403, "org_admin": 403, "superuser": 403,
}  # fmt: skip
EXPECTED = {
    "role_review (get)": REVIEW_FORM,
    "role_review (save)": REVIEW_FORM | {"manager": 302, "other_manager": 302},
    "role_review_result": MANAGERS_ONLY_OWN,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_every_review_url_checks_who_is_asking(client, cast, pinned, page, role):
    review = role_review_submit(review=role_review_start(manager=cast.alice, year=1), answers=review_answers())
    method, url, data = {
        "role_review (get)": ("get", URL, {}),
        "role_review (save)": ("post", URL, posted_review(action="save")),
        "role_review_result": ("get", reverse("role_review_result", args=[review.pk]), {}),
    }[page]
    cast.carol.manager_role_started_on = D(2025, 5, 1)  # Carol has her own review due
    cast.carol.save()
    login_as(client, cast, role)
    response = getattr(client, method)(url, data)
    assert_status(response, EXPECTED[page][role], url)
    if page == "role_review (save)" and role in ("report", "hr", "other_org_hr", "org_admin", "superuser"):
        assert RoleReview.objects.count() == 1  # nothing saved for anyone who may not
