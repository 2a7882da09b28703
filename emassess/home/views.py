from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from emassess.assessments.engine import FEW_REPORTS
from emassess.assessments.selectors import cycle_status, draft_of, submitted_list
from emassess.feedback.selectors import feedback_progress, responses_given, survey_status
from emassess.feedback.team import threshold
from emassess.orgs.access import MemberRequest, membership_of, role_required
from emassess.orgs.models import Membership
from emassess.orgs.selectors import direct_report_list, role_anniversary
from emassess.reviews.selectors import review_overview

HOME_OF_ROLE: dict[str, str] = {
    Membership.Role.MANAGER: "manager_home",
    Membership.Role.REPORT: "report_home",
    Membership.Role.HR: "organisation_home",
    Membership.Role.ORG_ADMIN: "organisation_home",
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to the place their role works from."""
    membership = membership_of(request.user)
    if membership is not None:
        return redirect(HOME_OF_ROLE[membership.role])
    if request.user.is_staff:
        return redirect("admin:index")
    return render(request, "home/no_membership.html", status=403)


@role_required(Membership.Role.MANAGER)
def manager_home(request: MemberRequest) -> HttpResponse:
    membership = request.membership
    # The organisation's calendar, as the role review and its reminder email count anniversaries.
    today = membership.organisation.today()
    role_review = review_overview(manager=membership, today=today)  # one query
    started_on = membership.manager_role_started_on
    cycle = cycle_status(manager=membership, now=timezone.now())
    context = {
        "months_in_role": membership.months_in_role(today),
        "role_review": role_review,
        # The due dates the reminder emails give: the review's anniversary (and, in `cycle` below,
        # this cycle's last day).
        "review_due_on": role_anniversary(started_on, years=role_review.due_year)
        if role_review.due_year and started_on
        else None,
        "direct_reports": direct_report_list(manager=membership),
        "today": today,
        "few_reports": FEW_REPORTS,  # the engine's rule, so the page and the result say the same
        # Done this cycle or not, whether the result may still change, when the next cycle opens.
        "cycle": cycle,
        "draft": draft_of(manager=membership) if cycle.result is None else None,  # shown only when not done
        "latest": submitted_list(manager=membership).first(),
        # How many of their reports answered this cycle's survey about them: a count, never names.
        "feedback": feedback_progress(manager=membership, now=timezone.now()),
    }
    return render(request, "home/manager_home.html", context)


@role_required(Membership.Role.REPORT)
def report_home(request: MemberRequest) -> HttpResponse:
    report = request.membership
    context = {
        # What to answer, about whom and by when, and whether it may still change.
        "survey": survey_status(report=report, now=timezone.now()),
        "answered_before": responses_given(report=report).exists(),
        # From how many answers the manager sees anything: the organisation's threshold, never under 3.
        "needed": threshold(report.organisation.anonymity_threshold),
    }
    return render(request, "home/report_home.html", context)
