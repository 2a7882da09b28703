"""Reads about organisations, teams and people, shaped for the pages that show them."""

from __future__ import annotations

import datetime
import enum
from collections.abc import Collection, Iterable

from django.db.models import Count, Q, QuerySet

from emassess.accounts.models import User
from emassess.orgs.cycles import Cycle
from emassess.orgs.models import Invitation, Membership, Organisation, Team

ERASED_EMAIL_DOMAIN = "@erased.invalid"


def role_anniversary(started_on: datetime.date, *, years: int = 1) -> datetime.date:
    """The date `years` after a role began; a role begun on 29 February comes round on the
    28th in years without one."""
    try:
        return started_on.replace(year=started_on.year + years)
    except ValueError:
        return started_on.replace(year=started_on.year + years, day=28)


def eligible_managers(*, organisation: Organisation, cycle: Cycle, team: Team | None = None) -> QuerySet[Membership]:
    """Active managers expected to reassess in `cycle`: those whose role had begun by its end."""
    managers = organisation.memberships.filter(role=Membership.Role.MANAGER, user__is_active=True).filter(
        Q(manager_role_started_on__isnull=True) | Q(manager_role_started_on__lt=cycle.end)
    )
    return managers.filter(team=team) if team is not None else managers


def direct_report_list(*, manager: Membership) -> QuerySet[Membership]:
    return manager.direct_reports.filter(user__is_active=True).select_related("user").order_by("user__full_name")


def person_label(membership: Membership | None) -> str:
    """A person as the audit log and the pages name them: "Alice Able (alice@acme.test)"."""
    if membership is None:
        return "—"
    user = membership.user
    return f"{user.full_name} ({user.email})" if user.full_name else user.email


