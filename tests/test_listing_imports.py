"""Listing commands must not import the heavy libraries (a fresh interpreter per command)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("torch", "transformers", "datasets", "evaluate", "mlflow", "wandb")

PROBE = """
import json, sys
from xtreme_harness.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
else:
    code = 0
heavy = sorted(m for m in {heavy!r} if m in sys.modules)
print(json.dumps({{"code": code, "heavy": heavy}}), file=sys.stderr)
"""


@pytest.mark.parametrize(
    "command",
    [
        ["languages"],
        ["languages", "--json", "--resource-class", "0-2"],
        ["languages", "--task", "panx"],
        ["tasks", "--json"],
        ["tasks"],
        ["language-sets"],
        ["regularizers", "--json"],
        ["translators", "--json"],
        ["perturbers"],
        ["plugins", "--json"],
        ["plugins"],
        ["--help"],
    ],
)
def test_listing_does_not_import_heavy_libraries(command):
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *command],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(result.stderr.strip().splitlines()[-1])
    assert report == {"code": 0, "heavy": []}, result.stderr
