"""Writes of reviews, findings, safety, closure and hand-overs (a regular package, so the import rules see it)."""
