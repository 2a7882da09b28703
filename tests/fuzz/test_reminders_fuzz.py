"""The reminders' unsubscribe link, opened and posted with generated tokens and bodies."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emassess.orgs.models import Membership
from tests.fuzz.posting import FUZZ, link, no_crash, page_of, post, snapshot, undone, world
from tests.fuzz.strategies import bodies, tokens

pytestmark = pytest.mark.fuzz


@FUZZ
@given(data=st.data(), method=st.sampled_from(["get", "post"]))
def test_the_unsubscribe_link(browser, cast, data, method):
    from emassess.reminders.services import UNSUBSCRIBE_SALT, unsubscribe_token

    real = unsubscribe_token(membership=cast.alice)
    # A mail client's one-click unsubscribe (RFC 8058) posts without a CSRF token: the view is
    # exempt on purpose, so this client enforces CSRF to prove it.
    visitor = browser(enforce_csrf_checks=True)
    token = data.draw(st.one_of(st.just(real), tokens(real, UNSUBSCRIBE_SALT, cast.sue.pk + 1000)), label="token")
    body = data.draw(bodies(["List-Unsubscribe", "membership"]), label="body")
    with undone(visitor):
        before, others = world(Membership), snapshot(Membership.objects.exclude(pk=cast.alice.pk))
        url = link("reminders_unsubscribe", token)
        response = post(visitor, url, body) if method == "post" else visitor.get(url)
        no_crash(response)
        alice = Membership.objects.get(pk=cast.alice.pk)
        if token != real:
            assert response.status_code == 404
            assert "This link does not work" in page_of(response)
            assert alice.nudges_unsubscribed_at is None
        else:
            assert response.status_code == 200
            assert (alice.nudges_unsubscribed_at is not None) == (method == "post")
        assert snapshot(Membership.objects.exclude(pk=cast.alice.pk)) == others
        assert world(Membership) == before
