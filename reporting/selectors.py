"""Reads of the reporting app, scoped to the user."""
