"""A count of one reads as one: "the one row", "1 reminder", never "1 rows" or "1 reminder(s)"."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from tests import factories


def test_a_file_of_one_row_is_previewed_in_the_singular(client, cast):
    client.force_login(cast.adam.user)
    file = SimpleUploadedFile("one.csv", b"email,name,team,role,role_start_date\nada@example.com,Ada,,report,\n")
    page = client.post(reverse("people_import"), {"action": "preview", "file": file}).content.decode()
    assert "The one row is correct." in page
    assert "Invite this person</button>" in page
    assert "1 rows" not in page
    assert "1 people" not in page


def test_the_commands_count_in_words(db):
    output = io.StringIO()
    call_command("release_figures", stdout=output)
    assert "0 releases made." in output.getvalue()
    output = io.StringIO()
    factories.ManagerFactory(user__email="solo@example.test")  # the one manager anywhere
    call_command("send_due_reminders", "--dry-run", "--date", "2026-10-01", stdout=output)
    text = output.getvalue()
    assert "(s)" not in text
    assert "1 reminder due; dry run" in text


def test_the_lockout_page_counts_in_the_singular(client, cast, settings):
    import datetime

    settings.AXES_FAILURE_LIMIT = 1
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=1)
    response = client.post(reverse("login"), {"username": "alice@acme.test", "password": "wrong"})
    page = response.content.decode()
    assert "paused for 1 minute after 1 wrong password." in page
    assert reverse("password_reset") in page


def test_the_managers_guide_sends_nobody_to_the_admin(alice_client, framework):
    page = alice_client.get(reverse("framework_guide")).content.decode()
    assert "our own calibration" in page
    assert "admin" not in page.lower().replace('href="/admin', "")
