"""Language-set samplers: explicit, high-resource, low-resource-diverse, family-balanced,
temperature, unimax and random."""

from xharness_plugins.language_sets.samplers import SAMPLERS
from xtreme_harness import hookimpl


@hookimpl
def xharness_register_language_sets(register):
    for sampler in SAMPLERS:
        register(sampler)
