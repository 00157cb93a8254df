"""Admin registrations of the procurement app."""
