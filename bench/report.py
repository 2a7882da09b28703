"""One table of every benchmark's figures, from the JSON files the benchmarks leave in var/bench/.

    python -m bench.report

Takes well under a second: it only reads var/bench/<name>.json (written by bench.scoring,
bench.submit, bench.dashboards, bench.reminders, bench.peer and bench.load) and says which are missing.
The benchmarks themselves call `write_figures` at their end; `make bench` runs them all, then this.
"""

from __future__ import annotations

import datetime
import json
import math
import sys
from dataclasses import asdict, dataclass, fields
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "var" / "bench"
# In the order `make bench` runs them; any other JSON file found there is shown after these.
EXPECTED = ("scoring", "submit", "dashboards", "reminders", "peer", "load")
COLUMNS = ("figure", "value", "baseline", "ratio", "p50 ms", "p99 ms", "errors")


@dataclass(frozen=True)
class Figure:
    """One row of the table. `value` and `baseline` are shown as written (with their units)."""

    figure: str
    value: str
    baseline: str = ""  # what the figure is compared with, with that baseline's own value
    ratio: float | None = None  # figure / baseline (for rates: the figure's rate / the baseline's)
    p50_ms: float | None = None
    p99_ms: float | None = None
    errors: int | None = None
    samples: int | None = None  # timings behind p50/p99; under MIN_P99_SAMPLES the p99 column says "max"


# A 99th percentile of fewer samples than this is just the slowest one: the table calls it max.
MIN_P99_SAMPLES = 30


def percentile_ms(samples: list[float], fraction: float) -> float:
    """The nearest-rank percentile of timings in seconds, in milliseconds (e.g. fraction=0.99)."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return 1000 * ordered[rank - 1]


def write_figures(
    name: str, figures: list[Figure], *, notes: list[str] | None = None, settings: dict | None = None
) -> Path:
    """Leave a benchmark's figures in var/bench/<name>.json for `python -m bench.report`, with the
    settings it ran with (bench.setup.run_settings: DEBUG, database, connections, the machine's load)
    and any notes worth printing under the table. A benchmark whose Django runs in child processes
    passes their `settings` instead."""
    if settings is None:
        from bench.setup import run_settings  # needs Django set up, as every in-process benchmark has by now

        settings = run_settings()

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / f"{name}.json"
    payload = {
        "benchmark": name,
        "written_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "settings": settings,
        "notes": notes or [],
        "figures": [asdict(figure) for figure in figures],
    }
    path.write_text(json.dumps(payload, indent=2) + "\n")
    return path


def read_figures(path: Path) -> list[Figure]:
    known = {f.name for f in fields(Figure)}
    rows = json.loads(path.read_text())["figures"]
    return [Figure(**{key: value for key, value in row.items() if key in known}) for row in rows]


def _number(value: float | None, digits: int) -> str:
    return "" if value is None else f"{value:,.{digits}f}"


def _p99(figure: Figure) -> str:
    if figure.p99_ms is None:
        return ""
    if figure.samples is not None and figure.samples < MIN_P99_SAMPLES:
        return f"max {figure.p99_ms:,.1f}"
    return _number(figure.p99_ms, 1)


def describe_settings(values: dict) -> str:
    """One line: DEBUG off, PostgreSQL emassess_bench_14, CONN_MAX_AGE 600, ..., load 2.1 -> 3.4."""
    if not values:
        return "settings not recorded"
    shown = [
        f"DEBUG {'on' if values.get('DEBUG') else 'off'}",
        str(values.get("database", "")),
        f"CONN_MAX_AGE {values.get('CONN_MAX_AGE')}",
        *([f"OPTIONS {values['database OPTIONS']}"] if values.get("database OPTIONS") else []),
        f"static {values.get('static files')}",
        f"celery {values.get('celery')}",
        f"Python {values.get('python')}",
        f"{values.get('cores')} cores",
        f"load average {values.get('load average (1 min) before')} before, "
        f"{values.get('load average (1 min) after')} after",
    ]
    return ", ".join(shown)


def format_table(figures: list[Figure]) -> str:
    """The figures as one plain-text table, numbers right-aligned."""
    rows = [
        (
            f.figure,
            f.value,
            f.baseline,
            _number(f.ratio, 2),
            _number(f.p50_ms, 1),
            _p99(f),
            "" if f.errors is None else str(f.errors),
        )
        for f in figures
    ]
    widths = [max(len(column), *(len(row[i]) for row in rows)) for i, column in enumerate(COLUMNS)]
    left = {0, 1, 2}  # text columns; the rest are numbers

    def line(cells: tuple[str, ...]) -> str:
        padded = (
            cell.ljust(width) if i in left else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        )
        return " | ".join(padded).rstrip()

    separator = "-+-".join("-" * width for width in widths)
    return "\n".join([line(COLUMNS), separator, *(line(row) for row in rows)])


def main() -> int:
    found = {path.stem: path for path in sorted(OUT_DIR.glob("*.json"))}
    names = [name for name in EXPECTED if name in found] + [name for name in found if name not in EXPECTED]
    figures: list[Figure] = []
    written: list[str] = []
    settings: list[str] = []
    for name in names:
        try:
            figures += read_figures(found[name])
        except (ValueError, KeyError, TypeError) as error:  # a half-written or foreign file: say so, go on
            print(f"{found[name]}: unreadable ({error})", file=sys.stderr)
            continue
        payload = json.loads(found[name].read_text())
        written.append(f"{name} ({payload.get('written_at', '?')})")
        settings.append(f"  {name}: {describe_settings(payload.get('settings') or {})}")
        settings += [f"    {note}" for note in payload.get("notes") or []]
    if figures:
        print(format_table(figures))
    print(
        f"p99 of fewer than {MIN_P99_SAMPLES} samples is shown as max; ratios are p50 against the baseline named, "
        "both taken interleaved in the same run"
    )
    print("settings and notes:")
    print("\n".join(settings))
    print(f"figures from: {', '.join(written) or 'nothing yet'}")
    missing = [name for name in EXPECTED if name not in found]
    if missing:
        print(f"missing (not run, skipped or failed): {', '.join(missing)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
