"""The audit log records who read or exported individual results and every change of a role,
a visibility setting or the question bank; only org admins read it."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from emassess.orgs.models import AuditEvent
from tests.orgs.test_people import edit


def events(**filters):
    return list(AuditEvent.objects.filter(**filters).values_list("action", "actor_label", "subject_label"))


def test_reading_a_shared_result_and_exporting_are_recorded(client, cast, submit):
    result = submit(cast.alice, "2026-Q4")
    client.force_login(cast.alice.user)
    client.post(reverse("assessment_share", args=[result.public_id]), {"shared": "1"})
    client.force_login(cast.hana.user)
    client.get(reverse("shared_result", args=[result.public_id]))
    client.get(reverse("organisation_export"))
    client.get(reverse("team_export", args=[cast.alice.team.pk]))
    assert events(organisation=cast.acme) == [
        ("dashboard_exported", "hana@acme.test", ""),
        ("dashboard_exported", "hana@acme.test", ""),
        ("result_viewed", "hana@acme.test", "alice@acme.test"),
        ("result_shared", "alice@acme.test", "alice@acme.test"),
    ]


def test_a_refused_result_is_not_recorded_as_read(client, cast, submit):
    result = submit(cast.alice, "2026-Q4")  # not shared
    client.force_login(cast.hana.user)
    assert client.get(reverse("shared_result", args=[result.public_id])).status_code == 404
    assert not AuditEvent.objects.filter(organisation=cast.acme).exists()


def test_role_and_settings_changes_are_recorded_with_what_changed(client, cast):
    client.force_login(cast.adam.user)
    edit(client, cast.bob, role="manager", team=cast.alice.team_id, manager_role="em",
         manager_role_started_on="2026-01-05", reports_to="")  # fmt: skip
    client.post(reverse("organisation_settings"), {
        "cadence_months": "3", "nudge_after_days": "14", "timezone": "Europe/London",
        "anonymity_threshold": "3", "hr_sees_individual_results": "on",
    })  # fmt: skip
    client.post(reverse("person_deactivate", args=[cast.bob.pk]))
    changed = AuditEvent.objects.get(action="person_changed")
    assert changed.subject == cast.bob and changed.detail["role"] == "report → manager"
    settings_change = AuditEvent.objects.get(action="settings_changed")
    assert settings_change.detail == {"hr_sees_individual_results": "False → True"}
    assert AuditEvent.objects.filter(action="person_deactivated", subject=cast.bob).exists()


def test_publishing_a_questionnaire_shows_in_every_organisations_log(client, cast, framework, globex_admin):
    call_command("load_questionnaire")
    for admin in (cast.adam, globex_admin):  # Acme's admin and Globex's
        client.force_login(admin.user)
        page = client.get(reverse("audit_log")).content.decode()
        assert "Published a questionnaire version" in page, admin.organisation.name


@pytest.mark.parametrize(
    ("role", "status"),
    [("hr", 403), ("manager", 403), ("report", 403), ("org_admin", 200)],
)
def test_only_org_admins_read_the_log(client, cast, role, status):
    user = {"hr": cast.hana, "manager": cast.alice, "report": cast.bob, "org_admin": cast.adam}[role].user
    client.force_login(user)
    assert client.get(reverse("audit_log")).status_code == status


def test_the_log_shows_only_the_admins_organisation(client, cast, submit):
    from emassess.orgs.audit import audit_record

    audit_record(action="dashboard_exported", organisation=cast.globex, actor=cast.gina.user)
    audit_record(action="dashboard_exported", organisation=cast.acme, actor=cast.hana.user)
    client.force_login(cast.adam.user)
    page = client.get(reverse("audit_log")).content.decode()
    assert "hana@acme.test" in page and "gina@globex.test" not in page
