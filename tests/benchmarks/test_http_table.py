"""`make bench`: the issue-14 table through the production gunicorn, and the same query counts at S and L."""

import os

import pytest

from tests.benchmarks.harness import run_scale

pytestmark = pytest.mark.benchmark


def test_every_page_runs_the_same_number_of_queries_at_every_scale():
    scales = os.environ.get("BENCH_SCALES", "S,L").split(",")
    repeat = int(os.environ.get("BENCH_REPEAT", "20"))
    counts = {
        scale: {f["key"]: f["queries"] for f in run_scale(scale, repeat=repeat)["figures"]}
        for scale in scales
    }
    first = counts[scales[0]]
    for scale in scales[1:]:
        grown = {
            key: (first[key], counts[scale][key]) for key in first if counts[scale].get(key) != first[key]
        }
        assert not grown, f"query counts changed between {scales[0]} and {scale}: {grown}"
