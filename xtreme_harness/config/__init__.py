"""What one cell of a grid is: the run options, the run configuration built from them, and the
settings its protocol and options resolve to (recipes, regularizer, departures). Torch-free."""
