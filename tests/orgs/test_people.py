"""The People page: listing, editing, deactivating and reactivating the organisation's people."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from emassess.assessments.models import Assessment
from emassess.assessments.services import assessment_start
from emassess.orgs import services
from emassess.orgs.models import AuditEvent, Membership
from tests import factories


def test_people_lists_everyone_in_the_organisation_and_no_one_else(client, cast):
    cast.bob.user.is_active = False
    cast.bob.user.save()
    client.force_login(cast.adam.user)
    response = client.get(reverse("people"))
    page = response.content.decode()
    for email in ("alice@acme.test", "bob@acme.test", "carol@acme.test", "hana@acme.test", "adam@acme.test"):
        assert email in page
    assert "globex" not in page.lower()
    assert "Tech lead manager" in page  # Carol
    assert "1 Mar 2025" in page  # Alice's start in role
    rows = {person.user.email: person for person in response.context["people"]}
    assert rows["bob@acme.test"].reports_to == cast.alice
    assert "Deactivated" in page
    assert reverse("person_reactivate", args=[cast.bob.pk]) in page
    assert reverse("person_deactivate", args=[cast.alice.pk]) in page
    assert reverse("person_deactivate", args=[cast.adam.pk]) not in page  # not themselves


def _add_people(organisation, count: int) -> None:
    for _ in range(count // 2):
        manager = factories.ManagerFactory(organisation=organisation)
        factories.MembershipFactory(organisation=organisation, team=manager.team, reports_to=manager)
        services.invitation_create(
            organisation=organisation, invited_by=None, email=f"{manager.user.email}.new", full_name="", role="report"
        )


@pytest.mark.parametrize("address", ["", "?q=person&status=active", "?team=none&role=report&page=2"])
def test_the_people_page_takes_the_same_number_of_queries_for_3_or_130_people(client, cast, address):
    client.force_login(cast.adam.user)
    client.get(reverse("people"))  # warm up anything cached per process
    _add_people(cast.acme, 3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("people") + address).status_code == 200
    _add_people(cast.acme, 130)  # more than two pages of people and of invitations
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("people") + address)
    if not address:
        assert response.content.decode().count('data-testid="person-row"') == 50  # one page
        assert response.content.decode().count('data-testid="invitation-row"') == 50
    assert len(many.captured_queries) == len(few.captured_queries)


def test_people_page_queries(client, cast, django_assert_num_queries):
    client.force_login(cast.adam.user)
    # savepoint (ATOMIC_REQUESTS), session, user with membership, organisation and team, the teams
    # to filter by, how many people, the page of people with user, team and manager, how many open
    # invitations (none here, so there is no page of them to read), release savepoint
    with django_assert_num_queries(8):
        client.get(reverse("people"))


# --- Editing ----------------------------------------------------------------------------------


def edit(client, person: Membership, **data):
    current = {
        "full_name": person.user.full_name,
        "role": person.role,
        "team": person.team_id or "",
        "manager_role": person.manager_role,
        "manager_role_started_on": person.manager_role_started_on or "",
        "reports_to": person.reports_to_id or "",
    }
    return client.post(reverse("person_edit", args=[person.pk]), current | data)


def test_an_admin_makes_a_report_a_tlm_in_another_team(client, cast):
    client.force_login(cast.adam.user)
    response = edit(
        client, cast.bob, role="manager", team=cast.carol.team_id, manager_role="tlm",
        manager_role_started_on="2026-01-05", reports_to=cast.carol.pk,
    )  # fmt: skip
    assert response.status_code == 302
    cast.bob.refresh_from_db()
    assert (cast.bob.role, cast.bob.manager_role, cast.bob.team) == ("manager", "tlm", cast.carol.team)
    assert cast.bob.manager_role_started_on.isoformat() == "2026-01-05"
    assert cast.bob.reports_to == cast.carol


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"role": "manager"}, "manager_role", "Say whether this manager is an EM or a TLM."),
        ({"manager_role": "em"}, "manager_role", "Only managers have an EM or TLM role."),
        ({"manager_role_started_on": "2999-01-01", "role": "manager", "manager_role": "em"}, "manager_role_started_on",
         "in the future"),
    ],
)  # fmt: skip
def test_membership_rules_show_on_the_form_and_nothing_changes(client, cast, data, field, message):
    client.force_login(cast.adam.user)
    response = edit(client, cast.bob, **data)
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert not form.non_field_errors()  # the database constraint does not repeat it in its own words
    page = response.content.decode()
    assert 'data-testid="error-summary"' in page
    assert message in page
    cast.bob.refresh_from_db()
    assert (cast.bob.role, cast.bob.manager_role) == ("report", "")


def test_reports_to_offers_only_the_organisations_people_and_not_the_person(client, cast):
    gus = Membership.objects.get(user__email="gus@globex.test")
    client.force_login(cast.adam.user)
    form = client.get(reverse("person_edit", args=[cast.bob.pk])).context["form"]
    offered = set(form.fields["reports_to"].queryset)
    assert cast.alice in offered
    assert gus not in offered
    assert cast.bob not in offered

    for wrong in (gus.pk, cast.bob.pk):
        response = edit(client, cast.bob, reports_to=wrong)
        assert response.status_code == 200
        assert "Select a valid choice" in " ".join(response.context["form"].errors["reports_to"])
    cast.bob.refresh_from_db()
    assert cast.bob.reports_to == cast.alice


def test_an_admin_cannot_change_their_own_role(client, cast):
    client.force_login(cast.adam.user)
    response = edit(client, cast.adam, role="report")
    assert response.status_code == 200
    assert "You cannot change your own role" in response.content.decode()
    cast.adam.refresh_from_db()
    assert cast.adam.role == "org_admin"


# --- Deactivating -----------------------------------------------------------------------------


def test_deactivating_blocks_login_and_keeps_membership_and_history(client, cast, version):
    draft = assessment_start(manager=cast.alice)
    alices_client = client.__class__()
    alices_client.force_login(cast.alice.user)
    assert alices_client.get(reverse("manager_home")).status_code == 200

    client.force_login(cast.adam.user)
    response = client.post(reverse("person_deactivate", args=[cast.alice.pk]), follow=True)
    assert "Alice Able is deactivated" in response.content.decode()

    cast.alice.user.refresh_from_db()
    assert not cast.alice.user.is_active
    assert Membership.objects.filter(pk=cast.alice.pk, role="manager").exists()
    assert Assessment.objects.filter(pk=draft.pk, manager=cast.alice).exists()
    cast.bob.refresh_from_db()
    assert cast.bob.reports_to == cast.alice
    # the session she already had ends, and she cannot log in again
    assert alices_client.get(reverse("manager_home")).status_code == 302
    fresh = client.__class__()
    response = fresh.post(reverse("login"), {"username": "alice@acme.test", "password": factories.PASSWORD})
    assert response.status_code == 200
    assert "Please enter a correct email address and password" in response.content.decode()
    assert "_auth_user_id" not in fresh.session

    client.post(reverse("person_reactivate", args=[cast.alice.pk]))
    response = fresh.post(reverse("login"), {"username": "alice@acme.test", "password": factories.PASSWORD})
    assert response.status_code == 302
    assert fresh.get(reverse("manager_home")).context["draft"] == draft


def test_an_admin_cannot_deactivate_themselves(client, cast):
    client.force_login(cast.adam.user)
    response = client.post(reverse("person_deactivate", args=[cast.adam.pk]), follow=True)
    assert "You cannot deactivate yourself" in response.content.decode()
    cast.adam.user.refresh_from_db()
    assert cast.adam.user.is_active


def test_deactivating_asks_first_and_only_the_post_deactivates(client, cast):
    client.force_login(cast.adam.user)
    people = client.get(reverse("people")).content.decode()
    assert f'href="{reverse("person_deactivate", args=[cast.alice.pk])}"' in people  # a link, not a button
    page = client.get(reverse("person_deactivate", args=[cast.alice.pk])).content.decode()
    assert "Deactivate Alice Able?" in page
    assert "can no longer log in" in page
    assert 'method="post"' in page
    cast.alice.user.refresh_from_db()
    assert cast.alice.user.is_active


def test_the_confirmation_page_of_ones_own_deactivation_offers_no_button(client, cast):
    client.force_login(cast.adam.user)
    page = client.get(reverse("person_deactivate", args=[cast.adam.pk])).content.decode()
    assert "You cannot deactivate yourself" in page
    assert 'method="post"' not in page.split("<main", 1)[1]


def test_reactivating_and_invitations_are_posts_only(client, cast):
    client.force_login(cast.adam.user)
    for name in ("person_reactivate", "invitation_revoke", "invitation_resend"):
        assert client.get(reverse(name, args=[cast.bob.pk])).status_code == 405
    cast.bob.user.refresh_from_db()
    assert cast.bob.user.is_active


# --- Finding people ---------------------------------------------------------------------------


def emails_on(client, address: str = "") -> list[str]:
    response = client.get(reverse("people") + address)
    assert response.status_code == 200
    return [person.user.email for person in response.context["people"]]


def test_the_search_finds_names_and_addresses_in_any_case_word_by_word(client, cast):
    client.force_login(cast.adam.user)
    assert emails_on(client, "?q=ALICE") == ["alice@acme.test"]
    assert emails_on(client, "?q=brown") == ["bob@acme.test"]  # Bob Brown, by his name
    assert emails_on(client, "?q=cole+carol") == ["carol@acme.test"]  # every word must match
    assert emails_on(client, "?q=globex") == []  # nobody of another organisation
    page = client.get(reverse("people") + "?q=zzz").content.decode()
    assert "Nobody matches" in page
    assert 'value="zzz"' in page  # what was typed stays in the box


def test_the_filters_narrow_by_team_role_and_status(client, cast):
    cast.carol.user.is_active = False
    cast.carol.user.save()
    client.force_login(cast.adam.user)
    assert sorted(emails_on(client, f"?team={cast.alice.team_id}")) == ["alice@acme.test", "bob@acme.test"]
    assert sorted(emails_on(client, "?team=none")) == ["adam@acme.test", "hana@acme.test"]
    assert sorted(emails_on(client, "?role=manager")) == ["alice@acme.test", "carol@acme.test"]
    assert emails_on(client, "?role=manager&status=deactivated") == ["carol@acme.test"]
    assert emails_on(client, "?role=manager&status=active") == ["alice@acme.test"]


def test_a_filter_value_that_is_not_a_choice_is_explained_and_ignored(client, cast):
    client.force_login(cast.adam.user)
    other_team = factories.TeamFactory(organisation=cast.globex)
    response = client.get(reverse("people") + f"?team={other_team.pk}&role=boss&q=alice")
    page = response.content.decode()
    assert 'data-testid="filter-errors"' in page
    assert "Select a valid choice" in page
    assert [person.user.email for person in response.context["people"]] == ["alice@acme.test"]  # the search holds


def test_people_come_in_pages_whose_links_keep_the_filters(client, cast):
    for number in range(120):
        factories.MembershipFactory(organisation=cast.acme, user__full_name=f"Zed {number:03}")
    client.force_login(cast.adam.user)
    first = client.get(reverse("people") + "?q=zed&role=report")
    assert len(first.context["people"]) == 50
    page = first.content.decode()
    assert "1\u201350 of 120 people found" in page  # an en dash
    assert 'href="?q=zed&amp;role=report&amp;page=2"' in page
    third = client.get(reverse("people") + "?q=zed&role=report&page=3")
    assert [person.user.full_name for person in third.context["people"]][-1] == "Zed 119"
    assert len(third.context["people"]) == 20
    assert client.get(reverse("people") + "?page=999").status_code == 200  # the last page, not an error


# --- Names ------------------------------------------------------------------------------------


def test_an_admin_corrects_a_name_and_the_log_says_from_what(client, cast):
    client.force_login(cast.adam.user)
    response = edit(client, cast.bob, full_name="  Robert Brown ")
    assert response.status_code == 302
    cast.bob.user.refresh_from_db()
    assert cast.bob.user.full_name == "Robert Brown"
    event = AuditEvent.objects.get(action="person_changed")
    assert event.detail == {"full_name": "Bob Brown → Robert Brown"}
    assert event.subject == cast.bob


def test_an_empty_name_is_refused_and_the_rest_of_the_form_kept(client, cast):
    client.force_login(cast.adam.user)
    response = edit(client, cast.bob, full_name=" ", role="hr")
    assert response.status_code == 200
    assert "full_name" in response.context["form"].errors
    assert 'data-testid="error-summary"' in response.content.decode()
    cast.bob.refresh_from_db()
    cast.bob.user.refresh_from_db()
    assert (cast.bob.role, cast.bob.user.full_name) == ("report", "Bob Brown")
