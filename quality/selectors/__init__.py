"""Reads of the quality app, scoped to the user."""
