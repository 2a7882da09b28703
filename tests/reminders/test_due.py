"""Who is due which reminder, and when: cycle boundaries in the organisation's time zone, the
nudge, and the role reviews' anniversaries."""

import datetime

import pytest

from emassess.assessments.services import assessment_reopen
from emassess.orgs.cycles import cycle_containing
from emassess.reminders.due import ManagerFacts, due_reminders, reminders_for
from emassess.reminders.models import Reminder
from emassess.reminders.services import reminders_dispatch
from emassess.reviews.selectors import due_review_year
from tests.reminders.conftest import Q4

D = datetime.date
UTC = datetime.UTC


def facts(**overrides) -> ManagerFacts:
    values = {
        "membership_id": 1, "email": "alice@acme.test", "role_started_on": D(2024, 3, 1), "done_this_cycle": False,
        "nudges_unsubscribed": False, "reviewed_years": frozenset({1, 2}),
    } | overrides  # fmt: skip
    return ManagerFacts(**values)


def kinds(due) -> list[tuple[str, str]]:
    return [(d.kind, d.period) for d in due]


def test_a_cycle_opens_with_an_invitation_and_nudges_after_the_configured_days():
    invited = facts(invited_on=D(2026, 10, 1))
    assert kinds(reminders_for(invited, cycle=Q4, nudge_after_days=14, today=D(2026, 10, 1))) == [
        ("cycle_open", "2026-Q4")
    ]
    assert kinds(reminders_for(invited, cycle=Q4, nudge_after_days=14, today=D(2026, 10, 14))) == [
        ("cycle_open", "2026-Q4")
    ]
    assert kinds(reminders_for(invited, cycle=Q4, nudge_after_days=14, today=D(2026, 10, 15))) == [
        ("cycle_open", "2026-Q4"), ("cycle_nudge", "2026-Q4"),
    ]  # fmt: skip


def test_the_nudge_counts_from_the_persons_own_invitation_not_from_the_cycles_start():
    """Someone who joins on 20 October is invited that day; the nudge comes 14 days later."""
    assert kinds(reminders_for(facts(), cycle=Q4, nudge_after_days=14, today=D(2026, 10, 20))) == [
        ("cycle_open", "2026-Q4")
    ]  # not invited yet: the invitation goes in this run, the nudge never with it
    joined = facts(invited_on=D(2026, 10, 20))
    for day in (D(2026, 10, 20), D(2026, 11, 2)):
        assert kinds(reminders_for(joined, cycle=Q4, nudge_after_days=14, today=day)) == [("cycle_open", "2026-Q4")]
    assert ("cycle_nudge", "2026-Q4") in kinds(
        reminders_for(joined, cycle=Q4, nudge_after_days=14, today=D(2026, 11, 3))
    )
    # The organisation's own delay, whatever it is: a day at least, so never in the same run.
    assert ("cycle_nudge", "2026-Q4") not in kinds(
        reminders_for(joined, cycle=Q4, nudge_after_days=1, today=D(2026, 10, 20))
    )
    assert ("cycle_nudge", "2026-Q4") in kinds(
        reminders_for(joined, cycle=Q4, nudge_after_days=1, today=D(2026, 10, 21))
    )


def test_nobody_is_reminded_of_a_cycle_they_completed():
    assert reminders_for(facts(done_this_cycle=True), cycle=Q4, nudge_after_days=14, today=D(2026, 12, 1)) == []


def test_an_unsubscribed_manager_still_gets_the_invitation_but_no_nudge():
    due = reminders_for(
        facts(nudges_unsubscribed=True, invited_on=D(2026, 10, 1)), cycle=Q4, nudge_after_days=14, today=D(2026, 12, 1)
    )
    assert kinds(due) == [("cycle_open", "2026-Q4")]


