"""Docs change with the code: every hook has a section and a test, and every code example of the
plugin guide runs: each ```python block of the pages in PAGES is executed in order (a block headed
``# package/__init__.py`` is importable by the blocks after it), unless a comment
``<!-- fragment: why -->`` just before it marks it as a fragment; the complete examples (a task, a
data source, a language set, an executor, a command, a regularizer, a protocol) are then run
further, the task end to end with the tiny model."""

from __future__ import annotations

import json
import re
import sys
import types
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch
from click.testing import CliRunner
from helpers import REPO

from xtreme_harness import hookspecs
from xtreme_harness.cli import BUILTIN_COMMANDS, cli
from xtreme_harness.plugin_host import PluginHost

PLUGINS_PAGE = (REPO / "docs" / "plugins.md").read_text(encoding="utf-8")
PAGES = ("plugins.md", "api.md")
"""The pages whose python blocks must run (or be marked fragments): the guide, and the generated
reference (which holds none: its signatures are plain code blocks)."""
HOOKS = sorted(
    name
    for name in dir(hookspecs)
    if name.startswith("xharness_") and hasattr(getattr(hookspecs, name), "xharness_spec")
)


def test_there_are_eleven_hooks():
    assert HOOKS == [
        "xharness_register_commands",
        "xharness_register_executors",
        "xharness_register_formats",
        "xharness_register_language_sets",
        "xharness_register_observers",
        "xharness_register_perturbers",
        "xharness_register_pretrained_models",
        "xharness_register_protocols",
        "xharness_register_regularizers",
        "xharness_register_tasks",
        "xharness_register_translators",
    ]


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_section_in_the_plugin_guide(hook):
    assert re.search(rf"^#+ {hook}$", PLUGINS_PAGE, flags=re.MULTILINE), hook


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_test(hook):
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "tests").glob("test_*.py"))
    assert re.search(rf"^def test_{hook}\b", sources, flags=re.MULTILINE), hook


# ------------------------------------------------------------------------ the pages' code blocks

BLOCK = re.compile(
    r"^(?P<indent>[ ]*)```(?P<language>[\w-]*)[ ]*\n(?P<body>.*?)^(?P=indent)```[ ]*$",
    re.MULTILINE | re.DOTALL,
)
FRAGMENT = re.compile(r"<!--\s*fragment:(?P<why>(?:(?!-->).)*)-->\s*\Z", re.DOTALL)
HEADER = re.compile(r"\A# (?P<path>[A-Za-z_]\w*(?:/[A-Za-z_]\w*)*\.py)\n")


@dataclass(frozen=True)
class Block:
    """A fenced code block of a docs page."""

    page: str
    line: int
    """The line of its opening fence."""
    language: str
    source: str
    fragment: str | None
    """Why it is a fragment, for a block marked as one; None for a block that must run."""

    @property
    def path(self) -> str | None:
        """The file the block says it is (``# pkg/__init__.py`` on its first line), if any."""
        found = HEADER.match(self.source)
        return found["path"] if found else None

    @property
    def module(self) -> str | None:
        """The module name of `path` (``pkg`` for ``pkg/__init__.py``)."""
        if self.path is None:
            return None
        parts = self.path.removesuffix(".py").split("/")
        return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def code_blocks(text: str, page: str) -> list[Block]:
    blocks = []
    for found in BLOCK.finditer(text):
        indent = len(found["indent"])
        body = "".join(line[indent:] for line in found["body"].splitlines(keepends=True))
        fragment = FRAGMENT.search(text[: found.start()].rstrip() + "\n")
        why = None if fragment is None else fragment["why"].strip()
        line = text.count("\n", 0, found.start()) + 1
        blocks.append(Block(page, line, found["language"], body, why))
    return blocks


def page_blocks(page: str, language: str = "python") -> list[Block]:
    text = (REPO / "docs" / page).read_text(encoding="utf-8")
    return [block for block in code_blocks(text, page) if block.language == language]


def run_blocks(blocks: list[Block], folder: Path, monkeypatch) -> dict[str, types.ModuleType]:
    """Execute the blocks that are not fragments, in order, each as a module whose file is under
    `folder`; a block with a ``# pkg/__init__.py`` header is importable by the later ones. Fails
    naming the page and line of the first block that raises."""
    modules = {}
    for index, block in enumerate(blocks):
        if block.fragment is not None:
            continue
        name = block.module or f"docs_example_{index}"
        module = load_module(name, block, folder, monkeypatch, register=block.module is not None)
        modules[name] = module
    return modules


