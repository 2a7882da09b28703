"""Background work of running an organisation."""

from celery import shared_task

from emassess.orgs.invitation_emails import invitation_email_send
from emassess.orgs.models import Invitation


@shared_task(name="orgs.send_invitation_email")
def send_invitation_email(invitation_id: int) -> bool:
    """Email an invitation's link. Takes the id, not the row, so the worker reads the invitation as it
    is now: one revoked or accepted while the task waited is not sent."""
    invitation = (
        Invitation.objects.select_related("organisation", "team", "invited_by").filter(pk=invitation_id).first()
    )
    if invitation is None:
        return False  # the organisation was deleted meanwhile
    return invitation_email_send(invitation=invitation)
