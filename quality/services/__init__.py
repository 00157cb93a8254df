"""Writes of reviews, findings, safety, closure and hand-overs (a package the import rules see)."""
