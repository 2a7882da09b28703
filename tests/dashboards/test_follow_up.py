"""HR's follow-up for this cycle: who has not started and who is in progress, by name and paged,
and "remind them now": one manual reminder per person and cycle, through the outbox, audited."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from emassess.assessments.services import assessment_start
from emassess.orgs.models import AuditEvent
from emassess.reminders.models import Reminder
from emassess.reminders.services import nudges_unsubscribe
from tests import factories


def from_the_list_on(page: str) -> str:
    """The page from the list to its end, with its forms' CSRF tokens blanked: a random 64-character
    token once held "Gus" (a 3-letter word is in about 1 token in 4,000), so a search of the raw
    page can fail."""
    rest = page.split('data-testid="follow-up-list"')[1]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken" value=""', rest)


def names_in(page: str) -> set[str]:
    """The names in the list's row headers."""
    table = from_the_list_on(page).split("</table>")[0]
    return set(re.findall(r'<th scope="row"[^>]*>([^<]+)</th>', table))


@pytest.fixture
def dora(cast, submit):
    """Dora has completed 2026-Q4 (TODAY is in it); Carol has a draft; Alice has not started."""
    dora = factories.ManagerFactory(organisation=cast.acme, team=cast.alice.team, user__full_name="Dora Done")
    submit(dora, "2026-Q4", behaviour={"weekend-warrior": 4})
    assessment_start(manager=cast.carol)
    return dora


def remind(client, kind: str, *people, page: str = "1"):
    return client.post(reverse("follow_up_remind", args=[kind]), {"person": [p.pk for p in people], "page": page},
                       follow=True)  # fmt: skip


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_lists_name_who_has_not_started_and_who_is_in_progress(hr, cast, dora):
    not_started = hr.get(reverse("follow_up", args=["not-started"])).content.decode()
    assert names_in(not_started) == {"Alice Able"}
    assert "due by 31 December 2026" in not_started
    in_progress = hr.get(reverse("follow_up", args=["in-progress"])).content.decode()
    assert names_in(in_progress) == {"Carol Cole"}
    overview = hr.get(reverse("organisation_home")).content.decode()
    assert reverse("follow_up", args=["not-started"]) in overview
    assert reverse("follow_up", args=["in-progress"]) in overview


def test_the_lists_say_who_not_what_they_answered(hr, cast, dora, submit):
    submit(cast.alice, "2026-Q3", behaviour={"weekend-warrior": 4})  # an earlier result: she is not started in Q4
    for kind in ("not-started", "in-progress"):
        page = hr.get(reverse("follow_up", args=[kind])).content.decode()
        for word in ("Weekend Warrior", "watch", "high", "archetype", "Delivery", "TLM"):
            assert word not in from_the_list_on(page), (kind, word)


def test_the_lists_are_paged(hr, cast, managers_in):
    managers_in(cast.alice.team, 60)
    first = hr.get(reverse("follow_up", args=["not-started"])).content.decode()
    assert "62 managers, live." in first and "Page 1 of 2" in first
    assert first.count('name="person"') == 2 * 50  # a button each and "remind the 50 on this page"
    second = hr.get(reverse("follow_up", args=["not-started"]), {"page": 2}).content.decode()
    assert second.count('name="person"') == 2 * 12


