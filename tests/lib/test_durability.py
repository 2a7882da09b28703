"""A transaction that only keeps work in progress may commit without waiting for the disk; every
other one waits, as PostgreSQL's default does (emassess.lib.durability)."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from emassess.lib.durability import commit_without_waiting_for_disk

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")


def _synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_only_the_transaction_that_asks_commits_without_waiting():
    server = _synchronous_commit()  # "on" unless the server is set otherwise
    assert server != "off"  # the tests' server waits for the disk, as the README assumes
    with transaction.atomic():
        assert _synchronous_commit() == server
        commit_without_waiting_for_disk()
        assert _synchronous_commit() == "off"
    with transaction.atomic():
        assert _synchronous_commit() == server  # the same connection's next transaction waits again
    assert _synchronous_commit() == server


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_nothing_changes():
    server = _synchronous_commit() if connection.vendor == "postgresql" else None
    with CaptureQueriesContext(connection) as queries:
        commit_without_waiting_for_disk()
    assert queries.captured_queries == []
    if server is not None:
        assert server != "off"
        assert _synchronous_commit() == server


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite only")
@pytest.mark.django_db
def test_sqlite_is_left_as_it_is():
    # Its write-ahead log with synchronous=NORMAL (settings.py) commits without waiting already.
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        commit_without_waiting_for_disk()
    assert queries.captured_queries == []