def load_module(name, block, folder, monkeypatch, *, register=True, extra=""):
    """`block` (and `extra` source after it) executed as module `name`, its file under `folder`
    where its header says (tracebacks give the page's line numbers)."""
    path = folder / (block.path or f"{name}.py")
    path.parent.mkdir(parents=True, exist_ok=True)
    module = types.ModuleType(name)
    module.__file__ = str(path)
    if register:
        monkeypatch.setitem(sys.modules, name, module)
    source = "\n" * block.line + block.source + extra
    try:
        exec(compile(source, f"docs/{block.page}", "exec"), module.__dict__)
    except Exception as exc:
        pytest.fail(
            f"docs/{block.page}, the python block at line {block.line} does not run: "
            f"{type(exc).__name__}: {exc}. Make it run, or mark it with a comment "
            "<!-- fragment: why --> just before it"
        )
    return module


def block_of(page: str, *, module: str | None = None, containing: str | None = None) -> Block:
    """The one python block of `page` with this module header, or containing this text."""
    found = [
        block
        for block in page_blocks(page)
        if (module is None or block.module == module)
        and (containing is None or containing in block.source)
    ]
    assert len(found) == 1, (module, containing, [block.line for block in found])
    return found[0]


@pytest.mark.parametrize("page", PAGES)
def test_every_python_block_runs_or_is_marked_a_fragment(page, tmp_path, monkeypatch):
    blocks = page_blocks(page)
    for block in blocks:
        assert block.fragment != "", f"docs/{page}:{block.line}: a fragment must say why"
    run_blocks(blocks, tmp_path, monkeypatch)


def test_the_guide_has_its_examples():
    blocks = page_blocks("plugins.md")
    assert len([block for block in blocks if block.fragment is None]) >= 10
    for module in ("xharness_americasnli", "xharness_largest_per_family", "xharness_in_order",
                   "xharness_hello", "xharness_label_smoothing"):  # fmt: skip
        assert block_of("plugins.md", module=module)


def test_an_unmarked_block_that_does_not_run_fails_and_a_fragment_is_skipped(tmp_path, monkeypatch):
    page = (
        "Text.\n\n```python\n# pkg_a/__init__.py\nVALUE = 1\n```\n\n"
        "<!-- fragment: the rest of a call, shown alone -->\n```python\n    size=3)\n```\n\n"
        "<!-- a note, not a marker -->\n```python\nX = 2\n```\n\n"
        "- item\n\n  ```python\n  from pkg_a import VALUE\n  assert VALUE == 1\n  ```\n\n"
        "```python\nundefined_name\n```\n"
    )
    blocks = code_blocks(page, "page.md")
    assert [(b.line, b.module, b.fragment) for b in blocks] == [
        (3, "pkg_a", None),
        (9, None, "the rest of a call, shown alone"),
        (14, None, None),
        (20, None, None),
        (25, None, None),
    ]
    run_blocks(blocks[:4], tmp_path, monkeypatch)
    with pytest.raises(pytest.fail.Exception, match=r"line 25 does not run: NameError"):
        run_blocks(blocks, tmp_path, monkeypatch)


# ------------------------------------------------------------------------- the complete examples


def test_the_example_plugin_in_the_guide_works(tmp_path, monkeypatch):
    block = block_of("plugins.md", module="xharness_label_smoothing")
    module = load_module("xharness_label_smoothing", block, tmp_path, monkeypatch)
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


NLI_LINES = {
    "train-en": ["A man eats bread.\tA person eats.\tentailment",
                 "A dog runs.\tA cat sleeps.\tcontradiction",
                 "She sings.\tShe is happy.\tneutral"] * 4,
    "dev-en": ["A man eats.\tSomeone eats.\tentailment", "It rains.\tIt is dry.\tcontradiction"],
    "test-qu": ["Runaqa mikhun.\tRunaqa mikhun.\tentailment"],
    "test-gn": ["Ko'ẽ.\tPyhare.\tcontradiction", "Oky.\tOky hína.\tneutral"],
    "test-ay": ["Jaqix manq'i.\tJaqix manq'i.\tentailment"],
}  # fmt: skip


