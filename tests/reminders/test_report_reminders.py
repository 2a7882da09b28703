"""Reports' reminders about the upward-feedback survey (issue 12 item 6): an invitation when the
cycle opens and one nudge, the managers' timing, through the same outbox; never to someone who
answered; never listed for HR, where whom a nudge went to would say who had not answered."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from emassess.feedback.selectors import answering_reports, manager_to_answer_about
from emassess.orgs.models import Membership, Organisation
from emassess.reminders.due import ReportFacts, report_reminders_for
from emassess.reminders.models import Reminder
from emassess.reminders.services import reminder_send, reminders_dispatch
from tests import factories
from tests.feedback.conftest import answers_of
from tests.helpers import at
from tests.reminders.conftest import Q4, send_invitations

D = datetime.date


def kinds(due) -> list[str]:
    return [d.kind for d in due]


def report_facts(**overrides) -> ReportFacts:
    values = {"membership_id": 7, "email": "bob@acme.test", "answered_this_cycle": False,
              "nudges_unsubscribed": False} | overrides  # fmt: skip
    return ReportFacts(**values)


def test_the_invitation_then_one_nudge_the_configured_days_after_it():
    def due(facts, day):
        return kinds(report_reminders_for(facts, cycle=Q4, nudge_after_days=14, today=day))

    assert due(report_facts(), D(2026, 10, 1)) == ["feedback_open"]  # the nudge waits for the invitation to go
    invited = report_facts(invited_on=D(2026, 10, 1))
    assert due(invited, D(2026, 10, 14)) == ["feedback_open"]
    assert due(invited, D(2026, 10, 15)) == ["feedback_open", "feedback_nudge"]
    assert due(report_facts(invited_on=D(2026, 10, 1), nudges_unsubscribed=True), D(2026, 11, 1)) == ["feedback_open"]
    assert due(report_facts(invited_on=D(2026, 10, 1), answered_this_cycle=True), D(2026, 11, 1)) == []


pytestmark = pytest.mark.django_db


@pytest.fixture
def with_survey(cast, survey):
    """Acme's Bob reports to Alice; the survey is published."""
    return survey


@pytest.fixture
def answer(survey):
    """answer(report, "2026-10-05"): the report answers the survey about their manager that day."""
    from emassess.feedback.services import response_submit

    return lambda report, day: response_submit(report=report, answers=answers_of(survey), now=at(day))


def feedback_mail(to: str) -> list:
    return [m for m in mail.outbox if m.to == [to] and "how 2026-Q4 went" in m.subject]


def send_due(day: str) -> list[str]:
    now = at(day)
    return [reminder_send(reminder_id=pk, now=now).status for pk in reminders_dispatch(now=now).claimed]


def test_a_report_is_invited_when_the_cycle_opens_and_nudged_once(cast, with_survey, settings):
    settings.SITE_URL = "https://emassess.example.com"
    send_due("2026-10-01")
    send_due("2026-10-20")  # 19 days after the invitation: past the default 14
    send_due("2026-10-21")  # and a later run sends nothing more
    invitation, nudge = feedback_mail("bob@acme.test")
    assert invitation.subject == "Tell Alice Able how 2026-Q4 went"
    assert nudge.subject == "A reminder: tell Alice Able how 2026-Q4 went"
    for message in (invitation, nudge):
        html = message.alternatives[0][0]
        assert "Due by Thursday 31 December 2026, the last day of 2026-Q4." in message.body
        assert "Due by Thursday 31 December 2026</strong>, the last day of 2026-Q4." in html
        assert "https://emassess.example.com/feedback/" in message.body
        assert 'href="https://emassess.example.com/feedback/"' in html
        for text in (message.body, html):
            assert "Alice Able never sees your answers, nor whether you answered" in text
            assert "only if at least 3 of their reports answered" in text
            assert "HR sees only figures over several managers" not in text  # the managers' wording
    assert "List-Unsubscribe" not in invitation.extra_headers
    unsubscribe = nudge.extra_headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith("https://emassess.example.com/reminders/unsubscribe/")
    assert unsubscribe in nudge.body and unsubscribe in nudge.alternatives[0][0]
    assert nudge.extra_headers["Message-ID"] != invitation.extra_headers["Message-ID"]
    assert sorted(Reminder.objects.filter(person=cast.bob).values_list("kind", "period", "status")) == [
        ("feedback_nudge", "2026-Q4", "sent"), ("feedback_open", "2026-Q4", "sent"),
    ]  # fmt: skip


def test_no_nudge_for_a_report_who_answered(cast, with_survey, answer):
    send_invitations("2026-10-01")
    answer(cast.bob, "2026-10-05")
    mail.outbox.clear()
    send_due("2026-10-20")
    assert feedback_mail("bob@acme.test") == []
    assert not Reminder.objects.filter(kind="feedback_nudge").exists()  # not even recorded


def test_an_answer_between_recording_and_sending_skips_the_reminder(cast, with_survey, answer):
    send_invitations("2026-10-01")
    mail.outbox.clear()
    report = reminders_dispatch(now=at("2026-10-20"))
    answer(cast.bob, "2026-10-20")
    for pk in report.claimed:
        reminder_send(reminder_id=pk, now=at("2026-10-20"))
    nudge = Reminder.objects.get(kind="feedback_nudge")
    assert (nudge.status, nudge.last_error) == ("skipped", "Already answered this cycle.")
    assert feedback_mail("bob@acme.test") == []


