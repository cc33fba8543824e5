"""Write docs/api.md, the API reference, from the code: the docstrings and signatures of the plugin
API (`xtreme_harness.interfaces.__all__`), of the registry's public API
(`xtreme_harness.registry.__all__`) and of the hook specifications (`xtreme_harness.hookspecs`).

    python scripts/api_reference.py            # (re)write docs/api.md
    python scripts/api_reference.py --check    # exit 1 if docs/api.md is not what the code says

Signatures come from `inspect`; the docstrings of dataclass fields, enum members, class attributes
and module constants (the string literal right after the assignment) from the source, with `ast`.
The output depends on nothing but the code: names are listed in the order of their definition,
defaults as written in the source or as their `repr`. Importing what is documented needs neither
torch nor transformers.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import enum
import importlib
import inspect
import json
import re
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
OUTPUT = REPO / "docs" / "api.md"
COMMAND = "python scripts/api_reference.py"
WIDTH = 96
"""Signatures longer than this are written one parameter per line."""

SECTIONS = (
    # (module whose `__all__` is documented, what it is)
    ("xtreme_harness.interfaces", "the plugin API: everything a plugin imports"),
    ("xtreme_harness.registry", "languages and benchmark definitions, for plugins too"),
)
TOPICS = {
    # the module that defines a name -> the heading its names are listed under, in this order
    "xtreme_harness.interfaces.task": "Tasks",
    "xtreme_harness.interfaces.sources": "Data sources",
    "xtreme_harness.interfaces.readers": "Readers",
    "xtreme_harness.interfaces.text": "Text helpers",
    "xtreme_harness.interfaces.language_set": "Language sets",
    "xtreme_harness.interfaces.regularizer": "Regularizers",
    "xtreme_harness.interfaces.executor": "Executors",
    "xtreme_harness.interfaces.table_format": "Table formats",
    "xtreme_harness.interfaces.component": "Components and parameters",
    "xtreme_harness.errors": "Errors",
    "xtreme_harness.registry.languages": "Languages",
    "xtreme_harness.registry.benchmarks": "Benchmarks",
}
HIDDEN_BASES = ("object", "ABC", "Generic")


# ------------------------------------------------------------------------------ reading the source


def _parse(obj: Any) -> tuple[ast.AST, str]:
    """The syntax tree of an object's source, and that source."""
    source = textwrap.dedent(inspect.getsource(obj))
    return ast.parse(source), source


