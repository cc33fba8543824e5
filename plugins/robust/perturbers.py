"""Test-time perturbations: character noise, synonym substitution and code-switching, word by
word (the core walks each task kind's text fields; see `xtreme_harness.interfaces.Perturber`).

- ``typos``: one edit inside a word: swap two neighbouring letters, drop one, insert one or
  substitute one, after the synthetic noise of Belinkov and Bisk (2018, "Synthetic and natural
  noise both break neural machine translation", ICLR: swaps, random letters inside a word). The
  letters inserted or substituted are the word's own, so a word never leaves its script.
- ``synonyms``: a word replaced by one of its synonyms from a table (for English, the
  counter-fitted neighbours RS-DA trains with: Robust-XLT's counterfitted_neighbors.json, see
  docs/robustness.md; a table for another language through ``table`` and ``languages``).
- ``code-switch``: a word replaced by its translation into another language, from bilingual
  lexicons in the MUSE format (Conneau et al. 2018), as code-mixed adversaries do (Tan and Joty
  2021, "Code-mixing on Sesame Street", NAACL: from XLM-R large's 79.85 to 8.18 on XNLI).
"""

from __future__ import annotations

import os
import random
from typing import Any

from xharness_plugins.robust.augmentation import TABLES, load_synonyms
from xtreme_harness.interfaces import Param, Perturber, UsageError, muse_lexicon

RATE = Param("rate", float, 0.1, "Share of the eligible words rewritten.", minimum=0, maximum=1,
             verified=False, source="no published default: 0.1 is xharness's")  # fmt: skip
SEED = Param("seed", int, 1, "Seed of the perturbation (every model sees the same inputs).")
EDITS = ("swap", "drop", "insert", "substitute")


def _case_like(template: str, word: str) -> str:
    return word[:1].upper() + word[1:] if template[:1].isupper() else word


class Typos(Perturber):
    name = "typos"
    description = "One swapped, dropped, inserted or substituted letter per word, in its script."
    params = (RATE, SEED)

    def eligible(self, word: str, language: str) -> bool:
        return sum(c.isalpha() for c in word) >= 2

    def rewrite(self, word: str, language: str, rng: random.Random) -> str:
        letters = [i for i, c in enumerate(word) if c.isalpha()]
        edit = rng.choice(EDITS)
        if edit == "swap":
            pairs = [i for i in letters if i + 1 in letters and word[i] != word[i + 1]]
            if pairs:
                i = rng.choice(pairs)
                return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
            edit = "drop"
        i = rng.choice(letters)
        if edit == "drop":
            return word[:i] + word[i + 1 :]
        own = [word[j] for j in letters]
        if edit == "insert":
            return word[:i] + rng.choice(own) + word[i:]
        others = [c for c in own if c != word[i]] or own
        return word[:i] + rng.choice(others) + word[i + 1 :]


class Synonyms(Perturber):
    name = "synonyms"
    description = "A word replaced by one of its synonyms from a table (counter-fitted: English)."
    params = (
        RATE, SEED,
        Param("table", str, "counterfitted", "counterfitted (English), toy, or a JSON file: word "
              "-> list of synonyms", source="uclanlp/Robust-XLT perturb.py:10 "
              "(counterfitted_neighbors.json)"),
        Param("languages", str, "en", "The languages the table is for, comma-separated."),
    )  # fmt: skip

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        name = self.options["table"]
        self.path = TABLES[name] if name in TABLES else os.path.abspath(name)
        self.table = load_synonyms(self.path)

    def check(self, language: str) -> None:
        languages = [code.strip() for code in self.options["languages"].split(",")]
        if language not in languages:
            raise UsageError(f"perturber synonyms: its table is for {', '.join(languages)}, not "
                             f"{language}; give a table for it (table=PATH, "
                             "languages=...)")  # fmt: skip

    def eligible(self, word: str, language: str) -> bool:
        return word.lower() in self.table

    def rewrite(self, word: str, language: str, rng: random.Random) -> str:
        return _case_like(word, rng.choice(self.table[word.lower()]))


