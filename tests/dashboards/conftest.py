import datetime

import pytest

from tests import factories

WEEK = {"hands_on_coding": 10, "technical_leadership": 20, "people_team": 40, "process_delivery": 10,
        "product": 10, "organisation": 10}  # fmt: skip
TODAY = datetime.date(2026, 11, 21)  # in 2026-Q4


@pytest.fixture
def managers_in(db):
    """managers_in(team, 3): that many new managers in the team, their role begun in 2025."""

    def make(team, count: int, **kwargs):
        return [factories.ManagerFactory(organisation=team.organisation, team=team, **kwargs) for _ in range(count)]

    return make
