"""XGLUE's own tasks (NC, QADSM, WPR, QAM, and its NER and POS data); XNLI, PAWS-X and MLQA are
the xtreme_r plugin's, scored on XGLUE's terms by the `xglue` benchmark definition."""

from xharness_plugins.xglue.tasks import TASKS
from xtreme_harness import hookimpl


@hookimpl
def xharness_register_tasks(register):
    for task in TASKS:
        register(task)
