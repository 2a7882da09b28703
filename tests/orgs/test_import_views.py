"""The import page: upload, preview with every row's problems, confirm; all or nothing."""

from __future__ import annotations

import html
import re
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse

from emassess.orgs import csv_import, services
from emassess.orgs.models import Invitation, Team
from tests.orgs.conftest import token_in

HEADER = "email,name,team,role,role_start_date\n"
GOOD = (
    HEADER + "ada@example.com,Ada Lovelace,Platform,manager-tlm,2025-03-01\n"
    "grace@example.com,Grace Hopper,Platform,report,\n"
    "hal@example.com,Hal,{alice_team},hr,\n"
)


def upload(client, content: bytes | str, name: str = "people.csv"):
    if isinstance(content, str):
        content = content.encode()
    file = SimpleUploadedFile(name, content, content_type="text/csv")
    return client.post(reverse("people_import"), {"action": "preview", "file": file})


def test_the_page_documents_the_format(adam_client):
    page = adam_client.get(reverse("people_import")).content.decode()
    assert "email,name,team,role,role_start_date" in page
    for code in csv_import.ROLE_CODES:
        assert f"<code>{code}</code>" in page
    assert "A team that does not exist yet is created when you confirm" in page
    assert "YYYY-MM-DD" in page


def test_a_correct_file_is_previewed_then_imported_on_confirm(
    adam_client, cast, mailoutbox, django_capture_on_commit_callbacks
):
    text = GOOD.format(alice_team=cast.alice.team.name.upper())
    response = upload(adam_client, text)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('data-testid="preview-row"') == 3
    assert "These teams will be created: <strong>Platform</strong>" in page
    assert "Invite these 3 people" in page
    assert not Invitation.objects.exists()  # a preview changes nothing
    assert not Team.objects.filter(name="Platform").exists()

    # What the browser sends back is the hidden field as the page wrote it.
    carried = html.unescape(re.search(r'name="csv_text" value="([^"]*)"', page)[1])
    assert carried == text
    with django_capture_on_commit_callbacks(execute=True):
        response = adam_client.post(reverse("people_import"), {"action": "confirm", "csv_text": carried})
    assert response.status_code == 302
    assert response["Location"] == reverse("people")
    invitations = {invitation.email: invitation for invitation in cast.acme.invitations.select_related("team")}
    assert set(invitations) == {"ada@example.com", "grace@example.com", "hal@example.com"}
    platform = Team.objects.get(organisation=cast.acme, name="Platform")
    assert invitations["ada@example.com"].team == platform
    assert invitations["ada@example.com"].manager_role == "tlm"
    assert invitations["hal@example.com"].team == cast.alice.team  # matched whatever the capitals
    assert invitations["hal@example.com"].invited_by == cast.adam.user
    assert sorted(message.to[0] for message in mailoutbox) == sorted(invitations)
    ada_email = next(message for message in mailoutbox if message.to == ["ada@example.com"])
    assert services.invitation_from_token(token=token_in(ada_email.body)) == invitations["ada@example.com"]


def test_a_file_with_errors_shows_them_row_by_row_and_cannot_be_confirmed(adam_client, cast, invitation):
    text = HEADER + (
        "ok@example.com,Fine,,report,\n"
        "bad-email,Bad,,report,\n"
        "alice@acme.test,Alice,,report,\n"
        "nina@acme.test,Nina,,report,\n"
        "x@example.com,,,boss,\n"
        "ok@example.com,Twice,,report,\n"
        "y@example.com,Y,,manager-em,1/3/2025\n"
    )
    response = upload(adam_client, text)
    assert response.status_code == 200
    page = response.content.decode()
    assert "6 of 7 rows have problems. Nothing has been imported." in page
    for message in (
        "“bad-email” is not a valid email address.",
        "This person is already a member of the organisation.",
        "This person already has an open invitation",
        "The name is missing.",
        "“boss” is not a role",
        "This email address is already on line 2 of the file.",
        "“1/3/2025” is not a date",
    ):
        assert message in page
    assert 'value="confirm"' not in page
    assert "csv_text" not in page
    assert Invitation.objects.count() == 1  # only Nina's, from before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The submitted file is empty."),  # Django's own check, before ours
        (b"\n\n", "The file is empty."),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xb4\xe2\xff", "This is not a CSV text file"),
        (b"name,email\n", "The first line must be exactly: email,name,team,role,role_start_date"),
        (HEADER.encode(), "but no people under it"),
        (HEADER.encode() + b"a@example.com," + b"n" * (1024 * 1024) + b",,report,\n", "larger than 1 MB"),
        (HEADER.encode() + b"a@example.com,A,,report,\n" * 2001, "more than 2,000 people"),
    ],
)
def test_a_bad_upload_gets_a_clear_message_on_the_page(adam_client, content, message):
    response = upload(adam_client, content)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="error-summary"' in page
    assert message in page
    assert "preview-table" not in page
    assert not Invitation.objects.exists()


def test_no_file_at_all_is_named(adam_client):
    response = adam_client.post(reverse("people_import"), {"action": "preview"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_confirm_checks_again_and_imports_nothing_when_something_changed(
    adam_client, cast, mailoutbox, django_capture_on_commit_callbacks
):
    text = GOOD.format(alice_team="")
    assert upload(adam_client, text).context["result"].ok
    # Meanwhile a colleague invites Grace by hand.
    services.invitation_create(
        organisation=cast.acme, invited_by=None, email="grace@example.com", full_name="G", role="report"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = adam_client.post(reverse("people_import"), {"action": "confirm", "csv_text": text})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Something changed since the preview" in page
    assert "This person already has an open invitation" in page
    assert list(cast.acme.invitations.values_list("email", flat=True)) == ["grace@example.com"]
    assert not Team.objects.filter(name="Platform").exists()
    assert mailoutbox == []  # none of the file's (the colleague's was queued outside this capture)


def test_a_changed_hidden_field_is_checked_like_an_upload(adam_client, cast):
    response = adam_client.post(reverse("people_import"), {"action": "confirm", "csv_text": "email;name\n"})
    assert response.status_code == 200
    assert "nothing was imported" in response.content.decode()
    response = adam_client.post(reverse("people_import"), {"action": "confirm", "csv_text": HEADER + "evil,,,boss,\n"})
    assert "“boss” is not a role" in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_failure_half_way_leaves_nothing_behind(adam_client, cast, mailoutbox, django_capture_on_commit_callbacks):
    text = GOOD.format(alice_team="")
    # The teams are created first; the invitations then clash with a row written by someone else.
    with (
        mock.patch.object(Invitation.objects, "bulk_create", side_effect=IntegrityError("clash")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = adam_client.post(reverse("people_import"), {"action": "confirm", "csv_text": text})
    assert response.status_code == 200
    assert "Nothing was imported" in response.content.decode()
    assert not Team.objects.filter(name="Platform").exists()
    assert not Invitation.objects.exists()
    assert mailoutbox == []
