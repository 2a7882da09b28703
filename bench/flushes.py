"""A probe for slow disk flushes, run beside the load test (bench/load.py): every --every-ms it
writes 8 kB to a file of its own and waits for the disk to hold it (fdatasync, as PostgreSQL's
commit waits for its write-ahead log), and logs each flush that took longer than --slow-ms (when it
began, and how many milliseconds it took, one TSV line each). A commit that waits for the disk
waits at least as long as a flush beside it; the file should live on the disk the database writes to.

    python -m bench.flushes --file var/bench/work/flush-probe --out var/bench/load-flushes.tsv --seconds 100
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time

BLOCK = 8192  # one page of PostgreSQL's write-ahead log


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", required=True, help="the probe's own file (removed at the end)")
    parser.add_argument("--out", required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--every-ms", type=float, default=50.0)
    parser.add_argument("--slow-ms", type=float, default=15.0)
    args = parser.parse_args()
    # bench.load stops the probe with SIGTERM: end through `finally`, which removes the file.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    descriptor = os.open(args.file, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        with open(args.out, "w", encoding="utf-8", buffering=1) as out:
            end = time.monotonic() + args.seconds
            block = 0
            while time.monotonic() < end:
                os.pwrite(descriptor, os.urandom(BLOCK), (block % 128) * BLOCK)  # a 1 MB ring, as a log segment
                block += 1
                began, wall = time.monotonic(), time.time()
                os.fdatasync(descriptor)
                took_ms = 1000 * (time.monotonic() - began)
                if took_ms > args.slow_ms:
                    out.write(f"{wall:.4f}\t{took_ms:.1f}\n")
                time.sleep(args.every_ms / 1000)
    finally:
        os.close(descriptor)
        os.unlink(args.file)


if __name__ == "__main__":
    main()
