"""The PM plans: three tasks, a dependency, a move that pushes the successor, a baseline."""

STEPS = []
