"""Erasing a person who left, posted generated confirmations and ids."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from emassess.accounts.models import User
from emassess.orgs.models import Membership
from tests.fuzz.posting import FUZZ, post, says_why, snapshot, undone, world
from tests.fuzz.strategies import any_case, bodies, emails

pytestmark = pytest.mark.fuzz


@FUZZ
@given(who=st.one_of(st.sampled_from(["alice", "bob", "adam", "gina"]), st.just("bob"), st.integers(0, 10**9)),
       data=st.data())  # fmt: skip
def test_erasing_a_person(browser, cast, draft, who, data):
    """Only someone who has left, named by their email typed again, is erased; anything else
    erases nothing and says why."""
    adam = browser(cast.adam.user)
    pk = getattr(cast, who).pk if isinstance(who, str) else who
    typed = data.draw(
        st.one_of(st.just("bob@acme.test"), st.sampled_from(["bob@acme.test", "alice@acme.test"]).flatmap(any_case),
                  st.sampled_from([" bob@acme.test ", "bob@acme.test\n", "adam@acme.test", ""]), emails()),
        label="confirm_email",
    )  # fmt: skip
    body = data.draw(bodies(["confirm_email"]), label="body") | {"confirm_email": typed}
    with undone(adam):
        User.objects.filter(pk=cast.bob.user_id).update(is_active=False)  # Bob has left
        person = Membership.objects.filter(pk=pk, organisation=cast.acme).select_related("user").first()
        before, rest = world(), world(User, Membership)
        others = snapshot(Membership.objects.exclude(pk=pk)), snapshot(User.objects.exclude(membership__pk=pk))
        response = post(adam, reverse("person_erase", args=[pk]), body)
        if person is None:  # another organisation's person, or nobody
            assert response.status_code == 404
        elif response.status_code == 302:
            assert response["Location"] == reverse("people")
            assert person.pk == cast.bob.pk and typed.strip().lower() == "bob@acme.test"
            assert not User.objects.filter(pk=person.user_id).exists()  # and with it the membership
            assert (snapshot(Membership.objects.all()), snapshot(User.objects.all())) == others
            assert world(User, Membership) == rest  # Bob had no answers; nobody else's changed
            return
        else:
            assert response.status_code == 200
            assert says_why(response)
        assert world() == before