def test_an_unsubscribed_report_gets_the_invitation_but_no_nudge(client, cast, with_survey):
    from emassess.reminders.services import unsubscribe_token

    send_invitations("2026-10-01")
    client.post(reverse("reminders_unsubscribe", args=[unsubscribe_token(membership=cast.bob)]))
    mail.outbox.clear()
    send_due("2026-10-20")
    assert feedback_mail("bob@acme.test") == []


def test_nothing_for_a_report_whose_manager_left_or_has_no_survey(cast, survey):
    cast.alice.user.is_active = False
    cast.alice.user.save()
    send_due("2026-10-01")
    assert not Reminder.objects.filter(person=cast.bob).exists()


def test_nothing_before_a_survey_is_published(cast):
    send_due("2026-10-01")
    assert not Reminder.objects.filter(person=cast.bob).exists()
    assert Reminder.objects.filter(person=cast.alice, kind="cycle_open").exists()  # the managers' as before


def test_a_report_who_moved_to_another_manager_is_reminded_about_the_new_one(cast, with_survey, answer):
    """Bob answered about Alice, then moved to Carol: the survey about Carol is still to answer."""
    send_invitations("2026-10-01")
    answer(cast.bob, "2026-10-05")
    Membership.objects.filter(pk=cast.bob.pk).update(reports_to=cast.carol)
    mail.outbox.clear()
    send_due("2026-10-20")
    assert [m.subject for m in feedback_mail("bob@acme.test")] == ["A reminder: tell Carol Cole how 2026-Q4 went"]


def test_a_report_deactivated_between_recording_and_sending_is_skipped(cast, with_survey):
    report = reminders_dispatch(now=at("2026-10-01"))
    cast.bob.user.is_active = False
    cast.bob.user.save()
    for pk in report.claimed:
        reminder_send(reminder_id=pk, now=at("2026-10-01"))
    invitation = Reminder.objects.get(person=cast.bob)
    assert invitation.status == "skipped"
    assert invitation.last_error == "No longer a report with a manager to answer about."


def test_hr_never_sees_the_reports_survey_reminders(client, cast, with_survey):
    send_invitations("2026-10-01")
    send_due("2026-10-20")
    assert Reminder.objects.filter(person=cast.bob).count() == 2
    for person in (cast.hana, cast.adam):
        client.force_login(person.user)
        for query in ({}, {"kind": "feedback_nudge"}, {"kind": "feedback_open"}, {"status": "sent"}):
            page = client.get(reverse("reminder_outbox"), query).content.decode()
            assert "bob@acme.test" not in page and "Bob Brown" not in page, query
            assert "Upward feedback" not in page
        page = client.get(reverse("reminder_outbox")).content.decode()
        assert "alice@acme.test" in page  # the managers' reminders, as before
        assert "are not listed: whom a nudge went to" in page
        # The status counts leave them out too: Alice's and Carol's invitations and nudges.
        assert page.count("<tr><td>") == 4


def test_answering_reports_is_the_same_rule_as_manager_to_answer_about(cast):
    """The one query the dispatcher uses and the per-person rule the survey page uses agree on
    everyone: reports of active managers, of a left manager, of HR, of nobody; a manager reporting
    to a manager; a report who has left."""
    acme = cast.acme
    left_manager = factories.ManagerFactory(organisation=acme, user__is_active=False)
    people = [
        cast.bob,
        factories.MembershipFactory(organisation=acme, reports_to=left_manager),
        factories.MembershipFactory(organisation=acme, reports_to=cast.hana),
        factories.MembershipFactory(organisation=acme),
        factories.ManagerFactory(organisation=acme, reports_to=cast.carol),
        factories.MembershipFactory(organisation=acme, reports_to=cast.carol, user__is_active=False),
        factories.MembershipFactory(organisation=acme, reports_to=cast.carol),
    ]
    chosen = set(answering_reports(organisation=Organisation.objects.get(pk=acme.pk)).values_list("pk", flat=True))
    for person in people:
        expected = manager_to_answer_about(report=person) is not None and person.user.is_active
        assert (person.pk in chosen) == expected, person
    assert chosen == {people[0].pk, people[6].pk}


def test_a_report_is_reminded_in_the_organisations_own_cycle(cast, with_survey):
    """A half-yearly organisation: the survey's period is the half year."""
    Organisation.objects.filter(pk=cast.acme.pk).update(cadence_months=6)
    send_due("2026-07-01")
    assert Reminder.objects.get(person=cast.bob).period == "2026-H2"


def test_the_command_does_not_print_which_reports_are_reminded(cast, with_survey, time_machine):
    # A nudge goes to those who have not answered: their addresses in the output would say who.
    time_machine.move_to(at("2026-10-20"))
    out = io.StringIO()
    call_command("send_due_reminders", "--date", "2026-10-01", stdout=out)
    call_command("send_due_reminders", "--date", "2026-10-20", "--dry-run", stdout=out)
    printed = out.getvalue()
    assert "feedback_open" in printed and "feedback_nudge" in printed and "a report" in printed
    assert "bob@acme.test" not in printed
    assert "alice@acme.test" in printed  # a manager's own reminder still names them
