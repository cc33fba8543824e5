"""The evaluation stage: every evaluation language's test set predicted and written in the
official submission layout, scored where gold labels exist, with the per-example units that the
difference tables resample (so that results need neither the engine nor the data); and the
generalised evaluation (every ordered pair of languages) if asked."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping
from typing import Any, TypedDict

from xtreme_harness.atomic import write_text
from xtreme_harness.engine import generalized
from xtreme_harness.engine.context import Context
from xtreme_harness.engine.device import Placement
from xtreme_harness.engine.kinds.base import KindImpl
from xtreme_harness.engine.stages import released
from xtreme_harness.engine.stages import translated as translations
from xtreme_harness.engine.stages.certified import certified
from xtreme_harness.engine.stages.common import inference_setup, predict_examples
from xtreme_harness.engine.stages.perturbed import perturbed
from xtreme_harness.engine.stages.pool import candidate_index
from xtreme_harness.errors import DataError
from xtreme_harness.interfaces.task import TaskKind
from xtreme_harness.results import metrics, significance


class EvaluateOutput(TypedDict):
    evaluation: dict[str, Any]
    """Per language: examples, the prediction file and its per-example units (relative to the
    stage's folder), whether gold labels existed, seconds; retrieval: pool size, unreachable."""
    protocol: dict[str, Any]
    scores: dict[str, dict[str, float]]
    generalized: dict[str, Any] | None
    pooled: dict[str, float] | None
    retrieval: dict[str, Any] | None
    notes: list[str]
    timings: dict[str, float]


def evaluate(ctx: Context, out: str, model: Any, candidates: str | None = None) -> EvaluateOutput:
    """Predict with `model` (a model or a folder; translate-train: a mapping of each evaluation
    language to its model's folder) into `<out>/predictions/<task>/`. A retrieval task ranks its
    pool: a shared pool is read from the `candidates` folder of an embedding step, or embedded
    into `<out>/candidates` first."""
    config, spec = ctx.config, ctx.spec
    started = time.perf_counter()
    tokenizing = ctx.tokenized.seconds
    models = dict(model) if isinstance(model, Mapping) else None
    if models is not None:
        missing = [language for language in ctx.languages if language not in models]
        if missing:
            raise DataError(out, f"no model for {', '.join(missing)} among the fine-tuned "
                            f"ones ({', '.join(models)})")  # fmt: skip
        model = models[ctx.languages[0]]
    placement, tokenizer, kind, model = inference_setup(ctx, model)
    folder = os.path.join(out, "predictions", spec.name)
    os.makedirs(folder, exist_ok=True)
    evaluation: dict[str, Any] = {}
    scores: dict[str, dict[str, float]] = {}
    test_examples: dict[str, list[dict]] = {}
    outcomes: dict[str, tuple[list, list]] = {}
    notes = []
    perturber = ctx.cell.perturber()
    for language in ctx.languages:
        began = time.perf_counter()
        if models is not None and language != ctx.languages[0]:  # its own model
            placement, tokenizer, kind, model = inference_setup(ctx, models[language])
        examples = ctx.load(spec, "test", language)
        test_examples[language] = examples
        if kind.ranks_candidates and (spec.pool != "shared" or kind.index is None):
            kind.index = candidate_index(
                ctx, out, model, kind, tokenizer, placement, language, candidates
            )
        shown, translated, disturbed = examples, None, None
        if perturber is not None and not perturber.model_aware:  # then translated, if asked
            shown, disturbed = perturbed(perturber, kind, examples, spec.name, language)
        whole_files = spec.kind is TaskKind.EXTRACTIVE_QA  # released translations of them
        if config.setting == "translate-test" and language != spec.train_language:
            shown, translated = (
                released.test_in_english(ctx, language) if whole_files
                else translations.translated(ctx, kind, shown, language, spec.train_language)
            )  # fmt: skip
        attack = perturber if perturber is not None and perturber.model_aware else None
        extra: dict[str, float] = {}
        if attack is not None and attack.certifies:
            certificates = f"certificates-{language}.json"
            predicted, extra, disturbed = certified(
                ctx, model, kind, tokenizer, placement, shown, attack,
                os.path.join(folder, certificates),
            )  # fmt: skip
        else:
            predicted = predict_examples(ctx, model, kind, tokenizer, placement, shown,
                                         language, attack=attack)  # fmt: skip
            if attack is not None:
                disturbed = {"perturber": attack.name, "model_aware": True}
        gold = kind.gold(examples)
        scored_in = language
        if translated is not None and whole_files:  # English answers, by the original ids
            predicted, gold, translated["missing"] = released.on_original_ids(
                examples, gold, shown, predicted, translated["file"]
            )
            scored_in = spec.train_language
            note = released.TEST_NOTE.format(task=spec.name)
            notes += [note] if note not in notes else []
        name = f"test-{language}.{kind.prediction_suffix}"
        kind.write_predictions(os.path.join(folder, name), predicted, examples)
        entry = {
            "examples": len(examples),
            "predictions": f"predictions/{spec.name}/{name}",
            "labelled": gold is not None,
        }
        if translated is not None:
            entry["translation"] = translated
        if disturbed is not None:
            entry["perturbation"] = disturbed
        if attack is not None and attack.certifies:
            entry["certificates"] = f"predictions/{spec.name}/{certificates}"
        if gold is not None:
            scores[language] = {**metrics.compute(spec.metric, gold, predicted, scored_in),
                                **extra}  # fmt: skip
            outcomes[language] = (gold, predicted)
            units = f"units-{language}.json"
            write_units(os.path.join(folder, units), spec.metric, gold, predicted, scored_in)
            entry["units"] = f"predictions/{spec.name}/{units}"
        entry["seconds"] = round(time.perf_counter() - began, 3)
        evaluation[language] = entry
        if kind.ranks_candidates:
            unreachable = kind.missing_targets(examples)
            entry.update(candidates=len(kind.index.ids), unreachable=unreachable)
            if unreachable:
                notes.append(
                    f"{language}: {unreachable} of {len(examples)} queries have a gold "
                    "candidate that is not in the pool; they count (0 where none is found)"
                )
    pooled = None
    if spec.metric in metrics.POOLED and all(lang in outcomes for lang in spec.languages):
        pooled = metrics.pooled(spec.metric, [outcomes[lang] for lang in spec.languages])
    unlabelled = [lang for lang, e in evaluation.items() if not e["labelled"]]
    if unlabelled:
        notes.append(
            "no gold labels in the test data of "
            + ", ".join(unlabelled)
            + " (the official download strips them): predictions written, not scored"
        )
    timings = {"evaluate": round(time.perf_counter() - started, 3),
               "evaluate.tokenize": round(ctx.tokenized.seconds - tokenizing, 3)}  # fmt: skip
    generalized_scores = None
    if config.generalized:
        began = time.perf_counter()
        generalized_scores = _generalized(ctx, model, kind, tokenizer, placement, test_examples)
        timings["generalized"] = round(time.perf_counter() - began, 3)
    return {
        "evaluation": evaluation,
        "protocol": ctx.with_data(ctx.evaluation().record()),
        "scores": scores,
        "generalized": generalized_scores,
        "pooled": pooled,
        "retrieval": retrieval_record(ctx),
        "notes": notes,
        "timings": timings,
    }


def write_units(path: str, metric: str, gold: list, predicted: list, language: str) -> None:
    """The per-example units of the metric (`xtreme_harness.results.significance.units`), one row
    per example, as JSON: what a paired bootstrap over examples resamples."""
    rows = significance.units(metric, gold, predicted, language).tolist()
    write_text(path, json.dumps({"metric": metric, "language": language, "units": rows}))


def retrieval_record(ctx: Context) -> dict[str, Any] | None:
    """How a retrieval task embeds and searches (None for other kinds)."""
    if ctx.spec.kind is not TaskKind.RETRIEVAL:
        return None
    from xtreme_harness.engine.kinds.retrieval import TOP_K

    recipe = ctx.evaluation_recipe
    return {
        "pool": ctx.spec.pool,
        "pooling": recipe.pooling or "mean",
        "layer": recipe.layer,
        "max_length": recipe.max_length,
        "max_query_length": recipe.max_query_length,
        "top_k": TOP_K,
    }


def _generalized(
    ctx: Context,
    model: Any,
    kind: KindImpl,
    tokenizer: Any,
    placement: Placement,
    test_examples: dict[str, list[dict]],
) -> dict[str, Any]:
    """Every ordered pair of evaluation languages (see `xtreme_harness.engine.generalized`)."""
    spec = ctx.spec
    if spec.pairs_split:
        return _generalized_pairs(ctx, model, kind, tokenizer, placement)
    correct: dict[tuple[str, str], int] = {}
    counts: dict[tuple[str, str], int] = {}
    for l1 in ctx.languages:
        for l2 in ctx.languages:
            examples = generalized.pairs(test_examples[l1], test_examples[l2], (l1, l2), spec.name)
            if kind.gold(examples) is None:
                raise DataError(
                    f"{spec.name} test {l1}", "generalised evaluation needs gold labels"
                )
            predicted = predict_examples(ctx, model, kind, tokenizer, placement, examples,
                                         f"{l1}-{l2}")  # fmt: skip
            correct[(l1, l2)] = sum(
                int(p == e["label"]) for p, e in zip(predicted, examples, strict=True)
            )
            counts[(l1, l2)] = len(examples)
    return generalized.summary(ctx.languages, correct, counts)


def _generalized_pairs(
    ctx: Context, model: Any, kind: KindImpl, tokenizer: Any, placement: Placement
) -> dict[str, Any]:
    """Every (context language, question language) pair of the task's pairs split, scored with
    the normalisation of the context language (the answers' language)."""
    spec = ctx.spec
    scores: dict[tuple[str, str], dict[str, float]] = {}
    for context in ctx.languages:
        for question in ctx.languages:
            pair = f"{context}-{question}"
            examples = ctx.load(spec, spec.pairs_split, pair)
            gold = kind.gold(examples)
            if gold is None:
                raise DataError(f"{spec.name} {spec.pairs_split} {pair}",
                                "generalised evaluation needs gold answers")  # fmt: skip
            predicted = predict_examples(ctx, model, kind, tokenizer, placement, examples, pair)
            scores[(context, question)] = metrics.compute(spec.metric, gold, predicted, context)
    return generalized.pair_summary(ctx.languages, scores)
