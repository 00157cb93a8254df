"""Benchmarks run against a database seeded once at scale L (`make bench`)."""

import io
import os

import pytest
from django.core.management import call_command

BENCH_SCALE = os.environ.get("BENCH_SCALE", "L")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Seed the test database at the benchmark scale, once per session."""
    with django_db_blocker.unblock():
        call_command("seed_demo", scale=BENCH_SCALE, force=True, stdout=io.StringIO())
