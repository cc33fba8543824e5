"""Low-resource target tasks: AmericasNLI (10 indigenous languages of the Americas) and
MasakhaNER 2.0 (20 African languages), both evaluated zero-shot from English. SIB-200, the third
task of the ``low-resource`` benchmark, is registered by the ``intermediate`` plugin."""

from xharness_plugins.low_resource.tasks import TASKS
from xtreme_harness import hookimpl


@hookimpl
def xharness_register_tasks(register):
    for task in TASKS:
        register(task)
