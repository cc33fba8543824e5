"""Executors: local (in process, or N worker processes), ray, and slurm."""

from xharness_plugins.executors.local import Local
from xharness_plugins.executors.ray_executor import RayExecutor
from xharness_plugins.executors.slurm import Slurm
from xtreme_harness import hookimpl


@hookimpl
def xharness_register_executors(register):
    register(Local)
    register(RayExecutor)
    register(Slurm)
