"""Everything after a run, torch-free: result files, official scoring, metrics, significance,
leaderboard tables, plots. Never imports the engine."""
