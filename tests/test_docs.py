"""Docs change with the code: every hook has a section and a test, the plugin example works."""

from __future__ import annotations

import re
import types

import pytest
import torch
from helpers import REPO

from xtreme_harness import hookspecs
from xtreme_harness.cli import BUILTIN_COMMANDS, cli
from xtreme_harness.plugin_host import PluginHost

PLUGINS_PAGE = (REPO / "docs" / "plugins.md").read_text(encoding="utf-8")
HOOKS = sorted(
    name
    for name in dir(hookspecs)
    if name.startswith("xharness_") and hasattr(getattr(hookspecs, name), "xharness_spec")
)


def test_there_are_seven_hooks():
    assert HOOKS == [
        "xharness_register_commands",
        "xharness_register_executors",
        "xharness_register_formats",
        "xharness_register_language_sets",
        "xharness_register_protocols",
        "xharness_register_regularizers",
        "xharness_register_tasks",
    ]


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_section_in_the_plugin_guide(hook):
    assert re.search(rf"^#+ {hook}$", PLUGINS_PAGE, flags=re.MULTILINE), hook


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_test(hook):
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "tests").glob("test_*.py"))
    assert re.search(rf"^def test_{hook}\b", sources, flags=re.MULTILINE), hook


def test_the_example_plugin_in_the_guide_works():
    blocks = re.findall(r"```python\n(.*?)```", PLUGINS_PAGE, flags=re.DOTALL)
    (source,) = [b for b in blocks if b.startswith("# xharness_label_smoothing/__init__.py")]
    module = types.ModuleType("xharness_label_smoothing")
    exec(compile(source, "docs/plugins.md", "exec"), module.__dict__)
    host = PluginHost(entry_points=False, plugins=[("label-smoothing", module)])
    regularizer = host.get("regularizers", "label-smoothing")(epsilon="0.2")

    class Model(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = torch.nn.Linear(4, 3)

        def forward(self, features, inputs_embeds=None):
            return types.SimpleNamespace(logits=self.linear(features))

    class Context:
        def forward(self, model, batch, inputs_embeds=None):
            return model(**batch)

    model = Model()
    batch = {"features": torch.randn(5, 4), "labels": torch.tensor([0, 1, 2, 1, -100])}
    loss = regularizer.loss(model, batch, Context())
    expected = torch.nn.functional.cross_entropy(
        model(batch["features"]).logits[:4], batch["labels"][:4], label_smoothing=0.2
    )
    assert torch.allclose(loss, expected)


@pytest.mark.parametrize("command", sorted(BUILTIN_COMMANDS))
def test_every_builtin_command_has_help_and_a_place_in_the_cli_reference(command):
    from click import Context

    resolved = cli.get_command(Context(cli), command)
    assert resolved.help and len(resolved.help) > 20
    reference = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert f"xharness {command}" in reference
