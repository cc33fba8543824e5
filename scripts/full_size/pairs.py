"""XNLI and PAWS-X: ``<task>/{train,dev,test}-<lang>.tsv``, ``text_a<TAB>text_b<TAB>label`` per
line (test files keep their labels; the official download drops them)."""

from __future__ import annotations

from collections.abc import Iterator

from .output import Run, batches

FILES = {"train": "train", "validation": "dev", "test": "test"}
NLI = ("contradiction", "entailment", "neutral")
PARAPHRASE = ("0", "1")


def _lines(
    run: Run, task: str, split: str, language: str, count: int, lengths: tuple[str, str],
    labels: tuple[str, ...],
) -> Iterator[str]:  # fmt: skip
    rng = run.rng(task, split, language)
    lexicon = run.lexicon(language)
    first, second = (run.length(name, language) for name in lengths)
    for size in batches(count):
        a = [first.draw(rng) for _ in range(size)]
        b = [second.draw(rng) for _ in range(size)]
        words = lexicon.words(rng, sum(a) + sum(b))
        drawn = rng.choices(labels, k=size)
        lines, at = [], 0
        for n, m, label in zip(a, b, drawn, strict=True):
            premise = lexicon.sentence(words[at : at + n])
            hypothesis = lexicon.sentence(words[at + n : at + n + m])
            at += n + m
            lines.append(f"{premise}\t{hypothesis}\t{label}\n")
        yield "".join(lines)


def _task(run: Run, task: str, lengths: tuple[str, str], labels: tuple[str, ...]) -> None:
    for split in FILES:
        for language, count in run.sizes.counts(task, split).items():
            lines = _lines(run, task, split, language, count, lengths, labels)
            run.write(f"{task}/{FILES[split]}-{language}.tsv", lines, count)


def xnli(run: Run) -> None:
    """Premise and hypothesis of the lengths of ``xnli.*``; labels uniform (XNLI is balanced)."""
    _task(run, "xnli", ("xnli.premise", "xnli.hypothesis"), NLI)


def pawsx(run: Run) -> None:
    _task(run, "pawsx", ("pawsx.sentence", "pawsx.sentence"), PARAPHRASE)
