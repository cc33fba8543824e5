"""``python -m xtreme_harness`` runs the ``xharness`` command line."""

from xtreme_harness.cli import main

main()
