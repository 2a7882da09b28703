"""The organisation's settings: cadence, time zone, anonymity threshold, what HR may see."""

from __future__ import annotations

import zoneinfo

import pytest
from django.urls import reverse

VALID = {
    "cadence_months": "6",
    "nudge_after_days": "21",
    "timezone": "America/New_York",
    "anonymity_threshold": "5",
    "hr_sees_individual_results": "on",
}


def test_the_page_shows_the_current_settings_and_explains_the_default(adam_client, cast):
    response = adam_client.get(reverse("organisation_settings"))
    page = response.content.decode()
    assert "HR sees aggregates and completion only" in page
    assert "the manager chooses to share it" in page
    form = response.context["form"]
    assert form["timezone"].value() == "Europe/London"
    zones = [value for value, _ in form.fields["timezone"].choices]
    assert zones == sorted(zoneinfo.available_timezones())
    assert '<option value="Europe/London" selected>' in page


def test_an_admin_changes_the_settings(adam_client, cast):
    response = adam_client.post(reverse("organisation_settings"), VALID, follow=True)
    assert "settings are saved" in response.content.decode()
    cast.acme.refresh_from_db()
    assert cast.acme.cadence_months == 6
    assert cast.acme.nudge_after_days == 21
    assert cast.acme.timezone == "America/New_York"
    assert cast.acme.anonymity_threshold == 5
    assert cast.acme.hr_sees_individual_results is True
    cast.globex.refresh_from_db()
    assert cast.globex.anonymity_threshold == 3


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("anonymity_threshold", "2", "The anonymity threshold must be at least 3"),
        ("anonymity_threshold", "0", "The anonymity threshold must be at least 3"),
        ("anonymity_threshold", "", "This field is required."),
        ("timezone", "Mars/Olympus_Mons", "Select a valid choice."),
        ("cadence_months", "5", "Select a valid choice."),
        ("nudge_after_days", "0", "The reminder comes at least 1 day after the cycle opens."),
        ("nudge_after_days", "soon", "Enter a whole number."),
    ],
)
def test_a_wrong_value_is_explained_and_nothing_changes(adam_client, cast, field, value, message):
    response = adam_client.post(reverse("organisation_settings"), VALID | {field: value})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="error-summary"' in page
    assert message in page
    assert response.context["form"].errors[field]
    assert '<option value="America/New_York" selected>' in page or field == "timezone"  # what was typed is kept
    cast.acme.refresh_from_db()
    assert (cast.acme.cadence_months, cast.acme.timezone, cast.acme.anonymity_threshold) == (3, "Europe/London", 3)
    assert cast.acme.hr_sees_individual_results is False
    # Still the settings page of the stored organisation (the name alone is in the navigation too).
    assert '<h1 class="h3">Settings of Acme</h1>' in page
