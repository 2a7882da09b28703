"""Logging in with an email address, and out again."""

from django.urls import reverse

from tests.factories import PASSWORD


def test_log_in_with_email_in_any_case_lands_on_the_role_home(client, cast):
    response = client.post(reverse("login"), {"username": "ALICE@Acme.test", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("manager_home")
    assert b"Alice" in response.content


def test_a_wrong_password_says_so_and_keeps_the_email(client, cast):
    response = client.post(reverse("login"), {"username": "alice@acme.test", "password": "wrong"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please enter a correct email address and password" in page
    assert 'value="alice@acme.test"' in page


def test_an_empty_form_names_each_missing_field(client, db):
    response = client.post(reverse("login"), {"username": "", "password": ""})
    assert response.status_code == 200
    assert response.content.decode().count("This field is required.") == 2


def test_a_deactivated_person_cannot_log_in(client, cast):
    cast.alice.user.is_active = False
    cast.alice.user.save()
    response = client.post(reverse("login"), {"username": "alice@acme.test", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_log_out_is_a_post_and_ends_the_session(client, cast):
    client.force_login(cast.hana.user)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert client.get(reverse("organisation_home")).status_code == 302


def test_next_is_honoured_after_login(client, cast):
    response = client.post(
        reverse("login") + "?next=/framework/",
        {"username": "bob@acme.test", "password": PASSWORD, "next": "/framework/"},
    )
    assert response["Location"] == "/framework/"


def test_repeated_wrong_passwords_lock_the_email_out_from_that_address(client, cast, settings):
    url = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(url, {"username": "alice@acme.test", "password": "guess"})
        assert response.status_code == 200
    locked = client.post(url, {"username": "alice@acme.test", "password": "guess"})
    assert locked.status_code == 429
    assert b"Too many failed attempts" in locked.content
    # Even the right password is refused while locked out.
    assert client.post(url, {"username": "alice@acme.test", "password": PASSWORD}).status_code == 429
    assert "_auth_user_id" not in client.session
    # Another person logging in from the same address is not affected.
    assert client.post(url, {"username": "bob@acme.test", "password": PASSWORD}).status_code == 302


def test_every_page_carries_a_content_security_policy_without_inline_script(client, cast):
    client.force_login(cast.alice.user)
    for url in (reverse("login"), reverse("manager_home"), reverse("framework_guide")):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert "<script>" not in response.content.decode()  # every script is a file
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
