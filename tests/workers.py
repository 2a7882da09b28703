"""Real `celery worker` processes for the tests that need one (CI sets CELERY_BROKER_URL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent

needs_broker = pytest.mark.skipif(
    settings.CELERY_BROKER_URL.startswith("memory://"),
    reason="no CELERY_BROKER_URL set: tasks run eagerly, there is no worker to talk to",
)


def database_url_of_test_database() -> str:
    """The URL a worker needs to reach the very database the test writes to."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        if connection.is_in_memory_db():
            pytest.skip("the SQLite test database is in memory; a worker process cannot share it")
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """A worker process on the test database; `extra_env` e.g. points its email at an SMTP sink."""

    def __init__(self, *, queues: str = "celery", concurrency: int = 1, extra_env: dict[str, str] | None = None):
        env = os.environ | {"DATABASE_URL": database_url_of_test_database()} | (extra_env or {})
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "emassess", "worker", "--loglevel=INFO",
                "--pool=prefork" if concurrency > 1 else "--pool=solo", f"--concurrency={concurrency}",
                "--queues", queues, "--without-gossip", "--without-mingle", "--without-heartbeat",
            ],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,  # so kill() reaches the prefork children too
        )  # fmt: skip

    def kill(self) -> None:
        """SIGKILL, as when a machine dies: no warm shutdown, nothing acknowledged."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        output = self.process.stdout.read() if self.process.stdout else ""
        print(output)
        return output
