"""Regularizers: the plain training loss, and the robust-training methods built on the same hook."""

from xharness_plugins.robust.plain import PlainLoss
from xtreme_harness import hookimpl


@hookimpl
def xharness_register_regularizers(register):
    register(PlainLoss)
