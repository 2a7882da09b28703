"""What the home pages (and the framework guide everyone reaches from them) show, and that they do
it in a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories


def test_manager_home_shows_role_team_and_reports(client, cast):
    client.force_login(cast.alice.user)
    page = client.get(reverse("manager_home")).content.decode()
    assert "Engineering manager" in page
    assert cast.alice.team.name in page
    assert "Bob Brown" in page
    assert "fewer than four" in page


def test_manager_home_shows_the_due_dates(client, cast, submit, time_machine):
    import datetime

    time_machine.move_to(datetime.datetime(2026, 11, 21, 12, tzinfo=datetime.UTC))
    cast.alice.manager_role_started_on = datetime.date(2025, 11, 1)
    cast.alice.save()
    client.force_login(cast.alice.user)
    page = client.get(reverse("manager_home")).content.decode()
    assert "Your 2026-Q4 self-assessment is due by Thursday 31 December 2026." in page
    assert "Due since 1 November 2026</strong>, a year after your role began." in page
    submit(cast.alice, "2026-Q4")
    page = client.get(reverse("manager_home")).content.decode()
    assert "due by" not in page and "The next assessment opens on 1 January 2027." in page


def test_report_home_names_their_manager(client, cast):
    client.force_login(cast.bob.user)
    page = client.get(reverse("report_home")).content.decode()
    assert "Alice Able" in page


def test_framework_guide_shows_the_content(client, cast, framework):
    client.force_login(cast.bob.user)
    page = client.get(reverse("framework_guide")).content.decode()
    for name in ("Tech Lead EM", "Lead of Leads EM", "Bottleneck Manager", "LGTM Machine", "Weekend Warrior"):
        assert name in page
    assert page.count('data-testid="archetype"') == 6
    assert page.count('data-testid="anti-pattern"') == 5


def _add_managers(organisation, count: int) -> None:
    for _ in range(count):
        manager = factories.ManagerFactory(organisation=organisation)
        factories.MembershipFactory(organisation=organisation, team=manager.team, reports_to=manager)


@pytest.mark.parametrize("url_name", ["manager_home", "framework_guide"])
def test_pages_use_the_same_number_of_queries_however_large_the_organisation(client, cast, framework, url_name):
    client.force_login(cast.alice.user)
    _add_managers(cast.acme, 2)
    client.get(reverse(url_name))  # warm up anything cached per process

    with CaptureQueriesContext(connection) as small:
        client.get(reverse(url_name))
    _add_managers(cast.acme, 30)
    with CaptureQueriesContext(connection) as large:
        assert client.get(reverse(url_name)).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
