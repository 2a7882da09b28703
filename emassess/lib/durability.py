"""How long a commit waits: for the disk, unless losing the transaction in a database crash costs
nobody more than retyping it."""

from django.db import DEFAULT_DB_ALIAS, connections

# What PostgreSQL runs to let this transaction's commit return before its write-ahead log reaches
# the disk. It holds until the transaction ends; the connection's next transaction waits again.
NO_WAIT_FOR_DISK = "SET LOCAL synchronous_commit TO OFF"


def commit_without_waiting_for_disk(using: str = DEFAULT_DB_ALIAS) -> None:
    """Let the current transaction commit without waiting for the disk to flush it.

    For a transaction that only keeps work in progress, such as a page of a draft's answers:
    PostgreSQL still writes it in order and never half of it, but should the database server itself
    crash (not the app, and not a clean restart), it may lose up to three times `wal_writer_delay`
    (600 ms by default) of such commits, so the manager would see that page's answers as they were
    before. A disk flush usually takes well under a millisecond, yet on the machines measured it
    took 15 to 130 ms several times a minute, and every request committing then waited with it
    (README, "Writes that wait for the disk"). Nothing is changed outside a transaction, nor on SQLite,
    whose write-ahead log commits without waiting for the disk already (settings.py)."""
    connection = connections[using]
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(NO_WAIT_FOR_DISK)
