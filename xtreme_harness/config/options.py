"""The options of a run, shared by `xharness run`, `xharness grid` and grid files.

One table says each option's name, type and meaning; the command line, the grid command (where
most options may take a comma-separated list of values: an axis of the grid) and grid files are
built from it, and `config_from_options` turns one set of values into a `RunConfig`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from xtreme_harness.errors import UsageError
from xtreme_harness.interfaces.component import out_of_bounds
from xtreme_harness.interfaces.task import SELECTIONS

SOURCES = ("hub", "xtreme", "sample")
SETTINGS = (
    "zero-shot", "translate-test", "translate-train", "translate-train-all", "few-shot",
    "multi-source",
)  # fmt: skip
"""How the target task is trained and evaluated (docs/settings.md); more are being built."""
PRECISIONS = ("auto", "fp32", "tf32", "bf16", "fp16")
"""See `xtreme_harness.engine.device` for what each means."""


@dataclass(frozen=True)
class Option:
    """One run option. `flag` is its command-line spelling; `axis` options take several values
    in a grid; `component` options name a plugin component (with ``NAME:KEY=VALUE`` options in a
    grid)."""

    name: str
    flag: str
    type: type
    help: str
    default: Any = None
    minimum: float | None = None
    above: float | None = None
    """A strict lower bound (learning rates, epochs: the value must be greater)."""
    maximum: float | None = None
    choices: tuple[str, ...] | None = None
    axis: bool = True
    flag_only: bool = False
    multiple: bool = False
    is_flag: bool = False
    component: str | None = None
    metavar: str | None = None


OPTIONS: tuple[Option, ...] = (
    Option("model", "--model", str, "Hugging Face model id or local folder."),
    Option("model_revision", "--model-revision", str,
           "Revision (branch, tag, commit) of a hub model."),
    Option("task", "--task", str, "Target task (see `xharness tasks`)."),
    Option("source", "--source", str, "Where the data comes from: hub (downloads), xtreme (the "
           "official download layout in --data-dir), sample (small bundled files). Default: "
           "xtreme with --data-dir, else required.", choices=SOURCES),
    Option("data_dir", "--data-dir", str, "Folder of the xtreme source.", axis=False),
    Option("data_revision", "--data-revision", str, "Revision of hub datasets.", axis=False),
    Option("eval_languages", "--eval-languages", str,
           "Evaluate only these languages, comma-separated (default: all).", axis=False),
    Option("intermediate", "--intermediate", str,
           "Train on this task first, keep the encoder, drop the head."),
    Option("language_set", "--language-set", str,
           "Sampler that picks the intermediate languages (see `xharness language-sets`); "
           "default: explicit with --intermediate-languages.", component="language_sets"),
    Option("languages", "--languages", int,
           "Number of intermediate languages k for the language set.", minimum=1),
    Option("budget", "--budget", int,
           "Total intermediate training examples (default: all data of the chosen languages; "
           "temperature and unimax need one).",
           minimum=1),
    Option("language_set_options", "--language-set-option", str,
           "A parameter of the language set (threshold=2, alpha=0.3, ...); repeatable.",
           axis=False, multiple=True, metavar="KEY=VALUE"),
    Option("intermediate_languages", "--intermediate-languages", str,
           "Intermediate languages, comma-separated; LANG:N uses N examples of LANG (the "
           "explicit language set).", axis=False),
    Option("intermediate_source", "--intermediate-source", str,
           "Source of the intermediate task (default: --source).", choices=SOURCES),
    Option("intermediate_epochs", "--intermediate-epochs", float,
           "Epochs of the intermediate stage.", above=0),
    Option("intermediate_learning_rate", "--intermediate-learning-rate", float,
           "Peak learning rate of the intermediate stage (default: the task's recipe).",
           above=0),
    Option("intermediate_max_steps", "--intermediate-max-steps", int,
           "Updates of the intermediate stage instead of epochs (the same for every set).",
           minimum=1),
    Option("regularize_intermediate", "--regularize-intermediate", bool,
           "Apply the regularizer to the intermediate stage too.", default=False, is_flag=True),
    Option("regularizer", "--regularizer", str, "Training loss (see `xharness regularizers`).",
           default="none", component="regularizers"),
    Option("regularizer_options", "--regularizer-option", str,
           "A parameter of the regularizer; repeatable.", axis=False, multiple=True,
           metavar="KEY=VALUE"),
    Option("synonyms", "--synonyms", str, "Synonym table of rs-da (JSON: word -> list of words).",
           axis=False),
    Option("setting", "--setting", str,
           "How the target task is trained and evaluated: zero-shot (fine-tune on English, "
           "evaluate every language), translate-test (the same model on the test sets "
           "translated into English), translate-train (one model per evaluation language, "
           "fine-tuned on the training data translated into it), translate-train-all (fine-tune "
           "on English and its "
           "translations into every evaluation language), few-shot (zero-shot, then --shots "
           "labelled examples of every target language) or multi-source (English plus the "
           "task's training data in the languages --multi-source picks); the translate "
           "settings need --translator. See docs/settings.md.",
           default="zero-shot", choices=SETTINGS),
    Option("translator", "--translator", str,
           "The translator of the translate settings (see `xharness translators`).",
           component="translators"),
    Option("multi_source", "--multi-source", str,
           "multi-source: the language set (see `xharness language-sets`) that picks the "
           "languages whose training data of the target task joins the English data.",
           component="language_sets"),
    Option("multi_source_options", "--multi-source-option", str,
           "A parameter of the multi-source language set (languages=3, codes=sw,te, ...); "
           "repeatable.", axis=False, multiple=True, metavar="KEY=VALUE"),
    Option("multi_source_budget", "--multi-source-budget", int,
           "multi-source: the target-language training examples the language set spreads "
           "(default: all data of the chosen languages).", minimum=1),
    Option("shots", "--shots", int,
           "few-shot: labelled examples per target language (k), drawn from its training split, "
           "else its development split, fixed by the seed.", minimum=1),
    Option("perturbation", "--perturbation", str,
           "Evaluate on test data perturbed by this perturber (see `xharness perturbers`); "
           "none (the default): clean test data.", component="perturbers"),
    Option("perturbation_options", "--perturbation-option", str,
           "A parameter of the perturber (rate=0.2, ...); repeatable.", axis=False,
           multiple=True, metavar="KEY=VALUE"),
    Option("translator_options", "--translator-option", str,
           "A parameter of the translator (folder=..., model=...); repeatable.", axis=False,
           multiple=True, metavar="KEY=VALUE"),
    Option("protocol", "--protocol", str,
           "The published setting the run follows (see `xharness protocols`): its values are "
           "the defaults, and every option that departs from one is recorded.",
           default="xtreme-r"),
    Option("strict_protocol", "--strict-protocol", bool,
           "Refuse to run a cell that departs from its protocol in any value (a tiny model and "
           "sample data depart too).", default=False, is_flag=True, axis=False),
    Option("seed", "--seed", int, "Random seed.", default=1),
    Option("epochs", "--epochs", float, "Epochs (default: the task's recipe).", above=0),
    Option("max_steps", "--max-steps", int, "Optimizer updates per phase instead of epochs.",
           minimum=1),
    Option("learning_rate", "--learning-rate", float, "Peak learning rate of AdamW.", above=0),
    Option("batch_size", "--batch-size", int, "Examples per forward pass.", minimum=1),
    Option("grad_accum", "--grad-accum", int, "Forward passes per optimizer update.", minimum=1),
    Option("max_length", "--max-length", int,
           "Maximum tokens per input (tagging splits longer sentences).", minimum=8),
    Option("doc_stride", "--doc-stride", int,
           "QA: tokens each window over a long context advances by.", minimum=1),
    Option("max_answer_length", "--max-answer-length", int,
           "QA: the longest answer span decoded, in tokens.", minimum=1),
    Option("pooling", "--pooling", str,
           "Retrieval: the embedding of a text: mean (over the tokens of --layer), cls (its "
           "first token) or pooler (the model's pooler output).",
           choices=("mean", "cls", "pooler")),
    Option("layer", "--layer", int,
           "Retrieval: the hidden state pooled (0 = the embeddings, negative counts from the "
           "end; default: the task's recipe, else the last layer)."),
    Option("warmup_steps", "--warmup-steps", int, "Updates of linear warm-up.", minimum=0),
    Option("warmup_ratio", "--warmup-ratio", float,
           "Linear warm-up over this fraction of the updates (instead of --warmup-steps).",
           minimum=0, maximum=1),
    Option("weight_decay", "--weight-decay", float, "AdamW decay.", minimum=0),
    Option("max_grad_norm", "--max-grad-norm", float, "Gradient clipping norm (0 disables).",
           minimum=0),
    Option("selection", "--selection", str,
           "Which weights are kept: en-dev (best on the development set in the training "
           "language), target-dev (best on the target languages' development sets: an oracle, "
           "an upper bound), last (the last update's), average (the mean of the last "
           "--average-last evaluation points). Default: the protocol's rule for the task.",
           choices=SELECTIONS),
    Option("eval_steps", "--eval-steps", int,
           "Evaluation points every N updates and at the last one; 0: at the end of every "
           "epoch (default: the protocol's interval for the task).", minimum=0),
    Option("average_last", "--average-last", int,
           "--selection average: how many evaluation points' weights are averaged.", minimum=1),
    Option("patience", "--patience", int,
           "Stop after N evaluations without a better development score.", minimum=1),
    Option("dev_subset", "--dev-subset", int,
           "Select on the first N development examples only.", minimum=1),
    Option("fine_tune_on", "--fine-tune-on", str,
           "A task without training data of its own (Tatoeba) is first fine-tuned on this "
           "task's training data, its encoder then embeds; none: embed with the model as it is "
           "(default: the protocol's; XTREME-R: xquad, i.e. SQuAD v1.1)."),
    Option("eval_batch_size", "--eval-batch-size", int,
           "The most inputs in one inference batch (inputs are sorted by length, so a batch of "
           "short inputs holds more of them than one of long inputs).", default=256, minimum=1),
    Option("eval_tokens", "--eval-tokens", int,
           "The most tokens in one inference batch, padding included (16384: 128 inputs of 128 "
           "tokens, 42 of 384); a longer input gets a batch of its own.", default=16384,
           minimum=1),
    Option("precision", "--precision", str,
           "auto: the protocol's precision for the task where it fixes one, else bf16 on a GPU "
           "that supports it (tf32 on other GPUs with TF32 units); fp32: IEEE float32, matrix "
           "products included; tf32: float32 with TF32 matrix products on the GPU; bf16/fp16: "
           "mixed precision on CUDA. The CPU computes in fp32.", default="auto",
           choices=PRECISIONS),
    Option("device", "--device", str, "auto, cpu, cuda or cuda:N.", default="auto"),
    Option("compile", "--compile", bool,
           "Compile the model with torch.compile (dynamic shapes) for training and inference: "
           "faster steps after a compilation that the first batches pay (a minute or more; "
           "it needs a C compiler on the CPU). Recorded in the result.", default=False,
           is_flag=True),
    Option("generalized", "--generalized", bool,
           "Also evaluate every ordered pair of languages: sentence pairs whose two sentences "
           "come from different languages (xnli, pawsx), questions asked in another language "
           "than the context's (mlqa).", default=False, is_flag=True),
)  # fmt: skip

BY_NAME = {option.name: option for option in OPTIONS}


def check_value(option: Option, value: Any) -> str | None:
    """What is wrong with one value of `option` (its choices and bounds), or None."""
    if (
        option.choices
        and value not in option.choices
        and not (value is None and option.name == "intermediate")
    ):
        return f"expected one of {', '.join(option.choices)}, found {value!r}"
    problem = out_of_bounds(
        value, minimum=option.minimum, maximum=option.maximum, above=option.above
    )
    return None if problem is None else f"{problem}, found {value!r}"


INTERMEDIATE_ONLY = (
    "language_set", "languages", "budget", "language_set_options", "intermediate_languages",
    "intermediate_source", "intermediate_epochs", "intermediate_learning_rate",
    "intermediate_max_steps",
    "regularize_intermediate",
)  # fmt: skip


def parse_pairs(values: tuple[str, ...] | list[str], what: str) -> dict[str, str]:
    """``("epsilon=0.1", "norm=l2")`` -> ``{"epsilon": "0.1", "norm": "l2"}``."""
    options = {}
    for value in values:
        key, sep, text = value.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"{what} {value!r}: expected KEY=VALUE")
        options[key.strip()] = text.strip()
    return options


def component(
    value: str | Mapping[str, Any] | None, pairs: tuple[str, ...] | list[str], flag: str
) -> tuple[Any, dict[str, Any]]:
    """A component option's name and parameters: `value` is a name, or a grid file's
    ``{name, options}`` (its values keep their types); `pairs` adds ``KEY=VALUE`` texts."""
    if isinstance(value, Mapping):
        name, options = value["name"], dict(value.get("options") or {})
    else:
        name, options = value, {}
    options.update(parse_pairs(pairs, flag))
    return name, options


def defaults() -> dict[str, Any]:
    """Every option at its default."""
    return {option.name: ([] if option.multiple else option.default) for option in OPTIONS}


def config_from_options(options: Mapping[str, Any], *, out: str, **run: Any) -> Any:
    """A `RunConfig` from option values (missing ones take their defaults); `run` passes
    run-only settings (progress, overwrite, save_model)."""
    from xtreme_harness.config.run import Overrides, RunConfig

    values = {**defaults(), **options}
    for name in ("model", "task"):
        if not values[name]:
            raise UsageError(f"{BY_NAME[name].flag} is required")
    source = values["source"] or ("xtreme" if values["data_dir"] else None)
    if source is None:
        raise UsageError(
            "choose where the data comes from: --source hub (downloads from the Hugging Face "
            "hub), --source xtreme --data-dir DIR (the official download), or --source sample "
            "(small bundled files, for trying things out)"
        )
    regularizer, regularizer_options = component(
        values["regularizer"], values["regularizer_options"], "--regularizer-option"
    )
    if values["synonyms"]:
        regularizer_options["synonyms"] = values["synonyms"]
    translator, translator_options = component(
        values["translator"], values["translator_options"], "--translator-option"
    )
    perturbation, perturbation_options = component(
        values["perturbation"], values["perturbation_options"], "--perturbation-option"
    )
    if perturbation == "none":
        perturbation, perturbation_options = None, {}
    multi_source, multi_source_options = component(
        values["multi_source"], values["multi_source_options"], "--multi-source-option"
    )
    return RunConfig(
        model=values["model"],
        model_revision=values["model_revision"],
        task=values["task"],
        source=source,
        data_dir=values["data_dir"],
        data_revision=values["data_revision"],
        out=out,
        seed=values["seed"],
        eval_languages=tuple(values["eval_languages"].split(","))
        if values["eval_languages"]
        else None,
        regularizer=regularizer,
        regularizer_options=regularizer_options,
        setting=values["setting"],
        shots=values["shots"],
        perturbation=perturbation,
        perturbation_options=perturbation_options,
        translator=translator,
        translator_options=translator_options,
        multi_source=multi_source,
        multi_source_options=multi_source_options,
        multi_source_budget=values["multi_source_budget"],
        overrides=Overrides(
            learning_rate=values["learning_rate"],
            epochs=values["epochs"],
            max_steps=values["max_steps"],
            batch_size=values["batch_size"],
            gradient_accumulation=values["grad_accum"],
            max_length=values["max_length"],
            doc_stride=values["doc_stride"],
            max_answer_length=values["max_answer_length"],
            pooling=values["pooling"],
            layer=values["layer"],
            warmup_steps=values["warmup_steps"],
            warmup_ratio=values["warmup_ratio"],
            weight_decay=values["weight_decay"],
            max_grad_norm=values["max_grad_norm"],
            selection=values["selection"],
            eval_steps=values["eval_steps"],
            patience=values["patience"],
            average_last=values["average_last"],
            dev_subset=values["dev_subset"],
        ),
        protocol=values["protocol"],
        strict_protocol=values["strict_protocol"],
        fine_tune_on=values["fine_tune_on"],
        eval_batch_size=values["eval_batch_size"],
        eval_tokens=values["eval_tokens"],
        precision=values["precision"],
        device=values["device"],
        intermediate=intermediate_stage(values),
        generalized=values["generalized"],
        compile=values["compile"],
        **run,
    )


def intermediate_stage(values: Mapping[str, Any]) -> Any:
    """The intermediate stage the options describe, or None; options that need
    ``--intermediate`` without it are an error."""
    from xtreme_harness.config.run import Intermediate, Overrides

    if not values["intermediate"]:
        needing = [BY_NAME[name].flag for name in INTERMEDIATE_ONLY if values.get(name)]
        if needing:
            raise UsageError(f"{', '.join(needing)} need --intermediate TASK")
        return None
    language_set, sampler_options = component(
        values["language_set"], values["language_set_options"], "--language-set-option"
    )
    if values["intermediate_languages"]:
        if language_set not in (None, "explicit"):
            raise UsageError(
                "--intermediate-languages lists the languages itself (the explicit language "
                f"set); it cannot be combined with --language-set {language_set}"
            )
        language_set = "explicit"
        sampler_options["codes"] = values["intermediate_languages"]
    if language_set is None:
        raise UsageError(
            "--intermediate needs its languages: --intermediate-languages en,sw,... or "
            "--language-set NAME (see `xharness language-sets`)"
        )
    if values["languages"] is not None:
        sampler_options["languages"] = values["languages"]
    return Intermediate(
        task=values["intermediate"],
        language_set=language_set,
        options=sampler_options,
        budget=values["budget"],
        source=values["intermediate_source"],
        overrides=Overrides(
            epochs=values["intermediate_epochs"],
            learning_rate=values["intermediate_learning_rate"],
            max_steps=values["intermediate_max_steps"],
        ),
        regularize=values["regularize_intermediate"],
    )
