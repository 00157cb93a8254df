"""Demo and scale data: each app contributes a `seed(context)` step, run in order.

Later apps add their step to SEED_STEPS; a step reads what earlier ones made from the context
and must be deterministic (use context.rng) and use bulk inserts at scale L.
"""

import random
import time
from dataclasses import dataclass, field
from importlib import import_module
from typing import Protocol

from pmo.reference_data import reference_data_install

SCALES = {
    "S": {"projects": 25, "users": 0, "customers": 12},
    "M": {"projects": 400, "users": 60, "customers": 120},
    "L": {"projects": 2000, "users": 300, "customers": 400},
    # 10x L in projects and order lines (issue 14): plans, registers, reviews, timesheets, meetings and
    # reports are seeded for the first 2,000 projects only, as at L, so that the seed stays under 5 minutes;
    # the other 18,000 have their budget lines and purchase orders.
    "XL": {"projects": 20000, "users": 1000, "customers": 2000, "detailed_projects": 2000},
}

# Dotted paths of seed functions, in dependency order.
SEED_STEPS = [
    "pmo.seed.seed_users",
    "pmo.seed.seed_company_profile",
    "projects.seed.seed_customers_and_projects",
]


class _Output(Protocol):
    """Where the seed steps narrate: a management command's stdout, or any text stream."""

    def write(self, msg: str, /) -> object: ...


@dataclass
class SeedContext:
    scale: str
    rng: random.Random
    stdout: _Output
    sizes: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)

    @property
    def detailed_projects(self) -> list:
        """The projects that get a plan, registers, reviews and the rest: all of them except at XL."""
        projects = self.data["projects"]
        return projects[: self.sizes.get("detailed_projects", len(projects))]

    def log(self, message: str) -> None:
        self.stdout.write(message)


def run_seed(*, scale: str, stdout, seed: int = 2026) -> SeedContext:
    context = SeedContext(scale=scale, rng=random.Random(seed), stdout=stdout, sizes=SCALES[scale])
    reference_data_install()  # a flushed database has the tables but not the shipped rows
    timings: dict[str, float] = {}
    for step in SEED_STEPS:
        module_path, function_name = step.rsplit(".", 1)
        started = time.monotonic()
        getattr(import_module(module_path), function_name)(context)
        timings[step] = time.monotonic() - started
        if scale != "S":  # the demo's output stays as it was; the scales say where their minutes go
            context.log(f"  [{timings[step]:.1f} s] {step}")
    started = time.monotonic()
    analyze_database(context)
    timings["ANALYZE"] = time.monotonic() - started
    context.data["step_seconds"] = timings
    return context


def analyze_database(context: SeedContext) -> None:
    """Give the planner statistics for every table the seed filled (bulk inserts leave none behind).

    ANALYZE inside the seed's transaction samples the rows that transaction inserted, so the pages are
    planned on real numbers as soon as seed_demo commits, without waiting for autovacuum.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    context.log("  planner statistics: ANALYZE done")


# Intakes, documents, plans and capacity (issue 3).
SEED_STEPS.append("projects.seed_plan.seed_intakes_documents_plans")

# --- procurement (helper "money"): suppliers, budget lines, purchase orders (L: 10,000 with 50,000 lines)
SEED_STEPS.append("procurement.seed.seed_procurement")
SEED_STEPS.append("projects.seed_quotations.seed_quotations")

# Registers (issue 5): risks, issues, change requests, decisions, actions, lessons learned.
SEED_STEPS.append("projects.seed_registers.seed_registers")

# Quality (issue 6): reviews, findings, corrective actions, safety, closure, hand-overs, surveys.
SEED_STEPS.append("quality.seed.seed_quality")


# Reporting: snapshots, progress updates, distribution lists, highlight report metadata (4,000 at L).
SEED_STEPS.append("reporting.seed.seed_reporting")

# Requisitions and tenders (issue 16, branch feature/tenders).
SEED_STEPS.append("procurement.seed_tenders.seed_tenders")
# Meetings with minutes and notifications (issue 16, branch feature/meetings).
SEED_STEPS.append("projects.seed_meetings.seed_meetings")
# Timesheets and cost rates (issue 15), before procurement: the orders are received in step with the
# earned value less the approved labour, so that each project's CPI is the one its profile asks for.
SEED_STEPS.insert(
    SEED_STEPS.index("procurement.seed.seed_procurement"), "projects.seed_timesheets.seed_timesheets"
)
