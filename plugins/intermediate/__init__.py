"""Intermediate tasks: MASSIVE (intents, 51 locales) and SIB-200 (topics, about 200 languages)."""

from xharness_plugins.intermediate.tasks import TASKS
from xtreme_harness import hookimpl


@hookimpl
def xharness_register_tasks(register):
    for task in TASKS:
        register(task)
