"""A session ends after the idle time without use (a working day by default), not while in use."""

import datetime

import time_machine
from django.conf import settings
from django.urls import reverse

IDLE = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
START = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)


def is_logged_in(client) -> bool:
    return client.get(reverse("manager_home")).status_code == 200


def test_a_session_left_alone_for_the_idle_time_ends(client, cast):
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(cast.alice.user)
        assert is_logged_in(client)
        clock.shift(IDLE + datetime.timedelta(minutes=6))
        assert not is_logged_in(client)


def test_a_session_in_use_lives_on_past_the_idle_time(client, cast):
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(cast.alice.user)
        for _ in range(12):  # a request every hour for twelve hours: longer than the idle time
            clock.shift(datetime.timedelta(hours=1))
            assert is_logged_in(client)


def test_the_default_idle_time_is_a_working_day():
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
