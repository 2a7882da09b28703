"""Running an organisation: people, invitations, bulk import and settings, for org admins only.

Every object is looked up inside the admin's own organisation, so another organisation's ids are
simply not found (404). The invitation page is the one public page: its signed link is the check.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from emassess.orgs import services
from emassess.orgs.access import MEMBER_BACKEND, MemberRequest, role_required
from emassess.orgs.audit import audit_log_list
from emassess.orgs.csv_import import HEADER, MAX_MEGABYTES, MAX_ROWS, ROLE_CODES
from emassess.orgs.forms import (
    AcceptInvitationForm,
    ImportConfirmForm,
    ImportUploadForm,
    InvitationLoginForm,
    InviteForm,
    OrganisationSettingsForm,
    PeopleFilterForm,
    PersonForm,
    TeamForm,
)
from emassess.orgs.invitation_emails import INVITATION_VALID_FOR
from emassess.orgs.models import Invitation, Membership, Organisation, Team
from emassess.orgs.selectors import (
    direct_report_list,
    open_invitation_list,
    people_list,
    team_list,
    team_member_count,
)

admin_only = role_required(Membership.Role.ORG_ADMIN)
LINK_DAYS = INVITATION_VALID_FOR.days
LINK_LIFE = f"The link works for {LINK_DAYS} days."


def _person(request: MemberRequest, pk: int) -> Membership:
    return get_object_or_404(request.membership.organisation.memberships.select_related("user"), pk=pk)


def _invitation(request: MemberRequest, pk: int) -> Invitation:
    return get_object_or_404(request.membership.organisation.invitations, pk=pk)


def _posted(request: HttpRequest):
    """The form data of a POST, even an empty one (`request.POST or None` would take an empty
    POST for a GET and show a blank form without saying what is missing)."""
    return request.POST if request.method == "POST" else None


PEOPLE_PER_PAGE = 50


@admin_only
def people(request: MemberRequest) -> HttpResponse:
    organisation = request.membership.organisation
    filters = PeopleFilterForm(request.GET, organisation=organisation)
    found = people_list(organisation=organisation, **filters.filters())
    page = Paginator(found, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    invitations = Paginator(open_invitation_list(organisation=organisation), PEOPLE_PER_PAGE).get_page(
        request.GET.get("invitations_page")
    )
    # The pager's links keep the search and filters (and the other list's page).
    kept = request.GET.copy()
    kept.pop("page", None)
    kept_for_invitations = request.GET.copy()
    kept_for_invitations.pop("invitations_page", None)
    context = {
        "filters": filters,
        "filtered": any(filters.filters().values()),
        "people": page,
        "invitations": invitations,
        "query": kept.urlencode(),
        "invitations_query": kept_for_invitations.urlencode(),
        "now": timezone.now(),  # to mark expired invitations
        "link_days": LINK_DAYS,
    }
    return render(request, "orgs/people.html", context)


@admin_only
def invite(request: MemberRequest) -> HttpResponse:
    organisation = request.membership.organisation
    form = InviteForm(_posted(request), organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                organisation=organisation, invited_by=request.user, **form.cleaned_data
            )
        except services.CannotInvite as refused:
            form.add_error("email", refused.reason.value)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}. {LINK_LIFE}")
            return redirect("people")
    return render(request, "orgs/invite.html", {"form": form, "link_days": LINK_DAYS})


@admin_only
def person_edit(request: MemberRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    form = PersonForm(_posted(request), instance=person, acting=request.membership)
    if request.method == "POST" and form.is_valid():
        services.membership_update(form=form, by=request.membership)
        messages.success(request, f"{person.user.get_full_name()} is updated.")
        return redirect("people")
    context = {"form": form, "person": person, "direct_reports": direct_report_list(manager=person)}
    return render(request, "orgs/person_edit.html", context)


@admin_only
def person_deactivate(request: MemberRequest, pk: int) -> HttpResponse:
    """A page that says what deactivating does, whose button does it (a POST)."""
    person = _person(request, pk)
    if request.method != "POST":
        return render(request, "orgs/person_deactivate.html", {"person": person})
    try:
        services.membership_deactivate(membership=person, by=request.membership)
    except services.CannotDeactivateSelf:
        messages.error(request, "You cannot deactivate yourself: ask another org admin to do it.")
    else:
        messages.success(
            request, f"{person.user.get_full_name()} is deactivated: they can no longer log in. Their history is kept."
        )
    return redirect("people")


@admin_only
@require_POST
def person_reactivate(request: MemberRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    services.membership_reactivate(membership=person, by=request.membership)
    messages.success(request, f"{person.user.get_full_name()} is active again and can log in.")
    return redirect("people")


@admin_only
@require_POST
def invitation_revoke(request: MemberRequest, pk: int) -> HttpResponse:
    invitation = _invitation(request, pk)
    if services.invitation_revoke(invitation=invitation):
        messages.success(request, f"The invitation to {invitation.email} is revoked: its link no longer works.")
    else:
        messages.info(request, f"The invitation to {invitation.email} was already accepted or revoked.")
    return redirect("people")


@admin_only
@require_POST
def invitation_resend(request: MemberRequest, pk: int) -> HttpResponse:
    invitation = _invitation(request, pk)
    if services.invitation_resend(invitation=invitation):
        messages.success(request, f"A new link is on its way to {invitation.email}. {LINK_LIFE}")
    else:
        messages.info(request, f"The invitation to {invitation.email} was already accepted or revoked.")
    return redirect("people")


@admin_only
def people_import(request: MemberRequest) -> HttpResponse:
    organisation = request.membership.organisation
    context = {
        "header": ",".join(HEADER),
        "role_codes": ROLE_CODES,
        "max_rows": MAX_ROWS,
        "max_megabytes": MAX_MEGABYTES,
    }
    upload_form = ImportUploadForm()
    if request.method == "POST" and request.POST.get("action") == "confirm":
        confirm_form = ImportConfirmForm(request.POST)
        if not confirm_form.is_valid():
            messages.error(request, "The file could not be read again; nothing was imported. Please upload it again.")
            return render(request, "orgs/import.html", {**context, "form": upload_form})
        try:
            invitations = services.people_import(
                organisation=organisation, invited_by=request.user, text=confirm_form.cleaned_data["csv_text"]
            )
        except services.ImportRejected as rejected:
            messages.error(
                request,
                "Something changed since the preview, and the file now has errors. Nothing was imported.",
            )
            context |= {"result": rejected.result, "confirm_form": confirm_form}
            return render(request, "orgs/import.html", {**context, "form": upload_form})
        sent = ngettext("%(n)d invitation sent.", "%(n)d invitations sent.", len(invitations)) % {"n": len(invitations)}
        messages.success(request, f"{sent} They are listed under Pending invitations.")
        return redirect("people")
    if request.method == "POST":
        upload_form = ImportUploadForm(request.POST, request.FILES)
        if upload_form.is_valid():
            text = upload_form.cleaned_data["file"]
            context |= {
                "result": services.people_import_preview(organisation=organisation, text=text),
                "confirm_form": ImportConfirmForm(initial={"csv_text": text}),
                "file_name": upload_form.file_name,
            }
    return render(request, "orgs/import.html", {**context, "form": upload_form})


# ---------------------------------------------------------------------------------------------
# Teams

TEAMS_PER_PAGE = 50


def _team(request: MemberRequest, pk: int) -> Team:
    return get_object_or_404(request.membership.organisation.teams, pk=pk)


@admin_only
def teams(request: MemberRequest) -> HttpResponse:
    """The organisation's teams, and a form to add one."""
    organisation = request.membership.organisation
    form = TeamForm(_posted(request), instance=Team(organisation=organisation))
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create(form=form, by=request.membership)
        except services.CannotNameTeam as refused:
            form.add_error("name", refused.reason)
        else:
            messages.success(request, f"The team {team.name} is created. Put people in it from the People page.")
            return redirect("teams")
    context = {
        "form": form,
        "teams": Paginator(team_list(organisation=organisation), TEAMS_PER_PAGE).get_page(request.GET.get("page")),
        "archived": team_list(organisation=organisation, archived=True),
    }
    return render(request, "orgs/teams.html", context)


