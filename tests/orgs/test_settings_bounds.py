"""Every organisation setting is bounded, in the form (with a message) and in the database."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from emassess.orgs.models import Organisation

VALID = {"cadence_months": "3", "nudge_after_days": "14", "timezone": "Europe/London", "anonymity_threshold": "3"}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nudge_after_days", "3000000", "at most 60 days after the cycle opens"),
        ("nudge_after_days", "61", "at most 60 days after the cycle opens"),
        ("nudge_after_days", "0", "at least 1 day after the cycle opens"),
        ("anonymity_threshold", "1001", "at most 1,000"),
        ("anonymity_threshold", "2", "must be at least 3"),
        ("cadence_months", "5", "Select a valid choice"),
    ],
)
def test_the_form_refuses_a_value_out_of_range_and_keeps_what_was_typed(adam_client, cast, field, value, message):
    response = adam_client.post(reverse("organisation_settings"), VALID | {field: value})
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    if field != "cadence_months":  # a number typed stays in its box, to be corrected
        assert f'value="{value}"' in page
    cast.acme.refresh_from_db()
    assert (cast.acme.nudge_after_days, cast.acme.anonymity_threshold, cast.acme.cadence_months) == (14, 3, 3)


@pytest.mark.parametrize(
    "values",
    [
        {"nudge_after_days": 3_000},
        {"nudge_after_days": 0},
        {"anonymity_threshold": 2},
        {"anonymity_threshold": 1_001},
        {"cadence_months": 5},
    ],
)
def test_the_database_refuses_it_too(cast, values):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.filter(pk=cast.acme.pk).update(**values)
