"""The dates of a manager's role: its anniversary and the whole months in it."""

import datetime

import pytest

from emassess.orgs.models import Membership
from emassess.orgs.selectors import role_anniversary


@pytest.mark.parametrize(
    ("started", "expected"),
    [
        (datetime.date(2025, 11, 21), datetime.date(2026, 11, 21)),
        (datetime.date(2024, 2, 29), datetime.date(2025, 2, 28)),
    ],
)
def test_role_anniversary(started, expected):
    assert role_anniversary(started) == expected


def test_months_in_role_counts_whole_months():
    membership = Membership(manager_role_started_on=datetime.date(2025, 10, 22))
    assert membership.months_in_role(datetime.date(2026, 11, 21)) == 12
    assert membership.months_in_role(datetime.date(2026, 11, 22)) == 13
    assert Membership().months_in_role(datetime.date(2026, 11, 22)) is None
