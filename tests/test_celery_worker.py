"""A real `celery worker` process, a real broker, and the database the tests use.

Runs whenever CELERY_BROKER_URL names a real broker (CI sets redis://127.0.0.1:6379/0).
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from emassess.celery import app as celery_app
from emassess.core.models import WorkerHeartbeat
from emassess.core.tasks import record_worker_heartbeat

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(
        settings.CELERY_BROKER_URL.startswith("memory://"),
        reason="no CELERY_BROKER_URL set: tasks run eagerly, there is no worker to talk to",
    ),
]


def database_url_of_test_database() -> str:
    """The URL the worker needs to reach the very database this test writes to."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        if connection.is_in_memory_db():
            pytest.skip("the SQLite test database is in memory; a worker process cannot share it")
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker_queue():
    """Start a worker consuming a queue of its own, so stray messages from elsewhere don't matter."""
    queue = f"test-{secrets.token_hex(4)}"
    env = os.environ | {"DATABASE_URL": database_url_of_test_database()}
    process = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "emassess", "worker",
            "--pool=solo", "--queues", queue, "--loglevel=INFO",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    celery_app.conf.task_always_eager = False  # the rest of the suite runs tasks in-process
    try:
        yield queue
    finally:
        celery_app.conf.task_always_eager = True
        process.terminate()
        try:
            output, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        print(output)


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
