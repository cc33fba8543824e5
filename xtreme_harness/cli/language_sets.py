"""``xharness language-sets`` (the list) and ``xharness language-sets show`` (an allocation)."""

from __future__ import annotations

from typing import Any

import click

from xtreme_harness.cli.listing import JSON_OPTION, print_components
from xtreme_harness.cli.output import blank, emit_json, emit_table
from xtreme_harness.config.options import SOURCES, parse_pairs
from xtreme_harness.errors import UsageError


@click.group(name="language-sets", invoke_without_command=True)
@JSON_OPTION
@click.pass_context
def language_sets(ctx: click.Context, as_json: bool) -> None:
    """List the registered language-set samplers with their parameters and defaults.

    `xharness language-sets show NAME --task T ...` shows the languages a sampler picks. The
    budget (--budget) is a number of examples; temperature and unimax need one, the other
    samplers take all the data of the chosen languages without it.
    """
    if ctx.invoked_subcommand is None:
        print_components("language_sets", "language sets", as_json)


@language_sets.command()
@click.argument("name")
@click.option("--task", required=True, help="The intermediate task whose languages are drawn.")
@click.option(
    "--budget",
    type=click.IntRange(min=1),
    help="Total examples (default: all data of the chosen languages; temperature and unimax "
    "need a budget).",
)
@click.option("--languages", "k", type=click.IntRange(min=1), help="Number of languages k.")
@click.option("--seed", type=int, default=1, show_default=True)
@click.option(
    "--option",
    "options",
    multiple=True,
    metavar="KEY=VALUE",
    help="A parameter of the sampler; repeatable.",
)
@click.option(
    "--source",
    type=click.Choice(SOURCES),
    help="Where the task's data comes from (as for `xharness run`).",
)
@click.option("--data-dir", type=click.Path(file_okay=False), help="Folder of the xtreme source.")
@click.option("--data-revision", help="Revision of hub datasets.")
@click.option("--model", help="Count tokens with this model's tokenizer.")
@JSON_OPTION  # fmt: skip
def show(name: str, task: str, **options: Any) -> None:
    """Show the allocation a language set makes for an intermediate task: languages with family,
    script and resource class, examples, the passes over each language's data (epochs; above 1 the
    data is repeated), characters (and tokens with --model), and the number of families.

    \b
    Example:
      xharness language-sets show low-resource-diverse --task massive --source sample \\
          --budget 140 --languages 7 --seed 1
    """
    from xtreme_harness.engine import intermediate
    from xtreme_harness.plugin_host import get_host
    from xtreme_harness.registry.languages import default_registry

    host = get_host()
    spec = host.get("tasks", task)
    sampler_options: dict[str, Any] = parse_pairs(options["options"], "--option")
    if options["k"] is not None:
        sampler_options["languages"] = options["k"]
    sampler = host.get("language_sets", name)(**sampler_options)
    source = options["source"] or ("xtreme" if options["data_dir"] else None)
    if source is None:
        raise UsageError("choose where the task's data comes from: --source hub|xtreme|sample")
    if source not in spec.sources:
        from xtreme_harness.errors import UnknownNameError

        raise UnknownNameError(f"data source of task {spec.name!r}", source, spec.sources)
    allocation, loaded, missing = intermediate.select(
        sampler, spec, source, options["budget"], options["seed"],
        data_dir=options["data_dir"], revision=options["data_revision"],
    )  # fmt: skip
    if options["model"]:
        allocation = intermediate.with_tokens(
            allocation, _count_tokens(allocation, loaded, spec, options)
        )
    described = allocation.describe(default_registry())
    if options["as_json"]:
        emit_json({"task": spec.name, "source": source, "missing": missing, **described})
        return
    rows = [
        [
            row["language"], row["name"],
            row["family"] if row["family"] == row["family_conventional"]
            else f"{row['family']} ({row['family_conventional']})",
            row["script"], blank(row["resource_class"]), row["examples"],
            blank(row["available"]), blank(row["epochs"]), blank(row["characters"]),
            blank(row["tokens"]),
        ]
        for row in described["languages"]
    ]  # fmt: skip
    repeated = described["repeated"]
    emit_table(
        rows,
        ["code", "name", "family", "script", "class", "examples", "available", "epochs",
         "characters", "tokens"],
        footer=(
            f"{len(rows)} languages, {len(described['families'])} families, "
            f"{len(described['scripts'])} scripts, {described['total_examples']} examples "
            f"({name}, seed {options['seed']}, {spec.name} {source} data)"
            + (f"; data repeated: {', '.join(repeated)}" if repeated else "")
        ),
    )  # fmt: skip
    if missing:
        click.echo(
            f"note: the {source} source has no {spec.name} training data in {len(missing)} "
            f"languages: {', '.join(missing)}",
            err=True,
        )


def _count_tokens(
    allocation: Any, loaded: dict[str, list[dict[str, Any]]], spec: Any, options: dict[str, Any]
) -> dict[str, int]:
    from xtreme_harness.engine import intermediate
    from xtreme_harness.engine.kinds import implementation
    from xtreme_harness.engine.models import load_tokenizer

    chosen = intermediate.materialize(allocation, loaded, options["seed"], spec.name)
    max_length = spec.recipe_of(spec.last_phase).max_length
    tokenizer = load_tokenizer(options["model"])
    return intermediate.encode(implementation(spec), chosen, tokenizer, max_length)[1]
