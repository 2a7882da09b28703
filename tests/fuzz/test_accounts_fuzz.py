"""Logging in, posted generated addresses, passwords and `next` values."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from hypothesis import find, given, settings
from hypothesis import strategies as st

from emassess.accounts.models import User
from tests.factories import PASSWORD
from tests.fuzz.posting import FUZZ, page_of, post, says_why, undone, world
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
