"""Inviting people: the form, the signed single-use link, its email, revoking, resending, accepting."""

from __future__ import annotations

import datetime
import re
import time
from unittest import mock

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from emassess.accounts.models import User
from emassess.orgs import invitation_emails, services
from emassess.orgs.models import Invitation, Membership
from tests import factories
from tests.orgs.conftest import SITE_URL, token_in

STRONG = "a long and unusual passphrase"


def accept_url(invitation: Invitation) -> str:
    return reverse("invitation_accept", args=[invitation_emails.invitation_token(invitation=invitation)])


def accept(client, url: str, **overrides):
    data = {"full_name": "Nina Newton", "password1": STRONG, "password2": STRONG} | overrides
    return client.post(url, data)


# --- Inviting ---------------------------------------------------------------------------------


def test_an_admin_invites_a_manager_and_the_email_carries_an_absolute_signed_link(
    client, cast, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(cast.adam.user)
    data = {
        "email": "Nina@Acme.test",
        "full_name": "Nina New",
        "role": "tlm",  # one choice: a manager, as a tech lead manager
        "team": cast.alice.team.pk,
        "manager_role_started_on": "2025-06-01",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("people_invite"), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("people")

    invitation = Invitation.objects.get(organisation=cast.acme)
    assert invitation.email == "nina@acme.test"
    assert (invitation.role, invitation.manager_role, invitation.team) == ("manager", "tlm", cast.alice.team)
    assert invitation.invited_by == cast.adam.user
    assert invitation.expires_at - invitation.created_at == pytest.approx(
        datetime.timedelta(days=7), abs=datetime.timedelta(seconds=5)
    )

    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["nina@acme.test"]
    assert "Acme" in email.subject
    assert "Hello Nina New" in email.body
    assert "tech lead manager" in email.body
    token = token_in(email.body)
    assert services.invitation_from_token(token=token) == invitation
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{SITE_URL}/invitations/' in html


def test_the_pending_invitation_is_listed_with_revoke_and_resend(client, cast, invitation):
    client.force_login(cast.adam.user)
    page = client.get(reverse("people")).content.decode()
    assert "nina@acme.test" in page
    assert reverse("invitation_revoke", args=[invitation.pk]) in page
    assert reverse("invitation_resend", args=[invitation.pk]) in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"role": ""}, "role", "This field is required."),
        ({"role": "manager"}, "role", "Select a valid choice."),  # the EM or TLM role is the choice
        ({"manager_role_started_on": ""}, "manager_role_started_on", "Enter the day this manager"),
        ({"manager_role_started_on": "2999-01-01"}, "manager_role_started_on", "in the future"),
        ({"email": "alice@acme.test"}, "email", "already a member"),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
    ],
)
def test_a_wrong_invitation_says_why_and_keeps_what_was_typed(
    client, cast, mailoutbox, django_capture_on_commit_callbacks, overrides, field, message
):
    client.force_login(cast.adam.user)
    data = {
        "email": "nina@acme.test",
        "full_name": "Nina New",
        "role": "tlm",
        "team": cast.alice.team.pk,
        "manager_role_started_on": "2025-06-01",
    } | overrides
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("people_invite"), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    page = response.content.decode()
    assert 'data-testid="error-summary"' in page
    assert 'value="Nina New"' in page
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_the_invite_form_asks_the_role_once(client, cast):
    client.force_login(cast.adam.user)
    form = client.get(reverse("people_invite")).context["form"]
    assert "manager_role" not in form.fields
    assert [label for value, label in form.fields["role"].choices if value] == [
        "Engineering manager", "Tech lead manager", "Report (a member of a team)", "HR", "Org admin",
    ]  # fmt: skip


def test_a_start_date_typed_before_choosing_a_role_other_than_manager_is_not_kept(client, cast):
    client.force_login(cast.adam.user)
    data = {"email": "hal@acme.test", "full_name": "Hal", "role": "hr", "manager_role_started_on": "2025-06-01"}
    assert client.post(reverse("people_invite"), data).status_code == 302
    invitation = Invitation.objects.get(email="hal@acme.test")
    assert (invitation.role, invitation.manager_role, invitation.manager_role_started_on) == ("hr", "", None)