def reports_to_candidates(*, organisation: Organisation, keep: Membership | None = None) -> QuerySet[Membership]:
    """Whom someone can be set to report to: the organisation's active people (never the anonymous
    placeholders of erased people); `keep`, someone's current manager, stays offered even if they
    have left, so saving a person's page does not change it unasked."""
    offered = Q(user__is_active=True) | Q(pk=keep.pk) if keep is not None else Q(user__is_active=True)
    people = organisation.memberships.filter(offered)
    return (
        people.exclude(user__email__endswith=ERASED_EMAIL_DOMAIN)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def reports_to_emails(*, organisation: Organisation) -> tuple[dict[str, int], frozenset[str]]:
    """For the CSV import's reports_to column: the active people's lowercased addresses with their
    membership ids, and the addresses of those who have been deactivated."""
    active: dict[str, int] = {}
    inactive: set[str] = set()
    members = organisation.memberships.exclude(user__email__endswith=ERASED_EMAIL_DOMAIN)
    for pk, email, is_active in members.values_list("pk", "user__email", "user__is_active"):
        if is_active:
            active[email.lower()] = pk
        else:
            inactive.add(email.lower())
    return active, frozenset(inactive)


NO_TEAM = "none"  # the team filter's value for people in no team


class Status(enum.StrEnum):
    ACTIVE = "active"
    DEACTIVATED = "deactivated"


def people_list(
    *, organisation: Organisation, search: str = "", team: str = "", role: str = "", status: str = ""
) -> QuerySet[Membership]:
    """Everyone in the organisation, active or not, with what a row of the People page shows joined
    in the same query; narrowed by a search of names and addresses, a team id (or NO_TEAM), a role
    and a Status when given."""
    # Not the anonymous placeholders that keep an erased person's numbers (see emassess.privacy).
    people = organisation.memberships.exclude(user__email__endswith=ERASED_EMAIL_DOMAIN)
    for word in search.split():
        people = people.filter(Q(user__full_name__icontains=word) | Q(user__email__icontains=word))
    if team == NO_TEAM:
        people = people.filter(team=None)
    elif team:
        people = people.filter(team_id=team)
    if role:
        people = people.filter(role=role)
    if status:
        people = people.filter(user__is_active=status == Status.ACTIVE)
    return people.select_related("user", "team", "reports_to__user").order_by(
        "-user__is_active", "user__full_name", "user__email", "pk"
    )


# ---------------------------------------------------------------------------------------------
# Teams


def active_teams(*, organisation: Organisation) -> QuerySet[Team]:
    """The teams people can be put in: not the archived ones."""
    return organisation.teams.filter(archived_at=None).order_by("name")


def team_list(*, organisation: Organisation, archived: bool = False) -> QuerySet[Team]:
    """The organisation's teams (or its archived ones), each with how many active people it holds."""
    teams = organisation.teams.filter(archived_at__isnull=not archived)
    active = Q(memberships__user__is_active=True) & ~Q(memberships__user__email__endswith=ERASED_EMAIL_DOMAIN)
    return teams.annotate(people=Count("memberships", filter=active)).order_by("name", "pk")


def team_member_count(*, team: Team) -> int:
    """Everyone in the team, deactivated people too (archiving moves them all to no team)."""
    return team.memberships.exclude(user__email__endswith=ERASED_EMAIL_DOMAIN).count()


def team_archived_message(name: str) -> str:
    """Why an archived team cannot take people, as the CSV import says it."""
    return f"The team “{name}” is archived: restore it on the Teams page first, or choose another team."


def team_name_clash(*, organisation: Organisation, name: str, team: Team | None = None) -> str | None:
    """Why `name` cannot be (or become) a team's name in the organisation, or None. Names are
    compared ignoring case, as the CSV import matches them; archived teams keep theirs."""
    clash = organisation.teams.filter(name__iexact=name.strip())
    if team is not None:
        clash = clash.exclude(pk=team.pk)
    other = clash.first()
    if other is None:
        return None
    if other.archived_at is not None:
        return (
            f"An archived team is already called “{other.name}”: restore it on the Teams page, or choose another name."
        )
    return f"There is already a team called “{other.name}”."


def open_invitation_list(*, organisation: Organisation) -> QuerySet[Invitation]:
    """Invitations neither accepted nor revoked, expired ones included: they can still be resent."""
    return (
        organisation.invitations.filter(accepted_at=None, revoked_at=None)
        .select_related("team", "invited_by")
        .order_by("email")
    )


def _any_email(field: str, emails: Iterable[str]) -> Q:
    # Case-insensitive: an address typed into the Django admin may keep its capitals.
    match = Q(pk__in=[])
    for email in emails:
        match |= Q(**{f"{field}__iexact": email})
    return match


def member_emails(*, organisation: Organisation, among: Iterable[str] | None = None) -> frozenset[str]:
    """The organisation's members' addresses, lowercased; only those `among` the given ones when set."""
    members = organisation.memberships.all()
    if among is not None:
        members = members.filter(_any_email("user__email", among))
    return frozenset(email.lower() for email in members.values_list("user__email", flat=True))


def open_invitation_emails(*, organisation: Organisation, among: Iterable[str] | None = None) -> frozenset[str]:
    """Addresses with an open invitation, lowercased; only those `among` the given ones when set."""
    invitations = organisation.invitations.filter(accepted_at=None, revoked_at=None)
    if among is not None:
        invitations = invitations.filter(_any_email("email", among))
    return frozenset(email.lower() for email in invitations.values_list("email", flat=True))


def operator_emails(*, among: Iterable[str] | None = None) -> frozenset[str]:
    """The addresses of emassess's own staff and superusers, lowercased: accounts that run the
    product and never join an organisation."""
    operators = User.objects.filter(Q(is_staff=True) | Q(is_superuser=True))
    if among is not None:
        operators = operators.filter(_any_email("email", among))
    return frozenset(email.lower() for email in operators.values_list("email", flat=True))


class NotInvitable(enum.StrEnum):
    """Why an address cannot be invited, in the words the invite form and the CSV import both show."""

    MEMBER = "This person is already a member of the organisation."
    INVITED = "This person already has an open invitation: resend or revoke it on the People page."
    OPERATOR = "This address belongs to an emassess operator account, which cannot join an organisation."


def not_invitable_reason(
    email: str, *, members: Collection[str], invited: Collection[str], operators: Collection[str]
) -> NotInvitable | None:
    """The rule, over lowercased address sets (a whole CSV file's, or one address's)."""
    if email.lower() in operators:
        return NotInvitable.OPERATOR
    if email.lower() in members:
        return NotInvitable.MEMBER
    if email.lower() in invited:
        return NotInvitable.INVITED
    return None


def invitation_blocker(*, organisation: Organisation, email: str) -> NotInvitable | None:
    """Why this one address cannot be invited to the organisation, or None (three small queries)."""
    return not_invitable_reason(
        email,
        members=member_emails(organisation=organisation, among=[email]),
        invited=open_invitation_emails(organisation=organisation, among=[email]),
        operators=operator_emails(among=[email]),
    )


def team_names(*, organisation: Organisation) -> dict[str, str]:
    """The organisation's team names, archived ones too, keyed by their case-folded spelling, to
    match what people type."""
    return {name.casefold(): name for name in organisation.teams.values_list("name", flat=True)}


def archived_team_names(*, organisation: Organisation) -> frozenset[str]:
    """The case-folded names of the organisation's archived teams."""
    names = organisation.teams.exclude(archived_at=None).values_list("name", flat=True)
    return frozenset(name.casefold() for name in names)
