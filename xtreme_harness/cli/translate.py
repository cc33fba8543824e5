"""``xharness translate``: translate a file's lines with a registered translator, through the
translation store that the translate settings share."""

from __future__ import annotations

from typing import Any

import click


@click.command()
@click.argument("source_file", type=click.File("r", encoding="utf-8"), default="-",
                metavar="[FILE]")  # fmt: skip
@click.option("--translator", "translator_name", required=True,
              help="A registered translator (see `xharness translators`): dictionary, "
              "seq2seq.")  # fmt: skip
@click.option("--translator-option", "translator_options", multiple=True, metavar="KEY=VALUE",
              help="A parameter of the translator, e.g. model=facebook/nllb-200-distilled-600M; "
              "repeatable.")  # fmt: skip
@click.option("--source", "source", required=True, help="Language of the text (registry code).")
@click.option("--target", "target", required=True, help="Language to translate into.")
@click.option("--out", "out_file", type=click.Path(dir_okay=False),
              help="Write the translations to FILE (default: standard output).")  # fmt: skip
@click.option("--store", "store", type=click.Path(file_okay=False),
              help="Folder of the translation store (default: the cache folder's "
              "translations/; XHARNESS_CACHE).")  # fmt: skip
def translate(
    source_file: Any,
    translator_name: str,
    translator_options: tuple[str, ...],
    source: str,
    target: str,
    out_file: str | None,
    store: str | None,
) -> None:
    """Translate FILE (or standard input), one text per line, from --source to --target.

    Every line is translated once per translator and direction and kept in the translation
    store: running again, or translating the same text in a grid's translate setting, reads it
    back instead of translating it again. Empty lines stay empty.

    \b
    Example:
      xharness translate --translator dictionary \\
          --translator-option folder=lexicons --source en --target de sentences.txt
    """
    from xtreme_harness.config.options import parse_pairs
    from xtreme_harness.engine import translation
    from xtreme_harness.plugin_host import get_host

    options = parse_pairs(translator_options, "--translator-option")
    translator = get_host().get("translators", translator_name)(**options)
    lines = source_file.read().splitlines()
    texts = [line for line in lines if line.strip()]
    outcome = translation.translate(translator, texts, source, target, folder=store)
    found = iter(outcome.texts)
    text = "\n".join(next(found) if line.strip() else "" for line in lines)
    if out_file:
        from xtreme_harness.atomic import write_text

        write_text(out_file, text + "\n")
    else:
        click.echo(text)
    where = outcome.path or "no store: caching is off"
    click.echo(f"{outcome.translated} translated, {outcome.reused} not translated again (in the "
               f"store or repeated; {where})", err=True)  # fmt: skip
