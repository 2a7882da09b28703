"""The user of a session arrives with their membership, organisation and team in one query
(emassess.orgs.access.MemberBackend), and what that must not change: who gets in."""

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from emassess.orgs.access import MEMBER_BACKEND
from emassess.orgs.models import Membership
from tests.factories import PASSWORD


def _reads(queries: CaptureQueriesContext, table: str) -> list[str]:
    """The SELECTs that read `table` first (FROM "table" ...)."""
    return [query["sql"] for query in queries.captured_queries if query["sql"].startswith("SELECT") and
            f' FROM "{table}" ' in query["sql"]]  # fmt: skip


def _membership_alone(queries: CaptureQueriesContext) -> list[str]:
    """Reads of someone's membership by their user, on its own (what MemberBackend saves)."""
    return [sql for sql in _reads(queries, "orgs_membership") if 'WHERE "orgs_membership"."user_id" =' in sql]


def test_a_members_page_reads_the_user_and_their_membership_in_one_query(alice_client, cast):
    with CaptureQueriesContext(connection) as queries:
        response = alice_client.get(reverse("manager_home"))
    assert response.status_code == 200
    assert "Alice" in response.content.decode()
    [user_query] = _reads(queries, "accounts_user")
    for joined in ("orgs_membership", "orgs_organisation", "orgs_team"):
        assert f'JOIN "{joined}"' in user_query
    assert _membership_alone(queries) == []


def test_a_password_login_lands_on_the_members_page_with_the_same_one_query(client, cast):
    client.post(reverse("login"), {"username": "alice@acme.test", "password": PASSWORD})
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("manager_home")).status_code == 200
    assert len(_reads(queries, "accounts_user")) == 1
    assert _membership_alone(queries) == []


def test_a_deactivated_person_is_logged_out_of_a_session_they_had(alice_client, cast):
    cast.alice.user.is_active = False
    cast.alice.user.save()
    response = alice_client.get(reverse("manager_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_role_changed_during_a_session_counts_on_the_next_page(alice_client, cast):
    assert alice_client.get(reverse("manager_home")).status_code == 200
    Membership.objects.filter(pk=cast.alice.pk).update(
        role=Membership.Role.REPORT, manager_role="", manager_role_started_on=None
    )
    assert alice_client.get(reverse("manager_home")).status_code == 403
    assert alice_client.get(reverse("report_home")).status_code == 200


def test_someone_whose_membership_was_removed_gets_no_members_page(alice_client, cast):
    Membership.objects.filter(pk=cast.alice.pk).delete()
    assert alice_client.get(reverse("manager_home")).status_code == 403


def test_logins_made_in_the_app_are_remembered_under_the_member_backend(client, cast):
    """The backend a session names must be one of AUTHENTICATION_BACKENDS, or the session is anonymous."""
    assert MEMBER_BACKEND in settings.AUTHENTICATION_BACKENDS
    client.post(reverse("login"), {"username": "alice@acme.test", "password": PASSWORD})
    assert client.session[BACKEND_SESSION_KEY] == MEMBER_BACKEND


def test_a_session_from_before_the_member_backend_asks_to_log_in_again(alice_client, cast):
    session = alice_client.session
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session.save()
    response = alice_client.get(reverse("manager_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
