"""What every stage of one run works from: its configuration resolved once.

A `Context` is built at the start of a stage (in whatever process runs it) from the run
configuration: the task, the cell's resolved settings (recipes, regularizer, protocol), the
evaluation languages, and the checks that must fail before any work (an unknown source or
language, a generalised evaluation the task cannot have, an intermediate stage without its
budget).
"""

from __future__ import annotations

from typing import Any

from xtreme_harness.config import cell as cells
from xtreme_harness.config.resolution import Departure
from xtreme_harness.config.run import RunConfig
from xtreme_harness.engine import intermediate
from xtreme_harness.engine.tokenized import Tokenized
from xtreme_harness.errors import UnknownNameError, UsageError
from xtreme_harness.interfaces.task import Recipe, TaskKind, TaskSpec
from xtreme_harness.plugin_host import PluginHost, get_host
from xtreme_harness.provenance import code_versions


def source_of(spec: TaskSpec, name: str) -> Any:
    """The data source `name` of a task; an `UnknownNameError` naming its sources if none."""
    if name not in spec.sources:
        raise UnknownNameError(f"data source of task {spec.name!r}", name, spec.sources)
    return spec.sources[name]


class Context:
    """One run's configuration, resolved: what its stages read."""

    def __init__(self, config: RunConfig, host: PluginHost | None = None) -> None:
        self.config = config
        self.host = host or get_host()
        self.spec: TaskSpec = self.host.get("tasks", config.task)
        self.cell = cells.resolve(config, self.host, self.spec)
        self.cell.check_setting()
        self.regularizer = self.cell.regularizer()
        self.tokenized = Tokenized(versions=code_versions(self.host))
        """Tokenizing with the features kept for the next step that needs them."""
        self._evaluation: cells.StageSettings | None = None
        self.differences: dict[tuple[str, str, str], str] = {}
        """What the data read so far differs in from the benchmark's: (task, split, language) ->
        the source's account (`DataSource.differences`)."""
        self.translations: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
        """What a grid's translation steps made: (source, target) -> (their store file, what
        translating did); a direction not here is translated when asked."""
        source_of(self.spec, config.source)
        self.languages = self._evaluation_languages()
        if config.intermediate is not None:
            stage = config.intermediate
            stage_spec = self.host.get("tasks", stage.task)
            source_of(stage_spec, stage.source or config.source)
            sampler = self.host.get("language_sets", stage.language_set)(**dict(stage.options))
            intermediate.check_budget_given(sampler, stage.budget)
        spec = self.spec
        sentence_pairs = spec.kind is TaskKind.CLASSIFICATION and spec.metric == "accuracy"
        if config.generalized and not (sentence_pairs or spec.pairs_split):
            raise UsageError(
                f"generalised evaluation is for sentence-pair classification (xnli, pawsx) and "
                f"for QA tasks with a split of language pairs (mlqa); {spec.name} is "
                f"{spec.kind.value} without one"
            )

    def _evaluation_languages(self) -> tuple[str, ...]:
        wanted = self.config.eval_languages or self.spec.languages
        for language in wanted:
            if language not in self.spec.languages:
                raise UnknownNameError(
                    f"evaluation language of task {self.spec.name!r}", language, self.spec.languages
                )
        return tuple(dict.fromkeys(wanted))

    def load(self, spec: TaskSpec, split: str, language: str, source: str | None = None) -> list:
        """The examples of `split` in `language` from the run's source (or `source`)."""
        config = self.config
        examples = source_of(spec, source or config.source).read(
            split, language, data_dir=config.data_dir, revision=config.data_revision
        )
        self.noted(spec, split, language, source)
        return examples

    def noted(self, spec: TaskSpec, split: str, language: str, source: str | None = None) -> None:
        """Keep what the source says its `split` in `language` differs in from the benchmark's
        data (for data read without `load`)."""
        found = source_of(spec, source or self.config.source).differences(split, language)
        if found:
            self.differences[(spec.name, split, language)] = found

    def with_data(self, record: dict[str, Any]) -> dict[str, Any]:
        """A stage's protocol record with a departure for each data read that is not the
        benchmark's."""
        source = self.config.source
        found = [
            Departure("data", f"{task} {split} {language} as the benchmark's scripts make it",
                      f"{source} data that {difference}", f"source {source}").describe()
            for (task, split, language), difference in self.differences.items()
        ]  # fmt: skip
        return {**record, "departures": [*record["departures"], *found]}

    def evaluation(self) -> cells.StageSettings:
        """Inference settings (the task's last phase's, or its own for a task without phases),
        resolved once."""
        if self._evaluation is None:
            self._evaluation = self.cell.evaluation()
        return self._evaluation

    @property
    def evaluation_recipe(self) -> Recipe:
        return self.evaluation().recipes[0][1]