@admin_only
def team_edit(request: MemberRequest, pk: int) -> HttpResponse:
    team = _team(request, pk)
    name_before = team.name
    form = TeamForm(_posted(request), instance=team)
    if request.method == "POST" and form.is_valid():
        try:
            services.team_update(form=form, by=request.membership)
        except services.CannotNameTeam as refused:
            form.add_error("name", refused.reason)
        else:
            messages.success(request, f"The team {team.name} is saved.")
            return redirect("teams")
    # The heading keeps the stored name while a rejected form shows what was typed.
    return render(request, "orgs/team_edit.html", {"form": form, "team": team, "name_before": name_before})


@admin_only
def team_archive(request: MemberRequest, pk: int) -> HttpResponse:
    """A page that says what archiving does and to whom, whose button does it (a POST)."""
    team = _team(request, pk)
    if team.archived_at is not None:
        messages.info(request, f"The team {team.name} is already archived.")
        return redirect("teams")
    if request.method != "POST":
        return render(request, "orgs/team_archive.html", {"team": team, "people": team_member_count(team=team)})
    moved = services.team_archive(team=team, by=request.membership)
    if team.archived_at is None:
        messages.info(request, f"The team {team.name} is already archived.")
    else:
        left = ngettext("%(n)d person is now in no team", "%(n)d people are now in no team", moved) % {"n": moved}
        messages.success(request, f"The team {team.name} is archived; {left}. Its past figures stay as released.")
    return redirect("teams")


