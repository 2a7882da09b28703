"""A probe for pauses of the whole machine, run beside the load test (bench/load.py): it sleeps a
millisecond at a time and logs each wake-up that came late by more than --late-ms (start time and
milliseconds late, one TSV line each). A sleeping process is the first the kernel runs when it wakes,
so a late wake-up means that nothing ran: every core was held, or the virtual machine itself was
not running (time the hypervisor gave to others, "steal").

    python -m bench.pauses --out var/bench/load-pauses.tsv --seconds 100
"""

from __future__ import annotations

import argparse
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--late-ms", type=float, default=15.0)
    args = parser.parse_args()
    step = 0.001
    with open(args.out, "w", encoding="utf-8", buffering=1) as out:
        end = time.time() + args.seconds
        before = time.time()
        while before < end:
            time.sleep(step)
            now = time.time()
            late_ms = 1000 * (now - before - step)
            if late_ms > args.late_ms:
                out.write(f"{before + step:.4f}\t{late_ms:.1f}\n")
            before = now


if __name__ == "__main__":
    main()
