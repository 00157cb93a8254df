"""Changes of state in the procurement app, one module per area."""

from procurement.services.budget import budget_line_adjust, budget_line_set

__all__ = ["budget_line_adjust", "budget_line_set"]
