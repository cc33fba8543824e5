"""Regularizers: the plain training loss, and the robust-training methods of Huang et al. (2021)
built on the same hook: adversarial training, randomized smoothing by random perturbation (rs-rp)
and by synonym data augmentation (rs-da)."""

from xharness_plugins.robust.adversarial import Adversarial
from xharness_plugins.robust.augmentation import SynonymAugmentation
from xharness_plugins.robust.plain import PlainLoss
from xharness_plugins.robust.smoothing import RandomPerturbation
from xtreme_harness import hookimpl


@hookimpl
def xharness_register_regularizers(register):
    for regularizer in (PlainLoss, Adversarial, RandomPerturbation, SynonymAugmentation):
        register(regularizer)


@hookimpl
def xharness_register_perturbers(register):
    from xharness_plugins.robust.perturbers import (
        Certified,
        CodeSwitch,
        EmbeddingPGD,
        Synonyms,
        Typos,
    )

    for perturber in (Typos, Synonyms, CodeSwitch, EmbeddingPGD, Certified):
        register(perturber)
