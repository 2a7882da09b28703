"""An invitation's signed link and the email that carries it."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse

from emassess.lib.emails import build_email
from emassess.orgs.models import Invitation, Membership

# How long an invitation link works. Deliberately not a setting: nobody should need to tune it,
# and a longer life only means more live links in old mailboxes.
INVITATION_VALID_FOR = datetime.timedelta(days=7)
# Keeps invitation tokens from being valid anywhere else the secret key signs things.
INVITATION_SALT = "emassess.orgs.invitation"


def invitation_token(*, invitation: Invitation) -> str:
    """A signed, timestamped token carrying the invitation's id and link version. Each email gets a
    fresh one; a resent invitation's earlier links stop working."""
    return signing.dumps({"invitation": invitation.pk, "version": invitation.link_version}, salt=INVITATION_SALT)


def invitation_url(*, invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("invitation_accept", args=[invitation_token(invitation=invitation)])


def invitation_email_send(*, invitation: Invitation) -> bool:
    """Email the invitation's link. False (and nothing sent) when it was accepted or revoked before
    the worker got to it."""
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        return False
    organisation = invitation.organisation
    context = {
        "invitation": invitation,
        "organisation": organisation,
        "inviter": invitation.invited_by.get_full_name() if invitation.invited_by else "",
        "role": _role_label(invitation),
        "url": invitation_url(invitation=invitation),
    }
    # Dates in the email read in the organisation's time zone, whichever process renders it.
    build_email("invitation", context, to=invitation.email, timezone_name=organisation.timezone).send()
    return True


def _role_label(invitation: Invitation) -> str:
    if invitation.role == Membership.Role.MANAGER and invitation.manager_role:
        return Membership.ManagerRole(invitation.manager_role).label.lower()
    words: dict[str, str] = {
        Membership.Role.MANAGER: "manager",
        Membership.Role.REPORT: "team member",
        Membership.Role.HR: "HR",
        Membership.Role.ORG_ADMIN: "organisation admin",
    }
    return words[invitation.role]
