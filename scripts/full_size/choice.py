"""XCOPA with its training data: ``xcopa/{train,val,test}-<lang>.jsonl`` (English COPA as
``*-en``) and Social IQa's ``siqa/socialIQa_v1.4_{trn,dev}.jsonl``; test files keep their labels
(the official download sets them all to 0)."""

from __future__ import annotations

from collections.abc import Iterator

from .output import Run, batches, json_line

XCOPA = {"train": "train", "validation": "val", "test": "test"}
SIQA = {"siqa-train": "trn", "siqa-validation": "dev"}


def _copa(run: Run, split: str, language: str, count: int) -> Iterator[str]:
    rng = run.rng("xcopa", split, language)
    lexicon = run.lexicon(language)
    premise, choice = run.length("copa.premise", language), run.length("copa.choice", language)
    idx = 0
    for size in batches(count):
        lines = []
        for _ in range(size):
            p, a, b = premise.draw(rng), choice.draw(rng), choice.draw(rng)
            words = lexicon.words(rng, p + a + b)
            record = {
                "premise": lexicon.sentence(words[:p]),
                "choice1": lexicon.sentence(words[p : p + a]),
                "choice2": lexicon.sentence(words[p + a :]),
                "question": rng.choice(("cause", "effect")),
                "label": rng.randrange(2),
                "idx": idx,
            }
            if language != "en":  # XCOPA's own files mark examples changed in translation
                record["changed"] = False
            lines.append(json_line(record))
            idx += 1
        yield "".join(lines)


def _siqa(run: Run, split: str, count: int) -> Iterator[str]:
    rng = run.rng("xcopa", split, "en")
    lexicon = run.lexicon("en")
    context, question = run.length("siqa.context"), run.length("siqa.question")
    answer = run.length("siqa.answer")
    for size in batches(count):
        lines = []
        for _ in range(size):
            c, q = context.draw(rng), question.draw(rng)
            answers = [answer.draw(rng) for _ in range(3)]
            words = lexicon.words(rng, c + q + sum(answers))
            at = c + q
            options = []
            for n in answers:
                options.append(lexicon.sentence(words[at : at + n]))
                at += n
            lines.append(json_line({
                "context": lexicon.sentence(words[:c]),
                "question": lexicon.question(words[c : c + q]),
                "answerA": options[0], "answerB": options[1], "answerC": options[2],
                "correct": rng.choice("ABC"),
            }))  # fmt: skip
        yield "".join(lines)


def xcopa(run: Run) -> None:
    for split, name in SIQA.items():
        count = run.sizes.count("xcopa", split, "en")
        run.write(f"siqa/socialIQa_v1.4_{name}.jsonl", _siqa(run, split, count), count)
    for split, name in XCOPA.items():
        for language, count in run.sizes.counts("xcopa", split).items():
            run.write(f"xcopa/{name}-{language}.jsonl", _copa(run, split, language, count), count)
