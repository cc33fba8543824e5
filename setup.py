"""Package discovery for the three top-level folders that ship in the wheel.

`plugins/` and `registry/` are installed under the import names `xharness_plugins` and
`xharness_registry` (see `[tool.setuptools.package-dir]` in pyproject.toml); setuptools'
`packages.find` cannot rename folders, so the package list is built here.
"""

from setuptools import find_namespace_packages, find_packages, setup


def _renamed(folder: str, name: str, *, data: bool = False) -> list[str]:
    """`folder`'s packages under the import name `name`; with `data`, folders holding only data
    files count as (namespace) packages too, so that their files ship."""
    found = find_namespace_packages(folder) if data else find_packages(folder)
    return [name] + [f"{name}.{sub}" for sub in found]


setup(
    packages=find_packages(include=["xtreme_harness", "xtreme_harness.*"])
    + _renamed("plugins", "xharness_plugins")
    + _renamed("registry", "xharness_registry", data=True)
)
