"""The quarter picker takes anything typed into the address bar without a server error."""

import pytest
from django.urls import reverse

BAD_LABELS = ["0001-Q1", "0002-Q3", "1999-Q4", "9999-Q4", "2026-Q5", "x" * 500]


@pytest.mark.parametrize("page", ["organisation_home", "team_dashboard"])
@pytest.mark.parametrize("label", BAD_LABELS)
def test_a_quarter_out_of_range_shows_the_current_one_with_a_message(client, cast, page, label):
    client.force_login(cast.hana.user)
    args = [cast.alice.team.pk] if page.startswith("team") else []
    response = client.get(reverse(page, args=args), {"quarter": label})
    assert response.status_code == 200
    assert "showing" in response.content.decode()


@pytest.mark.parametrize("page", ["organisation_export", "team_export"])
@pytest.mark.parametrize("label", BAD_LABELS)
def test_an_export_for_a_quarter_out_of_range_holds_the_current_one(client, cast, page, label):
    client.force_login(cast.hana.user)
    args = [cast.alice.team.pk] if page.startswith("team") else []
    response = client.get(reverse(page, args=args), {"quarter": label})
    assert response.status_code == 200
    assert label[:7] not in response["Content-Disposition"]


def test_the_earliest_year_is_still_a_quarter_one_can_look_at(client, cast):
    client.force_login(cast.hana.user)
    response = client.get(reverse("organisation_home"), {"quarter": "2000-Q1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "2000-Q1" in page
    assert "showing" not in page