@pytest.mark.parametrize(
    ("started", "reviewed", "today", "year"),
    [
        (D(2025, 11, 21), set(), D(2026, 11, 20), None),
        (D(2025, 11, 21), set(), D(2026, 11, 21), 1),
        (D(2025, 11, 21), {1}, D(2026, 11, 21), None),
        (D(2024, 2, 29), set(), D(2025, 2, 27), None),
        (D(2024, 2, 29), set(), D(2025, 2, 28), 1),  # a role begun on 29 February comes round on the 28th
        (D(2024, 2, 29), {1}, D(2026, 3, 1), 2),
        (D(2023, 6, 1), {1, 2}, D(2026, 6, 1), 3),
        (D(2023, 6, 1), set(), D(2026, 6, 1), 3),  # only the latest year is due, not a backlog
        (D(2019, 6, 1), {1, 2, 3}, D(2026, 6, 1), None),
        (None, set(), D(2026, 6, 1), None),
    ],
)
def test_review_year_due(started, reviewed, today, year):
    assert due_review_year(started_on=started, submitted_years=frozenset(reviewed), today=today) == year


def test_the_review_reminder_goes_in_the_weeks_after_the_anniversary_only():
    started = D(2025, 11, 21)
    within = reminders_for(facts(role_started_on=started, reviewed_years=frozenset(), done_this_cycle=True),
                           cycle=Q4, nudge_after_days=14, today=D(2026, 12, 30))  # fmt: skip
    assert kinds(within) == [("role_review", "year-1")]
    later = reminders_for(facts(role_started_on=started, reviewed_years=frozenset(), done_this_cycle=True),
                          cycle=Q4, nudge_after_days=14, today=D(2027, 1, 25))  # fmt: skip
    assert later == []


@pytest.mark.parametrize(
    "now",
    [
        # Already 1 January 2027 in Tokyo (05:00), still 31 December in UTC and in New York (15:00).
        datetime.datetime(2026, 12, 31, 20, 0, tzinfo=datetime.UTC),
        # Already 1 January 2027 in UTC and in Tokyo (11:00), still 31 December in New York (21:00).
        datetime.datetime(2027, 1, 1, 2, 0, tzinfo=datetime.UTC),
    ],
    ids=["utc-still-in-2026-q4", "utc-already-in-2027-q1"],
)
def test_the_dispatcher_reads_the_day_in_each_organisations_time_zone_at_a_quarter_boundary(cast, now):
    cast.acme.timezone = "Asia/Tokyo"
    cast.acme.save()
    cast.globex.timezone = "America/New_York"
    cast.globex.save()
    reminders_dispatch(now=now)
    # Each organisation's own date says which quarter it is in, whatever the date in UTC: Acme's
    # managers are invited to 2027-Q1; Globex's Gus is still in 2026-Q4, on its last day, so invited
    # to it (and not nudged in the same run: the nudge counts its days from his invitation).
    assert set(Reminder.objects.values_list("email", "kind", "period")) == {
        ("alice@acme.test", "cycle_open", "2027-Q1"),
        ("carol@acme.test", "cycle_open", "2027-Q1"),
        ("gus@globex.test", "cycle_open", "2026-Q4"),
    }


def test_due_reminders_skip_people_who_left_and_other_roles(cast):
    cast.carol.user.is_active = False
    cast.carol.user.save()
    due = due_reminders(organisation=cast.acme, today=D(2026, 11, 21))
    emails = {d.email for d in due}
    assert "alice@acme.test" in emails
    assert "carol@acme.test" not in emails
    assert not emails & {"bob@acme.test", "hana@acme.test", "adam@acme.test"}


def test_a_completed_cycle_means_no_reminder(cast, submit):
    submit(cast.alice, "2026-Q4")
    due = due_reminders(organisation=cast.acme, today=D(2026, 11, 21))
    assert not any(d.email == "alice@acme.test" and d.kind.startswith("cycle") for d in due)


