from unittest import mock

import pytest

from tests import factories
from tests.helpers import TODAY


@pytest.fixture
def managers_in(db):
    """managers_in(team, 3): that many new managers in the team, their role begun in 2025."""

    def make(team, count: int, **kwargs):
        return [factories.ManagerFactory(organisation=team.organisation, team=team, **kwargs) for _ in range(count)]

    return make


@pytest.fixture(autouse=True)
def frozen_today():
    """The dashboards count their days in the organisation's calendar: pin it to TODAY."""
    with mock.patch("emassess.orgs.models.Organisation.today", return_value=TODAY):
        yield


@pytest.fixture
def hr(client, cast):
    """The test client, logged in as Hana, Acme's HR."""
    client.force_login(cast.hana.user)
    return client
