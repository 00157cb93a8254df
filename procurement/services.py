"""Changes of state in the procurement app: one function per change, in a transaction."""