def _documented_assignments(body: list[ast.stmt]) -> Iterator[tuple[str, ast.stmt, str | None]]:
    """(name, assignment, the string literal right after it or None) for each assignment of a
    plain name in `body`."""
    for index, node in enumerate(body):
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names = [node.target.id]
        elif isinstance(node, ast.Assign):
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
        else:
            continue
        following = body[index + 1] if index + 1 < len(body) else None
        doc = None
        if (
            isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            doc = inspect.cleandoc(following.value.value)
        for name in names:
            yield name, node, doc


def _self_assignments(function: ast.FunctionDef) -> Iterator[tuple[str, ast.stmt, str | None]]:
    """Like `_documented_assignments`, for ``self.name = ...`` in a method's body."""
    body = function.body
    for index, node in enumerate(body):
        target = node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        if not (
            isinstance(target, ast.Attribute)
            and isinstance(target.value, ast.Name)
            and target.value.id == "self"
        ):
            continue
        following = body[index + 1] if index + 1 < len(body) else None
        doc = None
        if (
            isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            doc = inspect.cleandoc(following.value.value)
        yield target.attr, node, doc


def _text(node: ast.AST, source: str) -> str:
    """`node` as written in `source`, on one line."""
    text = ast.get_source_segment(source, node) or ast.unparse(node)
    return " ".join(line.strip() for line in text.splitlines())


def _default_text(node: ast.stmt, source: str) -> str | None:
    """The default a class-body assignment gives, as written (``field(default_factory=dict)``
    as ``dict()``, ``field(default=x)`` as ``x``); None without one."""
    value = node.value if isinstance(node, (ast.AnnAssign, ast.Assign)) else None
    if value is None:
        return None
    if (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id == "field"
    ):
        for keyword in value.keywords:
            if keyword.arg == "default_factory":
                return f"{_text(keyword.value, source)}()"
            if keyword.arg == "default":
                return _text(keyword.value, source)
        return None
    return _text(value, source)


# ------------------------------------------------------------------------------------- rendering


def _doc(text: str | None) -> str:
    return "" if not text else inspect.cleandoc(text)


def _own_doc(obj: Any) -> str:
    """The object's own docstring (not one inherited, nor the one `dataclass` makes up)."""
    doc = obj.__dict__.get("__doc__") if inspect.isclass(obj) else obj.__doc__
    made_up = inspect.isclass(obj) and dataclasses.is_dataclass(obj)
    if made_up and doc and doc.startswith(f"{obj.__name__}("):
        return ""
    return _doc(doc)


def _annotation(annotation: Any) -> str:
    if isinstance(annotation, str):
        return annotation
    return inspect.formatannotation(annotation)


def _value_text(value: Any) -> str:
    if isinstance(value, enum.Enum):
        return f"{type(value).__name__}.{value.name}"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # double quotes, as the code writes them
    text = repr(value)
    if " at 0x" in text:
        raise ValueError(f"a default without a stable text: {text}")
    return text


def _signature(
    name: str,
    obj: Callable[..., Any],
    *,
    drop_first: bool = False,
    prefix: str = "",
    returns: bool = True,
    wrap: bool = True,
) -> str:
    """``prefix name(parameters) -> return``; one parameter per line when longer than `WIDTH`
    and `wrap`."""
    signature = inspect.signature(obj)
    parameters = list(signature.parameters.values())
    if drop_first and parameters and parameters[0].name in ("self", "cls"):
        parameters = parameters[1:]
    parts: list[str] = []
    star = False
    for index, parameter in enumerate(parameters):
        kind = parameter.kind
        if kind is parameter.KEYWORD_ONLY and not star:
            parts.append("*")
            star = True
        text = parameter.name
        if kind is parameter.VAR_POSITIONAL:
            text, star = f"*{text}", True
        elif kind is parameter.VAR_KEYWORD:
            text = f"**{text}"
        if parameter.annotation is not parameter.empty:
            text += f": {_annotation(parameter.annotation)}"
        if parameter.default is not parameter.empty:
            default = _value_text(parameter.default)
            spaced = parameter.annotation is not parameter.empty
            text += f" = {default}" if spaced else f"={default}"
        parts.append(text)
        last_positional_only = kind is parameter.POSITIONAL_ONLY and (
            index + 1 == len(parameters)
            or parameters[index + 1].kind is not parameter.POSITIONAL_ONLY
        )
        if last_positional_only:
            parts.append("/")
    arrow = ""
    if returns and signature.return_annotation is not signature.empty:
        arrow = f" -> {_annotation(signature.return_annotation)}"
    head = f"{prefix}{name}"
    line = f"{head}({', '.join(parts)}){arrow}"
    if len(line) <= WIDTH or not parts or not wrap:
        return line
    inner = "".join(f"    {part},\n" for part in parts)
    return f"{head}(\n{inner}){arrow}"


def _code(text: str) -> list[str]:
    return ["```", text, "```", ""]


def _paragraphs(text: str) -> list[str]:
    return [text, ""] if text else []


def _item(label: str, doc: str, *, below: bool = False) -> list[str]:
    """A list item: `label`, then its docstring, after a colon or (`below`) in a paragraph of its
    own, indented under it."""
    if not doc:
        return [f"- {label}"]
    if below:
        return [f"- {label}", "", *(f"  {line}" if line else "" for line in doc.split("\n")), ""]
    first, *rest = doc.split("\n")
    lines = [f"- {label}: {first}"]
    lines += [f"  {line}" if line else "" for line in rest]
    return lines


class Renderer:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    # -- one name --------------------------------------------------------------------------------

    def constant(self, name: str, source: str, doc: str | None) -> None:
        self.add(f"#### `{name}`", "")
        self.add(*_code(source))
        self.add(*_paragraphs(_doc(doc)))

    def function(self, name: str, function: Callable[..., Any], *, prefix: str = "") -> None:
        self.add(f"#### `{name}`", "")
        self.add(*_code(_signature(name, function, prefix=prefix)))
        self.add(*_paragraphs(_own_doc(function)))

    def cls(self, name: str, cls: type) -> None:
        self.add(f"#### `{name}`", "")
        tree, source = _parse(cls)
        body = next(n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)).body
        assignments = list(_documented_assignments(body))
        bases = [b.__name__ for b in cls.__bases__ if b.__name__ not in HIDDEN_BASES]
        head = f"class {name}" + (f"({', '.join(bases)})" if bases else "")
        dataclass = dataclasses.is_dataclass(cls)
        if dataclass:
            head = f"@dataclass(frozen=True)\n{head}" if _frozen(cls) else f"@dataclass\n{head}"
        if issubclass(cls, enum.Enum) or dataclass or not self._has_init(cls):
            self.add(*_code(head))  # a dataclass's constructor is its fields, listed below
        else:
            signature = _signature(name, cls, prefix="class ", returns=False)
            self.add(*_code(signature))
        if bases:
            self.add(f"Bases: {', '.join(f'`{b}`' for b in bases)}.", "")
        self.add(*_paragraphs(_own_doc(cls)))
        if issubclass(cls, enum.Enum):
            self._members(cls, assignments)
        elif dataclass:
            self._fields(cls, assignments, source)
        self._attributes(cls, body, assignments, source)
        self._methods(cls)

    @staticmethod
    def _has_init(cls: type) -> bool:
        if getattr(cls, "_is_protocol", False):
            return False  # a typing.Protocol: implemented by the engine, never constructed
        return any("__init__" in klass.__dict__ for klass in cls.__mro__ if _ours(klass.__module__))

    def _members(self, cls: type, assignments: list[tuple[str, ast.stmt, str | None]]) -> None:
        docs = {name: doc for name, _, doc in assignments}
        self.add("Members:", "")
        for member in cls:
            label = f"`{member.name}` = `{_value_text(member.value)}`"
            self.add(*_item(label, _doc(docs.get(member.name))))
        self.add("")

    def _fields(
        self, cls: type, assignments: list[tuple[str, ast.stmt, str | None]], source: str
    ) -> None:
        by_name = {name: (node, doc) for name, node, doc in assignments}
        self.add("Fields, the constructor's parameters in this order:", "")
        for field in dataclasses.fields(cls):
            if not field.init:
                continue
            node, doc = by_name.get(field.name, (None, None))
            label = f"`{field.name}: {_annotation(field.type)}"
            default = None if node is None else _default_text(node, source)
            label += f" = {default}`" if default is not None else "`"
            self.add(*_item(label, _doc(doc)))
        self.add("")

    def _attributes(
        self,
        cls: type,
        body: list[ast.stmt],
        assignments: list[tuple[str, ast.stmt, str | None]],
        source: str,
    ) -> None:
        fields = {f.name for f in dataclasses.fields(cls)} if dataclasses.is_dataclass(cls) else ()
        members = set(cls.__members__) if issubclass(cls, enum.Enum) else set()
        rows = []
        for name, node, doc in assignments:
            if name.startswith("_") or name in fields or name in members:
                continue
            rows.append((name, node, doc, _default_text(node, source)))
        init = next(
            (n for n in body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None
        )
        if init is not None:
            seen = {row[0] for row in rows}
            for name, node, doc in _self_assignments(init):
                annotated = isinstance(node, ast.AnnAssign)
                if name.startswith("_") or name in seen or not (doc or annotated):
                    continue
                rows.append((name, node, doc, None))  # set by the constructor
                seen.add(name)
        if not rows:
            return
        self.add("Attributes:", "")
        for name, node, doc, default in rows:
            label = f"`{name}"
            if isinstance(node, ast.AnnAssign):
                label += f": {_text(node.annotation, source)}"
            if default is not None:
                label += f" = {default}"
            self.add(*_item(label + "`", _doc(doc)))
        self.add("")

    def _methods(self, cls: type) -> None:
        rows = []
        for name, member in cls.__dict__.items():
            if name.startswith("_"):
                continue
            if isinstance(member, property):
                function, kind = member.fget, "property"
            elif isinstance(member, (classmethod, staticmethod)):
                function, kind = member.__func__, type(member).__name__
            elif inspect.isfunction(member):
                function, kind = member, ""
            else:
                continue
            rows.append((inspect.getsourcelines(function)[1], name, function, kind))
        if not rows:
            return
        self.add("Methods:", "")
        for _, name, function, kind in sorted(rows, key=lambda row: row[0]):
            if kind == "property":
                returns = inspect.signature(function).return_annotation
                label = f"`{name}`"
                if returns is not inspect.Signature.empty:
                    label = f"`{name} -> {_annotation(returns)}`"
            else:
                drop = kind != "staticmethod"
                label = f"`{_signature(name, function, drop_first=drop, wrap=False)}`"
            notes = [kind] if kind else []
            if getattr(function, "__isabstractmethod__", False):
                notes.append("abstract: a subclass implements it")
            if notes:
                label += f" ({'; '.join(notes)})"
            self.add(*_item(label, _doc(inspect.getdoc(getattr(cls, name))), below=True))
        self.add("")

    # -- a module's public names -----------------------------------------------------------------

    def public_names(self, module_name: str, summary: str) -> None:
        module = importlib.import_module(module_name)
        self.add(f"## `{module_name}`", "")
        self.add(*_paragraphs(_own_doc(module)))
        self.add(
            f"Import each name below from `{module_name}`; the sections follow the modules that "
            "define them, which are not part of the API.",
            "",
        )
        grouped: dict[str, list[tuple[int, str, Any]]] = {}
        constants = _constants(module_name, module.__all__)
        for name in module.__all__:
            obj = getattr(module, name)
            if name in constants:
                where, line, _, _ = constants[name]
            else:
                where, line = obj.__module__, inspect.getsourcelines(obj)[1]
            grouped.setdefault(where, []).append((line, name, obj))
        order = [m for m in TOPICS if m in grouped] + sorted(set(grouped) - set(TOPICS))
        for where in order:
            self.add(f"### {TOPICS.get(where, where)}", "")
            intro = _own_doc(importlib.import_module(where))
            if intro and where != module_name:
                self.add(*_paragraphs(intro))
            for _, name, obj in sorted(grouped[where], key=lambda row: (row[0], row[1])):
                if name in constants:
                    _, _, source, doc = constants[name]
                    self.constant(name, source, doc)
                elif inspect.isclass(obj):
                    self.cls(name, obj)
                else:
                    self.function(name, obj)

    def hooks(self) -> None:
        from xtreme_harness import hookspecs

        self.add("## Hooks (`xtreme_harness.hookspecs`)", "")
        self.add(*_paragraphs(_own_doc(hookspecs)))
        self.add(
            "A plugin implements any of these with functions (or methods) decorated by "
            "`hookimpl` (`from xtreme_harness import hookimpl`), their arguments named as here.",
            "",
        )
        specs = [
            (inspect.getsourcelines(obj)[1], name, obj)
            for name, obj in vars(hookspecs).items()
            if name.startswith("xharness_") and hasattr(obj, "xharness_spec")
        ]
        for _, name, obj in sorted(specs):
            self.function(name, obj, prefix="@hookimpl\ndef ")


def _frozen(cls: type) -> bool:
    return bool(cls.__dataclass_params__.frozen)  # type: ignore[attr-defined]


def _ours(module: str) -> bool:
    return module == "xtreme_harness" or module.startswith("xtreme_harness.")


def _constants(package: str, names: list[str]) -> dict[str, tuple[str, int, str, str | None]]:
    """name -> (defining module, line, assignment as written, docstring) for the names of
    `names` that are neither classes nor functions, found in `package`'s modules and in the
    modules its names come from."""
    module = importlib.import_module(package)
    wanted = {
        name
        for name in names
        if not (inspect.isclass(getattr(module, name)) or inspect.isroutine(getattr(module, name)))
    }
    candidates = sorted(
        {
            getattr(module, name).__module__
            for name in names
            if inspect.isclass(getattr(module, name)) or inspect.isroutine(getattr(module, name))
        }
        | {package}
    )
    found: dict[str, tuple[str, int, str, str | None]] = {}
    for where in candidates:
        tree = ast.parse(inspect.getsource(importlib.import_module(where)))
        for name, node, doc in _documented_assignments(tree.body):
            if name in wanted and name not in found:
                source = ast.get_source_segment(inspect.getsource(sys.modules[where]), node)
                found[name] = (where, node.lineno, source or ast.unparse(node), doc)
    missing = sorted(wanted - set(found))
    if missing:
        raise LookupError(f"no assignment found for {', '.join(missing)} of {package}")
    return found


def render() -> str:
    """The text of docs/api.md."""
    renderer = Renderer()
    renderer.add(
        "# API reference",
        "",
        f"<!-- Generated by `{COMMAND}` from the code's docstrings and signatures: do not edit "
        "by hand. tests/test_api_reference.py fails when this file and the code disagree. -->",
        "",
        "This page is generated from the code. [plugins.md](plugins.md) is the guide, with "
        "complete examples; this is the reference for every name a plugin may use:",
        "",
    )
    for module_name, summary in SECTIONS:
        anchor = module_name.replace(".", "")
        renderer.add(f"- [`{module_name}`](#{anchor}): {summary};")
    renderer.add(
        "- [the hooks](#hooks-xtreme_harnesshookspecs) a plugin implements, with `hookimpl`.",
        "",
        "A name in `code` is a parameter, a field or another documented name; ``double`` quotes "
        "mark literal values.",
        "",
    )
    for module_name, summary in SECTIONS:
        renderer.public_names(module_name, summary)
    renderer.hooks()
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(renderer.lines))
    return text.rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    parser.add_argument("--out", type=Path, default=OUTPUT, help="where to write (docs/api.md)")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is not what the code says: run {COMMAND}", file=sys.stderr)
            return 1
        return 0
    args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
