"""``xharness publish``: results as a Hugging Face Hub dataset, with model-index cards."""

from __future__ import annotations

import os

import click

from xtreme_harness.registry.benchmarks import benchmark_names


@click.command()
@click.argument("run_dirs", nargs=-1, required=True, metavar="RUN_DIR...")
@click.option("--repo", required=True, metavar="ID",
              help="The dataset repository on the Hub, e.g. my-lab/xnli-grid.")  # fmt: skip
@click.option("--out", type=click.Path(file_okay=False),
              help="The folder to write (default: <first RUN_DIR>/publish).")  # fmt: skip
@click.option("--benchmark", type=click.Choice(benchmark_names()), default="xtreme-r",
              show_default=True,
              help="The benchmark whose score the leaderboard shows.")  # fmt: skip
@click.option("--dry-run", is_flag=True,
              help="Write the folder only; upload nothing.")  # fmt: skip
@click.option("--private", is_flag=True, help="Create the repository as private.")
def publish(run_dirs: tuple[str, ...], repo: str, out: str | None, benchmark: str,
            dry_run: bool, private: bool) -> None:  # fmt: skip
    """Publish the results of runs and grids as a Hub dataset.

    Writes a dataset folder (results.parquet and results.jsonl, one row per result, language
    and metric; the result files; a dataset card with the configurations, protocols,
    departures and the leaderboard) and, per result, a model card whose YAML header is the
    model-index block of the fine-tuned model (model-cards/). Then, unless --dry-run, uploads
    the folder (without the model cards) to --repo with huggingface_hub, which needs a token
    (`huggingface-cli login`) and the network. See docs/publishing.md.

    \b
    Example:
      xharness publish runs/demo-grid --repo my-lab/demo-grid --dry-run
    """
    from xtreme_harness.errors import UsageError
    from xtreme_harness.plugin_host import get_host
    from xtreme_harness.results import publish as publishing
    from xtreme_harness.results.files import find

    if repo.count("/") != 1 or not all(part.strip() for part in repo.split("/")):
        raise UsageError(f"--repo {repo!r}: expected OWNER/NAME, e.g. my-lab/xnli-grid")
    folder = out or os.path.join(run_dirs[0], "publish")
    written = publishing.build(find(*run_dirs), folder, repo, get_host(), benchmark=benchmark)
    click.echo(f"wrote {folder}: {written['results']} results, {written['rows']} rows, "
               f"{len(written['model_cards'])} model cards")  # fmt: skip
    if dry_run:
        click.echo("dry run: nothing uploaded")
        return
    try:
        address = publishing.upload(folder, repo, private=private)
    except Exception as error:  # network, authentication, permissions: the folder stays
        raise UsageError(
            f"could not upload to {repo}: {type(error).__name__}: {error}; the "
            f"folder is at {folder} (--dry-run writes it only)"
        ) from None
    click.echo(f"uploaded {folder} to {address}")
