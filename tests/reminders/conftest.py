import pytest

from emassess.orgs.cycles import parse_quarter
from tests.smtp_sink import SmtpSink, free_port


@pytest.fixture
def sink():
    server = SmtpSink().start()
    yield server
    server.stop()


def smtp_settings(settings, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5


@pytest.fixture
def through_the_broker():
    """Tasks go through the real broker to a worker process (tests/workers.py), not eagerly."""
    from emassess.celery import app as celery_app

    celery_app.control.purge()  # nothing left over from an earlier run
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = True


@pytest.fixture
def smtp_to_sink(settings, sink):
    smtp_settings(settings, sink.port)
    return sink


@pytest.fixture
def smtp_down(settings):
    """Email goes to a port where nothing listens: every send is refused, as when SMTP is down."""
    port = free_port()
    smtp_settings(settings, port)
    return port


Q4 = parse_quarter("2026-Q4")


def send_invitations(day: str = "2026-10-01") -> None:
    """The dispatcher's run on `day` (noon UTC), each email it claims sent: the cycle's invitations,
    from which each person's nudge counts its days."""
    from emassess.reminders.services import reminder_send, reminders_dispatch
    from tests.helpers import at

    now = at(day)
    for reminder_id in reminders_dispatch(now=now).claimed:
        reminder_send(reminder_id=reminder_id, now=now)
