"""Changes of state in the reporting app: one function per change, in a transaction."""