def test_a_reopened_assessment_counts_as_done(cast, submit, version):
    """Changing the answers of this cycle's result keeps it submitted: no invitation, no nudge, and
    none either while the changes wait to be resubmitted."""
    result = submit(cast.alice, "2026-Q4")
    reopened = assessment_reopen(assessment=result, by=cast.alice.user, now=datetime.datetime(2026, 11, 1, tzinfo=UTC))
    assert reopened.is_reopened
    due = due_reminders(organisation=cast.acme, today=D(2026, 11, 21))
    assert not any(d.email == "alice@acme.test" for d in due)
    assert any(d.email == "carol@acme.test" for d in due)  # who has not answered still is reminded
    reminders_dispatch(now=datetime.datetime(2026, 11, 21, 9, tzinfo=UTC))
    assert not Reminder.objects.filter(email="alice@acme.test", kind__startswith="cycle").exists()


def test_a_half_yearly_organisation_is_reminded_per_half(cast, submit):
    cast.acme.cadence_months = 6
    cast.acme.save()
    submit(cast.carol, "2026-Q3")  # July: counts for 2026-H2
    due = due_reminders(organisation=cast.acme, today=D(2026, 11, 21))
    assert ("alice@acme.test", "2026-H2") in {(d.email, d.period) for d in due}
    assert not any(d.email == "carol@acme.test" for d in due)


def test_the_spring_clock_change_does_not_move_a_cycle():
    # In London, 29 March 2026 is the day the clocks go forward; the quarter is Q1 all day.
    assert cycle_containing(D(2026, 3, 29)).label == "2026-Q1"
    start, end = cycle_containing(D(2026, 3, 29)).bounds("Europe/London")
    assert (start.utcoffset(), end.utcoffset()) == (datetime.timedelta(0), datetime.timedelta(hours=1))


def test_someone_invited_minutes_ago_is_not_nudged_in_the_next_run(cast):
    """Alice joins on 20 October (day 19 of the quarter, past the 14 days); her invitation goes at
    noon; the dispatcher runs again three minutes later, and the next day: no nudge until 3 November."""
    from django.core import mail

    from tests.helpers import at
    from tests.reminders.conftest import send_invitations

    send_invitations("2026-10-20")
    assert Reminder.objects.get(email="alice@acme.test", kind="cycle_open").status == "sent"
    for moment in (at("2026-10-20") + datetime.timedelta(minutes=3), at("2026-10-21"), at("2026-11-02", hour=23)):
        reminders_dispatch(now=moment)
        assert not Reminder.objects.filter(kind="cycle_nudge").exists(), moment
    reminders_dispatch(now=at("2026-11-03", hour=0))
    assert set(Reminder.objects.filter(kind="cycle_nudge").values_list("email", flat=True)) == {
        "alice@acme.test", "carol@acme.test", "gus@globex.test",
    }  # fmt: skip
    assert [m.subject for m in mail.outbox if m.to == ["alice@acme.test"]] == ["Your 2026-Q4 self-assessment is open"]


def test_the_nudge_day_is_the_invitations_day_in_the_organisations_time_zone(cast):
    """Sent at 20:00 UTC on 20 October, the invitation is 21 October in Tokyo: the nudge, 14 days on."""
    from tests.reminders.conftest import send_invitations

    cast.acme.timezone = "Asia/Tokyo"
    cast.acme.save()
    send_invitations("2026-10-20")  # noon UTC: 21:00 in Tokyo, still the 20th there
    Reminder.objects.filter(email="alice@acme.test").update(
        sent_at=datetime.datetime(2026, 10, 20, 20, 0, tzinfo=datetime.UTC)
    )
    facts_on = {
        d.email: d for d in due_reminders(organisation=cast.acme, today=D(2026, 11, 3)) if d.kind == "cycle_nudge"
    }
    assert "carol@acme.test" in facts_on and "alice@acme.test" not in facts_on
    assert "alice@acme.test" in {d.email for d in due_reminders(organisation=cast.acme, today=D(2026, 11, 4))
                                 if d.kind == "cycle_nudge"}  # fmt: skip