def test_remind_now_sends_one_email_with_the_due_date_and_records_it(
    hr, cast, dora, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = remind(hr, "not-started", cast.alice)
    assert response.redirect_chain[-1][0] == reverse("follow_up", args=["not-started"]) + "?page=1"
    assert messages_of(response) == [
        "Reminder on its way to Alice Able: their 2026-Q4 self-assessment is due by 31 December 2026."
    ]
    assert [m.to for m in mail.outbox] == [["alice@acme.test"]]
    message = mail.outbox[0]
    assert message.subject == "Your 2026-Q4 self-assessment is due by 31 December"
    assert "Due by Thursday 31 December 2026" in message.body
    assert "Due by Thursday 31 December 2026" in message.alternatives[0][0]
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    reminder = Reminder.objects.get(kind="manual")
    assert (reminder.person, reminder.period, reminder.status) == (cast.alice, "2026-Q4", "sent")
    event = AuditEvent.objects.get(action="reminder_requested")
    assert (event.actor, event.subject, event.detail) == (cast.hana.user, cast.alice, {"cycle": "2026-Q4"})
    page = response.content.decode()
    assert "Reminded this cycle" in page.split(f'data-testid="reminder-{cast.alice.pk}"')[1].split("</td>")[0]


def test_a_second_reminder_in_the_cycle_is_refused_with_a_clear_message(
    client, cast, dora, django_capture_on_commit_callbacks
):
    client.force_login(cast.hana.user)
    with django_capture_on_commit_callbacks(execute=True):
        remind(client, "not-started", cast.alice)
    client.force_login(cast.adam.user)  # another person of HR's side, the same cycle
    with django_capture_on_commit_callbacks(execute=True):
        response = remind(client, "not-started", cast.alice)
    assert messages_of(response) == ["No reminder to Alice Able: already reminded this cycle."]
    assert len(mail.outbox) == 1
    assert Reminder.objects.filter(kind="manual").count() == 1
    assert AuditEvent.objects.filter(action="reminder_requested").count() == 1


def test_remind_everyone_on_the_page_skips_those_reminded(hr, cast, dora, django_capture_on_commit_callbacks):
    extra = factories.ManagerFactory(organisation=cast.acme, team=cast.alice.team, user__full_name="Eve Extra")
    with django_capture_on_commit_callbacks(execute=True):
        remind(hr, "not-started", cast.alice)
    page = hr.get(reverse("follow_up", args=["not-started"])).content.decode()
    form = page.split('data-testid="remind-page"')[1].split("</form>")[0]
    assert f'name="person" value="{extra.pk}"' in form and f'name="person" value="{cast.alice.pk}"' not in form
    with django_capture_on_commit_callbacks(execute=True):
        response = remind(hr, "not-started", cast.alice, extra)
    assert messages_of(response) == [
        "Reminder on its way to Eve Extra: their 2026-Q4 self-assessment is due by 31 December 2026.",
        "No reminder to Alice Able: already reminded this cycle.",
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@acme.test", extra.user.email]


def test_nobody_done_opted_out_or_of_another_organisation_is_reminded(
    hr, cast, dora, django_capture_on_commit_callbacks
):
    nudges_unsubscribe(membership=cast.carol)
    gus = cast.globex.memberships.get(user__email="gus@globex.test")
    with django_capture_on_commit_callbacks(execute=True):
        response = remind(hr, "in-progress", dora, cast.carol, gus, cast.bob)
    assert messages_of(response) == [
        "No reminder to Carol Cole: opted out of reminders.",
        "No reminder to Dora Done: has completed this cycle.",
        "2 of the people chosen are not managers expected to complete 2026-Q4 in your organisation: "
        "they were not reminded.",
    ]
    assert not mail.outbox and not Reminder.objects.exists()
    assert not AuditEvent.objects.filter(action="reminder_requested").exists()


def test_remind_with_nobody_chosen_says_so(hr, cast):
    response = hr.post(reverse("follow_up_remind", args=["not-started"]), {"person": ["x"]}, follow=True)
    assert messages_of(response) == ["Choose who to remind: nobody was chosen."]
    assert not Reminder.objects.exists()


def test_remind_is_post_only_and_only_for_this_cycles_lists(hr, cast):
    assert hr.get(reverse("follow_up_remind", args=["not-started"])).status_code == 405
    assert hr.post(reverse("follow_up_remind", args=["overdue"]), {"person": cast.alice.pk}).status_code == 404
    assert not Reminder.objects.exists()


def test_a_manual_reminder_is_skipped_if_they_complete_before_it_goes(hr, cast, submit):
    # Recorded, then the manager submits before the worker sends it (no on-commit run here).
    remind(hr, "not-started", cast.alice)
    submit(cast.alice, "2026-Q4", day=60)
    from emassess.reminders.services import reminder_send

    assert reminder_send(reminder_id=Reminder.objects.get(kind="manual").pk).status == "skipped"
    assert not mail.outbox
