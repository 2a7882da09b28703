"""Shared start-up for the benchmarks: Django on a throwaway database with the content loaded.

DATABASE_URL is honoured when set (to benchmark on PostgreSQL); otherwise a fresh SQLite file
in a temporary folder is used, so a benchmark never touches the development database.
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def start_django() -> None:
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


def describe(samples: list[float]) -> dict[str, float]:
    """Median, 95th percentile and mean of timings in seconds, as milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "p50_ms": 1000 * statistics.median(ordered),
        "p95_ms": 1000 * p95,
        "mean_ms": 1000 * statistics.fmean(ordered),
    }