def test_an_open_invitation_cannot_be_duplicated(client, cast, invitation):
    client.force_login(cast.adam.user)
    response = client.post(reverse("people_invite"), {"email": "NINA@acme.test", "full_name": "N", "role": "report"})
    assert response.status_code == 200
    assert "already has an open invitation" in response.content.decode()
    assert Invitation.objects.count() == 1


def test_the_team_must_be_one_of_the_organisations(client, cast):
    globex_team = factories.TeamFactory(organisation=cast.globex)
    client.force_login(cast.adam.user)
    response = client.post(
        reverse("people_invite"), {"email": "x@acme.test", "full_name": "X", "role": "report", "team": globex_team.pk}
    )
    assert response.status_code == 200
    assert "team" in response.context["form"].errors
    assert globex_team.name not in response.content.decode()
    assert not Invitation.objects.exists()


# --- The link ---------------------------------------------------------------------------------


def test_the_link_opens_a_form_with_the_name_filled_in(client, invitation):
    response = client.get(accept_url(invitation))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Nina New"' in page
    assert "nina@acme.test" in page
    assert 'type="password"' in page


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # signature changed
        lambda token: token.split(":")[0] + ":x:y",
        lambda token: "not-a-token",
        # a genuine signature, made for another purpose (another salt)
        lambda token: signing.dumps({"invitation": 1}),
        # correctly signed, but pointing at an invitation that does not exist
        lambda token: signing.dumps({"invitation": 999_999}, salt=invitation_emails.INVITATION_SALT),
        lambda token: signing.dumps(["invitation", 1], salt=invitation_emails.INVITATION_SALT),
    ],
)
def test_a_tampered_link_explains_itself(client, invitation, mangle):
    token = mangle(invitation_emails.invitation_token(invitation=invitation))
    response = client.get(reverse("invitation_accept", args=[token]))
    assert response.status_code == 404
    assert response.context["reason"] == "invalid"
    assert "This invitation link is not valid" in response.content.decode()
    response = accept(client, reverse("invitation_accept", args=[token]))
    assert response.status_code == 404
    assert not User.objects.filter(email="nina@acme.test").exists()


def test_the_link_expires_after_seven_days(invitation):
    token = invitation_emails.invitation_token(invitation=invitation)
    six_days_on = invitation.created_at + datetime.timedelta(days=6)
    assert services.invitation_from_token(token=token, now=six_days_on) == invitation
    with pytest.raises(services.InvitationUnavailable) as unavailable:
        services.invitation_from_token(token=token, now=invitation.expires_at + datetime.timedelta(seconds=1))
    assert unavailable.value.reason == services.Unavailable.EXPIRED


def test_an_expired_link_explains_itself_and_cannot_be_accepted(client, invitation):
    url = accept_url(invitation)
    eight_days_on = invitation.expires_at + datetime.timedelta(days=1)
    with mock.patch("django.utils.timezone.now", return_value=eight_days_on):
        response = client.get(url)
        assert response.status_code == 410
        assert "This invitation has expired" in response.content.decode()
        assert accept(client, url).status_code == 410
    assert not User.objects.filter(email="nina@acme.test").exists()


def test_a_link_signed_more_than_seven_days_ago_has_expired_whatever_the_database_says(client, invitation):
    eight_days_ago = time.time() - 8 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=eight_days_ago):
        old_token = invitation_emails.invitation_token(invitation=invitation)
    response = client.get(reverse("invitation_accept", args=[old_token]))
    assert response.status_code == 410
    assert response.context["reason"] == "expired"


def test_accepting_creates_the_person_logs_them_in_and_sends_them_home(client, cast, invitation):
    response = accept(client, accept_url(invitation))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")

    user = User.objects.get(email="nina@acme.test")
    assert user.full_name == "Nina Newton"
    assert user.check_password(STRONG)
    membership = user.membership
    assert membership.organisation == cast.acme
    assert (membership.role, membership.manager_role) == ("manager", "tlm")
    assert membership.manager_role_started_on == datetime.date(2025, 6, 1)
    assert membership.team == cast.alice.team
    assert int(client.session["_auth_user_id"]) == user.pk
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert client.get(reverse("home"))["Location"] == reverse("manager_home")


