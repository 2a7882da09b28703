"""HR and org admin dashboards. Everything is scoped to the viewer's organisation."""

from __future__ import annotations

import datetime
import uuid

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from emassess.assessments.selectors import result_page
from emassess.dashboards.charts import prevalence_trend
from emassess.dashboards.exports import export_filename
from emassess.dashboards.selectors import (
    ONE_YEAR_REVIEW_WINDOW,
    SELF_VIEW,
    follow_ups,
    in_progress_list,
    never_assessed_list,
    not_started_list,
    one_year_review_list,
    organisation_overview,
    overdue_list,
    team_page,
)
from emassess.dashboards.services import dashboard_export, result_open_for_hr, results_shown_to_hr
from emassess.orgs.access import MemberRequest, role_required
from emassess.orgs.cycles import Cycle, cycle_containing, parse_quarter, shift
from emassess.orgs.live import KEEP_FOR
from emassess.orgs.models import Membership
from emassess.reminders.manual import manual_reminders_request

hr_only = role_required(Membership.Role.HR, Membership.Role.ORG_ADMIN)
# No figures can be older than the product; the trends also reach two years back from a quarter.
EARLIEST_YEAR = 2000
FOLLOW_UP_PAGE_SIZE = 50


def _chosen_quarter(request: HttpRequest, current: Cycle) -> Cycle:
    """The quarter asked for in ?quarter=2026-Q3, or the current one (with a message if the
    request asked for something that cannot be shown)."""
    label = request.GET.get("quarter")
    if not label:
        return current
    try:
        quarter = parse_quarter(label)
    except ValueError:
        messages.error(request, f"“{label[:20]}” is not a quarter (use e.g. {current.label}); showing {current.label}.")
        return current
    if quarter.start > current.start:
        messages.error(request, f"{quarter.label} has not started yet; showing {current.label}.")
        return current
    if quarter.start.year < EARLIEST_YEAR:
        messages.error(request, f"emassess holds no figures before {EARLIEST_YEAR}; showing {current.label}.")
        return current
    return quarter


def _quarter_choices(current: Cycle) -> list[str]:
    return [shift(current, -offset).label for offset in range(8)]


@hr_only
def overview(request: MemberRequest) -> HttpResponse:
    organisation = request.membership.organisation
    today = organisation.today()
    current = cycle_containing(today)
    quarter = _chosen_quarter(request, current)
    page = organisation_overview(
        organisation=organisation,
        quarter=quarter,
        today=today,
        heatmap_page=request.GET.get("teams_page"),
        heatmap_seen_by=request.GET.get("seen_by", SELF_VIEW),
    )
    context = {
        "page": page,
        "trend_chart": prevalence_trend(page.anti_patterns, page.aggregates.trends),
        "follow_ups": follow_ups(organisation=organisation, today=today),
        "review_window_days": ONE_YEAR_REVIEW_WINDOW.days,
        "quarters": _quarter_choices(current),
        "threshold": organisation.anonymity_threshold,
        "keep_for": KEEP_FOR.total_seconds(),
    }
    return render(request, "dashboards/overview.html", context)


@hr_only
def team(request: MemberRequest, pk: int) -> HttpResponse:
    organisation = request.membership.organisation
    team = get_object_or_404(organisation.teams, pk=pk)
    today = organisation.today()
    current = cycle_containing(today)
    quarter = _chosen_quarter(request, current)
    page = team_page(team=team, quarter=quarter, today=today)
    results_shown_to_hr(organisation=organisation, results=[row.latest for row in page.managers if row.latest])
    context = {
        "page": page,
        "trend_chart": prevalence_trend(page.anti_patterns, page.aggregates.trends),
        "quarters": _quarter_choices(current),
        "threshold": organisation.anonymity_threshold,
        "keep_for": KEEP_FOR.total_seconds(),
    }
    return render(request, "dashboards/team.html", context)


