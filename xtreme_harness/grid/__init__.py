"""Grids of runs: specifications, plans of shared steps, the run folder, running and resuming."""
