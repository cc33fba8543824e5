"""The hooks through which plugins extend xharness (pluggy project name ``xharness``).

Hooks are registration-style: xharness calls each plugin's implementation with a `register`
callable and the plugin calls it once per thing it provides. That lets xharness remember which
plugin supplied each name, reject a name registered twice (naming both plugins), and keep listing
cheap, since registering a task or a regularizer imports no heavy library.

A plugin implements any subset of these hooks with functions decorated by `hookimpl`::

    from xtreme_harness import hookimpl

    @hookimpl
    def xharness_register_regularizers(register):
        register(MyRegularizer)

docs/plugins.md is the guide, with a complete third-party plugin.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click

PROJECT = "xharness"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def xharness_register_tasks(register: Callable[[Any], None]) -> None:
    """Register tasks, target and intermediate alike.

    Call ``register(spec)`` once per task, with a `xtreme_harness.interfaces.TaskSpec`. The spec
    declares the task (name, category, kind, languages, metric, data sources, default recipe); the
    engine implements each task kind once, so a task plugin declares data and does not train.
    """


@hookspec
def xharness_register_language_sets(register: Callable[[Any], None]) -> None:
    """Register language-set samplers.

    Call ``register(cls)`` once per sampler, with a subclass of
    `xtreme_harness.interfaces.LanguageSet`.
    """


@hookspec
def xharness_register_regularizers(register: Callable[[Any], None]) -> None:
    """Register regularizers: the training loss of a batch (plain, adversarial, smoothed...).

    Call ``register(cls)`` once per regularizer, with a subclass of
    `xtreme_harness.interfaces.Regularizer`.
    """


@hookspec
def xharness_register_executors(register: Callable[[Any], None]) -> None:
    """Register executors: where the steps of a grid run (in process, worker processes, Ray...).

    Call ``register(cls)`` once per executor, with a subclass of
    `xtreme_harness.interfaces.Executor`.
    """


@hookspec
def xharness_register_formats(register: Callable[[Any], None]) -> None:
    """Register leaderboard table formats (markdown, LaTeX, HTML, CSV, JSON...).

    Call ``register(cls)`` once per format, with a subclass of
    `xtreme_harness.interfaces.TableFormat`.
    """


@hookspec
def xharness_register_protocols(register: Callable[[Any], None]) -> None:
    """Register protocols: published experimental settings, as data.

    Call ``register(path)`` once per protocol, with the path of a JSON file in the format of
    `registry/schemas/protocol.schema.json` (or with a `Protocol` of
    `xtreme_harness.registry.protocols`). The file is validated when registered; a name xharness
    already ships is skipped with a warning.
    """


@hookspec
def xharness_register_translators(register: Callable[[Any], None]) -> None:
    """Register machine translators (a bilingual lexicon, a sequence-to-sequence model...), for
    the translate-train and translate-test settings and ``xharness translate``.

    Call ``register(cls)`` once per translator, with a subclass of
    `xtreme_harness.interfaces.Translator`.
    """


@hookspec
def xharness_register_perturbers(register: Callable[[Any], None]) -> None:
    """Register test-time perturbations (character noise, synonyms, code-switching...): an
    evaluation under ``--perturbation NAME`` scores every language on perturbed test data.

    Call ``register(cls)`` once per perturber, with a subclass of
    `xtreme_harness.interfaces.Perturber`.
    """


@hookspec
def xharness_register_observers(register: Callable[[Any], None]) -> None:
    """Register observers: experiment trackers and anything else told what a grid does (grid
    started, steps started, finished or failed, result files written, grid finished), chosen
    with ``--observer NAME`` or ``observers:`` in a grid file.

    Call ``register(cls)`` once per observer, with a subclass of
    `xtreme_harness.interfaces.Observer`.
    """


@hookspec
def xharness_register_pretrained_models(register: Callable[[Any], None]) -> None:
    """Register which languages a pretrained encoder was trained on, for the research report's
    split of every effect by pretraining coverage.

    Call ``register(model)`` once per model, with
    ``xtreme_harness.registry.pretrained_model(name, languages, source, aliases=...)``
    (languages as ISO 639 codes, the source of the list, the hub ids it goes by). A model xharness
    already lists (`registry/pretraining.json`) is skipped with a warning.
    """


@hookspec
def xharness_register_commands(cli: click.Group) -> None:
    """Add commands to the ``xharness`` command line.

    Decorate functions with ``@cli.command()`` or call ``cli.add_command(command)``. A command
    whose name is already taken (by xharness or another plugin) is an error naming both.
    """
