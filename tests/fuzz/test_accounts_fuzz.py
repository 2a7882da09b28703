"""Logging in, posted generated addresses, passwords and `next` values."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from hypothesis import find, given, settings
from hypothesis import strategies as st

from emassess.accounts.emails import password_reset_url
from emassess.accounts.models import User
from tests.factories import PASSWORD
from tests.fuzz.posting import FUZZ, as_received, page_of, post, says_why, snapshot, undone, world
from tests.fuzz.strategies import any_case, bodies, emails, huge_texts, longer_than_any_column, texts

pytestmark = pytest.mark.fuzz

KNOWN = ["alice@acme.test", "bob@acme.test", "hana@acme.test", "sue@emassess.test", "gone@acme.test"]


def login_emails() -> st.SearchStrategy[str]:
    """What the login form's address is: a known one in any case, any address (on every database,
    some longer than the 255 characters django-axes stores), or a huge paste."""
    return st.one_of(st.just("alice@acme.test"), st.sampled_from(KNOWN).flatmap(any_case), emails(), huge_texts())


def test_the_login_fuzzing_tries_addresses_longer_than_axes_stores():
    """The login form's 500 on addresses over 255 characters hid from the fuzzing while it left them
    out on PostgreSQL: nothing may filter them out again (find() fails if none can be drawn)."""
    assert longer_than_any_column(
        find(login_emails(), longer_than_any_column, settings=settings(database=None, max_examples=2000))
    )


def test_logging_in_with_a_very_long_address_says_it_is_wrong(browser, cast):
    """Found by the fuzzing: on PostgreSQL, django-axes recorded the failed login's username in a
    varchar(255), so a valid address over 255 characters was a 500."""
    visitor = browser()
    response = post(visitor, reverse("login"), {"username": "a" * 250 + "@example.com", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct email address and password" in page_of(response)


@FUZZ
@given(data=st.data())
def test_the_login_form(browser, cast, data):
    visitor = browser()
    email = data.draw(login_emails(), label="email")
    padded = data.draw(st.sampled_from(["{}", " {} ", "\t{}\n"])).format(email)
    near_misses = st.sampled_from([PASSWORD.upper(), PASSWORD + " ", " " + PASSWORD, PASSWORD[:-1]])
    password = data.draw(st.one_of(st.just(PASSWORD), near_misses, texts(max_size=30), huge_texts()), label="password")
    following = data.draw(st.one_of(st.sampled_from(["/framework/", "//evil.test/", "https://evil.test/", "/\\evil",
                                                     "javascript:alert(1)"]), texts(max_size=20)))  # fmt: skip
    body = data.draw(bodies(["username", "password", "next"]), label="body")
    body |= {"username": padded, "password": password, "next": following}
    with undone(visitor):
        User.objects.filter(email="bob@acme.test").update(is_active=False)  # Bob has left: he cannot log in
        before = world()
        response = post(visitor, reverse("login"), body)
        # PostgreSQL refuses NUL in a query's text: no account can have such an address anyway.
        typed = email.strip().lower()
        can_log_in = "\x00" not in typed and User.objects.filter(email=typed, is_active=True).exists()
        if can_log_in and password == PASSWORD:
            assert response.status_code == 302
            location = response["Location"]  # where `next` says, but never off-site
            assert not urlsplit(location).netloc and not location.startswith(("//", "/\\", "\\")), location
            assert urlsplit(location).scheme == "", location
        else:
            assert response.status_code == 200
            assert says_why(response)
            assert "_auth_user_id" not in visitor.session
        assert world() == before


# ---------------------------------------------------------------------------------------------
# One's own account


@FUZZ
@given(data=st.data())
def test_the_my_account_form(browser, cast, data):
    alice = browser(cast.alice.user)
    body = data.draw(bodies(["full_name"], ["Alice Archer", "  ", ""], valid={"full_name": "Alice Archer"}))
    body |= data.draw(st.fixed_dictionaries({}, optional={"full_name": st.one_of(texts(max_size=160), huge_texts())}))
    received = as_received(body)
    with undone(alice):
        before, others = world(User), snapshot(User.objects.exclude(pk=cast.alice.user_id))
        response = post(alice, reverse("my_account"), body)
        if response.status_code == 302:
            assert User.objects.get(pk=cast.alice.user_id).full_name == received["full_name"].strip()
        else:
            assert response.status_code == 200
            assert says_why(response)
            assert User.objects.get(pk=cast.alice.user_id).full_name == "Alice Able"
        assert world(User) == before
        assert snapshot(User.objects.exclude(pk=cast.alice.user_id)) == others  # nobody else's name


NEW = "a long new passphrase 2026"


@FUZZ
@given(data=st.data())
def test_the_password_change_form(browser, cast, data):
    alice = browser(cast.alice.user)
    passwords = [PASSWORD, NEW, "short", "alice@acme.test", "1234567890123", ""]
    valid = {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}
    body = data.draw(bodies(["old_password", "new_password1", "new_password2"], passwords, valid=valid))
    received = as_received(body)
    with undone(alice):
        before = world(User)
        response = post(alice, reverse("password_change"), body)
        user = User.objects.get(pk=cast.alice.user_id)
        if response.status_code == 302:
            assert received["old_password"] == PASSWORD
            assert received["new_password1"] == received["new_password2"]
            assert user.check_password(received["new_password1"])
        else:
            assert response.status_code in (200, 429)  # 429: too many wrong current passwords
            assert says_why(response) or response.status_code == 429
            assert user.check_password(PASSWORD)
        assert world(User) == before


@FUZZ
@given(data=st.data())
def test_the_password_reset_forms(browser, cast, mailoutbox, data):
    visitor = browser()
    email = data.draw(st.one_of(st.sampled_from(KNOWN).flatmap(any_case), emails(), huge_texts()), label="email")
    body = data.draw(bodies(["email"]), label="body") | {"email": email}
    with undone(visitor):
        before = world()
        response = post(visitor, reverse("password_reset"), body)
        if response.status_code == 302:  # the same answer whoever the address belongs to
            assert response["Location"] == reverse("password_reset_done")
        else:
            assert response.status_code == 200
            assert says_why(response)
        assert world() == before
    # Then the new password itself, through Carol's link.
    valid = {"new_password1": NEW, "new_password2": NEW}
    passwords = [NEW, "short", "carol@acme.test", ""]
    chosen = data.draw(bodies(["new_password1", "new_password2"], passwords, valid=valid), label="passwords")
    received = as_received(chosen)
    with undone(visitor):
        link = password_reset_url(user=cast.carol.user).split("/accounts/", 1)[1]
        form = visitor.get("/accounts/" + link, follow=True)
        before = world(User)
        response = post(visitor, form.redirect_chain[-1][0], chosen)
        carol = User.objects.get(pk=cast.carol.user_id)
        if response.status_code == 302:
            assert response["Location"] == reverse("password_reset_complete")
            assert received["new_password1"] == received["new_password2"]
            assert carol.check_password(received["new_password1"])
        else:
            assert response.status_code == 200
            assert says_why(response)
            assert carol.check_password(PASSWORD)
        assert world(User) == before