@admin_only
@require_POST
def team_restore(request: MemberRequest, pk: int) -> HttpResponse:
    team = _team(request, pk)
    if services.team_restore(team=team, by=request.membership):
        messages.success(request, f"The team {team.name} is back: it can take people again.")
    else:
        messages.info(request, f"The team {team.name} was not archived.")
    return redirect("teams")


@admin_only
def organisation_settings(request: MemberRequest) -> HttpResponse:
    # A fresh copy: a rejected form writes its values onto the instance, and the navigation shows
    # request.membership.organisation, which must keep showing what is actually stored.
    organisation = Organisation.objects.get(pk=request.membership.organisation_id)
    form = OrganisationSettingsForm(_posted(request), instance=organisation)
    if request.method == "POST" and form.is_valid():
        services.organisation_settings_update(form=form, by=request.membership)
        messages.success(request, "The organisation's settings are saved.")
        return redirect("organisation_settings")
    return render(request, "orgs/settings.html", {"form": form})


@admin_only
def audit_log(request: MemberRequest) -> HttpResponse:
    page = Paginator(audit_log_list(organisation=request.membership.organisation), 50).get_page(request.GET.get("page"))
    return render(request, "orgs/audit_log.html", {"page": page})


# Public: whoever holds the signed link is the person invited, so no role_required here.
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.invitation_from_token(token=token)
    except services.InvitationUnavailable as unavailable:
        return _invitation_unavailable(request, unavailable)
    # Someone who already has an account proves it is theirs with its own password; getting the
    # link only proves they read the mailbox, which must not be enough to take an account over.
    existing = services.invitation_existing_account(invitation=invitation)
    form: AcceptInvitationForm | InvitationLoginForm
    if existing is not None:
        form = InvitationLoginForm(request, data=_posted(request), invitation=invitation)
    else:
        form = AcceptInvitationForm(_posted(request), invitation=invitation)
    if request.method == "POST" and form.is_valid():
        try:
            if isinstance(form, AcceptInvitationForm):
                user = services.invitation_accept(
                    invitation=invitation,
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password1"],
                )
            else:
                user = services.invitation_accept(invitation=invitation)
        except services.InvitationUnavailable as unavailable:
            return _invitation_unavailable(request, unavailable)
        login(request, user, backend=MEMBER_BACKEND)
        messages.success(request, f"Welcome to {invitation.organisation.name}, {user.get_short_name()}.")
        return redirect("home")
    context = {"form": form, "invitation": invitation, "existing_account": existing is not None}
    return render(request, "orgs/invitation_accept.html", context)


UNAVAILABLE_STATUS = {
    services.Unavailable.INVALID: 404,
    services.Unavailable.ALREADY_MEMBER: 409,
    services.Unavailable.MEMBER_ELSEWHERE: 409,
    services.Unavailable.ACCOUNT_DISABLED: 409,
    services.Unavailable.OPERATOR: 409,
}


def _invitation_unavailable(request: HttpRequest, unavailable: services.InvitationUnavailable) -> HttpResponse:
    context = {"reason": str(unavailable.reason), "invitation": unavailable.invitation, "link_days": LINK_DAYS}
    status = UNAVAILABLE_STATUS.get(unavailable.reason, 410)  # expired, revoked, used: gone for good
    return render(request, "orgs/invitation_unavailable.html", context, status=status)
