"""Extractive QA on XTREME's released translations. A QA example cannot be translated text by
text: its answers must stay spans of the translated context, or be scored against the original
ones. A translator that has a released translation of a whole file gives its path
(`Translator.released_file`), for the splits a task declares (`TaskSpec.released_translations`):

- translate-train(-all): the training questions of the release into a language, kept as XTREME's
  training keeps a question whose answer was projected (`projected_examples`);
- translate-test: the release of a language's test set in English. The English model answers
  its questions, and each answer is scored on the question's original id against the release's
  English answers (`test_in_english`, `on_original_ids`).
"""

from __future__ import annotations

from typing import Any

from xtreme_harness.engine.context import Context
from xtreme_harness.errors import DataError, UsageError
from xtreme_harness.interfaces.readers import squad_questions

ENGLISH = "english_answers"
"""The field of a released translate-test example that holds its English answer texts."""
TEST_NOTE = (
    "translate-test on {task}: each question is answered in the released English translation of "
    "its test set and scored on its original id against the release's English answers, with "
    "English normalisation; a question the release lacks counts as unanswered. How XTREME "
    "scored QA translate-test is not confirmed by a source (unverified)"
)


def _file(ctx: Context, split: str, source: str, target: str) -> tuple[str, str]:
    """The translator's released file of the task's `split` from `source` into `target`."""
    dataset = ctx.spec.released_translations.get(split, "")
    translator = ctx.cell.translator()
    path = translator.released_file(dataset, split, source, target) if dataset else None
    if path is None:
        raise UsageError(
            f"--setting {ctx.config.setting} on {ctx.spec.name}: translator {translator.name} has "
            f"no released translation of {dataset or ctx.spec.name} {split} from {source} into "
            f"{target}; extractive QA reads released translations of whole files"
        )
    return path, translator.name


def released(
    ctx: Context, split: str, source: str, target: str
) -> tuple[list[dict], dict[str, Any]]:
    """Extractive QA's training examples from a released translation of the whole file, and
    what reading it did: the questions, those kept, those dropped because the projected answer
    is not where its offset says."""
    path, name = _file(ctx, split, source, target)
    examples, dropped = projected_examples(path)
    record = {"translator": name, "source": source, "target": target, "file": path,
              "questions": len(examples) + dropped, "kept": len(examples),
              "dropped": dropped}  # fmt: skip
    return examples, record


def _words(context: str) -> tuple[list[str], list[int], list[int]]:
    """XTREME's whitespace split of a context, each character's word and each word's first
    character (its third_party/processors/squad.py: SquadExample, lines 612-631)."""
    words: list[str] = []
    offsets: list[int] = []
    starts: list[int] = []
    previous_space = True
    for position, char in enumerate(context):
        if char in " \t\r\n" or ord(char) == 0x202F:
            previous_space = True
        else:
            if previous_space:
                words.append(char)
                starts.append(position)
            else:
                words[-1] += char
            previous_space = False
        offsets.append(len(words) - 1)
    return words, offsets, starts


def projected_examples(path: str) -> tuple[list[dict], int]:
    """The training questions of a released translation whose first answer is found where its
    offset points, and how many were dropped: the rule of XTREME's training, which skips a
    question when the words its answer's offsets cover do not contain the answer text
    (third_party/processors/squad.py lines 95-100 at 838c13b). A kept answer whose text is
    inside those words but not at its exact offset is moved to where it is."""
    kept: list[dict] = []
    dropped = 0
    split: dict[str, tuple[list[str], list[int], list[int]]] = {}
    for context, qa in squad_questions(path):
        words, offsets, starts = split.setdefault(context, _words(context))
        answers = qa.get("answers") or []
        text = answers[0].get("text", "") if answers else ""
        start = answers[0].get("answer_start", -1) if answers else -1
        if not text or not isinstance(start, int) or not 0 <= start < len(context):
            dropped += 1
            continue
        first = offsets[start]
        last = offsets[min(start + len(text) - 1, len(offsets) - 1)]
        if first < 0:  # the offset points at the spaces before the first word
            dropped += 1
            continue
        covered = " ".join(words[first : last + 1])
        if covered.find(" ".join(text.split())) == -1:
            dropped += 1
            continue
        if context[start : start + len(text)] != text:  # within the words: locate it
            found = context.find(text, starts[first])
            if found == -1 or found > starts[last] + len(words[last]):
                dropped += 1
                continue
            start = found
        kept.append({"id": qa.get("id", str(len(kept))), "question": qa.get("question", ""),
                     "context": context,
                     "answers": {"text": [text], "answer_start": [start]}})  # fmt: skip
    return kept, dropped


def test_in_english(ctx: Context, language: str) -> tuple[list[dict], dict[str, Any]]:
    """translate-test: the released English translation of `language`'s test set, one example
    per question id (a question listed once per answer, as XTREME's files list some, has its
    answers gathered again), and the record of what was read. The examples are to be answered:
    their English answers are kept aside (`ENGLISH`), for `on_original_ids`, not as spans."""
    target = ctx.spec.train_language
    path, name = _file(ctx, "test", language, target)
    by_id: dict[str, dict] = {}
    for context, qa in squad_questions(path):
        qid, question = qa.get("id"), qa.get("question")
        if not isinstance(qid, str) or not isinstance(question, str):
            raise DataError(path, f"a question needs an 'id' and a 'question' text; found "
                            f"{qa!r}"[:300], field="qas")  # fmt: skip
        texts = [a.get("text", "") for a in qa.get("answers") or [] if isinstance(a, dict)]
        example = by_id.setdefault(qid, {"id": qid, "question": question, "context": context,
                                         "answers": None, ENGLISH: []})  # fmt: skip
        if (example["question"], example["context"]) != (question, context):
            raise DataError(path, f"question {qid!r} is listed twice with different texts",
                            field="qas")  # fmt: skip
        example[ENGLISH] += [text for text in texts if text]
    record = {"translator": name, "source": language, "target": target, "file": path,
              "questions": len(by_id)}  # fmt: skip
    return list(by_id.values()), record


def on_original_ids(
    examples: list[dict], gold: list[Any] | None, shown: list[dict], predicted: list[Any],
    path: str,
) -> tuple[list[Any], list[Any] | None, int]:  # fmt: skip
    """The answers to the released English questions (`shown`, `predicted`) as answers to the
    original test questions (`examples`, their `gold`): each by its id, with the release's
    English answers as its gold; a question the release lacks, or gives no English answer, is
    unanswered (``""``) and keeps its original gold. Also how many it lacks. A released
    question the test set does not have is an error naming the file."""
    own = {example["id"] for example in examples}
    strays = [example["id"] for example in shown if example["id"] not in own]
    if strays:
        raise DataError(path, f"{len(strays)} questions are not in the test set they translate "
                        f"(e.g. {strays[0]!r})")  # fmt: skip
    answered = {
        e["id"]: (answer, list(e[ENGLISH]))
        for e, answer in zip(shown, predicted, strict=True)
        if e[ENGLISH]
    }
    answers = [answered[e["id"]][0] if e["id"] in answered else "" for e in examples]
    english = None if gold is None else [
        answered[e["id"]][1] if e["id"] in answered else own_gold
        for e, own_gold in zip(examples, gold, strict=True)
    ]  # fmt: skip
    return answers, english, sum(e["id"] not in answered for e in examples)
