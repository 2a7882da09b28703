"""Writes of running an organisation: invitations, people's activity, bulk import."""

from __future__ import annotations

import datetime
import enum
import zoneinfo
from dataclasses import dataclass

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from emassess.accounts.models import User
from emassess.orgs import csv_import
from emassess.orgs.audit import audit_record, form_changes
from emassess.orgs.forms import OrganisationSettingsForm, PersonForm, TeamForm
from emassess.orgs.invitation_emails import INVITATION_SALT, INVITATION_VALID_FOR
from emassess.orgs.live import live_counts_changed
from emassess.orgs.models import AuditEvent, Invitation, Membership, Organisation, Team
from emassess.orgs.selectors import (
    NotInvitable,
    archived_team_names,
    invitation_blocker,
    member_emails,
    open_invitation_emails,
    operator_emails,
    person_label,
    reports_to_emails,
    team_names,
)
from emassess.orgs.tasks import send_invitation_email

# ---------------------------------------------------------------------------------------------
# Inviting


@dataclass
class CannotInvite(Exception):
    """The address cannot be invited (a member's, already invited, an operator's); `reason` says which."""

    reason: NotInvitable


def invitation_create(
    *,
    organisation: Organisation,
    invited_by: User | None,
    email: str,
    full_name: str,
    role: str,
    team: Team | None = None,
    manager_role: str = "",
    manager_role_started_on: datetime.date | None = None,
    reports_to: Membership | None = None,
    now: datetime.datetime | None = None,
) -> Invitation:
    """Store the invitation and email its link once the transaction commits."""
    now = now or timezone.now()
    email = email.strip().lower()
    reason = invitation_blocker(organisation=organisation, email=email)
    if reason is not None:
        raise CannotInvite(reason)
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                organisation=organisation,
                email=email,
                full_name=full_name.strip(),
                role=role,
                team=team,
                manager_role=manager_role if role == Membership.Role.MANAGER else "",
                manager_role_started_on=manager_role_started_on if role == Membership.Role.MANAGER else None,
                reports_to=reports_to if reports_to and reports_to.organisation_id == organisation.pk else None,
                invited_by=invited_by,
                expires_at=now + INVITATION_VALID_FOR,
            )
    except IntegrityError:
        # The one-open-invitation constraint: a second tab or a colleague got there first.
        raise CannotInvite(NotInvitable.INVITED) from None
    _queue_invitation_email(invitation)
    return invitation


def invitation_revoke(*, invitation: Invitation, now: datetime.datetime | None = None) -> bool:
    """Close an open invitation so its link stops working. False when it was already accepted or revoked."""
    now = now or timezone.now()
    revoked = Invitation.objects.filter(pk=invitation.pk, accepted_at=None, revoked_at=None).update(revoked_at=now)
    return revoked == 1


def invitation_resend(*, invitation: Invitation, now: datetime.datetime | None = None) -> bool:
    """Give an open invitation a fresh week and email a new link, which replaces the earlier ones.
    False when it is no longer open."""
    now = now or timezone.now()
    expires_at = now + INVITATION_VALID_FOR
    renewed = Invitation.objects.filter(pk=invitation.pk, accepted_at=None, revoked_at=None).update(
        expires_at=expires_at, link_version=F("link_version") + 1
    )
    if renewed != 1:
        return False
    invitation.refresh_from_db(fields=["expires_at", "link_version"])
    _queue_invitation_email(invitation)
    return True


def _queue_invitation_email(invitation: Invitation) -> None:
    # On commit: a worker must not look for an invitation whose transaction might still roll back.
    invitation_id = invitation.pk
    transaction.on_commit(lambda: send_invitation_email.delay(invitation_id))


# ---------------------------------------------------------------------------------------------
# Accepting


class Unavailable(enum.StrEnum):
    """Why an invitation link cannot be used; each has its own explanation on the page."""

    INVALID = "invalid"  # tampered with, cut short, or for an invitation that no longer exists
    REPLACED = "replaced"  # an earlier link of an invitation that was resent
    EXPIRED = "expired"
    REVOKED = "revoked"
    USED = "used"
    ALREADY_MEMBER = "already_member"  # of this organisation
    MEMBER_ELSEWHERE = "member_elsewhere"
    ACCOUNT_DISABLED = "account_disabled"
    OPERATOR = "operator"  # a staff or superuser account of emassess itself


@dataclass
class InvitationUnavailable(Exception):
    reason: Unavailable
    invitation: Invitation | None = None


