"""The self-assessment pages. Every view is for managers only, and only on their own assessments."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from emassess.assessments.forms import PlanForm, SectionForm, rendered_answers
from emassess.assessments.models import Assessment
from emassess.assessments.plans import asked_section
from emassess.assessments.selectors import (
    assessment_of_manager,
    can_change,
    change_window,
    cycle_status,
    draft_of,
    result_page,
    submitted_list,
)
from emassess.assessments.services import (
    AlreadyDone,
    IncompleteAnswers,
    NoQuestionnaire,
    ResultClosed,
    assessment_keep,
    assessment_reopen,
    assessment_save_section,
    assessment_set_shared,
    assessment_start,
    assessment_submit,
)
from emassess.lib.durability import commit_without_waiting_for_disk
from emassess.orgs.access import MemberRequest, role_required
from emassess.orgs.models import Membership

manager_only = role_required(Membership.Role.MANAGER)


ALREADY_DONE = "You have already taken this cycle's assessment: here is your result."
CLOSED = "This quarter has closed, so your result stays as you submitted it."


def _to_done(request: HttpRequest, done: AlreadyDone) -> HttpResponse:
    """Where a second assessment of the cycle leads: the changes in progress, or the result."""
    result = done.result
    if result.is_reopened and can_change(assessment=result, now=timezone.now()):
        return redirect("assessment_step", public_id=result.public_id, step=result.current_step)
    messages.info(request, ALREADY_DONE)
    return redirect("assessment_result", public_id=result.public_id)


@manager_only
@require_POST
def start(request: MemberRequest) -> HttpResponse:
    try:
        draft = assessment_start(manager=request.membership)
    except NoQuestionnaire:
        messages.error(request, "The questionnaire is not available yet. Please try again later.")
        return redirect("manager_home")
    except AlreadyDone as done:
        return _to_done(request, done)
    return redirect("assessment_step", public_id=draft.public_id, step=draft.current_step)


@manager_only
def step(request: MemberRequest, public_id: uuid.UUID, step: int) -> HttpResponse:
    # The questionnaire's pages never show a result; a submit reads the assessment again whole.
    assessment = assessment_of_manager(manager=request.membership, public_id=public_id, with_outcome=False)
    if assessment.is_submitted and not assessment.is_reopened:
        messages.info(request, "You have already submitted this assessment; here is your result.")
        return redirect("assessment_result", public_id=public_id)
    if assessment.is_reopened and not can_change(assessment=assessment, now=timezone.now()):
        messages.info(request, CLOSED)
        return redirect("assessment_result", public_id=public_id)
    definition = assessment.version.definition
    sections = definition["sections"]
    if not 1 <= step <= len(sections):
        raise Http404("No such step.")
    if step > assessment.furthest_step:
        return redirect("assessment_step", public_id=public_id, step=assessment.furthest_step)
    section = asked_section(assessment, step)
    is_last = step == len(sections)

    if request.method == "POST":
        action = request.POST.get("action", "next")
        form = SectionForm(request.POST, section=section, definition=definition, answers=assessment.answers_in_progress,
                           rendered=rendered_answers(assessment.version))  # fmt: skip
        # Any action but these three moves on, and on a valid last page that submits.
        if action in ("back", "autosave", "save") or not (is_last and form.is_valid()):
            commit_without_waiting_for_disk()  # only a page of work in progress is kept: no submit
        if action == "back":
            assessment_save_section(assessment=assessment, step=step, data=request.POST, next_step=max(step - 1, 1))
            return redirect("assessment_step", public_id=public_id, step=max(step - 1, 1))
        if action == "autosave":
            # The page's script saves as the manager types, so a closed tab loses nothing.
            assessment_save_section(assessment=assessment, step=step, data=request.POST, next_step=step)
            return HttpResponse(status=204)
        if action == "save":
            assessment_save_section(assessment=assessment, step=step, data=request.POST, next_step=step)
            messages.success(request, "Your answers are saved. Continue whenever you like from your home page.")
            return redirect("manager_home")
        valid = form.is_valid()
        next_step = step + 1 if valid and not is_last else step
        assessment_save_section(assessment=assessment, step=step, data=request.POST, next_step=next_step)
        if valid and not is_last:
            return redirect("assessment_step", public_id=public_id, step=next_step)
        if valid:
            try:
                assessment_submit(assessment=assessment)
            except IncompleteAnswers as incomplete:
                messages.error(request, "Some earlier answers are missing or need fixing before you can submit.")
                return redirect("assessment_step", public_id=public_id, step=incomplete.step)
            except AlreadyDone as done:
                return _to_done(request, done)
            except ResultClosed:
                messages.info(request, CLOSED)
            return redirect("assessment_result", public_id=public_id)
        status = 200
    else:
        form = SectionForm(
            initial=assessment.answers_in_progress,
            section=section,
            definition=definition,
            answers=assessment.answers_in_progress,
            rendered=rendered_answers(assessment.version),
        )
        status = 200

    context = {
        "assessment": assessment,
        "form": form,
        "section": section,
        "step": step,
        "steps": len(sections),
        "percent": round(100 * (step - 1) / len(sections)),
        "is_first": step == 1,
        "is_last": is_last,
        "reopened": assessment.is_reopened,
        "intro": definition["meta"].get("intro", "") if step == 1 else "",
    }
    return render(request, "assessments/step.html", context, status=status)


def own_result(
    request: MemberRequest,
    assessment: Assessment,
    *,
    outcome: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
    plan_form: PlanForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The manager's own result page; with a plan form that did not validate, its error and choices.

    Its views (the page and its plan form) are emassess.feedback.views.result and .plan: they know
    the team's view, which the layers keep above this app. `outcome` is the outcome to show, the
    stored one by default (see result_page), and `extra` is added to the template's context."""
    page = result_page(assessment=assessment, outcome=outcome)
    plan_form = plan_form or PlanForm(
        initial={"practices": [p["slug"] for p in assessment.plan]}, advised=page.outcome.get("practices", [])
    )
    context = {
        "page": page,
        # The heading's facts (HR's view of a shared result passes the same names: dashboards.views).
        "viewer_is_owner": True,
        "owner_name": request.user.get_full_name(),
        "shared_at": assessment.shared_at if assessment.shared_with_hr else None,
        "change": change_window(assessment=assessment, now=timezone.now()),  # for assessments/_reopen.html
        "plan_form": plan_form,
        **(extra or {}),
    }
    return render(request, "assessments/result.html", context, status=status)


