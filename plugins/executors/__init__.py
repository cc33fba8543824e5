"""Executors: local (in process, or N worker processes) and ray."""

from xharness_plugins.executors.local import Local
from xharness_plugins.executors.ray_executor import RayExecutor
from xtreme_harness import hookimpl


@hookimpl
def xharness_register_executors(register):
    register(Local)
    register(RayExecutor)
