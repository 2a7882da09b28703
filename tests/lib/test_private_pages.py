"""Pages and downloads shown to someone logged in are never kept by a browser or proxy cache."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    ("who", "page"),
    [
        ("hana", "organisation_home"),
        ("hana", "organisation_export"),
        ("adam", "audit_log"),
        ("alice", "manager_home"),
        ("alice", "assessment_history"),
        ("alice", "my_data"),
    ],
)
def test_private_pages_and_downloads_say_no_store(client, cast, who, page):
    client.force_login(getattr(cast, who).user)
    response = client.get(reverse(page))
    assert response.status_code == 200
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives


def test_a_public_page_is_left_to_the_cache_as_usual(client, db):
    response = client.get(reverse("invitation_accept", args=["not-a-valid-link"]))
    assert response.status_code == 404
    assert "Cache-Control" not in response
