"""HR and org admin dashboards. Everything is scoped to the viewer's organisation."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from emassess.assessments.models import Assessment
from emassess.assessments.selectors import result_page
from emassess.audit.models import AuditEvent
from emassess.audit.services import audit_record
from emassess.core.access import role_required
from emassess.dashboards.charts import prevalence_trend
from emassess.dashboards.exports import dashboard_csv
from emassess.dashboards.selectors import follow_ups, organisation_overview, team_page
from emassess.orgs.cycles import Cycle, cycle_containing, parse_quarter, shift
from emassess.orgs.models import Membership

hr_only = role_required(Membership.Role.HR, Membership.Role.ORG_ADMIN)


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
    return quarter


def _quarter_choices(current: Cycle) -> list[str]:
    return [shift(current, -offset).label for offset in range(8)]


@hr_only
def overview(request: HttpRequest) -> HttpResponse:
    organisation = request.membership.organisation
    today = organisation.today()
    current = cycle_containing(today)
    quarter = _chosen_quarter(request, current)
    page = organisation_overview(organisation=organisation, quarter=quarter, today=today)
    context = {
        "page": page,
        "trend_chart": prevalence_trend(page.anti_patterns, page.aggregates.trends),
        "follow_ups": follow_ups(organisation=organisation, today=today),
        "quarters": _quarter_choices(current),
        "threshold": organisation.anonymity_threshold,
    }
    return render(request, "dashboards/overview.html", context)


@hr_only
def team(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = request.membership.organisation
    team = get_object_or_404(organisation.teams, pk=pk)
    today = organisation.today()
    current = cycle_containing(today)
    quarter = _chosen_quarter(request, current)
    page = team_page(team=team, quarter=quarter, today=today)
    context = {
        "page": page,
        "trend_chart": prevalence_trend(page.anti_patterns, page.aggregates.trends),
        "quarters": _quarter_choices(current),
        "threshold": organisation.anonymity_threshold,
    }
    return render(request, "dashboards/team.html", context)


def _csv_response(content: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@hr_only
def overview_export(request: HttpRequest) -> HttpResponse:
    organisation = request.membership.organisation
    today = organisation.today()
    quarter = _chosen_quarter(request, cycle_containing(today))
    page = organisation_overview(organisation=organisation, quarter=quarter, today=today)
    audit_record(action=AuditEvent.Action.DASHBOARD_EXPORTED, organisation=organisation, actor=request.user,
                 detail={"page": "organisation overview", "quarter": quarter.label})  # fmt: skip
    return _csv_response(dashboard_csv(page), f"emassess-{organisation.slug}-{quarter.label}.csv")


@hr_only
def team_export(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = request.membership.organisation
    team = get_object_or_404(organisation.teams, pk=pk)
    today = organisation.today()
    quarter = _chosen_quarter(request, cycle_containing(today))
    page = team_page(team=team, quarter=quarter, today=today)
    audit_record(action=AuditEvent.Action.DASHBOARD_EXPORTED, organisation=organisation, actor=request.user,
                 detail={"page": f"team {team.name}", "quarter": quarter.label})  # fmt: skip
    return _csv_response(dashboard_csv(page), f"emassess-{organisation.slug}-team-{team.pk}-{quarter.label}.csv")


@hr_only
def shared_result(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """An individual result, for HR of the same organisation, only where the manager shared it or
    the organisation lets HR see individual results. Anything else is a 404 alike."""
    organisation = request.membership.organisation
    assessment = (
        Assessment.objects.select_related("version", "manager__user", "manager__organisation")
        .filter(
            public_id=public_id,
            manager__organisation=organisation,
            status=Assessment.Status.SUBMITTED,
            outcome__isnull=False,  # an erased person's result keeps only its numbers
        )
        .first()
    )
    if assessment is None or not (organisation.hr_sees_individual_results or assessment.shared_with_hr):
        raise Http404("No such result.")
    audit_record(action=AuditEvent.Action.RESULT_VIEWED, organisation=organisation, actor=request.user,
                 subject=assessment.manager, detail={"result": assessment.period})  # fmt: skip
    return render(request, "assessments/result.html", {"page": result_page(assessment=assessment), "read_only": True})
