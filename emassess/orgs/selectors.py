"""Reads about organisations, teams and people, shaped for the pages that show them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from emassess.orgs.models import Membership, Organisation, Team


def role_anniversary(started_on: datetime.date, *, years: int = 1) -> datetime.date:
    """The date `years` after a role began; a role begun on 29 February comes round on the
    28th in years without one."""
    try:
        return started_on.replace(year=started_on.year + years)
    except ValueError:
        return started_on.replace(year=started_on.year + years, day=28)


@dataclass(frozen=True)
class TeamSummary:
    team: Team
    managers: int
    reports: int


def team_summary_list(*, organisation: Organisation) -> list[TeamSummary]:
    """Each team of the organisation with how many active managers and reports it has (one query)."""
    active = Q(memberships__user__is_active=True)
    teams = organisation.teams.annotate(
        manager_count=Count("memberships", filter=active & Q(memberships__role=Membership.Role.MANAGER)),
        report_count=Count("memberships", filter=active & Q(memberships__role=Membership.Role.REPORT)),
    ).order_by("name")
    return [TeamSummary(team=team, managers=team.manager_count, reports=team.report_count) for team in teams]


def manager_list(*, organisation: Organisation) -> QuerySet[Membership]:
    """The organisation's active managers, with what their rows on a page need already joined."""
    return (
        organisation.memberships.filter(role=Membership.Role.MANAGER, user__is_active=True)
        .select_related("user", "team")
        .annotate(direct_report_count=Count("direct_reports", filter=Q(direct_reports__user__is_active=True)))
        .order_by("team__name", "user__full_name", "user__email")
    )


def direct_report_list(*, manager: Membership) -> QuerySet[Membership]:
    return manager.direct_reports.filter(user__is_active=True).select_related("user").order_by("user__full_name")
