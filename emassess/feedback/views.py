"""Upward feedback pages: the survey and a report's own answers (reports only), and a manager's
team view (managers only, their own only: there is no id in any address to try another's)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from emassess.feedback import services
from emassess.feedback.forms import SurveyForm, initial_of
from emassess.feedback.selectors import answered_items, responses_given, survey_status
from emassess.feedback.team_views import team_view_page
from emassess.orgs.access import MemberRequest, role_required
from emassess.orgs.models import Membership

reports_only = role_required(Membership.Role.REPORT)


@reports_only
def survey(request: MemberRequest) -> HttpResponse:
    report = request.membership
    status = survey_status(report=report, now=timezone.now())
    context: dict = {"status": status}
    if status.manager is None:
        context["unavailable"] = services.NotAnswerable.NO_MANAGER.value
    elif status.version is None:
        context["unavailable"] = services.NotAnswerable.NO_SURVEY.value
    elif not status.can_change:
        context["unavailable"] = services.NotAnswerable.CLOSED.value
    if "unavailable" in context:
        return render(request, "feedback/survey.html", context)
    assert status.version is not None
    initial = initial_of(status.response.answers) if status.response else None
    form = SurveyForm(request.POST if request.method == "POST" else None, version=status.version, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.response_submit(report=report, answers=form.answers())
        except services.CannotAnswer as refused:
            context["unavailable"] = refused.reason.value
        else:
            changed = status.response is not None
            messages.success(
                request,
                "Your answers are changed." if changed else "Thank you: your answers are in.",
            )
            return redirect("report_home")
    context |= {"form": form, "version": status.version, "definition": status.version.definition}
    return render(request, "feedback/survey.html", context)


@reports_only
def my_answers(request: MemberRequest) -> HttpResponse:
    given = [(response, answered_items(response=response)) for response in responses_given(report=request.membership)]
    return render(request, "feedback/my_answers.html", {"given": given})


@role_required(Membership.Role.MANAGER)
def team_view(request: MemberRequest) -> HttpResponse:
    return render(request, "feedback/team_view.html", team_view_page(manager=request.membership, now=timezone.now()))