def _americasnli(tmp_path, monkeypatch):
    """The guide's AmericasNLI plugin, with its protocol hook next to the task as the guide says,
    its protocol file and sample files written into its package folder."""
    from xtreme_harness.interfaces import DataError

    task = block_of("plugins.md", module="xharness_americasnli")
    protocol_hook = block_of("plugins.md", containing="def xharness_register_protocols(")
    (protocol_file,) = [
        b for b in page_blocks("plugins.md", "json") if "xharness-protocol" in b.source
    ]
    module = load_module("xharness_americasnli", task, tmp_path, monkeypatch,
                         extra="\n" + protocol_hook.source)  # fmt: skip
    folder = Path(module.__file__).parent
    (folder / "americasnli-protocol.json").write_text(protocol_file.source, encoding="utf-8")
    sample = folder / "sample" / "americasnli"
    sample.mkdir(parents=True)
    for name, lines in NLI_LINES.items():
        (sample / f"{name}.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    host = PluginHost(entry_points=True, plugins=[("americasnli", module)])
    spec = host.get("tasks", "americasnli-demo")
    assert spec.sources["sample"].read("train", "en")[0] == {
        "id": "0", "text_a": "A man eats bread.", "text_b": "A person eats.", "label": "entailment"
    }  # fmt: skip
    assert len(spec.sources["xtreme"].read("test", "gn", data_dir=folder / "sample")) == 2
    with pytest.raises(DataError, match=r"--data-dir\. Put the files in this layout"):
        spec.sources["xtreme"].read("test", "gn")
    return host, spec


def test_the_task_example_runs_end_to_end_with_its_protocol(tiny_model, tmp_path, monkeypatch):
    from xtreme_harness.config.run import Overrides, RunConfig
    from xtreme_harness.engine.run import run

    host, spec = _americasnli(tmp_path / "plugin", monkeypatch)
    assert spec.recipe.learning_rate == 2e-5 and spec.languages == ("qu", "gn", "ay")
    config = RunConfig(model=tiny_model, task="americasnli-demo", source="sample",
                       out=str(tmp_path / "run"), device="cpu", protocol="americasnli-2022",
                       overrides=Overrides(max_steps=2), progress=False)  # fmt: skip
    result = run(config, host)
    assert set(result["scores"]) == {"qu", "gn", "ay"}
    assert result["training"]["phases"][0]["updates"] == 2
    assert result["training"]["phases"][0]["train_examples"] == {"en": 12}
    assert result["protocol"]["name"] == "americasnli-2022"
    assert result["protocol"]["covers_task"] is True
    assert json.loads((tmp_path / "run" / "result.json").read_text(encoding="utf-8"))["scores"]


def test_the_data_source_example_reads_and_reports_bad_lines(tmp_path, monkeypatch):
    from xtreme_harness.interfaces import DataError, DataSource

    block = block_of("plugins.md", containing="class JsonLinesSource(DataSource)")
    module = load_module("jsonl_source", block, tmp_path, monkeypatch)
    source = module.JsonLinesSource("jsonl")
    assert isinstance(source, DataSource) and source.name == "jsonl"
    lines = [{"premise": "A man eats.", "hypothesis": "Someone eats.", "label": "entailment"},
             {"id": "b", "premise": "It rains.", "hypothesis": "It is dry."}]  # fmt: skip
    (tmp_path / "train-en.jsonl").write_text(
        "\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8"
    )
    examples = source.read("train", "en", data_dir=tmp_path)
    assert examples == [
        {"id": "0", "text_a": "A man eats.", "text_b": "Someone eats.", "label": "entailment"},
        {"id": "b", "text_a": "It rains.", "text_b": "It is dry.", "label": None},
    ]
    assert source.load("train", "en", data_dir=tmp_path).to_list() == examples
    assert "--data-dir" in source.describe()
    with pytest.raises(DataError, match="give the folder"):
        source.read("train", "en")
    with pytest.raises(DataError, match="missing: no test data in 'sw'"):
        source.read("test", "sw", data_dir=tmp_path)
    (tmp_path / "train-en.jsonl").write_text(
        json.dumps(lines[0]) + '\n{"premise": "x", "hypothesis": 3}\n', encoding="utf-8"
    )
    with pytest.raises(DataError) as raised:
        source.read("train", "en", data_dir=tmp_path)
    assert (raised.value.line, raised.value.field) == (2, "hypothesis")
    assert str(raised.value).endswith("train-en.jsonl:2: field 'hypothesis': expected a string")


def test_the_language_set_example(monkeypatch, tmp_path, use_host):
    from xtreme_harness.interfaces import Candidates, UnknownNameError

    block = block_of("plugins.md", module="xharness_largest_per_family")
    module = load_module("xharness_largest_per_family", block, tmp_path, monkeypatch)
    host = use_host(("largest", module), entry_points=True)
    sampler = host.get("language_sets", "largest-per-family")
    counts = {"en": 100, "de": 150, "hi": 80, "ja": 30, "ko": 10, "sw": 0}
    candidates = Candidates(counts, {code: 10 * n for code, n in counts.items()})
    everything = sampler().select(candidates, None, seed=1)
    assert dict(everything.examples) == {"de": 150, "ja": 30, "ko": 10}  # sw has no data
    assert everything.budget == everything.total == 190
    assert everything.available_characters == {"de": 1500, "ja": 300, "ko": 100}
    two = sampler(languages="2").select(dict(counts), 101, seed=1)
    assert dict(two.examples) == {"de": 51, "ja": 30} and two.budget == 101
    assert two.available_characters is None and two.options == {"languages": 2}
    assert sampler().select(candidates, None, seed=1) == everything  # the same, every time
    with pytest.raises(UnknownNameError, match="takes languages"):
        sampler(k="2")
    # --languages reaches it as its `languages` parameter
    command = ["language-sets", "show", "largest-per-family", "--task", "massive", "--source",
               "sample", "--languages", "3"]  # fmt: skip
    shown = CliRunner().invoke(cli, command)
    assert shown.exit_code == 0, shown.output
    assert "3 languages, 3 families" in shown.output


def test_the_executor_example(monkeypatch, tmp_path):
    from xtreme_harness.interfaces import Status, Step

    block = block_of("plugins.md", module="xharness_in_order")
    module = load_module("xharness_in_order", block, tmp_path, monkeypatch)
    host = PluginHost(entry_points=False, plugins=[("in-order", module)])
    executor = host.get("executors", "in-order")()
    steps = [Step("a", "finetune"), Step("b", "evaluate", needs=("a",)), Step("c", "finetune"),
             Step("d", "evaluate", needs=("c", "done-before"))]  # fmt: skip
    ran, events = [], []

    def run_step(step):
        ran.append(step.key)
        if step.key == "a":
            raise RuntimeError("out of memory")

    outcomes = executor.run(steps, run_step, events.append)
    assert ran == ["a", "c", "d"]
    assert {key: o.status for key, o in outcomes.items()} == {
        "a": Status.FAILED, "b": Status.SKIPPED, "c": Status.DONE, "d": Status.DONE
    }  # fmt: skip
    assert outcomes["a"].error == "RuntimeError: out of memory"
    assert [(e.step.key, e.status) for e in events][:2] == [("a", None), ("a", Status.FAILED)]
    ran.clear()
    stopped = executor.run(steps, run_step, events.append, fail_fast=True)
    assert ran == ["a"] and stopped["c"].status is Status.SKIPPED


def test_the_command_example(monkeypatch, tmp_path, use_host):
    block = block_of("plugins.md", module="xharness_hello")
    module = load_module("xharness_hello", block, tmp_path, monkeypatch)
    use_host(("hello", module))
    result = CliRunner().invoke(cli, ["hello", "world"])
    assert result.exit_code == 0, result.output
    assert result.output == "hello world\n"


@pytest.mark.parametrize("command", sorted(BUILTIN_COMMANDS))
def test_every_builtin_command_has_help_and_a_place_in_the_cli_reference(command):
    from click import Context

    resolved = cli.get_command(Context(cli), command)
    assert resolved.help and len(resolved.help) > 20
    reference = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert f"xharness {command}" in reference


def test_every_page_is_in_the_site_navigation():
    """mkdocs.yml's nav lists every page of docs/ (mkdocs only mentions a page left out)."""
    import yaml

    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))

    def pages(entries):
        for entry in entries:
            value = next(iter(entry.values())) if isinstance(entry, dict) else entry
            yield from pages(value) if isinstance(value, list) else [value]

    listed = set(pages(config["nav"]))
    present = {p.relative_to(REPO / "docs").as_posix() for p in (REPO / "docs").rglob("*.md")}
    assert listed == present
