"""`make bench-xl`: at 10x scale L (20,000 projects, 500,000 order lines) every page costs what it costs at L.

Seeds (once, then reuses; BENCH_RESEED=1 seeds again) `<DATABASE_URL's name>_bench_xl` with
`seed_demo --scale XL`, runs the light figures (every page but the two whole-table downloads) through the
production gunicorn at L and at XL, and checks for each page that
- it runs the same number of queries at both scales, and
- its median at XL is at most BENCH_XL_FACTOR (1.5) times its median at L, plus BENCH_XL_NOISE_MS (5 ms).
When this run seeded XL, the seed must also have taken under BENCH_XL_SEED_LIMIT_S (300 s).
The comparison is written to `bench-results/<commit>-L-vs-XL.json` beside the two scales' own documents.
"""

import json
import os

import pytest

from tests.benchmarks.harness import LIGHT, RESULTS_DIR, run_scale

pytestmark = [
    pytest.mark.benchmark,
    pytest.mark.skipif(os.environ.get("BENCH_XL") != "1", reason="scale XL is `make bench-xl` (BENCH_XL=1)"),
]
FACTOR = float(os.environ.get("BENCH_XL_FACTOR", "1.5"))
NOISE_MS = float(os.environ.get("BENCH_XL_NOISE_MS", "5"))
SEED_LIMIT_S = float(os.environ.get("BENCH_XL_SEED_LIMIT_S", "300"))


def compare(small: dict, large: dict) -> list[dict]:
    """One row a figure: both medians and query counts, the ratio, and whether XL stays within bounds."""
    at_xl = {figure["key"]: figure for figure in large["figures"]}
    rows = []
    for figure in small["figures"]:
        other = at_xl[figure["key"]]
        limit = FACTOR * figure["median_ms"] + NOISE_MS
        rows.append(
            {
                "key": figure["key"],
                "label": figure["label"],
                "l_median_ms": figure["median_ms"],
                "xl_median_ms": other["median_ms"],
                "ratio": other["median_ms"] / figure["median_ms"],
                "limit_ms": limit,
                "l_queries": figure["queries"],
                "xl_queries": other["queries"],
                "l_sql_ms": figure["sql_ms"],
                "xl_sql_ms": other["sql_ms"],
                "ok": other["median_ms"] <= limit
                and other["queries"] == figure["queries"]
                and other["status"] == figure["status"] == 200,
            }
        )
    return rows


def markdown(rows: list[dict], small: dict, large: dict) -> str:
    lines = [
        f"\nL vs XL — commit {large['commit']} — {large['measured_at']} — {large['repeat']} requests a figure"
        f" — XL within {FACTOR}x L + {NOISE_MS:.0f} ms, same queries",
        "",
        "| figure | L median (ms) | XL median (ms) | XL / L | L queries | XL queries | L SQL (ms) "
        "| XL SQL (ms) | |",
        "|---|---:|---:|---:|---:|---:|---:|---:|:--|",
    ]
    for row in rows:
        lines.append(
            f"| {row['label']} | {row['l_median_ms']:.1f} | {row['xl_median_ms']:.1f} | {row['ratio']:.2f} "
            f"| {row['l_queries']} | {row['xl_queries']} | {row['l_sql_ms'] or 0:.1f} "
            f"| {row['xl_sql_ms'] or 0:.1f} "
            f"| {'ok' if row['ok'] else 'GREW'} |"
        )
    for document in (small, large):
        seeded = document.get("seed_seconds")
        lines.append(
            f"\nseed {document['scale']}: "
            + (f"{seeded:.0f} s in this run" if seeded is not None else "reused (seeded earlier)")
        )
    return "\n".join(lines)


def test_pages_do_not_grow_from_l_to_xl():
    repeat = int(os.environ.get("BENCH_REPEAT", "20"))
    small = run_scale("L", repeat=repeat, only=set(LIGHT))
    large = run_scale("XL", repeat=repeat, only=set(LIGHT))
    rows = compare(small, large)
    print(markdown(rows, small, large))
    target = RESULTS_DIR / f"{large['commit']}-L-vs-XL.json"
    target.write_text(
        json.dumps(
            {
                "commit": large["commit"],
                "factor": FACTOR,
                "noise_ms": NOISE_MS,
                "seed_seconds": {"L": small.get("seed_seconds"), "XL": large.get("seed_seconds")},
                "load_average": {"L": small["load_average"], "XL": large["load_average"]},
                "figures": rows,
            },
            indent=2,
        )
    )
    grown = [row for row in rows if not row["ok"]]
    assert not grown, "pages that grew from L to XL: " + ", ".join(
        f"{row['key']} {row['l_median_ms']:.1f} -> {row['xl_median_ms']:.1f} ms, "
        f"{row['l_queries']} -> {row['xl_queries']} queries"
        for row in grown
    )
    if large.get("seed_seconds") is not None:
        seconds = large["seed_seconds"]
        load = large["load_average"]
        assert seconds < SEED_LIMIT_S, f"seed_demo --scale XL took {seconds:.0f} s (load average {load})"
