"""The upward-feedback survey, posted generated data: a post either stores one complete response of
Bob's about Alice, every answer on the scale or "I don't know", or says why and stores nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from emassess.feedback.models import Response
from emassess.feedback.survey import DONT_KNOW
from tests.fuzz.posting import FUZZ, as_received, no_crash, post, says_why, undone, world
from tests.fuzz.strategies import bodies

pytestmark = pytest.mark.fuzz

ANSWERS = ["0", "1", "2", "3", "4", DONT_KNOW]


@FUZZ
@given(data=st.data())
def test_the_survey_form(browser, cast, survey, data):
    bob = browser(cast.bob.user)
    ids = [item["id"] for item in survey.items]
    valid = {item_id: data.draw(st.sampled_from(ANSWERS)) for item_id in ids}
    body = data.draw(bodies(ids, ANSWERS, valid=valid), label="body")
    received = as_received(body)
    with undone(bob):
        before = world(Response)
        response = post(bob, reverse("feedback_survey"), body)
        if response.status_code == 302:
            assert response["Location"] == reverse("report_home")
            stored = Response.objects.get()
            assert (stored.report, stored.manager, stored.version) == (cast.bob, cast.alice, survey)
            assert set(stored.answers) == set(ids)  # the items, nothing else posted
            for item_id in ids:
                expected = received[item_id]
                assert stored.answers[item_id] == (expected if expected == DONT_KNOW else int(expected))
            no_crash(bob.get(response["Location"]))
        else:
            assert response.status_code == 200
            assert says_why(response)
            assert not Response.objects.exists()
        assert world(Response) == before  # nothing else changed, either way
