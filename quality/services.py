"""Changes of state in the quality app: one function per change, in a transaction."""
