"""A probe for stalls of the whole machine, run beside the load test (bench/load.py): it sleeps a
short while at a time and logs each wake-up that came later than --late-ms (when it was due, and
how many milliseconds late, one TSV line each). A sleeping process that wakes is among the first
the kernel runs, so a late wake-up means no core was free for it, or the virtual machine itself was
not running (time the hypervisor gave to others, "steal").

    python -m bench.pauses --out var/bench/load-pauses.tsv --seconds 100 --sleep-ms 1 --late-ms 15
"""

from __future__ import annotations

import argparse
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--sleep-ms", type=float, default=1.0)
    parser.add_argument("--late-ms", type=float, default=15.0)
    args = parser.parse_args()
    step = args.sleep_ms / 1000
    with open(args.out, "w", encoding="utf-8", buffering=1) as out:
        # Lateness by the monotonic clock, which no clock adjustment moves; the wall clock only to
        # say when, as the load test's request logs do.
        end = time.monotonic() + args.seconds
        before = time.monotonic()
        while before < end:
            time.sleep(step)
            now = time.monotonic()
            late_ms = 1000 * (now - before - step)
            if late_ms > args.late_ms:
                due = time.time() - (now - before - step)
                out.write(f"{due:.4f}\t{late_ms:.1f}\n")
            before = now


if __name__ == "__main__":
    main()
