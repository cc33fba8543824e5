"""The XTREME-R tasks: XNLI, XCOPA, UD-POS and WikiANN-NER, and PAWS-X of the original XTREME."""

from xharness_plugins.xtreme_r.tasks import TASKS
from xtreme_harness import hookimpl


@hookimpl
def xharness_register_tasks(register):
    for task in TASKS:
        register(task)
