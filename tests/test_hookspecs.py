"""One test per hook specification: a plugin implements it and xharness uses what it provides.

`test_docs.py` checks that every hookspec has a test here and a section in docs/plugins.md.
"""

from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner

from xtreme_harness import hookimpl
from xtreme_harness.cli import cli
from xtreme_harness.errors import DuplicateNameError, PluginWarning
from xtreme_harness.interfaces.component import Param
from xtreme_harness.interfaces.executor import Event, Executor, Outcome, Status, Step
from xtreme_harness.interfaces.language_set import Allocation, LanguageSet
from xtreme_harness.interfaces.table_format import Cell, Table, TableFormat
from xtreme_harness.interfaces.task import Category, Recipe, TaskKind, TaskSpec


def invoke(*args: str) -> click.testing.Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


class TaskPlugin:
    @hookimpl
    def xharness_register_tasks(self, register):
        register(
            TaskSpec(
                name="americasnli-demo",  # not `americasnli`: a benchmark task of the registry
                title="AmericasNLI (demo)",
                category=Category.CLASSIFICATION,
                kind=TaskKind.CLASSIFICATION,
                languages=("quy", "gn", "ay"),
                metric="accuracy",
                labels=("entailment", "neutral", "contradiction"),
                recipe=Recipe(learning_rate=2e-5, epochs=5, max_length=128, batch_size=32),
            )
        )


def test_xharness_register_tasks(use_host):
    use_host(("americasnli-plugin", TaskPlugin()))
    result = invoke("tasks", "--json")
    (task,) = json.loads(result.output)
    assert task["name"] == "americasnli-demo"
    assert task["plugin"] == "americasnli-plugin"
    assert task["kind"] == "classification"
    assert task["languages"] == ["quy", "gn", "ay"]
    # a registered task also filters the language listing, by the codes it declares
    result = invoke("languages", "--task", "americasnli-demo", "--json")
    assert {lang["code"] for lang in json.loads(result.output)} == {"qu", "gn", "ay"}


class FirstK(LanguageSet):
    name = "first-k"
    description = "The first k candidates in alphabetical order, budget split evenly."
    params = (Param("k", int, 2, "number of languages", minimum=1),)

    def select(self, candidates, budget, seed):
        chosen = sorted(candidates)[: self.options["k"]]
        return Allocation(
            {lang: budget // len(chosen) for lang in chosen}, self.name, budget, seed, self.options
        )


class LanguageSetPlugin:
    @hookimpl
    def xharness_register_language_sets(self, register):
        register(FirstK)


def test_xharness_register_language_sets(use_host):
    host = use_host(("sets", LanguageSetPlugin()))
    sampler = host.get("language_sets", "first-k")(k="3")
    allocation = sampler.select({"sw": 100, "yo": 100, "am": 100, "ha": 100}, 300, seed=1)
    assert dict(allocation.examples) == {"am": 100, "ha": 100, "sw": 100}
    listed = json.loads(invoke("language-sets", "--json").output)
    assert listed == [
        {
            "name": "first-k",
            "description": FirstK.description,
            "params": [
                {
                    "name": "k",
                    "type": "int",
                    "default": 2,
                    "help": "number of languages",
                    "minimum": 1,
                    "verified": True,
                }
            ],
            "plugin": "sets",
        }
    ]


class Halved:
    @hookimpl
    def xharness_register_regularizers(self, register):
        from xharness_plugins.robust.plain import PlainLoss

        class HalfLoss(PlainLoss):
            name = "half"
            description = "Half the plain loss."

            def loss(self, model, batch, ctx):
                return super().loss(model, batch, ctx) / 2

        register(HalfLoss)


def test_xharness_register_regularizers(use_host):
    host = use_host(("halved", Halved()))
    regularizer = host.get("regularizers", "half")()

    class Output:
        loss = 8.0

    class Context:
        def forward(self, model, batch, inputs_embeds=None):
            return Output()

    assert regularizer.loss(None, {}, Context()) == 4.0
    (listed,) = json.loads(invoke("regularizers", "--json").output)
    assert (listed["name"], listed["plugin"]) == ("half", "halved")


class InOrder(Executor):
    name = "in-order"
    description = "Runs steps one after another in the order given."

    def run(self, steps, run_step, report):
        outcomes = {}
        for step in steps:
            report(Event(step, None))
            run_step(step)
            outcomes[step.key] = Outcome(step.key, Status.DONE)
            report(Event(step, Status.DONE, outcomes[step.key]))
        return outcomes


class ExecutorPlugin:
    @hookimpl
    def xharness_register_executors(self, register):
        register(InOrder)


def test_xharness_register_executors(use_host):
    host = use_host(("exec", ExecutorPlugin()))
    ran, events = [], []
    outcomes = host.get("executors", "in-order")().run(
        [Step("a", "finetune"), Step("b", "evaluate", needs=("a",))], ran.append, events.append
    )
    assert [s.key for s in ran] == ["a", "b"]
    assert [e.status for e in events] == [None, Status.DONE, None, Status.DONE]
    assert outcomes["b"].status is Status.DONE


class Pipes(TableFormat):
    name = "pipes"
    description = "Cells separated by pipes."
    suffix = "txt"

    def render(self, table):
        lines = [" | ".join(table.columns)]
        for row in table.rows:
            lines.append(
                " | ".join(
                    c.text if c.text is not None else f"{c.mean:.{table.digits}f}" for c in row
                )
            )
        return "\n".join(lines)


class FormatPlugin:
    @hookimpl
    def xharness_register_formats(self, register):
        register(Pipes)


def test_xharness_register_formats(use_host):
    host = use_host(("pipes-plugin", FormatPlugin()))
    table = Table("XNLI", ("model", "avg"), ((Cell(text="xlmr"), Cell(mean=79.25, n=3)),))
    assert host.get("formats", "pipes")().render(table) == "model | avg\nxlmr | 79.2"


class CommandPlugin:
    @hookimpl
    def xharness_register_commands(self, cli):
        @cli.command()
        @click.argument("name")
        def greet(name):
            """Say hello."""
            click.echo(f"hello {name}")


class ClashingCommandPlugin:
    @hookimpl
    def xharness_register_commands(self, cli):
        @cli.command(name="languages")
        def other_languages():
            """Shadow a built-in command."""


def test_xharness_register_commands(use_host):
    use_host(("greeter", CommandPlugin()))
    assert invoke("greet", "world").output == "hello world\n"
    assert "greet" in invoke("--help").output
    plugins = json.loads(invoke("plugins", "--json").output)
    assert plugins[0]["registered"] == {"commands": ["greet"]}
    # a plugin's command with a taken name is skipped with a warning: the CLI keeps working
    use_host(("clash", ClashingCommandPlugin()))
    with pytest.warns(PluginWarning, match="command 'languages' of plugin 'clash' is skipped"):
        result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0, result.output
    assert "Bantu" in invoke("languages", "sw").output  # the built-in command, not the plugin's
    from xtreme_harness.plugin_host import PluginHost

    strict = PluginHost(entry_points=False, plugins=[("clash", ClashingCommandPlugin())],
                        environ={"XHARNESS_STRICT_PLUGINS": "1"})  # fmt: skip
    with pytest.raises(DuplicateNameError, match="xharness has a command 'languages'"):
        strict.add_commands(click.Group(), {"languages": "xharness"})