def test_the_link_works_once(client, invitation):
    url = accept_url(invitation)
    assert accept(client, url).status_code == 302
    client.logout()
    response = client.get(url)
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    response = accept(client, url, password1="another long passphrase", password2="another long passphrase")
    assert response.status_code == 410
    assert User.objects.get(email="nina@acme.test").check_password(STRONG)


def test_two_acceptances_at_the_same_moment_make_one_person(invitation):
    # Both requests read the invitation as open before either claimed it.
    first, second = Invitation.objects.get(pk=invitation.pk), Invitation.objects.get(pk=invitation.pk)
    services.invitation_accept(invitation=first, full_name="Nina", password=STRONG)
    with pytest.raises(services.InvitationUnavailable) as unavailable:
        services.invitation_accept(invitation=second, full_name="Impostor", password="something else entirely")
    assert unavailable.value.reason == services.Unavailable.USED
    assert Membership.objects.filter(user__email="nina@acme.test").count() == 1
    assert User.objects.get(email="nina@acme.test").full_name == "Nina"


@pytest.mark.parametrize(
    ("password1", "password2", "message"),
    [
        ("short", "short", "This password is too short"),
        ("1234567890123", "1234567890123", "This password is entirely numeric"),
        ("password1234", "password1234", "This password is too common"),
        (STRONG, STRONG + "!", "The two passwords are different"),
        ("nina@acme.test", "nina@acme.test", "too similar to the email address"),
    ],
)
def test_a_rejected_password_says_why_and_keeps_the_name(client, invitation, password1, password2, message):
    response = accept(client, accept_url(invitation), full_name="Nina Newton", password1=password1, password2=password2)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'data-testid="error-summary"' in page
    assert 'value="Nina Newton"' in page
    assert f'value="{password1}"' not in page  # passwords are never sent back
    assert not User.objects.filter(email="nina@acme.test").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_an_existing_account_joins_with_its_own_password_and_keeps_it(client, cast, invitation):
    existing = factories.UserFactory(email="nina@acme.test", full_name="N. New")
    url = accept_url(invitation)
    page = client.get(url).content.decode()
    assert "You already have an emassess account with" in page
    assert 'name="password1"' not in page  # no new password to choose: the account has one

    # The link alone (a new password, as a new person would choose) takes nothing over.
    refused = accept(client, url, password=STRONG)
    assert refused.status_code == 200
    assert "That is not the password of this account" in refused.content.decode()
    existing.refresh_from_db()
    assert not Membership.objects.filter(user=existing).exists()

    joined = client.post(url, {"password": factories.PASSWORD})
    assert joined.status_code == 302
    existing.refresh_from_db()
    assert existing.check_password(factories.PASSWORD)
    assert existing.full_name == "N. New"
    assert existing.membership.organisation == cast.acme
    assert User.objects.filter(email__iexact="nina@acme.test").count() == 1


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_operators_cannot_be_invited_nor_accept_an_old_invitation(client, cast, invitation, flag):
    factories.UserFactory(email="nina@acme.test", **{flag: True})
    response = client.get(accept_url(invitation))
    assert response.status_code == 409
    assert "This is an operator account" in response.content.decode()
    assert client.post(accept_url(invitation), {"password": factories.PASSWORD}).status_code == 409

    client.force_login(cast.adam.user)
    form = client.post(reverse("people_invite"), {"email": "NINA@acme.test", "full_name": "Nina", "role": "hr"})
    assert "belongs to an emassess operator account" in form.content.decode()


def test_resending_replaces_the_earlier_link(client, cast, invitation, mailoutbox, django_capture_on_commit_callbacks):
    old_url = accept_url(invitation)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.invitation_resend(invitation=invitation)
    new_url = re.search(r"https?://\S+(/invitations/\S+/)", mailoutbox[-1].body)[1]
    response = client.get(old_url)
    assert response.status_code == 410
    assert "A newer invitation link was sent" in response.content.decode()
    assert accept(client, old_url).status_code == 410
    assert accept(client, new_url).status_code == 302


