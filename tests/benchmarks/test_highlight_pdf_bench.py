"""`make bench`: the highlight report PDF of a big project at scale L, rendered warm as a worker does.

`manage.py bench_highlight_pdf` renders the internal report with the biggest frozen snapshot once (imports,
fonts, templates), then again and again in the same process; the median of the warm renders must stay
within the issue's 300 ms. The process's CPU time is printed beside it: on a shared machine the wall time
also measures the neighbours.
"""

import tempfile
from pathlib import Path

import pytest

from tests.benchmarks.harness import ensure_seeded, pdf_figure, production_env

pytestmark = pytest.mark.benchmark

WARM_RENDER_MS = 300


def test_a_big_highlight_report_renders_warm_within_300_ms_at_scale_l():
    env = production_env("L", Path(tempfile.mkdtemp(prefix="pmo-pdf-")))
    ensure_seeded("L", env)
    result = pdf_figure(env, repeat=15)
    print(
        f"\nhighlight report {result['report']} ({result['pages']} pages, {result['queries']} queries): "
        f"median {result['median_ms']} ms, p90 {result['p90_ms']} ms, CPU {result['cpu_median_ms']} ms"
    )
    assert result["pages"] >= 3, "the biggest report should fill several pages"
    assert result["median_ms"] <= WARM_RENDER_MS, result
