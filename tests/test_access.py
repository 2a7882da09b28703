"""Who may open what: every URL of the project against every role, and where home sends each."""

import pytest
from django.urls import reverse

ROLES = ["anonymous", "report", "manager", "other_manager", "hr", "other_org_hr", "org_admin", "superuser"]


def login_as(client, cast, role: str) -> None:
    user = {
        "anonymous": None,
        "report": cast.bob.user,
        "manager": cast.alice.user,
        "other_manager": cast.carol.user,
        "hr": cast.hana.user,
        "other_org_hr": cast.gina.user,
        "org_admin": cast.adam.user,
        "superuser": cast.sue,
    }[role]
    if user is not None:
        client.force_login(user)


LOGIN = "login"
# For each URL, the status each role gets; "login" = redirected to the login page.
EXPECTED = {
    "manager_home": {
        "anonymous": LOGIN, "report": 403, "manager": 200, "other_manager": 200,
        "hr": 403, "other_org_hr": 403, "org_admin": 403, "superuser": 403,
    },
    "report_home": {
        "anonymous": LOGIN, "report": 200, "manager": 403, "other_manager": 403,
        "hr": 403, "other_org_hr": 403, "org_admin": 403, "superuser": 403,
    },
    "organisation_home": {
        "anonymous": LOGIN, "report": 403, "manager": 403, "other_manager": 403,
        "hr": 200, "other_org_hr": 200, "org_admin": 200, "superuser": 403,
    },
    "framework_guide": {
        "anonymous": LOGIN, "report": 200, "manager": 200, "other_manager": 200,
        "hr": 200, "other_org_hr": 200, "org_admin": 200, "superuser": 200,
    },
    "admin:index": {
        "anonymous": "admin_login", "report": "admin_login", "manager": "admin_login",
        "other_manager": "admin_login", "hr": "admin_login", "other_org_hr": "admin_login",
        "org_admin": "admin_login", "superuser": 200,
    },
}  # fmt: skip

HOME_DESTINATION = {
    "anonymous": "/accounts/login/?next=/",
    "report": "/report/",
    "manager": "/manager/",
    "other_manager": "/manager/",
    "hr": "/organisation/",
    "other_org_hr": "/organisation/",
    "org_admin": "/organisation/",
    "superuser": "/admin/",
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", sorted(EXPECTED))
def test_every_url_checks_who_is_asking(client, cast, framework, url_name, role):
    login_as(client, cast, role)
    url = reverse(url_name)
    response = client.get(url)
    expected = EXPECTED[url_name][role]
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={url}"
    elif expected == "admin_login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_home_sends_each_role_to_its_place(client, cast, role):
    login_as(client, cast, role)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == HOME_DESTINATION[role]


def test_a_user_with_no_organisation_is_told_so(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get(reverse("home"))
    assert response.status_code == 403
    assert b"not part of an organisation" in response.content


@pytest.mark.parametrize("role", ["hr", "org_admin"])
def test_organisation_page_shows_only_the_viewers_organisation(client, cast, role):
    login_as(client, cast, role)
    page = client.get(reverse("organisation_home")).content.decode()
    assert "Alice Able" in page
    assert "gus@globex.test" not in page
    assert cast.globex.name not in page


def test_other_organisations_hr_sees_none_of_acme(client, cast):
    login_as(client, cast, "other_org_hr")
    page = client.get(reverse("organisation_home")).content.decode()
    assert "Globex" in page
    assert "Alice Able" not in page
    assert "Acme" not in page
