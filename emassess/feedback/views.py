"""Upward feedback pages: the survey and a report's own answers (reports only), and a manager's
team view (managers only, their own only: there is no id in any address to try another's); and a
manager's own self-assessment result with its plan form, which show the team's view of its cycle
once released, and advice that takes it into account."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from emassess.assessments.forms import PlanForm
from emassess.assessments.models import Assessment
from emassess.assessments.selectors import assessment_of_manager
from emassess.assessments.services import assessment_set_plan
from emassess.assessments.views import PLAN_CLEARED, PLAN_SAVED, own_result
from emassess.feedback import services
from emassess.feedback.forms import SurveyForm, initial_of
from emassess.feedback.selectors import answered_items, responses_given, survey_status
from emassess.feedback.team_views import TeamOnResult, team_on_result, team_view_page
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


managers_only = role_required(Membership.Role.MANAGER)


@managers_only
def team_view(request: MemberRequest) -> HttpResponse:
    return render(request, "feedback/team_view.html", team_view_page(manager=request.membership, now=timezone.now()))


def _own_result(
    request: MemberRequest,
    assessment: Assessment,
    team: TeamOnResult | None,
    *,
    plan_form: PlanForm | None = None,
    status: int = 200,
) -> HttpResponse:
    outcome = team.outcome if team is not None else None
    return own_result(request, assessment, outcome=outcome, extra={"team": team}, plan_form=plan_form, status=status)


@managers_only
def result(request: MemberRequest, public_id: uuid.UUID) -> HttpResponse:
    assessment = assessment_of_manager(manager=request.membership, public_id=public_id)
    if not assessment.is_submitted:
        return redirect("assessment_step", public_id=public_id, step=assessment.current_step)
    return _own_result(request, assessment, team_on_result(assessment=assessment, now=timezone.now()))


@managers_only
@require_POST
def plan(request: MemberRequest, public_id: uuid.UUID) -> HttpResponse:
    """Keep up to three of the practices the result page advises (with the team's view, once
    released) as the manager's plan."""
    assessment = assessment_of_manager(manager=request.membership, public_id=public_id)
    if not assessment.is_submitted or assessment.outcome is None:
        raise Http404("Only a submitted result has a plan.")
    team = team_on_result(assessment=assessment, now=timezone.now())
    advised = (team.outcome if team is not None else assessment.outcome).get("practices", [])
    form = PlanForm(request.POST, advised=advised)
    if not form.is_valid():
        return _own_result(request, assessment, team, plan_form=form, status=400)
    assessment_set_plan(assessment=assessment, practices=form.cleaned_data["practices"], advised=advised)
    messages.success(request, PLAN_SAVED if assessment.plan else PLAN_CLEARED)
    return redirect(reverse("assessment_result", args=[public_id]) + "#plan")
