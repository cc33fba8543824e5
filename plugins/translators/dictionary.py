"""Word-by-word translation with bilingual lexicons in the MUSE format (Conneau et al. 2018,
facebookresearch/MUSE ground-truth dictionaries): one ``source target`` pair per line, separated
by whitespace; a source word listed several times keeps its first translation."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from typing import Any

from xtreme_harness.interfaces import Param, Translator, UsageError, muse_lexicon

_WORD = re.compile(r"^(\W*)(.*?)(\W*)$", re.DOTALL)


class Dictionary(Translator):
    name = "dictionary"
    description = (
        "Word by word from bilingual lexicons in the MUSE format ({source}-{target}.txt); "
        "words without an entry are kept."
    )
    params = (
        Param("folder", str, None, "Folder of the lexicons."),
        Param("pattern", str, "{source}-{target}.txt",
              "File name of a direction's lexicon in the folder (MUSE names them so)."),
        Param("lowercase", bool, True, "Look words up in lower case (MUSE's entries are)."),
    )  # fmt: skip

    def _path(self, source: str, target: str) -> str:
        if not self.options["folder"]:
            raise UsageError("translator dictionary: give the lexicons' folder (folder=PATH)")
        name = self.options["pattern"].format(source=source, target=target)
        path = os.path.join(self.options["folder"], name)
        if not os.path.isfile(path):
            raise UsageError(f"translator dictionary: no lexicon for {source} -> {target}: "
                             f"{path} does not exist")  # fmt: skip
        return path

    def fingerprint(self) -> dict[str, Any]:
        """The options and a digest of every lexicon in the folder (an edited lexicon is
        another translator)."""
        found = dict(self.options)
        folder = self.options["folder"]
        if folder and os.path.isdir(folder):
            digest = hashlib.sha256()
            for name in sorted(os.listdir(folder)):
                path = os.path.join(folder, name)
                if os.path.isfile(path):
                    digest.update(name.encode())
                    with open(path, "rb") as handle:
                        digest.update(hashlib.sha256(handle.read()).digest())
            found["lexicons"] = digest.hexdigest()
        return found

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        table = muse_lexicon(self._path(source, target))
        lower = self.options["lowercase"]
        out = []
        for text in texts:
            words = []
            for token in text.split():
                before, word, after = _WORD.match(token).groups()
                key = word.lower() if lower else word
                words.append(before + table.get(key, word) + after)
            out.append(" ".join(words))
        return out
