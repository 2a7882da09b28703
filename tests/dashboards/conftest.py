import pytest

from tests import factories


@pytest.fixture
def managers_in(db):
    """managers_in(team, 3): that many new managers in the team, their role begun in 2025."""

    def make(team, count: int, **kwargs):
        return [factories.ManagerFactory(organisation=team.organisation, team=team, **kwargs) for _ in range(count)]

    return make