def _csv_response(content: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@hr_only
def overview_export(request: MemberRequest) -> HttpResponse:
    organisation = request.membership.organisation
    today = organisation.today()
    quarter = _chosen_quarter(request, cycle_containing(today))
    page = organisation_overview(
        organisation=organisation, quarter=quarter, today=today, heatmap_page=request.GET.get("teams_page")
    )
    content = dashboard_export(page=page, organisation=organisation, label="organisation overview", by=request.user)
    return _csv_response(content, export_filename(organisation=organisation, quarter=quarter))


@hr_only
def team_export(request: MemberRequest, pk: int) -> HttpResponse:
    organisation = request.membership.organisation
    team = get_object_or_404(organisation.teams, pk=pk)
    today = organisation.today()
    quarter = _chosen_quarter(request, cycle_containing(today))
    page = team_page(team=team, quarter=quarter, today=today)
    results_shown_to_hr(organisation=organisation, results=[row.latest for row in page.managers if row.latest])
    content = dashboard_export(page=page, organisation=organisation, label=f"team {team.name}", by=request.user)
    return _csv_response(content, export_filename(organisation=organisation, quarter=quarter, team=team))


@hr_only
def shared_result(request: MemberRequest, public_id: uuid.UUID) -> HttpResponse:
    assessment = result_open_for_hr(organisation=request.membership.organisation, public_id=public_id,
                                    reader=request.user)  # fmt: skip
    shared_only = not request.membership.organisation.hr_sees_individual_results
    page = result_page(assessment=assessment, shared_only=shared_only)
    context = {
        "page": page,
        "read_only": True,
        # Headed with whose result it is and when they shared it, not "Your result". shared_at is
        # None when HR reads it because the organisation lets HR see every result, unshared.
        "viewer_is_owner": False,
        "owner_name": assessment.manager.user.get_full_name(),
        "shared_at": assessment.shared_at if assessment.shared_with_hr else None,
    }
    return render(request, "assessments/result.html", context)


FOLLOW_UP_LISTS = {
    "not-started": "Not started this cycle",
    "in-progress": "In progress this cycle",
    "overdue": "Overdue reassessments",
    "never-assessed": "Never assessed",
    "one-year-reviews": "One-year reviews due",
}


@hr_only
def follow_up(request: MemberRequest, kind: str) -> HttpResponse:
    """One follow-up list in full, a page at a time."""
    if kind not in FOLLOW_UP_LISTS:
        raise Http404("No such list.")
    organisation = request.membership.organisation
    today = organisation.today()
    entries: QuerySet[Membership] | list[tuple[Membership, datetime.date]]
    if kind == "one-year-reviews":
        entries = one_year_review_list(organisation=organisation, today=today)
    elif kind == "overdue":
        entries = overdue_list(organisation=organisation, today=today)
    elif kind == "not-started":
        entries = not_started_list(organisation=organisation, today=today)
    elif kind == "in-progress":
        entries = in_progress_list(organisation=organisation, today=today)
    else:
        entries = never_assessed_list(organisation=organisation, today=today)
    page: Page = Paginator(entries, FOLLOW_UP_PAGE_SIZE).get_page(request.GET.get("page"))
    remindable = kind in REMINDABLE
    context = {
        "kind": kind,
        "title": FOLLOW_UP_LISTS[kind],
        "page": page,
        "reviews": kind == "one-year-reviews",
        "remindable": remindable,
        "cycle": cycle_containing(today, organisation.cadence_months),
        # Who on this page "Remind everyone on this page" would remind.
        "to_remind": [m for m in page if not m.reminded and m.nudges_unsubscribed_at is None] if remindable else [],
    }
    return render(request, "dashboards/follow_up.html", context)


def _is_id(value: str) -> bool:
    """A row id or page number as a form sends it (no other digits, nothing a database cannot hold)."""
    return value.isascii() and value.isdigit() and len(value) < 19


# The lists whose people HR may remind now: those who have not completed the current cycle.
REMINDABLE = ("not-started", "in-progress")


@hr_only
@require_POST
def follow_up_remind(request: MemberRequest, kind: str) -> HttpResponse:
    """HR's "remind them now" for the people posted (one, or a page of them): each at most once a cycle."""
    if kind not in REMINDABLE:
        raise Http404("No such list.")
    back = reverse("follow_up", args=[kind])
    if _is_id(request.POST.get("page", "")):
        back += f"?page={request.POST['page']}"
    ids = [int(value) for value in request.POST.getlist("person") if _is_id(value)]
    if not ids:
        messages.error(request, "Choose who to remind: nobody was chosen.")
        return redirect(back)
    report = manual_reminders_request(organisation=request.membership.organisation, membership_ids=ids,
                                      by=request.user)  # fmt: skip
    label = report.cycle.label
    if report.queued:
        names = ", ".join(person.user.get_full_name() for person in report.queued)
        due = report.cycle.due_on
        messages.success(request, f"Reminder on its way to {names}: their {label} self-assessment is due by "
                                  f"{due.day} {due:%B %Y}.")  # fmt: skip
    for person, why in report.refused:
        messages.info(request, f"No reminder to {person.user.get_full_name()}: {why}.")
    if report.unknown:
        messages.error(request, f"{report.unknown} of the people chosen are not managers expected to complete "
                                f"{label} in your organisation: they were not reminded.")  # fmt: skip
    return redirect(back)
