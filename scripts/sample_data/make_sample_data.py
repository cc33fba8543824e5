#!/usr/bin/env python3
"""Generate the bundled sample data of the XTREME-R and intermediate tasks from a lexicon.

    python scripts/sample_data/make_sample_data.py [--out DIR] [--intermediate-out DIR]
        [--low-resource-out DIR] [--check]
    python -m scripts.sample_data.make_sample_data [...]    # the same, from the repository root

Writes small synthetic files in the official XTREME download layout under
``plugins/xtreme_r/sample`` (or ``--out``), one test file per language of each task as the
registry lists them (``registry/benchmarks/xtreme-r.json``; PAWS-X from ``xtreme.json``), plus
English train and dev files: sentence pairs (XNLI, PAWS-X), multiple choice (XCOPA, SIQA),
tagging (UD-POS, PAN-X), extractive QA (SQuAD, XQuAD, MLQA, TyDiQA-GoldP) and retrieval (Tatoeba,
LAReQA, Mewsli-X). Unlike the official download, test files keep their gold labels. Under
``plugins/intermediate/sample`` (or ``--intermediate-out``) it writes the intermediate-task
datasets MASSIVE and SIB-200 in their original release formats, and under
``plugins/low_resource/sample`` (or ``--low-resource-out``) the test files of AmericasNLI and
MasakhaNER 2.0 in their release layouts (pseudo-text for the languages the lexicon lacks).

Every sentence is built from ``lexicon.json`` (beside this script). The labels are signalled by cue
words in the same way in every language (``not`` marks a contradiction, ``perhaps`` a neutral
hypothesis, ``because``/``so`` the right COPA choice), so that a tiny model trained on English for
a few hundred steps beats chance. The text is synthetic and says nothing about real model quality.

The output is deterministic: fixed seeds (one `random.Random` per file), sorted iteration, UTF-8,
``\\n`` line endings, and files are written only when their content changes. Before writing, the
script checks the lexicon and every file (formats, labels and their balance, scripts of the
languages, spans, ids, overlaps, parallel files) and stops with a message naming the file,
language and field at fault. ``--check`` writes nothing and exits 1 when regenerating would
change, add or remove a file in either output folder. Standard library only.

This file is the command line of the package in its folder, one module per dataset family:

    common.py                  paths, seeds, errors, the TSV and JSON-lines writers, `sync`
    grammar.py                 the lexicon and its grammar: clause specs to tokens and text
    checks.py                  checks shared by the families, and of the lexicon's words
    pairs.py                   XNLI, PAWS-X
    multiple_choice.py         XCOPA, SIQA
    tagging.py                 UD-POS, PAN-X
    qa.py, qa_checks.py        SQuAD, XQuAD, MLQA, TyDiQA-GoldP (and LAReQA's files)
    retrieval.py, retrieval_checks.py        Tatoeba, Mewsli-X (and LAReQA's checks)
    intermediate.py, intermediate_checks.py  MASSIVE, SIB-200
    low_resource.py, low_resource_checks.py  AmericasNLI, MasakhaNER 2.0 (test files)
    readme.py                  the READMEs of the three output folders
    build.py                   every file of the three folders, and every check, in order
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

if __package__:  # python -m scripts.sample_data.make_sample_data
    from .build import generate
    from .common import DEFAULT_OUT, INTERMEDIATE_OUT, LOW_RESOURCE_OUT, SampleDataError, sync
else:  # python scripts/sample_data/make_sample_data.py: this folder is the package `sample_data`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from sample_data.build import generate
    from sample_data.common import (
        DEFAULT_OUT,
        INTERMEDIATE_OUT,
        LOW_RESOURCE_OUT,
        SampleDataError,
        sync,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default: {DEFAULT_OUT})"
    )
    parser.add_argument(
        "--intermediate-out",
        type=Path,
        default=INTERMEDIATE_OUT,
        help=f"output folder of MASSIVE and SIB-200 (default: {INTERMEDIATE_OUT})",
    )
    parser.add_argument(
        "--low-resource-out",
        type=Path,
        default=LOW_RESOURCE_OUT,
        help=f"output folder of AmericasNLI and MasakhaNER 2.0 (default: {LOW_RESOURCE_OUT})",
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if any file would change"
    )
    args = parser.parse_args(argv)
    try:
        outputs, errors = generate(args.out, args.intermediate_out, args.low_resource_out)
    except SampleDataError as exc:
        outputs, errors = [], [str(exc)]
    if errors:
        print(f"error: {len(errors)} problem(s); nothing written:", file=sys.stderr)
        for error in errors:
            print(f"  {error}", file=sys.stderr)
        return 2
    status = 0
    for out, files, folders in outputs:
        changed, stale = sync(out, files, args.check, folders)
        if not args.check:
            print(f"{out}: {len(files)} files, {len(changed)} written, {len(stale)} removed")
        elif changed or stale:
            print(f"{out}: regenerating would change {len(changed) + len(stale)} file(s):")
            for rel in changed:
                print(f"  changed: {rel}")
            for rel in stale:
                print(f"  removed: {rel}")
            status = 1
        else:
            print(f"{out}: up to date ({len(files)} files)")
    return status


if __name__ == "__main__":
    sys.exit(main())
