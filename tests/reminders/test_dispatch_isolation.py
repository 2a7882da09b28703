"""One organisation whose reminders cannot be worked out never stops the others'."""

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from emassess.orgs.models import Organisation
from emassess.reminders.models import Reminder
from emassess.reminders.services import reminders_dispatch
from tests.helpers import at

pytestmark = pytest.mark.django_db


def break_globex():
    # A value no form accepts, written behind the forms' back (a script, a bad restore).
    Organisation.objects.filter(slug="globex").update(timezone="Mars/Olympus_Mons")


def test_the_dispatcher_carries_on_past_an_organisation_that_fails(cast, caplog):
    break_globex()
    report = reminders_dispatch(now=at("2026-10-20"))
    assert report.failed == ["globex"]
    assert set(Reminder.objects.values_list("person__organisation__slug", flat=True)) == {"acme"}
    assert Reminder.objects.filter(kind="cycle_open", period="2026-Q4").count() == 2  # Alice and Carol
    assert "Due reminders of organisation" in caplog.text and "globex" in caplog.text


def test_the_command_sends_the_others_and_then_says_which_failed(cast):
    break_globex()
    with pytest.raises(CommandError, match="1 organisation"):
        call_command("send_due_reminders", "--date", "2026-10-20")
    assert sorted({message.to[0] for message in mail.outbox}) == ["alice@acme.test", "carol@acme.test"]