def test_someone_who_belongs_to_another_organisation_is_told_and_refused(client, cast):
    invitation = services.invitation_create(
        organisation=cast.globex, invited_by=None, email="alice@acme.test", full_name="Alice", role="report"
    )
    url = accept_url(invitation)
    response = client.get(url)
    assert response.status_code == 409
    assert "You already belong to an organisation" in response.content.decode()
    assert accept(client, url).status_code == 409
    cast.alice.refresh_from_db()
    assert cast.alice.organisation == cast.acme
    assert cast.alice.user.check_password(factories.PASSWORD)
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_the_refusal_is_checked_again_when_accepting(cast, invitation):
    # The person joined another organisation after opening the page and before submitting it.
    factories.MembershipFactory(user__email="nina@acme.test", organisation=cast.globex)
    with pytest.raises(services.InvitationUnavailable) as unavailable:
        services.invitation_accept(invitation=invitation, full_name="Nina", password=STRONG)
    assert unavailable.value.reason == services.Unavailable.MEMBER_ELSEWHERE
    invitation.refresh_from_db()
    assert invitation.accepted_at is None  # the claim was undone with the rest


# --- Revoking and resending -------------------------------------------------------------------


def test_a_revoked_link_stops_working(client, cast, invitation):
    client.force_login(cast.adam.user)
    response = client.post(reverse("invitation_revoke", args=[invitation.pk]), follow=True)
    assert "is revoked" in response.content.decode()
    assert "nina@acme.test" not in [pending.email for pending in response.context["invitations"]]
    client.logout()
    response = client.get(accept_url(invitation))
    assert response.status_code == 410
    assert "This invitation was withdrawn" in response.content.decode()
    assert accept(client, accept_url(invitation)).status_code == 410
    assert not User.objects.filter(email="nina@acme.test").exists()


def test_revoking_twice_or_an_accepted_invitation_changes_nothing(client, cast, invitation):
    services.invitation_accept(invitation=invitation, full_name="Nina", password=STRONG)
    client.force_login(cast.adam.user)
    response = client.post(reverse("invitation_revoke", args=[invitation.pk]), follow=True)
    assert "was already accepted or revoked" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_an_invitation_revoked_before_its_email_went_out_is_not_sent(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            organisation=cast.acme, invited_by=cast.adam.user, email="late@acme.test", full_name="", role="hr"
        )
        services.invitation_revoke(invitation=invitation)
    assert mailoutbox == []


def test_resend_gives_an_expired_invitation_a_new_week_and_a_new_email(
    client, cast, invitation, mailoutbox, django_capture_on_commit_callbacks
):
    later = invitation.expires_at + datetime.timedelta(days=3)
    with mock.patch("django.utils.timezone.now", return_value=later):
        client.force_login(cast.adam.user)  # a session from ten days ago would have ended, idle
        assert "Expired</span>" in client.get(reverse("people")).content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("invitation_resend", args=[invitation.pk]), follow=True)
        assert "A new link is on its way to nina@acme.test" in response.content.decode()
        invitation.refresh_from_db()
        assert invitation.expires_at == later + invitation_emails.INVITATION_VALID_FOR
        assert len(mailoutbox) == 1
        token = token_in(mailoutbox[0].body)
        client.logout()
        assert client.get(reverse("invitation_accept", args=[token])).status_code == 200
        assert accept(client, reverse("invitation_accept", args=[token])).status_code == 302
    assert User.objects.filter(email="nina@acme.test", is_active=True).exists()


def test_resend_of_an_accepted_invitation_sends_nothing(client, cast, invitation, mailoutbox):
    services.invitation_accept(invitation=invitation, full_name="Nina", password=STRONG)
    client.force_login(cast.adam.user)
    response = client.post(reverse("invitation_resend", args=[invitation.pk]), follow=True)
    assert "was already accepted or revoked" in response.content.decode()
    assert mailoutbox == []


def test_the_email_states_the_expiry_in_the_organisations_time_zone(cast, invitation, mailoutbox):
    cast.acme.timezone = "Asia/Tokyo"
    cast.acme.save()
    invitation.expires_at = datetime.datetime(2026, 12, 1, 20, 0, tzinfo=datetime.UTC)
    invitation.save()
    invitation.refresh_from_db()
    assert invitation_emails.invitation_email_send(invitation=invitation) is True
    assert "2 December 2026, 05:00 (Asia/Tokyo)" in mailoutbox[0].body
    assert timezone.get_current_timezone_name() == "UTC"  # put back after rendering