class CodeSwitch(Perturber):
    name = "code-switch"
    description = "A word replaced by its translation into another language (MUSE lexicons)."
    params = (
        RATE, SEED,
        Param("folder", str, None, "Folder of MUSE lexicons, <source>-<target>.txt."),
        Param("languages", str, "", "Languages to switch into, comma-separated."),
    )  # fmt: skip

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._by_language: dict[str, list[dict[str, str]]] = {}

    def _lexicons(self, language: str) -> list[dict[str, str]]:
        """The lexicons out of `language` into the chosen ones (found once per language)."""
        if language not in self._by_language:
            folder, found = self.options["folder"], []
            if not folder:
                raise UsageError("perturber code-switch: give the lexicons' folder (folder=PATH)")
            for other in (code.strip() for code in self.options["languages"].split(",")):
                path = os.path.join(folder, f"{language}-{other}.txt")
                if other and other != language and os.path.isfile(path):
                    found.append(muse_lexicon(path))
            self._by_language[language] = found
        return self._by_language[language]

    def check(self, language: str) -> None:
        if not self._lexicons(language):
            raise UsageError(f"perturber code-switch: no lexicon from {language} into any of "
                             f"{self.options['languages'] or '(none given: languages=...)'} in "
                             f"{self.options['folder']}")  # fmt: skip

    def eligible(self, word: str, language: str) -> bool:
        return any(word.lower() in table for table in self._lexicons(language))

    def rewrite(self, word: str, language: str, rng: random.Random) -> str:
        choices = [table[word.lower()] for table in self._lexicons(language)
                   if word.lower() in table]  # fmt: skip
        return _case_like(word, rng.choice(choices))

    def fingerprint(self) -> dict[str, Any]:
        import hashlib

        found = dict(self.options)
        folder = self.options["folder"]
        if folder and os.path.isdir(folder):
            digest = hashlib.sha256()
            for name in sorted(os.listdir(folder)):
                with open(os.path.join(folder, name), "rb") as handle:
                    digest.update(name.encode() + hashlib.sha256(handle.read()).digest())
            found["lexicons"] = digest.hexdigest()
        return found


class EmbeddingPGD(Perturber):
    """The evaluation counterpart of adversarial training: the same projected gradient ascent
    on the input embeddings (`Adversarial.perturbation`), against the gold labels."""

    name = "embedding-pgd"
    description = "Accuracy under a PGD attack on the input embeddings (radius, steps)."
    model_aware = True
    params = (
        Param("epsilon", float, 1.0, "Radius of the perturbation ball, per example.", minimum=0,
              source="no published evaluation radius for cross-lingual encoders: xharness's",
              verified=False),
        Param("steps", int, 3, "Ascent steps.", minimum=1, verified=False,
              source="the adversarial regularizer's default"),
        Param("alpha", float, 0.3, "Ascent step size.", above=0, verified=False,
              source="the adversarial regularizer's default"),
        Param("norm", str, "l2", "Norm of the ball: l2 or linf.", choices=("l2", "linf")),
        SEED,
    )  # fmt: skip

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        from xharness_plugins.robust.adversarial import Adversarial

        epsilon = self.options["epsilon"]
        self._attack = Adversarial(
            variant="pgd", steps=self.options["steps"], epsilon=max(epsilon, 1e-12),
            alpha=self.options["alpha"], norm=self.options["norm"],
            init="random" if epsilon > 0 else "zero",
        )  # fmt: skip

    def perturbation(self, model: Any, batch: Any, ctx: Any) -> Any:
        import torch

        if self.options["epsilon"] == 0:  # no attack: the clean embeddings
            return torch.zeros_like(ctx.embed(model, batch))
        return self._attack.perturbation(model, batch, ctx)


class Certified(Perturber):
    """Certified prediction of a model trained with randomized smoothing: the engine votes
    over noisy copies with the noise of the cell's regularizer (`Regularizer.noise`) and
    certifies each prediction (`xtreme_harness.results.certification`)."""

    name = "certified"
    description = ("Majority vote over noisy copies and certified accuracy at radii "
                   "(randomized smoothing, Cohen et al. 2019).")  # fmt: skip
    model_aware = True
    certifies = True
    params = (
        Param("n0", int, 100, "Noisy copies that choose the certified class.", minimum=1,
              source="Cohen et al. 2019, locuslab/smoothing code/certify.py:21 (--N0 100)"),
        Param("n", int, 1000, "Noisy copies that estimate its probability (and vote).",
              minimum=1, verified=False,
              source="Cohen et al. certify with 100,000 (code/certify.py:22) and predict with "
              "1,000 (README.md:170); 1,000 is xharness's, for the cost of text encoders"),
        Param("alpha", float, 0.001, "Probability that a certificate is wrong.", above=0,
              maximum=0.5, source="Cohen et al. 2019, locuslab/smoothing code/certify.py:23"),
        Param("radii", str, "", "Radii to report certified accuracy at, comma-separated "
              "(L2, input-embedding space); empty: 0 and the radii that bounds 0.75, 0.9 and "
              "0.99 certify."),
        SEED,
    )  # fmt: skip

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        for part in str(self.options["radii"]).split(","):
            try:
                if part.strip() and float(part) < 0:
                    raise ValueError
            except ValueError:
                raise UsageError(
                    f"perturber certified: radii={self.options['radii']!r}: "
                    "expected radii of at least 0, comma-separated"
                ) from None
