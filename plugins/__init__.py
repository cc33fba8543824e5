"""The built-in plugins of xharness.

Each subpackage is registered through the ``xharness`` entry-point group in pyproject.toml, exactly
as a third-party plugin is, and uses only the public interfaces of `xtreme_harness`.
"""
