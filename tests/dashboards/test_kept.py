"""What HR's pages keep (emassess.dashboards.selectors.kept) never outlives a change made through
emassess: each way a count, a name or a figure on them can change shows on the very next page.
A change made around emassess (a database console) shows within KEEP_FOR."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from emassess.accounts.models import User
from emassess.assessments.services import assessment_set_shared, assessment_start
from emassess.orgs.live import KEEP_FOR
from emassess.orgs.models import Membership
from emassess.orgs.services import invitation_accept


def completion(client) -> dict[str, int]:
    """The overview's completion table, as {"Done": 1, "In progress": 0, ...}."""
    page = client.get(reverse("organisation_home")).content.decode()
    table = page.split('data-testid="completion"', 1)[1].split("</table>", 1)[0]
    return {label: int(n) for label, n in re.findall(r'fw-normal">([^<]+)</th><td class="text-end">(\d+)<', table)}


def overview(client, **params) -> str:
    return client.get(reverse("organisation_home"), params).content.decode()


def person_data(person: Membership, **changes) -> dict:
    data = {"full_name": person.user.full_name, "role": person.role, "team": person.team_id or "",
            "manager_role": person.manager_role,
            "manager_role_started_on": person.manager_role_started_on.isoformat()}  # fmt: skip
    return data | changes


@pytest.fixture
def admin(client, cast):
    """Adam, Acme's org admin: he sees the dashboards and makes the changes."""
    client.force_login(cast.adam.user)
    return client


def test_a_kept_page_counts_nothing_again(admin, cast, managers_in, submit, release):
    for manager in managers_in(cast.alice.team, 3):
        submit(manager, "2026-Q3")
    release()
    with CaptureQueriesContext(connection) as first:
        overview(admin, quarter="2026-Q3")
    with CaptureQueriesContext(connection) as again:
        overview(admin, quarter="2026-Q3")
    counted = [q["sql"] for q in first.captured_queries if "assessments_assessment" in q["sql"]]
    assert counted, "the first page counts results"
    assert not [q["sql"] for q in again.captured_queries if "assessments_assessment" in q["sql"]]
    assert len(again.captured_queries) < len(first.captured_queries)


def test_starting_and_submitting_show_at_once(admin, cast, submit):
    before = completion(admin)
    assert before["Done"] == 0 and before["In progress"] == 0
    assessment_start(manager=cast.alice)
    assert completion(admin)["In progress"] == 1
    submit(cast.carol, "2026-Q4")
    after = completion(admin)
    assert after["Done"] == 1 and after["Not started"] == before["Not started"] - 2


def test_deactivating_reactivating_and_joining_show_at_once(admin, cast, invitation):
    total = sum(completion(admin).values())
    assert admin.post(reverse("person_deactivate", args=[cast.carol.pk])).status_code == 302
    assert sum(completion(admin).values()) == total - 1
    assert admin.post(reverse("person_reactivate", args=[cast.carol.pk])).status_code == 302
    assert sum(completion(admin).values()) == total
    invitation_accept(invitation=invitation, full_name="Nina New", password="a long enough password 1")
    assert sum(completion(admin).values()) == total + 1


def test_a_renamed_person_and_a_renamed_team_show_at_once(admin, cast, managers_in, submit, release):
    for manager in managers_in(cast.alice.team, 3):
        submit(manager, "2026-Q3")
    release()
    assert "Alice Able" in overview(admin)  # never assessed
    edit = person_data(cast.alice, full_name="Alice Renamed")
    assert admin.post(reverse("person_edit", args=[cast.alice.pk]), edit).status_code == 302
    assert "Alice Renamed" in overview(admin) and "Alice Able" not in overview(admin)
    team = cast.alice.team
    assert team.name in overview(admin, quarter="2026-Q3")
    data = {"name": "Renamed team", "kind": team.kind}
    assert admin.post(reverse("team_edit", args=[team.pk]), data).status_code == 302
    assert "Renamed team" in overview(admin, quarter="2026-Q3")
    assert "Renamed team" in admin.get(reverse("team_dashboard", args=[team.pk])).content.decode()


def test_a_release_and_a_raised_threshold_show_at_once(admin, cast, managers_in, submit, release):
    for manager in managers_in(cast.alice.team, 3):
        submit(manager, "2026-Q3")
    assert 'data-testid="archetype-mix"' not in overview(admin, quarter="2026-Q3")
    release()
    assert 'data-testid="archetype-mix"' in overview(admin, quarter="2026-Q3")
    data = {"cadence_months": 3, "nudge_after_days": 14, "timezone": "UTC", "anonymity_threshold": 4}
    assert admin.post(reverse("organisation_settings"), data).status_code == 302
    assert 'data-testid="archetype-mix"' not in overview(admin, quarter="2026-Q3")


def test_a_share_withholds_the_figures_it_would_give_away_at_once(admin, cast, managers_in, submit, release):
    managers = managers_in(cast.alice.team, 3)
    results = [submit(manager, "2026-Q3") for manager in managers]
    release()
    assert 'data-testid="archetype-mix"' in overview(admin, quarter="2026-Q3")
    assessment_set_shared(assessment=results[0], shared=True, by=managers[0].user)
    assert 'data-testid="archetype-mix"' not in overview(admin, quarter="2026-Q3")


def test_a_deactivated_person_leaves_the_lists_at_once(admin, cast):
    assert "Carol Cole" in overview(admin)  # never assessed
    assert admin.post(reverse("person_deactivate", args=[cast.carol.pk]), follow=True).status_code == 200
    assert "Carol Cole" not in overview(admin)


def test_a_change_made_around_emassess_shows_within_the_time_kept(admin, cast):
    with time_machine.travel(datetime.datetime(2026, 11, 16, 9, tzinfo=datetime.UTC), tick=False) as clock:
        assert "Alice Able" in overview(admin)
        User.objects.filter(pk=cast.alice.user_id).update(full_name="Alice Console")  # moves no version
        assert "Alice Able" in overview(admin)  # kept
        clock.shift(KEEP_FOR + datetime.timedelta(seconds=1))
        assert "Alice Console" in overview(admin)
