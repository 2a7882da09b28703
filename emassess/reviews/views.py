"""The role review pages: the due year's form, and the result. Managers only, and only their own."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from emassess.orgs.access import MemberRequest, role_required
from emassess.orgs.models import Membership
from emassess.reviews.forms import RoleReviewForm, raw_answers
from emassess.reviews.models import RoleReview
from emassess.reviews.recommendation import REVIEW_TITLES, SPANS
from emassess.reviews.selectors import (
    review_draft,
    review_of_manager,
    review_overview,
    review_page,
    review_year_due,
    role_assessments,
)
from emassess.reviews.services import role_review_save_draft, role_review_start, role_review_submit

manager_only = role_required(Membership.Role.MANAGER)


def _to_result(request: HttpRequest, review: RoleReview) -> HttpResponse:
    messages.info(request, "You have already submitted this review; here it is.")
    return redirect("role_review_result", pk=review.pk)


@manager_only
def role_review(request: MemberRequest) -> HttpResponse:
    """GET: the form for the review that is due, or when the next one comes. POST: save or submit."""
    manager = request.membership
    # The anniversary falls on the organisation's calendar, as the reminder emails count it.
    today = manager.organisation.today()
    year = review_year_due(manager=manager, today=today)
    if year is None:
        overview = review_overview(manager=manager, today=today)
        if request.method == "POST" and overview.last_submitted is not None:
            # A second click or the back button after submitting: show what the first one stored.
            return _to_result(request, overview.last_submitted)
        return render(request, "reviews/not_due.html", {"overview": overview, "today": today})

    review: RoleReview | None  # the year's review, once one is saved
    if request.method == "POST":
        review = role_review_start(manager=manager, year=year)
        if review.status == RoleReview.Status.SUBMITTED:
            return _to_result(request, review)
        form = RoleReviewForm(request.POST)
        if request.POST.get("action") == "save":
            if not role_review_save_draft(review=review, answers=raw_answers(request.POST)):
                return _to_result(request, review)
            messages.success(request, "Your review is saved. Finish it whenever you like from your home page.")
            return redirect("manager_home")
        if form.is_valid():
            review = role_review_submit(review=review, answers=form.typed_answers())
            return redirect("role_review_result", pk=review.pk)
        # Keep what was typed, so a closed tab loses nothing either.
        if not role_review_save_draft(review=review, answers=raw_answers(request.POST)):
            return _to_result(request, review)
    else:
        review = review_draft(manager=manager, year=year)
        form = RoleReviewForm(initial=review.answers if review else None)

    first, latest = role_assessments(manager=manager)
    context = {
        "form": form,
        "year": year,
        "title": REVIEW_TITLES[year],
        "span": SPANS[year],
        "draft": review,
        "first": first,
        "latest": latest,
        "months_in_role": manager.months_in_role(today),
    }
    return render(request, "reviews/review.html", context)


@manager_only
def role_review_result(request: MemberRequest, pk: int) -> HttpResponse:
    review = review_of_manager(manager=request.membership, pk=pk)
    if review.status != RoleReview.Status.SUBMITTED:
        return redirect("role_review")
    return render(request, "reviews/result.html", {"page": review_page(review=review)})
