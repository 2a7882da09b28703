"""Who may open the pages of running an organisation: org admins only, their own organisation only;
the invitation page is public."""

from __future__ import annotations

import pytest
from django.urls import reverse

from emassess.orgs import invitation_emails
from tests.helpers import LOGIN, ROLES, assert_status, login_as

ADMINS_ONLY = {
    "anonymous": LOGIN, "report": 403, "manager": 403, "other_manager": 403,
    "hr": 403, "other_org_hr": 403, "org_admin": 200, "superuser": 403,
}  # fmt: skip
ADMINS_ONLY_POST = ADMINS_ONLY | {"org_admin": 302}
EVERYONE = dict.fromkeys(ROLES, 200)

# page: (method, status per role). Objects are Acme's: Bob, and an invitation to Nina.
EXPECTED = {
    "people": ("get", ADMINS_ONLY),
    "people_invite": ("get", ADMINS_ONLY),
    "people_import": ("get", ADMINS_ONLY),
    "organisation_settings": ("get", ADMINS_ONLY),
    "audit_log": ("get", ADMINS_ONLY),
    "person_edit": ("get", ADMINS_ONLY),
    "person_deactivate": ("post", ADMINS_ONLY_POST),
    "person_deactivate (confirm)": ("get", ADMINS_ONLY),
    "teams": ("get", ADMINS_ONLY),
    "teams (create)": ("post", ADMINS_ONLY),  # an empty form: the page again, saying what is missing
    "team_edit": ("get", ADMINS_ONLY),
    "team_archive": ("post", ADMINS_ONLY_POST),
    "team_archive (confirm)": ("get", ADMINS_ONLY),
    "team_restore": ("post", ADMINS_ONLY_POST),
    "person_reactivate": ("post", ADMINS_ONLY_POST),
    "invitation_revoke": ("post", ADMINS_ONLY_POST),
    "invitation_resend": ("post", ADMINS_ONLY_POST),
    "invitation_accept": ("get", EVERYONE),
}


def url_of(page: str, cast, invitation) -> str:
    page = page.split(" ")[0]
    if page.startswith("team_"):
        return reverse(page, args=[cast.alice.team_id])
    if page.startswith("person_"):
        return reverse(page, args=[cast.bob.pk])
    if page in ("invitation_revoke", "invitation_resend"):
        return reverse(page, args=[invitation.pk])
    if page == "invitation_accept":
        return reverse(page, args=[invitation_emails.invitation_token(invitation=invitation)])
    return reverse(page)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_every_url_checks_who_is_asking(client, cast, invitation, page, role):
    method, expected = EXPECTED[page]
    url = url_of(page, cast, invitation)
    login_as(client, cast, role)
    response = getattr(client, method)(url)
    assert_status(response, expected[role], url)


def test_every_url_of_the_app_is_in_the_matrix():
    from emassess.orgs.urls import urlpatterns

    assert {pattern.name for pattern in urlpatterns} == {page.split(" ")[0] for page in EXPECTED}


@pytest.mark.parametrize("page", ["team_edit", "team_archive", "team_restore"])
def test_another_organisations_admin_finds_no_acme_team(client, cast, globex_admin, page):
    client.force_login(globex_admin.user)
    team = cast.alice.team
    assert client.post(reverse(page, args=[team.pk]), {"name": "Taken over", "kind": "data"}).status_code == 404
    team.refresh_from_db()
    assert team.archived_at is None
    assert team.name != "Taken over"


@pytest.mark.parametrize("page", ["person_edit", "person_deactivate", "person_reactivate"])
def test_another_organisations_admin_finds_no_acme_person(client, cast, invitation, globex_admin, page):
    client.force_login(globex_admin.user)
    method = "get" if page == "person_edit" else "post"
    response = getattr(client, method)(reverse(page, args=[cast.bob.pk]))
    assert response.status_code == 404
    cast.bob.user.refresh_from_db()
    assert cast.bob.user.is_active


@pytest.mark.parametrize("page", ["invitation_revoke", "invitation_resend"])
def test_another_organisations_admin_finds_no_acme_invitation(client, cast, invitation, globex_admin, page, mailoutbox):
    client.force_login(globex_admin.user)
    before = invitation.expires_at
    assert client.post(reverse(page, args=[invitation.pk])).status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    assert invitation.expires_at == before
    assert mailoutbox == []


def test_another_organisations_admin_cannot_edit_an_acme_person_by_post(client, cast, globex_admin):
    client.force_login(globex_admin.user)
    response = client.post(reverse("person_edit", args=[cast.bob.pk]), {"role": "hr"})
    assert response.status_code == 404
    cast.bob.refresh_from_db()
    assert cast.bob.role == "report"


def test_only_org_admins_see_people_and_settings_in_the_navigation(client, cast):
    login_as(client, cast, "org_admin")
    page = client.get(reverse("organisation_home")).content.decode()
    assert f'href="{reverse("people")}"' in page
    assert f'href="{reverse("organisation_settings")}"' in page

    login_as(client, cast, "hr")
    page = client.get(reverse("organisation_home")).content.decode()
    assert f'href="{reverse("people")}"' not in page
    assert f'href="{reverse("organisation_settings")}"' not in page
