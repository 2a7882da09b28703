"""gunicorn hooks for the load test (`--config python:bench.gunicorn_hooks`): each worker logs, for
every request it serves, its wall time inside the worker, the worker's CPU time over it, the time
garbage collection took during it, and the number the load generator gave the request (its
X-Bench-Request header), one TSV line per request in $EMASSESS_BENCH_SERVER_LOG.<pid>. bench/load.py
follows each of the clients' requests into its worker with that number: time before the worker
took it was spent queueing for a free worker, time after the worker sent it in the load generator;
wall time in the worker that is not its CPU time was spent waiting, for the database or for a core
the machine's other processes held.
"""

from __future__ import annotations

import gc
import os
import time
from typing import Any

_gc = {"started": 0.0, "total": 0.0}
_log: dict[str, Any] = {}


def _gc_callback(phase: str, info: dict[str, Any]) -> None:
    if phase == "start":
        _gc["started"] = time.perf_counter()
    else:
        _gc["total"] += time.perf_counter() - _gc["started"]


def post_fork(server: Any, worker: Any) -> None:
    gc.callbacks.append(_gc_callback)
    path = os.environ.get("EMASSESS_BENCH_SERVER_LOG")
    if path:
        _log["file"] = open(f"{path}.{os.getpid()}", "a", encoding="utf-8", buffering=1)  # noqa: SIM115


def pre_request(worker: Any, req: Any) -> None:
    number = next((value for name, value in req.headers if name == "X-BENCH-REQUEST"), "")
    _log["begun"] = (time.time(), time.perf_counter(), time.process_time(), _gc["total"], number)


def post_request(worker: Any, req: Any, environ: Any, resp: Any) -> None:
    out = _log.get("file")
    if out is None or "begun" not in _log:
        return
    started, wall, cpu, collected, number = _log.pop("begun")
    out.write(
        f"{started:.4f}\t{req.method} {req.path}\t{1000 * (time.perf_counter() - wall):.2f}\t"
        f"{1000 * (time.process_time() - cpu):.2f}\t{1000 * (_gc['total'] - collected):.2f}\t{number}\n"
    )
