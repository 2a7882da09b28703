"""Shared start-up for the benchmarks: Django on a throwaway database with the content loaded,
with the production settings (DEBUG off), whatever the shell says.

DATABASE_URL is honoured when set (to benchmark on PostgreSQL); otherwise a fresh SQLite file
in a temporary folder is used, so a benchmark never touches the development database.
Production settings need a secret key (a throwaway one per run), host names (127.0.0.1,
localhost and the test client's testserver) and the hashed static files (collectstatic into
var/staticfiles); HTTPS is on, so the in-process clients say secure=True and the load test's
clients come as if through a TLS-terminating proxy (X-Forwarded-Proto: https).
"""

from __future__ import annotations

import io
import os
import platform
import secrets
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


# The 1-minute load average when this benchmark started (see run_settings).
LOAD_AT_START: list[float] = []


def production_env() -> None:
    """DEBUG off for every benchmark, and what production settings need to start on this machine."""
    if not LOAD_AT_START:
        LOAD_AT_START.append(os.getloadavg()[0])
    os.environ["DJANGO_DEBUG"] = "0"  # `make test` and `make lint` export 1; a benchmark never runs with it
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")


def run_settings() -> dict[str, Any]:
    """What a benchmark ran with, for the table: Django's settings as loaded, and the machine's load."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    vendor = "PostgreSQL" if "postgresql" in db["ENGINE"] else "SQLite" if "sqlite" in db["ENGINE"] else db["ENGINE"]
    return {
        "DEBUG": settings.DEBUG,
        "database": f"{vendor} {Path(str(db['NAME'])).name}",
        "CONN_MAX_AGE": db.get("CONN_MAX_AGE"),
        "database OPTIONS": db.get("OPTIONS") or {},
        "static files": settings.STORAGES["staticfiles"]["BACKEND"].rsplit(".", 1)[-1],
        "celery": "eager" if settings.CELERY_TASK_ALWAYS_EAGER else "broker",
        "python": platform.python_version(),
        "cores": os.cpu_count(),
        "load average (1 min) before": round(LOAD_AT_START[0], 2) if LOAD_AT_START else None,
        "load average (1 min) after": round(os.getloadavg()[0], 2),
    }


def start_django() -> None:
    production_env()
    if not os.environ.get("DATABASE_URL"):
        folder = tempfile.mkdtemp(prefix="emassess-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "emassess.settings")
    import django

    django.setup()
    from django.core.management import call_command

    quiet = io.StringIO()
    call_command("migrate", verbosity=0, stdout=quiet)
    call_command("load_framework", stdout=quiet)
    call_command("load_questionnaire", stdout=quiet)
    call_command("collectstatic", interactive=False, verbosity=0, stdout=quiet)  # the manifest DEBUG off needs


def https_client() -> Any:
    """Django's test client, every request on https://localhost/ (production settings redirect plain HTTP)."""
    from django.test import Client

    class HttpsClient(Client):
        def generic(self, *args: Any, **kwargs: Any) -> Any:
            return super().generic(*args, **(kwargs | {"secure": True}))

    return HttpsClient(SERVER_NAME="localhost")


def analyze() -> None:
    """Fresh planner statistics after seeding, as autovacuum would have by then (it is off on the
    machines' PostgreSQL): VACUUM ANALYZE on PostgreSQL (pages all-visible too), ANALYZE on SQLite."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def describe(samples: list[float]) -> dict[str, float]:
    """Median, 95th percentile and mean of timings in seconds, as milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "p50_ms": 1000 * statistics.median(ordered),
        "p95_ms": 1000 * p95,
        "mean_ms": 1000 * statistics.fmean(ordered),
    }
