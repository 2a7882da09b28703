"""HR's "remind them now", posted with generated bodies: never a crash, nothing but manual
reminders (and their audit events) for this organisation's managers, each at most once."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from emassess.orgs.models import AuditEvent, Membership
from emassess.reminders.models import Reminder
from tests.fuzz.posting import FUZZ, no_crash, post, undone, world
from tests.fuzz.strategies import bodies

pytestmark = pytest.mark.fuzz


@FUZZ
@given(data=st.data(), kind=st.sampled_from(["not-started", "in-progress", "overdue", "no-such-list"]))
def test_remind_now(browser, cast, data, kind):
    gus = Membership.objects.get(user__email="gus@globex.test")
    ids = [str(m.pk) for m in (cast.alice, cast.carol, cast.bob, cast.hana, gus)]
    hr = browser(cast.hana.user)
    body = data.draw(bodies(["person", "page"], ids, valid={"person": ids[0], "page": "1"}), label="body")
    with undone(hr):
        before = world(Reminder)  # everything else stays as it was
        response = post(hr, reverse("follow_up_remind", args=[kind]), body)
        no_crash(response)
        if kind in ("not-started", "in-progress"):
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("follow_up", args=[kind]))
        else:
            assert response.status_code == 404
        assert world(Reminder) == before
        reminded = set(Reminder.objects.values_list("person_id", "kind", "period"))
        assert {person for person, _, _ in reminded} <= {cast.alice.pk, cast.carol.pk}  # Acme's managers only
        assert {kind for _, kind, _ in reminded} <= {"manual"}
        assert AuditEvent.objects.filter(action="reminder_requested").count() == len(reminded)
