"""Record the files of every pinned hub repository at its pinned commit, for the tests.

tests/test_hub_sources.py checks each task's pinned revisions and data-file patterns against
tests/data/hub_files.json (repository -> commit -> record). Run this on a machine with network
access to replace the hand-read, partial lists there with full listings:

    python scripts/record_hub_files.py             # every pinned (repository, commit)
    python scripts/record_hub_files.py --heads     # and show the head of each unpinned repository
    python scripts/record_hub_files.py --dry-run   # print, write nothing

Each pinned commit gets a record listed with ``HfApi().list_repo_files(repository,
revision=commit, repo_type="dataset")`` (``complete: true``); records of other commits (such as
the script-only counter-examples) are kept. ``--heads`` prints, for an unpinned repository, the
commit its branch points to now and whether a loading script is at its root, to help choose a
pin; pins are edited by hand in the task declarations (plugins/*/tasks.py, plugins/xtreme_r/hub.py).
Review the diff of hub_files.json, then run the tests.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from pathlib import Path
from posixpath import dirname

REPO = Path(__file__).resolve().parents[1]
HUB_FILES = REPO / "tests" / "data" / "hub_files.json"


def declared_pins() -> dict[str, set]:
    """repository -> the `HubPin`s the registered tasks declare for it."""
    from xtreme_harness.interfaces.sources import HubSource
    from xtreme_harness.plugin_host import get_host

    pins: dict[str, set] = {}
    for registration in get_host().registrations("tasks").values():
        source = registration.obj.sources.get("hub")
        if isinstance(source, HubSource):
            for repository, pin in source.pins.items():
                pins.setdefault(repository, set()).add(pin)
    return pins


def listing(api, repository: str, commit: str, branch: str) -> dict:
    import huggingface_hub

    files = sorted(api.list_repo_files(repository, revision=commit, repo_type="dataset"))
    folders = sorted({dirname(f) for f in files} - {""})
    today = datetime.date.today().isoformat()
    return {
        "branch": branch,
        "complete": True,
        "note": f"listed with huggingface_hub {huggingface_hub.__version__} on {today}",
        "read_from": [
            f"HfApi().list_repo_files({repository!r}, revision={commit!r}, repo_type='dataset')"
        ],
        "listed": [],
        "folders": folders,
        "files": files,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=HUB_FILES, help="the JSON file to update")
    parser.add_argument("--heads", action="store_true", help="show unpinned repositories' heads")
    parser.add_argument("--dry-run", action="store_true", help="print, write nothing")
    args = parser.parse_args(argv)

    from huggingface_hub import HfApi

    api = HfApi()
    document = json.loads(args.output.read_text(encoding="utf-8"))
    recorded = document.setdefault("repositories", {})
    failed = False
    for repository, pins in sorted(declared_pins().items()):
        for pin in sorted(pins, key=lambda p: p.commit or ""):
            if pin.commit is None:
                if args.heads:
                    info = api.dataset_info(repository, revision=pin.branch)
                    files = api.list_repo_files(repository, revision=info.sha, repo_type="dataset")
                    script = repository.split("/")[-1] + ".py"
                    warning = f" (with {script} at the root)" if script in files else ""
                    print(f"{repository}: unpinned; {pin.branch} is at {info.sha}{warning}")
                else:
                    print(f"{repository}: unpinned ({pin.reason})")
                continue
            try:
                record = listing(api, repository, pin.commit, pin.branch)
            except Exception as exc:  # a commit the hub no longer has, a network error
                print(f"{repository}@{pin.commit}: {type(exc).__name__}: {exc}", file=sys.stderr)
                failed = True
                continue
            print(f"{repository}@{pin.commit}: {len(record['files'])} files")
            recorded.setdefault(repository, {})[pin.commit] = record
    if not args.dry_run:
        args.output.write_text(
            json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        print(f"wrote {args.output}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
