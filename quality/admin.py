"""Admin registrations of the quality app."""
