"""Background work of accounts."""

from celery import shared_task

from emassess.accounts.emails import password_reset_email_send
from emassess.accounts.models import User


@shared_task(name="accounts.send_password_reset_email")
def send_password_reset_email(user_id: int) -> bool:
    """Email a new-password link. Takes the id: the worker reads the account as it is now, and makes
    the link itself."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return False  # erased meanwhile
    return password_reset_email_send(user=user)