def invitation_from_token(*, token: str, now: datetime.datetime | None = None) -> Invitation:
    """The open invitation a link points to, or InvitationUnavailable saying why it cannot be used."""
    now = now or timezone.now()
    try:
        # Expiry is checked twice: here on the link's own signature, and below against the
        # invitation's expires_at, which Resend moves and the database is the judge of.
        payload = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_VALID_FOR)
    except signing.SignatureExpired:
        raise InvitationUnavailable(Unavailable.EXPIRED) from None
    except signing.BadSignature:
        raise InvitationUnavailable(Unavailable.INVALID) from None
    invitation_id = payload.get("invitation") if isinstance(payload, dict) else None
    invitation = (
        Invitation.objects.select_related("organisation", "team", "reports_to__user").filter(pk=invitation_id).first()
        if isinstance(invitation_id, int)
        else None
    )
    if invitation is None:
        raise InvitationUnavailable(Unavailable.INVALID)
    if payload.get("version") != invitation.link_version:
        raise InvitationUnavailable(Unavailable.REPLACED, invitation)
    reason = _unavailable_reason(invitation, now)
    if reason is not None:
        raise InvitationUnavailable(reason, invitation)
    return invitation


def _unavailable_reason(invitation: Invitation, now: datetime.datetime) -> Unavailable | None:
    if invitation.accepted_at is not None:
        return Unavailable.USED
    if invitation.revoked_at is not None:
        return Unavailable.REVOKED
    if invitation.expires_at <= now:
        return Unavailable.EXPIRED
    return _account_problem(invitation)


def _account_problem(invitation: Invitation) -> Unavailable | None:
    """Why the person behind the address cannot join, when an account with it already exists."""
    user = User.objects.filter(email__iexact=invitation.email).select_related("membership").first()
    if user is None:
        return None
    membership = getattr(user, "membership", None)
    if membership is not None:
        if membership.organisation_id == invitation.organisation_id:
            return Unavailable.ALREADY_MEMBER
        return Unavailable.MEMBER_ELSEWHERE
    if user.is_staff or user.is_superuser:
        return Unavailable.OPERATOR
    if not user.is_active:
        # Switched off by a superuser in the admin: an org admin's link must not switch it back on.
        return Unavailable.ACCOUNT_DISABLED
    return None


def invitation_existing_account(*, invitation: Invitation) -> User | None:
    """The account that already has the invited address (and no organisation yet), if any: its
    owner accepts by logging in with their own password, not by choosing a new one."""
    return User.objects.filter(email__iexact=invitation.email).first()


def invitation_accept(
    *, invitation: Invitation, full_name: str = "", password: str = "", now: datetime.datetime | None = None
) -> User:
    """Turn the invitation into a person who can log in, exactly once however many times the link is
    used at the same moment. A new person is created with the name and password they chose; an
    account that already exists (the caller has checked its own password) is attached as it is,
    its name and password untouched."""
    now = now or timezone.now()
    with transaction.atomic():
        # The claim comes first, so a second click waits here and then finds nothing to claim.
        claimed = Invitation.objects.filter(
            pk=invitation.pk, accepted_at=None, revoked_at=None, expires_at__gt=now
        ).update(accepted_at=now)
        if claimed != 1:
            invitation.refresh_from_db()
            raise InvitationUnavailable(_unavailable_reason(invitation, now) or Unavailable.USED, invitation)
        reason = _account_problem(invitation)
        if reason is not None:
            raise InvitationUnavailable(reason, invitation)  # leaving the block undoes the claim
        user = invitation_existing_account(invitation=invitation)
        if user is None:
            user = User.objects.create_user(email=invitation.email, password=password, full_name=full_name.strip())
        team = (
            invitation.team
            if invitation.team and invitation.team.organisation_id == invitation.organisation_id
            else None
        )
        reports_to = (
            invitation.reports_to
            if invitation.reports_to and invitation.reports_to.organisation_id == invitation.organisation_id
            else None
        )
        try:
            with transaction.atomic():
                membership = Membership.objects.create(
                    user=user,
                    organisation_id=invitation.organisation_id,
                    role=invitation.role,
                    team=team,
                    reports_to=reports_to,
                    manager_role=invitation.manager_role,
                    manager_role_started_on=invitation.manager_role_started_on,
                )
                live_counts_changed(organisation_id=invitation.organisation_id)
        except IntegrityError:
            # Another organisation's invitation was accepted by the same person at the same moment.
            raise InvitationUnavailable(Unavailable.MEMBER_ELSEWHERE, invitation) from None
        if reports_to is not None:
            # Whom someone reports to decides whose survey they answer: the log says when it was
            # set and by whom (the admin who invited them).
            audit_record(action=AuditEvent.Action.PERSON_CHANGED, organisation=invitation.organisation,
                         actor=invitation.invited_by, subject=membership,
                         detail={"reports_to": f"— → {person_label(reports_to)}",
                                 "how": "set in the invitation, on joining"})  # fmt: skip
    return user


