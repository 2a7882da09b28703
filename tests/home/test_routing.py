"""Home sends each person to the place their role works from."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.helpers import ROLES, login_as

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
def test_home_sends_each_role_to_its_place(client, cast, role):
    login_as(client, cast, role)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == HOME_DESTINATION[role]


def test_a_user_with_no_organisation_is_told_so(client, db):
    client.force_login(UserFactory())
    response = client.get(reverse("home"))
    assert response.status_code == 403
    assert b"not part of an organisation" in response.content
