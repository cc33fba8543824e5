"""Translation with a Hugging Face sequence-to-sequence model (NLLB, M2M-100, Marian, or any
model `AutoModelForSeq2SeqLM` loads).

Multilingual models are told the direction by language codes: NLLB's are ISO 639-3 plus script
(``swh_Latn``), M2M-100's the short codes (``sw``). They are derived from the language registry
(its ISO 639-3 code, then the macrolanguage's, with its script) and checked against the codes the
tokenizer knows; ``map`` gives the model's code for a code of the registry where that derivation
is wrong or missing (``map=zh:zho_Hans,ar:arb_Arab``). Marian models translate one direction and
take no codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xtreme_harness.interfaces import Param, Translator, UsageError

CODES = ("auto", "nllb", "m2m", "none")


def language_code(language: str, style: str, known: Sequence[str], given: dict[str, str]) -> str:
    """The model's code for a registry `language` in `style` (``nllb`` or ``m2m``), one of
    `known`; `given` (registry code -> model code) wins."""
    from xtreme_harness.registry import default_registry

    if language in given:
        candidates = [given[language]]
    elif style == "m2m":
        candidates = [language]
    else:
        registry = default_registry()
        if language not in registry:
            candidates = []
        else:
            record = registry.get(language)
            candidates = [f"{code}_{record.script}"
                          for code in (record.iso639_3, record.macro_iso639_3) if code]  # fmt: skip
    for candidate in candidates:
        if candidate in known:
            return candidate
    tried = ", ".join(candidates) or "none"
    raise UsageError(f"translator seq2seq: the model has no {style} code for {language!r} "
                     f"(tried {tried}); give it with map={language}:CODE")  # fmt: skip


class Seq2Seq(Translator):
    name = "seq2seq"
    description = (
        "A Hugging Face sequence-to-sequence model (NLLB, M2M-100, Marian...), batched, on CPU "
        "or GPU."
    )
    params = (
        Param("model", str, None, "Hub id or folder of the model."),
        Param("revision", str, None, "Hub revision (a commit) to pin the model to."),
        Param("codes", str, "auto", "Language codes: auto (from the tokenizer), nllb, m2m or "
              "none (a one-direction model).", choices=CODES),
        Param("map", str, "", "Codes of the registry mapped to the model's: "
              "'zh:zho_Hans,ar:arb_Arab'."),
        Param("batch_size", int, 16, "Texts per generation batch.", minimum=1),
        Param("max_length", int, 256, "Most tokens of a source text and of a translation.",
              minimum=1),
        Param("beams", int, 0, "Beams of the search (0: the model's generation config).",
              minimum=0),
        Param("device", str, "auto", "auto, cpu or cuda.", choices=("auto", "cpu", "cuda")),
    )  # fmt: skip

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._loaded: tuple[Any, Any, str] | None = None

    def _load(self) -> tuple[Any, Any, str]:
        if self._loaded is None:
            if not self.options["model"]:
                raise UsageError("translator seq2seq: give the model (model=HUB_ID or folder)")
            import torch
            from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

            revision = self.options["revision"]
            tokenizer = AutoTokenizer.from_pretrained(self.options["model"], revision=revision)
            model = AutoModelForSeq2SeqLM.from_pretrained(self.options["model"],
                                                          revision=revision)  # fmt: skip
            device = self.options["device"]
            if device == "auto":
                device = "cuda" if torch.cuda.is_available() else "cpu"
            model.to(device).eval()
            self._loaded = (tokenizer, model, device)
        return self._loaded

    def _style(self, tokenizer: Any) -> str:
        style = self.options["codes"]
        if style != "auto":
            return style
        kind = type(tokenizer).__name__.lower()
        return "nllb" if "nllb" in kind else "m2m" if "m2m" in kind else "none"

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        import torch

        tokenizer, model, device = self._load()
        style = self._style(tokenizer)
        generate: dict[str, Any] = {"max_new_tokens": self.options["max_length"]}
        if self.options["beams"]:
            generate["num_beams"] = self.options["beams"]
        if style != "none":
            given = dict(part.split(":", 1) for part in self.options["map"].split(",") if part)
            known = list(getattr(tokenizer, "additional_special_tokens", []) or [])
            if style == "m2m":
                known = list(getattr(tokenizer, "lang_code_to_id", {}) or known)
            tokenizer.src_lang = language_code(source, style, known, given)
            code = language_code(target, style, known, given)
            generate["forced_bos_token_id"] = tokenizer.convert_tokens_to_ids(
                code if style == "nllb" else tokenizer.get_lang_token(code)
            )
        out: list[str] = []
        size = self.options["batch_size"]
        for start in range(0, len(texts), size):
            batch = tokenizer(list(texts[start : start + size]), return_tensors="pt",
                              padding=True, truncation=True,
                              max_length=self.options["max_length"]).to(device)  # fmt: skip
            with torch.inference_mode():
                produced = model.generate(**batch, **generate)
            out += tokenizer.batch_decode(produced, skip_special_tokens=True)
        return [text.strip() for text in out]