# ---------------------------------------------------------------------------------------------
# People


class CannotDeactivateSelf(Exception):
    """An admin who deactivated themselves would be locked out with nobody to let them back in."""


def membership_deactivate(*, membership: Membership, by: Membership) -> None:
    """Stop the person logging in. Their membership and history stay, so reactivating restores them."""
    if membership.pk == by.pk:
        raise CannotDeactivateSelf
    User.objects.filter(pk=membership.user_id).update(is_active=False)
    live_counts_changed(organisation_id=membership.organisation_id)
    audit_record(action=AuditEvent.Action.PERSON_DEACTIVATED, organisation=membership.organisation,
                 actor=by.user, subject=membership)  # fmt: skip


def membership_reactivate(*, membership: Membership, by: Membership) -> None:
    User.objects.filter(pk=membership.user_id).update(is_active=True)
    live_counts_changed(organisation_id=membership.organisation_id)
    audit_record(action=AuditEvent.Action.PERSON_REACTIVATED, organisation=membership.organisation,
                 actor=by.user, subject=membership)  # fmt: skip


def membership_update(*, form: PersonForm, by: Membership) -> Membership:
    """Save a valid person form (Membership.clean has checked the change), their name with it, and
    record what changed."""
    changes = form_changes(form)
    if "reports_to" in changes:
        # Named, not numbered: "Alice Able (alice@acme.test) → Carol Cole (carol@acme.test)".
        before_id = form.initial.get("reports_to")
        before = Membership.objects.select_related("user").filter(pk=before_id).first() if before_id else None
        changes["reports_to"] = f"{person_label(before)} → {person_label(form.cleaned_data['reports_to'])}"
    membership = form.save()
    if "full_name" in changes:
        User.objects.filter(pk=membership.user_id).update(full_name=form.cleaned_data["full_name"])
        membership.user.full_name = form.cleaned_data["full_name"]
    if changes:
        live_counts_changed(organisation_id=membership.organisation_id)  # a role, a team, a start date, a name
        audit_record(action=AuditEvent.Action.PERSON_CHANGED, organisation=membership.organisation,
                     actor=by.user, subject=membership, detail=changes)  # fmt: skip
    return membership


def organisation_settings_update(*, form: OrganisationSettingsForm, by: Membership) -> Organisation:
    """Save a valid settings form and record what changed (such as whether HR sees individual results)."""
    changes = form_changes(form)
    organisation = form.save(commit=False)
    # Only the form's own fields: a whole-row save would put back a live_version read before a change.
    organisation.save(update_fields=list(form.fields))
    if changes:
        live_counts_changed(organisation_id=organisation.pk)  # the cadence, the time zone, what HR may see
        audit_record(action=AuditEvent.Action.SETTINGS_CHANGED, organisation=organisation,
                     actor=by.user, detail=changes)  # fmt: skip
    return organisation


# ---------------------------------------------------------------------------------------------
# Teams


@dataclass
class CannotNameTeam(Exception):
    """Another team has the name (in any case), perhaps an archived one; `reason` says which."""

    reason: str


def team_create(*, form: TeamForm, by: Membership) -> Team:
    """Save a valid new-team form (its instance carries the organisation) and record it."""
    try:
        with transaction.atomic():
            team = form.save()
            live_counts_changed(organisation_id=team.organisation_id)  # a new row on the heatmap
    except IntegrityError:
        # The unique name: a colleague created it between the form's check and this save.
        raise CannotNameTeam(f"There is already a team called “{form.cleaned_data['name']}”.") from None
    audit_record(action=AuditEvent.Action.TEAM_CREATED, organisation=team.organisation, actor=by.user,
                 detail={"team": team.name, "kind": team.get_kind_display()})  # fmt: skip
    return team


def team_update(*, form: TeamForm, by: Membership) -> Team:
    """Save a valid team form (a new name, a new kind) and record what changed. Released figures
    point at the team, so they follow its new name; the figures themselves do not change."""
    changes = form_changes(form)
    try:
        with transaction.atomic():
            team = form.save()
            live_counts_changed(organisation_id=team.organisation_id)  # its name on the pages
    except IntegrityError:
        raise CannotNameTeam(f"There is already a team called “{form.cleaned_data['name']}”.") from None
    if changes:
        audit_record(action=AuditEvent.Action.TEAM_CHANGED, organisation=team.organisation, actor=by.user,
                     detail={"team": team.name, **changes})  # fmt: skip
    return team


