"""Reads of the procurement app, scoped to the user."""
