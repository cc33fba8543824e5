"""Observers of grids: MLflow and Weights & Biases (experiment trackers), each importing its
library only when a grid uses it."""

from xharness_plugins.observers.trackers import MLflow, WandB
from xtreme_harness import hookimpl


@hookimpl
def xharness_register_observers(register):
    for observer in (MLflow, WandB):
        register(observer)