def team_archive(*, team: Team, by: Membership, now: datetime.datetime | None = None) -> int:
    """Archive a team: it is offered nowhere any more, its people are left in no team (they keep
    everything else), and open invitations into it invite into no team. The team's row stays, so
    the figures released for it and its past quarters stay as they were. Returns how many people
    it held; 0 and nothing done when it was already archived."""
    now = now or timezone.now()
    with transaction.atomic():
        if Team.objects.filter(pk=team.pk, archived_at=None).update(archived_at=now) != 1:
            return 0
        moved = Membership.objects.filter(team=team).update(team=None)
        live_counts_changed(organisation_id=team.organisation_id)
        Invitation.objects.filter(team=team, accepted_at=None, revoked_at=None).update(team=None)
    team.archived_at = now
    audit_record(action=AuditEvent.Action.TEAM_ARCHIVED, organisation=team.organisation, actor=by.user,
                 detail={"team": team.name, "people moved to no team": str(moved)})  # fmt: skip
    return moved


def team_restore(*, team: Team, by: Membership) -> bool:
    """Offer an archived team again (empty: its former people stay where they are now)."""
    if Team.objects.filter(pk=team.pk).exclude(archived_at=None).update(archived_at=None) != 1:
        return False
    live_counts_changed(organisation_id=team.organisation_id)
    team.archived_at = None
    audit_record(action=AuditEvent.Action.TEAM_RESTORED, organisation=team.organisation, actor=by.user,
                 detail={"team": team.name})  # fmt: skip
    return True


# ---------------------------------------------------------------------------------------------
# Bulk import


@dataclass
class ImportRejected(Exception):
    """The file has errors (possibly new ones since the preview); nothing was imported."""

    result: csv_import.ImportResult


def people_import_context(
    *, organisation: Organisation, today: datetime.date | None = None
) -> csv_import.ImportContext:
    managers, inactive = reports_to_emails(organisation=organisation)
    return csv_import.ImportContext(
        member_emails=member_emails(organisation=organisation),
        reports_to_ids=managers,
        inactive_emails=inactive,
        invited_emails=open_invitation_emails(organisation=organisation),
        operator_emails=operator_emails(),
        teams=team_names(organisation=organisation),
        archived_teams=archived_team_names(organisation=organisation),
        today=today or timezone.localdate(timezone=zoneinfo.ZoneInfo(organisation.timezone)),
    )


def people_import_preview(*, organisation: Organisation, text: str) -> csv_import.ImportResult:
    """Every row checked against the organisation as it is now. Raises csv_import.CsvFileError."""
    return csv_import.parse(text, context=people_import_context(organisation=organisation))


def people_import(
    *, organisation: Organisation, invited_by: User, text: str, now: datetime.datetime | None = None
) -> list[Invitation]:
    """Invite everyone in the file, or no one: the file is checked again (the organisation may have
    changed since the preview), and teams and invitations are created in one transaction."""
    now = now or timezone.now()
    result = people_import_preview(organisation=organisation, text=text)
    if not result.ok:
        raise ImportRejected(result)
    try:
        with transaction.atomic():
            invitations = _import_rows(organisation=organisation, invited_by=invited_by, result=result, now=now)
    except IntegrityError:
        # Someone invited one of these people, or created one of these teams, since the check
        # above: everything was rolled back, and a fresh check names the rows that clash.
        raise ImportRejected(people_import_preview(organisation=organisation, text=text)) from None
    for invitation in invitations:
        _queue_invitation_email(invitation)
    return invitations


def _import_rows(
    *, organisation: Organisation, invited_by: User, result: csv_import.ImportResult, now: datetime.datetime
) -> list[Invitation]:
    teams = {team.name.casefold(): team for team in organisation.teams.all()}
    for name in result.new_teams:
        teams[name.casefold()] = Team.objects.create(organisation=organisation, name=name)
    return Invitation.objects.bulk_create(
        Invitation(
            organisation=organisation,
            email=row.email,
            full_name=row.name,
            role=row.role,
            team=teams[row.team.casefold()] if row.team else None,
            manager_role=row.manager_role,
            manager_role_started_on=row.role_started_on,
            reports_to_id=row.reports_to_id,
            invited_by=invited_by,
            expires_at=now + INVITATION_VALID_FOR,
        )
        for row in result.rows
    )