PLAN_SAVED = "Your plan is saved. Your home page shows it, and your next assessment asks how it went."
PLAN_CLEARED = "Your plan is cleared."


@manager_only
def history(request: MemberRequest) -> HttpResponse:
    manager = request.membership
    context = {
        "draft": draft_of(manager=manager),
        "assessments": submitted_list(manager=manager),
        "cycle": cycle_status(manager=manager, now=timezone.now()),
    }
    return render(request, "assessments/history.html", context)


@manager_only
@require_POST
def reopen(request: MemberRequest, public_id: uuid.UUID) -> HttpResponse:
    """Change the answers of a submitted result (action "reopen"), or drop the changes ("keep")."""
    assessment = assessment_of_manager(manager=request.membership, public_id=public_id)
    if not assessment.is_submitted:
        raise Http404("Only a submitted result can be reopened.")
    if request.POST.get("action") == "keep":
        assessment_keep(assessment=assessment)
        messages.success(request, "Your submitted answers and result stand as they were.")
        return redirect("assessment_result", public_id=public_id)
    commit_without_waiting_for_disk()  # changes begun are work in progress until resubmitted
    try:
        assessment = assessment_reopen(assessment=assessment, by=request.user)
    except ResultClosed:
        messages.error(request, CLOSED)
        return redirect("assessment_result", public_id=public_id)
    return redirect("assessment_step", public_id=public_id, step=assessment.current_step)


@manager_only
@require_POST
def share(request: MemberRequest, public_id: uuid.UUID) -> HttpResponse:
    """Let HR read this one result, or stop letting them."""
    assessment = assessment_of_manager(manager=request.membership, public_id=public_id)
    if not assessment.is_submitted:
        raise Http404("Only a submitted result can be shared.")
    shared = request.POST.get("shared") == "1"
    assessment_set_shared(assessment=assessment, shared=shared, by=request.user)
    if shared:
        messages.success(request, "HR of your organisation can now read this result.")
    else:
        messages.success(request, "This result is private to you again.")
    return redirect("assessment_result", public_id=public_id)
