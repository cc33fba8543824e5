"""What one cell runs with, as its protocol, its tasks and its options decide it.

Resolved once per stage from the run configuration (`xtreme_harness.config.run.RunConfig`): the
recipe of each training phase and of evaluation, the regularizer with the protocol's parameters,
the task whose training data fine-tunes the encoder (Tatoeba under XTREME-R: SQuAD v1.1, as task
``xquad``), and every departure from the protocol. Imports neither torch nor transformers; the
model's config is read only when a protocol value depends on the model's type or depth.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from xtreme_harness.config import resolution
from xtreme_harness.config.resolution import Departure
from xtreme_harness.errors import UsageError
from xtreme_harness.interfaces.task import Phase, Recipe, TaskSpec
from xtreme_harness.registry import protocols
from xtreme_harness.registry.protocols import ModelShape, Protocol, TaskEntry, Value

INFERENCE_SETTINGS = (
    "max_length", "doc_stride", "max_query_length", "max_answer_length", "pooling", "layer",
)  # fmt: skip
"""Recipe settings that inference reads."""
NO_TASK = "none"
"""`fine_tune_on` value: embed with the encoder as it is (XTREME's Tatoeba protocol)."""

OPTION_FLAGS = {
    "gradient_accumulation": "grad_accum",
}
"""Recipe settings whose run option has another name."""


def option_name(setting: str) -> str:
    return f"option {OPTION_FLAGS.get(setting, setting)}"


class LazyShape:
    """A `ModelShape` read from the model's config on first use (only protocol values with
    model variants need it)."""

    def __init__(self, read: Callable[[], ModelShape]) -> None:
        self._read = functools.cache(read)

    @property
    def model_type(self) -> str | None:
        return self._read().model_type

    @property
    def layers(self) -> int | None:
        return self._read().layers


def shape_of(model: str, revision: str | None) -> LazyShape:
    return LazyShape(lambda: resolution.model_shape(model, revision))


@dataclass
class StageSettings:
    """The recipes of one stage (a training stage's phases, or evaluation), what the protocol
    fixed for them, and the departures the run's options make."""

    recipes: list[tuple[Phase | None, Recipe]]
    fixed: dict[str, Value] = field(default_factory=dict)
    """``<phase>.<setting>`` -> the protocol's value (resolved for the model)."""
    departures: list[Departure] = field(default_factory=list)
    covered: bool = True
    """False when the protocol does not cover the stage's task."""

    def record(self) -> dict[str, Any]:
        """JSON-ready, for the stage's record and the result file."""
        return {
            "covered": self.covered,
            "settings": resolution.record(self.fixed),
            "departures": [d.describe() for d in self.departures],
        }


def _stage(
    spec: TaskSpec,
    entry: TaskEntry | None,
    phases: tuple[Phase | None, ...],
    overrides: Mapping[str, Any],
    shape: Any,
    *,
    prefix: str,
    extra: Mapping[str, Value] | None = None,
    names: Callable[[str], str] = option_name,
) -> StageSettings:
    stage = StageSettings(recipes=[], covered=entry is not None)
    for phase in phases:
        fixed = resolution.phase_settings(entry, phase) if entry is not None else (
            resolution.declared_settings(spec.recipe_of(phase))  # departures from the declared
        )  # fmt: skip
        fixed = {**fixed, **(extra or {})}
        label = prefix + (f"{phase.name}." if phase is not None and len(phases) > 1 else "")
        resolved = resolution.resolve_recipe(
            spec.recipe_of(phase), fixed, overrides, shape=shape, label=label, option_names=names,
        )  # fmt: skip
        stage.recipes.append((phase, resolved.recipe))
        if entry is not None:  # what the protocol fixes (the declared recipe is not its)
            stage.fixed.update({f"{label}{name}": v for name, v in resolved.fixed.items()})
        stage.departures.extend(resolved.departures)
        epochs = resolved.fixed.get("epochs")
        if overrides.get("max_steps") is not None and epochs is not None:
            # a number of updates replaces the protocol's epochs
            stage.departures.append(
                Departure(
                    f"{label}epochs",
                    epochs.value,
                    f"{overrides['max_steps']} updates",
                    names("max_steps"),
                    epochs.verified,
                )
            )
    return stage


def overrides_of(overrides: Any) -> dict[str, Any]:
    """An `Overrides` object as setting -> value (None: not given)."""
    return {f.name: getattr(overrides, f.name) for f in dataclasses.fields(overrides)}


@dataclass
class Cell:
    """The resolved settings of one run configuration."""

    protocol: Protocol
    spec: TaskSpec
    entry: TaskEntry | None
    shape: Any
    config: Any
    host: Any
    _components: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """The translator and perturber, built once (`translator`, `perturber`)."""

    @property
    def fine_tune_on(self) -> str | None:
        """The task whose training data fine-tunes the encoder of a task with no training of
        its own (None: the encoder embeds as it is)."""
        given = self.config.fine_tune_on
        if given is not None:
            return None if given == NO_TASK else given
        value = resolution.task_setting(self.entry, "fine_tune_on", self.shape)
        return None if value is None else value.value

    def trained_task(self) -> TaskSpec | None:
        """The task whose phases the fine-tuning stage trains: the target itself, the task
        named by `fine_tune_on` for a task with no phases, or None (no training)."""
        if self.spec.phases:
            if self.config.fine_tune_on not in (None, NO_TASK):
                raise UsageError(
                    f"--fine-tune-on is for tasks with no training data of their own (Tatoeba); "
                    f"{self.spec.name} trains on its own data"
                )
            return self.spec
        name = self.fine_tune_on
        return None if name is None else self.host.get("tasks", name)

    def finetune(self) -> StageSettings:
        """The fine-tuning stage: the trained task's phases, each with its recipe."""
        trained = self.trained_task()
        if trained is None:
            return StageSettings(recipes=[], covered=self.entry is not None)
        entry = self.entry if trained is self.spec else self.protocol.entry(trained.name)
        prefix = "" if trained is self.spec else f"{trained.name}."
        return _stage(trained, entry, trained.phases, overrides_of(self.config.overrides),
                      self.shape, prefix=prefix)  # fmt: skip

    def selects_on_targets(self) -> bool:
        """Whether a fine-tuning phase selects its model on the evaluation languages'
        development data (``target-dev``), so that the fine-tuning depends on them. Reads the
        model's shape only where the protocol's selection differs by model."""
        given = self.config.overrides.selection
        if given is not None:
            return given == "target-dev"
        trained = self.trained_task()
        if trained is None:
            return False
        entry = self.entry if trained is self.spec else self.protocol.entry(trained.name)
        for phase in trained.phases:
            fixed = resolution.phase_settings(entry, phase).get("selection")
            value = trained.recipe_of(phase).selection if fixed is None else (
                fixed.resolve(self.shape).value
            )  # fmt: skip
            if value == "target-dev":
                return True
        return False

    def evaluation(self) -> StageSettings:
        """Inference settings: the target's last phase's recipe (for a task with no phases, its
        own recipe: Tatoeba's pooling and layer). Its record keeps the settings inference reads
        (the training ones are the fine-tuning stage's)."""
        stage = _stage(self.spec, self.entry, (self.spec.last_phase,),
                       overrides_of(self.config.overrides), self.shape, prefix="")  # fmt: skip
        stage.fixed = {k: v for k, v in stage.fixed.items() if k in INFERENCE_SETTINGS}
        stage.departures = [d for d in stage.departures if d.setting in INFERENCE_SETTINGS]
        recipe = stage.recipes[0][1]
        if self.spec.pool is not None and recipe.layer is None and "layer" in stage.fixed:
            value = stage.fixed["layer"]
            raise UsageError(
                f"{self.spec.name}: protocol {self.protocol.name} gives the layer to embed with "
                f"only for some models ({value.note or value.source}); this model has "
                f"{self.shape.layers} layers: pass --layer N (0 = the embeddings, negative counts "
                "from the end)"
            )
        return stage

    def intermediate(self, spec: TaskSpec, overrides: Any) -> StageSettings:
        """The intermediate stage on `spec`: its last phase's recipe with the protocol's values
        for intermediate stages and the stage's own options."""
        fixed = {
            name: value
            for name, value in self.protocol.intermediate.items()
            if name in resolution.RECIPE_SETTINGS
        }
        given = overrides_of(overrides)
        stage = _stage(spec, None, (spec.phases[-1],), given, self.shape,
                       prefix="intermediate.", extra=fixed,
                       names=lambda name: f"option intermediate_{name}")  # fmt: skip
        phase, recipe = stage.recipes[0]
        stage.recipes[0] = (phase, dataclasses.replace(recipe, selection="last", eval_steps=None,
                                                       patience=None))  # fmt: skip
        return stage

    def precision(self, intermediate: bool = False) -> str:
        """The precision to ask the device for: the option, or under ``auto`` the protocol's
        precision for the stage's task where the protocol fixes one (the target's for the
        fine-tuning stage; the protocol's intermediate settings for the intermediate stage),
        so that a default run follows its protocol. ``auto`` otherwise: the device decides."""
        asked = self.config.precision
        if asked != "auto":
            return asked
        if intermediate:
            fixed = self.protocol.intermediate.get("precision")
            value = None if fixed is None else fixed.resolve(self.shape)
        else:
            value = resolution.task_setting(self.entry, "precision", self.shape)
        return "auto" if value is None else value.value

    def regularizer_options(self) -> dict[str, Any]:
        """The regularizer's options: the protocol's values under the given ones."""
        fixed = resolution.regularizer_settings(self.entry, self.config.regularizer)
        options = {key: value.resolve(self.shape).value for key, value in fixed.items()}
        options.update(self.config.regularizer_options)
        return options

    def regularizer(self) -> Any:
        """The cell's regularizer, built once per stage from its resolved options."""
        return self.host.get("regularizers", self.config.regularizer)(**self.regularizer_options())

    def regularizer_departures(self, regularizer: Any) -> list[Departure]:
        """Departures of the regularizer's resolved options from the protocol's values."""
        departures = []
        for key, value in resolution.regularizer_settings(self.entry, regularizer.name).items():
            wanted = value.resolve(self.shape)
            used = regularizer.options.get(key)
            if used != wanted.value:
                departures.append(
                    Departure(
                        f"{regularizer.name}.{key}",
                        wanted.value,
                        used,
                        f"regularizer option {key}",
                        wanted.verified,
                    )
                )
        return departures

    def cell_departures(
        self, *, tiny: bool, regularizer: Any, random_model: str | None = None
    ) -> list[Departure]:
        """Departures that are not a recipe setting: the model (a tiny one; or `random_model`,
        what `resolution.random_model` says of a published configuration with random weights),
        the data, precision, the fine-tuning task, the regularizer's parameters."""
        config = self.config
        departures = []
        if tiny:
            departures.append(Departure("model", "a pretrained encoder",
                                        "tiny random-initialised model", "tiny model"))  # fmt: skip
        if random_model is not None:
            departures.append(Departure("model", "a pretrained encoder",
                                        f"random-initialised {random_model}",
                                        "random model"))  # fmt: skip
        if config.source == "sample":
            departures.append(Departure("data", "the task's data (xtreme or hub source)",
                                        "sample data", "source sample"))  # fmt: skip
        precision = resolution.task_setting(self.entry, "precision", self.shape)
        if precision is not None and config.precision not in ("auto", precision.value):
            departures.append(Departure("precision", precision.value, config.precision,
                                        "option precision", precision.verified))  # fmt: skip
        wanted = resolution.task_setting(self.entry, "fine_tune_on", self.shape)
        if not self.spec.phases and wanted is not None and self.fine_tune_on != wanted.value:
            departures.append(Departure("fine_tune_on", wanted.value, self.fine_tune_on,
                                        "option fine_tune_on", wanted.verified))  # fmt: skip
        departures.extend(self.regularizer_departures(regularizer))
        return departures

    def departures(self) -> list[Departure]:
        """Every departure of the cell from its protocol, known before any work (reads the
        model's config where a protocol value depends on the model)."""
        found = [*self.finetune().departures, *self.evaluation().departures]
        stage = self.config.intermediate
        if stage is not None:
            found += self.intermediate(
                self.host.get("tasks", stage.task), stage.overrides
            ).departures
        found += self.cell_departures(
            tiny=resolution.is_tiny(self.config.model),
            regularizer=self.regularizer(),
            random_model=resolution.random_model(self.config.model),
        )
        return unique(found)

    def check_strict(self) -> None:
        """`--strict-protocol`: a `UsageError` naming every departure, if there is one."""
        found = self.departures()
        if found:
            raise UsageError(
                f"--strict-protocol: this run departs from protocol {self.protocol.name} "
                f"in {len(found)} values: " + "; ".join(d.text() for d in found)
            )

    def leak(self) -> str | None:
        """A warning when the intermediate task's data reaches the target's evaluation."""
        stage = self.config.intermediate
        return None if stage is None else leak(self.host.get("tasks", stage.task), self.spec)

    def translator(self) -> Any:
        """The translator component of a translate setting (None for the others), built once
        per cell: a sequence-to-sequence model is loaded once, not once per language."""
        if self.config.translator is None:
            return None
        if "translator" not in self._components:
            translator = self.host.get("translators", self.config.translator)
            self._components["translator"] = translator(**dict(self.config.translator_options))
        return self._components["translator"]

    def multi_source_sampler(self) -> Any:
        """The language set of the multi-source setting (None for the others), built once."""
        if self.config.multi_source is None:
            return None
        if "multi_source" not in self._components:
            sampler = self.host.get("language_sets", self.config.multi_source)
            self._components["multi_source"] = sampler(**dict(self.config.multi_source_options))
        return self._components["multi_source"]

    def perturber(self) -> Any:
        """The perturber of the test data (None: clean), built once per cell."""
        if self.config.perturbation is None:
            return None
        if "perturber" not in self._components:
            perturber = self.host.get("perturbers", self.config.perturbation)
            self._components["perturber"] = perturber(**dict(self.config.perturbation_options))
        return self._components["perturber"]

    def perturbation_record(self) -> dict[str, Any] | None:
        """The perturbation part of the result file and of the evaluation step's key."""
        perturber = self.perturber()
        if perturber is None:
            return None
        return {"name": perturber.name, "options": perturber.fingerprint()}

    def setting_record(self) -> dict[str, Any]:
        """The setting part of the result file and of the evaluation step's key."""
        translator = self.translator()
        record = {
            "name": self.config.setting,
            "translator": None if translator is None
            else {"name": translator.name, "options": translator.fingerprint()},
        }  # fmt: skip
        if self.config.setting == "few-shot":
            record["shots"] = self.config.shots
        sampler = self.multi_source_sampler()
        if sampler is not None:
            record["multi_source"] = {
                "language_set": {"name": sampler.name, "options": sampler.fingerprint()},
                "budget": self.config.multi_source_budget,
            }
        return record

    def check_setting(self) -> None:
        """A `UsageError` naming a combination of setting, task and options that makes no
        sense, before any step runs (`xtreme_harness.config.combinations`)."""
        from xtreme_harness.config import combinations

        combinations.check(self)

    def notes(self) -> list[str]:
        """What the result says about the cell's settings: a leak, an intermediate task not
        declared as one, a task the protocol does not cover."""
        found = []
        stage = self.config.intermediate
        if stage is not None:
            found.extend(filter(None, [self.leak()]))
            if "intermediate" not in self.host.get("tasks", stage.task).roles:
                found.append(f"{stage.task} is not declared as an intermediate task")
        if self.entry is None:
            found.append(
                f"protocol {self.protocol.name} does not cover task {self.spec.name}: its "
                "declared recipe applies"
            )
        return found

    def record(self) -> dict[str, Any]:
        """The protocol part of the result file (the stages add their settings)."""
        return {
            "name": self.protocol.name,
            "title": self.protocol.title,
            "sha256": self.protocol.sha256,
            "covers_task": self.entry is not None,
        }


def leak(intermediate_spec: TaskSpec, target: TaskSpec) -> str | None:
    """A warning when the intermediate task's data reaches the target's evaluation: the same
    task, or another task of the target's benchmark (unless the target's own protocol trains on
    it first)."""
    if intermediate_spec.name == target.name:
        return (
            f"the intermediate task is the target task {target.name!r}: its data leaks into the "
            "evaluation"
        )
    if intermediate_spec.name == target.reference_intermediate:
        return None
    if intermediate_spec.benchmark is not None and intermediate_spec.benchmark == target.benchmark:
        return (
            f"the intermediate task {intermediate_spec.name!r} is itself a task of the "
            f"{target.benchmark} benchmark: report its benchmark average without it"
        )
    return None


def unique(departures: list[Departure]) -> list[Departure]:
    """Departures without repeats, in order."""
    return list(dict.fromkeys(departures))


def resolve(config: Any, host: Any, spec: TaskSpec | None = None) -> Cell:
    """The `Cell` of a run configuration."""
    protocol = protocols.get(config.protocol, host)
    spec = spec or host.get("tasks", config.task)
    return Cell(
        protocol=protocol,
        spec=spec,
        entry=protocol.entry(spec.name),
        shape=shape_of(config.model, config.model_revision),
        config=config,
        host=host,
    )
