"""Teams for org admins: create, rename, set the kind of, archive and restore; what archiving does
to people, invitations, the import and released figures."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from emassess.dashboards.exports import COMPLETION
from emassess.dashboards.models import ReleasedGroup
from emassess.orgs import services
from emassess.orgs.models import AuditEvent, Invitation, Membership, Team
from tests import factories


def test_an_admin_creates_a_team_and_it_is_listed_and_offered(adam_client, cast):
    response = adam_client.post(reverse("teams"), {"name": "  Core   Platform ", "kind": "platform"})
    assert response["Location"] == reverse("teams")
    team = cast.acme.teams.get(name="Core Platform")
    assert team.kind == "platform"
    assert "Core Platform" in adam_client.get(reverse("teams")).content.decode()
    invite = adam_client.get(reverse("people_invite")).context["form"]
    assert team in invite.fields["team"].queryset
    event = AuditEvent.objects.get(action="team_created")
    assert (event.organisation, event.actor) == (cast.acme, cast.adam.user)
    assert event.detail == {"team": "Core Platform", "kind": "Platform"}


@pytest.mark.parametrize("typed", ["PLATFORM", "platform", "Platform"])
def test_a_name_taken_in_any_case_is_refused_and_what_was_typed_is_kept(adam_client, cast, typed):
    factories.TeamFactory(organisation=cast.acme, name="Platform")
    response = adam_client.post(reverse("teams"), {"name": typed, "kind": "data"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is already a team called “Platform”." in page
    assert 'data-testid="error-summary"' in page
    assert f'value="{typed}"' in page
    assert cast.acme.teams.filter(name__iexact="platform").count() == 1


def test_another_organisations_team_name_is_free(adam_client, cast):
    factories.TeamFactory(organisation=cast.globex, name="Platform")
    assert adam_client.post(reverse("teams"), {"name": "Platform", "kind": "data"}).status_code == 302


def test_an_empty_team_form_says_what_is_missing(adam_client, cast):
    before = Team.objects.count()
    response = adam_client.post(reverse("teams"), {"name": "   ", "kind": ""})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"name", "kind"}
    assert Team.objects.count() == before


def test_renaming_and_changing_the_kind_are_saved_and_audited(adam_client, cast):
    team = cast.alice.team
    old_name = team.name
    response = adam_client.post(reverse("team_edit", args=[team.pk]), {"name": "Checkout", "kind": "infrastructure"})
    assert response["Location"] == reverse("teams")
    team.refresh_from_db()
    assert (team.name, team.kind) == ("Checkout", "infrastructure")
    event = AuditEvent.objects.get(action="team_changed")
    assert event.detail == {"team": "Checkout", "name": f"{old_name} → Checkout", "kind": "product → infrastructure"}


def test_keeping_a_teams_own_name_in_another_case_is_a_rename_not_a_clash(adam_client, cast):
    team = cast.alice.team
    response = adam_client.post(reverse("team_edit", args=[team.pk]), {"name": team.name.upper(), "kind": team.kind})
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.name == team.name.upper()


def test_archiving_asks_first_and_says_who_is_in_the_team(adam_client, cast):
    team = cast.alice.team  # Alice and Bob
    page = adam_client.get(reverse("team_archive", args=[team.pk])).content.decode()
    assert f"Archive {team.name}?" in page
    assert "<strong>2 people</strong> in it are left in no team" in page
    team.refresh_from_db()
    assert team.archived_at is None


def test_archiving_leaves_its_people_and_invitations_in_no_team_and_keeps_the_team(adam_client, cast, invitation):
    team = cast.alice.team
    assert invitation.team == team
    response = adam_client.post(reverse("team_archive", args=[team.pk]), follow=True)
    assert "is archived; 2 people are now in no team" in response.content.decode()
    team.refresh_from_db()
    assert team.archived_at is not None
    assert list(Membership.objects.filter(team=team)) == []
    cast.alice.refresh_from_db()
    cast.bob.refresh_from_db()
    assert (cast.alice.team, cast.bob.team, cast.bob.reports_to) == (None, None, cast.alice)  # nothing else moved
    assert Invitation.objects.get(pk=invitation.pk).team is None
    assert AuditEvent.objects.get(action="team_archived").detail == {"team": team.name, "people moved to no team": "2"}

    # Offered nowhere any more; listed as archived.
    assert team not in adam_client.get(reverse("people_invite")).context["form"].fields["team"].queryset
    assert (
        team
        not in adam_client.get(reverse("person_edit", args=[cast.carol.pk])).context["form"].fields["team"].queryset
    )
    teams_page = adam_client.get(reverse("teams"))
    assert team not in list(teams_page.context["teams"])
    assert team in list(teams_page.context["archived"])


def test_an_archived_team_cannot_be_chosen_by_a_forged_post(adam_client, cast):
    team = cast.alice.team
    services.team_archive(team=team, by=cast.adam)
    data = {"email": "x@acme.test", "full_name": "X", "role": "report", "team": team.pk}
    response = adam_client.post(reverse("people_invite"), data)
    assert response.status_code == 200
    assert "team" in response.context["form"].errors
    assert not Invitation.objects.filter(email="x@acme.test").exists()


def test_the_import_refuses_an_archived_team_by_name(adam_client, cast):
    team = cast.alice.team
    services.team_archive(team=team, by=cast.adam)
    text = f"email,name,team,role,role_start_date\nada@example.com,Ada,{team.name.lower()},report,\n"
    file = SimpleUploadedFile("people.csv", text.encode(), content_type="text/csv")
    page = adam_client.post(reverse("people_import"), {"action": "preview", "file": file}).content.decode()
    assert f"The team “{team.name}” is archived: restore it on the Teams page first" in page
    with pytest.raises(services.ImportRejected):
        services.people_import(organisation=cast.acme, invited_by=cast.adam.user, text=text)
    assert not Invitation.objects.filter(email="ada@example.com").exists()


def test_an_archived_teams_name_stays_taken_and_restoring_brings_it_back_empty(adam_client, cast):
    team = cast.alice.team
    services.team_archive(team=team, by=cast.adam)
    response = adam_client.post(reverse("teams"), {"name": team.name, "kind": "data"})
    assert f"An archived team is already called “{team.name}”" in response.content.decode()

    response = adam_client.post(reverse("team_restore", args=[team.pk]), follow=True)
    assert "can take people again" in response.content.decode()
    team.refresh_from_db()
    assert team.archived_at is None
    assert not team.memberships.exists()
    assert AuditEvent.objects.filter(action="team_restored").count() == 1
    # A second restore is a no-op that says so.
    response = adam_client.post(reverse("team_restore", args=[team.pk]), follow=True)
    assert "was not archived" in response.content.decode()
    assert AuditEvent.objects.filter(action="team_restored").count() == 1


def test_archiving_twice_does_nothing_the_second_time(adam_client, cast):
    team = cast.alice.team
    assert services.team_archive(team=team, by=cast.adam) == 2
    assert services.team_archive(team=Team.objects.get(pk=team.pk), by=cast.adam) == 0
    assert AuditEvent.objects.filter(action="team_archived").count() == 1
    response = adam_client.get(reverse("team_archive", args=[team.pk]), follow=True)
    assert "is already archived" in response.content.decode()


def test_released_figures_stay_as_released_when_their_team_is_archived_or_renamed(client, cast, submit, release):
    team = cast.alice.team
    managers = [cast.alice, *(factories.ManagerFactory(organisation=cast.acme, team=team) for _ in range(3))]
    for manager in managers:
        submit(manager, "2026-Q3")
    release()
    client.force_login(cast.hana.user)

    def exported() -> tuple[bytes, bytes]:
        team_csv = client.get(reverse("team_export", args=[team.pk]) + "?quarter=2026-Q3")
        overview_csv = client.get(reverse("organisation_export") + "?quarter=2026-Q3")
        assert team_csv.status_code == overview_csv.status_code == 200
        return team_csv.content, overview_csv.content

    groups = list(ReleasedGroup.objects.filter(team=team).values("release_id", "responses", "hidden"))
    before = exported()
    assert groups and groups[0]["responses"] == 4
    services.team_archive(team=team, by=cast.adam)
    after = exported()
    assert after[1] == before[1]  # the organisation's export, to the byte

    def released(export: bytes) -> list[dict[str, str]]:
        # Completion and the rows of managers are live (who is in the team now, and it is empty);
        # every other column of the team's own rows is released.
        rows = csv.DictReader(io.StringIO(export.decode("utf-8-sig")))
        return [
            {column: value for column, value in row.items() if column not in COMPLETION}
            for row in rows
            if not row["manager"]
        ]

    assert released(after[0]) == released(before[0])
    assert {(row["quarter"], row["responses"]) for row in released(after[0])} >= {("2026-Q3", "4")}
    assert list(ReleasedGroup.objects.filter(team=team).values("release_id", "responses", "hidden")) == groups
    # The team page of a past quarter still opens: an archived team does not vanish from history.
    page = client.get(reverse("team_dashboard", args=[team.pk]) + "?quarter=2026-Q3")
    assert page.status_code == 200
    assert team.name in page.content.decode()


def test_the_teams_page_counts_active_people_with_the_same_queries_for_few_or_many_teams(adam_client, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    adam_client.get(reverse("teams"))
    with CaptureQueriesContext(connection) as few:
        page = adam_client.get(reverse("teams"))
    row = next(team for team in page.context["teams"] if team.pk == cast.alice.team_id)
    assert row.people == 2  # Alice and Bob
    for _ in range(60):  # more than a page of teams
        factories.ManagerFactory(organisation=cast.acme)
    with CaptureQueriesContext(connection) as many:
        assert adam_client.get(reverse("teams")).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
