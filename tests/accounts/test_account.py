"""A new password by email, and the My account page (name and password)."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.factories import PASSWORD

SITE_URL = "https://emassess.example.com"
RESET_LINK = re.compile(re.escape(SITE_URL) + r"(/accounts/password-reset/[^/\s]+/[^/\s]+/)")
NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture(autouse=True)
def _site_url(settings):
    # Not the development default, so a link built from anything but SITE_URL shows up.
    settings.SITE_URL = SITE_URL


def ask_for_reset(client, email, capture):
    with capture(execute=True):
        return client.post(reverse("password_reset"), {"email": email})


def link_in(message) -> str:
    (text,) = RESET_LINK.findall(message.body)
    assert set(RESET_LINK.findall(message.alternatives[0][0])) == {text}
    return text


def test_a_reset_email_goes_to_the_account_and_its_link_sets_a_new_password(
    client, cast, mailoutbox, django_capture_on_commit_callbacks
):
    response = ask_for_reset(client, "Alice@ACME.test", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    (message,) = mailoutbox
    assert message.to == ["alice@acme.test"]
    assert message.subject == "Choose a new password for emassess"
    assert "works once, for 24 hours" in message.body

    link = link_in(message)
    form_page = client.get(link, follow=True)
    assert 'name="new_password1"' in form_page.content.decode()
    set_password_url = form_page.redirect_chain[-1][0]  # Django moves the token out of the address
    response = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == reverse("password_reset_complete")

    cast.alice.user.refresh_from_db()
    assert cast.alice.user.check_password(NEW_PASSWORD)
    assert not cast.alice.user.check_password(PASSWORD)
    # Used once, the link is spent.
    again = client.get(link, follow=True).content.decode()
    assert 'data-testid="reset-link-invalid"' in again


def test_the_page_after_asking_is_the_same_whether_or_not_the_address_has_an_account(
    client, cast, mailoutbox, django_capture_on_commit_callbacks
):
    known = ask_for_reset(client, "alice@acme.test", django_capture_on_commit_callbacks)
    unknown = ask_for_reset(client, "nobody@acme.test", django_capture_on_commit_callbacks)
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert [message.to for message in mailoutbox] == [["alice@acme.test"]]
    page = client.get(reverse("password_reset_done")).content.decode()
    assert "If an account uses that address" in page


def test_a_deactivated_person_gets_no_reset_email(client, cast, mailoutbox, django_capture_on_commit_callbacks):
    cast.bob.user.is_active = False
    cast.bob.user.save()
    response = ask_for_reset(client, "bob@acme.test", django_capture_on_commit_callbacks)
    assert response["Location"] == reverse("password_reset_done")
    assert mailoutbox == []


def test_a_bad_address_is_explained_and_kept(client, db, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "not an address"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="error-summary"' in page
    assert "Enter a valid email address." in page
    assert 'value="not an address"' in page


def test_a_tampered_link_is_explained(client, cast):
    page = client.get("/accounts/password-reset/MQ/nonsense-token/", follow=True).content.decode()
    assert 'data-testid="reset-link-invalid"' in page


def test_a_new_password_by_email_lifts_the_lockout_of_that_address(
    client, cast, settings, mailoutbox, django_capture_on_commit_callbacks
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "alice@acme.test", "password": "wrong"})
    locked = client.post(reverse("login"), {"username": "alice@acme.test", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert locked.status_code == 429

    ask_for_reset(client, "alice@acme.test", django_capture_on_commit_callbacks)
    set_password_url = client.get(link_in(mailoutbox[0]), follow=True).redirect_chain[-1][0]
    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    response = client.post(reverse("login"), {"username": "alice@acme.test", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(cast.alice.user.pk)


def test_a_weak_new_password_is_refused_with_the_reason(client, cast, mailoutbox, django_capture_on_commit_callbacks):
    ask_for_reset(client, "alice@acme.test", django_capture_on_commit_callbacks)
    set_password_url = client.get(link_in(mailoutbox[0]), follow=True).redirect_chain[-1][0]
    response = client.post(set_password_url, {"new_password1": "short", "new_password2": "short"})
    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()
    cast.alice.user.refresh_from_db()
    assert cast.alice.user.check_password(PASSWORD)


# ---------------------------------------------------------------------------------------------
# My account


def test_my_account_changes_the_name(alice_client, cast):
    response = alice_client.post(reverse("my_account"), {"full_name": "  Alice Archer "})
    assert response["Location"] == reverse("my_account")
    cast.alice.user.refresh_from_db()
    assert cast.alice.user.full_name == "Alice Archer"
    assert "Alice Archer" in alice_client.get(reverse("my_account")).content.decode()


def test_an_empty_name_is_refused_and_nothing_changes(alice_client, cast):
    response = alice_client.post(reverse("my_account"), {"full_name": "   "})
    assert response.status_code == 200
    assert 'data-testid="error-summary"' in response.content.decode()
    cast.alice.user.refresh_from_db()
    assert cast.alice.user.full_name == "Alice Able"


def test_changing_the_password_keeps_this_session_and_needs_the_current_one(alice_client, cast):
    data = {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    response = alice_client.post(reverse("password_change"), data)
    assert response["Location"] == reverse("my_account")
    cast.alice.user.refresh_from_db()
    assert cast.alice.user.check_password(NEW_PASSWORD)
    assert alice_client.get(reverse("manager_home")).status_code == 200  # still logged in here


def test_a_wrong_current_password_is_explained_and_counts_as_a_failed_login(alice_client, cast):
    data = {"old_password": "not it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    response = alice_client.post(reverse("password_change"), data)
    assert response.status_code == 200
    assert "That is not your current password." in response.content.decode()
    assert AccessAttempt.objects.get(username="alice@acme.test").failures_since_start == 1
    cast.alice.user.refresh_from_db()
    assert cast.alice.user.check_password(PASSWORD)


def test_guessing_the_current_password_is_locked_out_like_a_login(alice_client, cast, settings):
    data = {"old_password": "not it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        alice_client.post(reverse("password_change"), data)
    data["old_password"] = PASSWORD
    response = alice_client.post(reverse("password_change"), data)
    assert response.status_code == 429
    cast.alice.user.refresh_from_db()
    assert cast.alice.user.check_password(PASSWORD)


def test_the_navigation_links_to_my_account(alice_client):
    assert f'href="{reverse("my_account")}"' in alice_client.get(reverse("manager_home")).content.decode()
