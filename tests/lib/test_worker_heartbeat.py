"""A real `celery worker` process, a real broker, and the database the tests use.

Runs whenever CELERY_BROKER_URL names a real broker (CI sets redis://127.0.0.1:6379/0).
"""

from __future__ import annotations

import secrets
import time

import pytest

from emassess.celery import app as celery_app
from emassess.lib.models import WorkerHeartbeat
from emassess.lib.tasks import record_worker_heartbeat
from tests.workers import Worker, needs_broker

pytestmark = [pytest.mark.worker, needs_broker]


@pytest.fixture
def worker_queue():
    """Start a worker consuming a queue of its own, so stray messages from elsewhere don't matter."""
    queue = f"test-{secrets.token_hex(4)}"
    worker = Worker(queues=queue)
    celery_app.conf.task_always_eager = False  # the rest of the suite runs tasks in-process
    try:
        yield queue
    finally:
        celery_app.conf.task_always_eager = True
        worker.stop()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_task_that_writes_to_the_database(worker_queue):
    token = secrets.token_hex(16)
    record_worker_heartbeat.apply_async(args=[token], queue=worker_queue)

    deadline = time.monotonic() + 60
    heartbeat = None
    while heartbeat is None and time.monotonic() < deadline:
        heartbeat = WorkerHeartbeat.objects.filter(token=token).first()
        time.sleep(0.2)

    assert heartbeat is not None, "the worker did not write the row within 60 seconds"
    assert heartbeat.hostname.startswith("celery@")
