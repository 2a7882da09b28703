"""Who reports to whom, as a first-class fact: set in the invitation (and so on joining), in the
CSV import's reports_to column, and on the person's page; every change is in the audit log."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from emassess.accounts.models import User
from emassess.orgs import csv_import
from emassess.orgs.csv_import import ImportContext
from emassess.orgs.models import AuditEvent, Invitation, Membership
from tests import factories
from tests.orgs.test_invitations import accept, accept_url
from tests.orgs.test_people import edit

INVITE = {"email": "nina@acme.test", "full_name": "Nina New", "role": "report", "team": ""}


def test_an_invitation_says_whom_they_will_report_to_and_joining_sets_it(client, cast):
    client.force_login(cast.adam.user)
    assert client.post(reverse("people_invite"), INVITE | {"reports_to": cast.alice.pk}).status_code == 302
    invitation = Invitation.objects.get(email="nina@acme.test")
    assert invitation.reports_to == cast.alice

    client.logout()
    assert accept(client, accept_url(invitation)).status_code == 302
    nina = Membership.objects.get(user__email="nina@acme.test")
    assert nina.reports_to == cast.alice
    event = AuditEvent.objects.get(action="person_changed", subject=nina)
    assert event.actor == cast.adam.user
    assert event.detail["reports_to"] == "— → Alice Able (alice@acme.test)"


def test_joining_without_a_manager_records_nothing(client, cast, invitation):
    assert accept(client, accept_url(invitation)).status_code == 302
    assert Membership.objects.get(user__email="nina@acme.test").reports_to is None
    assert not AuditEvent.objects.filter(action="person_changed").exists()


def test_the_invitation_offers_only_active_people_of_the_organisation(client, cast):
    leaver = factories.ManagerFactory(organisation=cast.acme, user__email="leaver@acme.test", user__is_active=False)
    gus = Membership.objects.get(user__email="gus@globex.test")
    client.force_login(cast.adam.user)
    page = client.get(reverse("people_invite"))
    offered = set(page.context["form"].fields["reports_to"].queryset)
    assert cast.alice in offered and cast.carol in offered
    assert leaver not in offered and gus not in offered
    for wrong in (leaver.pk, gus.pk, 999999):
        response = client.post(reverse("people_invite"), INVITE | {"reports_to": wrong})
        assert response.status_code == 200
        form = response.context["form"]
        assert "Select a valid choice" in " ".join(form.errors["reports_to"])
        assert form["full_name"].value() == "Nina New"  # nothing typed is lost
    assert not Invitation.objects.exists()


def test_a_change_on_the_person_page_is_audited_by_name(client, cast):
    client.force_login(cast.adam.user)
    assert edit(client, cast.bob, reports_to=cast.carol.pk).status_code == 302
    event = AuditEvent.objects.get(action="person_changed", subject=cast.bob)
    assert event.detail == {"reports_to": "Alice Able (alice@acme.test) → Carol Cole (carol@acme.test)"}
    assert edit(client, cast.bob, reports_to="").status_code == 302
    latest = AuditEvent.objects.filter(action="person_changed").first()
    assert latest.detail == {"reports_to": "Carol Cole (carol@acme.test) → —"}


def test_a_manager_who_has_left_stays_offered_to_those_who_still_report_to_them(client, cast):
    User.objects.filter(pk=cast.alice.user_id).update(is_active=False)
    client.force_login(cast.adam.user)
    offered = set(client.get(reverse("person_edit", args=[cast.bob.pk])).context["form"].fields["reports_to"].queryset)
    assert cast.alice in offered
    other = factories.MembershipFactory(organisation=cast.acme, user__email="zed@acme.test")
    offered = set(client.get(reverse("person_edit", args=[other.pk])).context["form"].fields["reports_to"].queryset)
    assert cast.alice not in offered


def test_the_person_page_lists_who_reports_to_them(client, cast):
    client.force_login(cast.adam.user)
    page = client.get(reverse("person_edit", args=[cast.alice.pk])).content.decode()
    section = page.split('data-testid="person-reports"')[1].split("</section>")[0]
    assert "Bob Brown" in section
    page = client.get(reverse("person_edit", args=[cast.carol.pk])).content.decode()
    assert "Nobody" in page.split('data-testid="person-reports"')[1].split("</section>")[0]


def test_the_managers_home_lists_their_reports(client, cast):
    client.force_login(cast.alice.user)
    assert "Bob Brown" in client.get(reverse("manager_home")).content.decode()
    client.force_login(cast.carol.user)
    assert "Bob Brown" not in client.get(reverse("manager_home")).content.decode()


# --- The CSV import's reports_to column -------------------------------------------------------

HEADER = "email,name,team,role,role_start_date,reports_to\n"
CONTEXT = ImportContext(
    member_emails=frozenset({"alice@acme.test", "lee@acme.test"}),
    invited_emails=frozenset({"nina@acme.test"}),
    operator_emails=frozenset(),
    teams={},
    today=datetime.date(2026, 11, 21),
    reports_to_ids={"alice@acme.test": 7},
    inactive_emails=frozenset({"lee@acme.test"}),
)


def parse(body: str) -> csv_import.ImportResult:
    return csv_import.parse(HEADER + body, context=CONTEXT)


def test_a_row_reports_to_an_active_member_whatever_the_capitals():
    result = parse("ada@example.com,Ada,,report,,Alice@Acme.test\ngrace@example.com,Grace,,report,\n")
    assert result.ok
    assert [(row.reports_to, row.reports_to_id) for row in result.rows] == [("alice@acme.test", 7), ("", None)]


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("alice", "“alice” is not an email address: write the address of the person they report to"),
        ("ada@example.com", "Someone cannot report to themselves"),
        ("lee@acme.test", "lee@acme.test has been deactivated: people can only report to someone active."),
        ("grace@example.com", "grace@example.com is invited on line 3 of this file"),
        ("nina@acme.test", "nina@acme.test has been invited but has not joined yet"),
        ("nobody@acme.test", "nobody@acme.test is not a member of your organisation"),
    ],
)
def test_each_wrong_reports_to_says_why_on_its_row(cell, message):
    result = parse(f"ada@example.com,Ada,,report,,{cell}\ngrace@example.com,Grace,,report,,\n")
    first, second = result.rows
    assert [error.column for error in first.errors] == ["reports_to"]
    assert message in first.errors[0].message
    assert second.ok and not result.ok


def test_a_file_without_the_reports_to_column_is_still_read():
    result = csv_import.parse("email,name,team,role,role_start_date\nada@example.com,Ada,,report,\n", context=CONTEXT)
    assert result.ok and result.rows[0].reports_to == ""
    short = csv_import.parse("email,name,team,role,role_start_date\nada@example.com,Ada,,report,,x\n", context=CONTEXT)
    assert "This row has 6 cells instead of 5" in short.rows[0].errors[0].message


def test_the_import_sets_whom_each_invitee_will_report_to(client, cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = HEADER + "ada@example.com,Ada,,report,,alice@acme.test\nhal@example.com,Hal,,hr,,\n"
    client.force_login(cast.adam.user)
    preview = client.post(
        reverse("people_import"), {"action": "preview", "file": SimpleUploadedFile("p.csv", text.encode())}
    )
    assert preview.context["result"].ok
    assert "alice@acme.test" in preview.content.decode()
    assert client.post(reverse("people_import"), {"action": "confirm", "csv_text": text}).status_code == 302
    assert Invitation.objects.get(email="ada@example.com").reports_to == cast.alice
    assert Invitation.objects.get(email="hal@example.com").reports_to is None


def test_the_preview_names_a_manager_who_is_not_a_member_and_imports_nothing(client, cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = HEADER + "ada@example.com,Ada,,report,,gus@globex.test\n"
    client.force_login(cast.adam.user)
    page = client.post(
        reverse("people_import"), {"action": "preview", "file": SimpleUploadedFile("p.csv", text.encode())}
    ).content.decode()
    assert "gus@globex.test is not a member of your organisation" in page
    assert client.post(reverse("people_import"), {"action": "confirm", "csv_text": text}).status_code == 200
    assert not Invitation.objects.exists()
