"""Translators and the translation store: each text translated once per translator and
direction, lexicon translation, a tiny sequence-to-sequence model built from config, the hook
and `xharness translate`."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from xharness_plugins.translators.dictionary import Dictionary
from xharness_plugins.translators.seq2seq import Seq2Seq, language_code
from xtreme_harness import hookimpl
from xtreme_harness.cli import cli
from xtreme_harness.engine import translation
from xtreme_harness.errors import DataError, UsageError
from xtreme_harness.interfaces import Param, Translator
from xtreme_harness.plugin_host import PluginHost


class Counting(Translator):
    """Upper-cases texts and counts every text it was given."""

    name = "counting"
    description = "test"
    params = (Param("suffix", str, "", "appended"),)

    def __init__(self, **options):
        super().__init__(**options)
        self.seen: list[str] = []

    def translate(self, texts, source, target):
        self.seen += list(texts)
        return [text.upper() + self.options["suffix"] for text in texts]


def test_each_text_is_translated_once_and_read_back_after(tmp_path):
    counting = Counting()
    texts = ["a cat", "a dog", "a cat", "the end"]
    first = translation.translate(counting, texts, "en", "de", folder=str(tmp_path), batch=2)
    assert first.texts == ["A CAT", "A DOG", "A CAT", "THE END"]
    assert counting.seen == ["a cat", "a dog", "the end"] and first.calls == [2, 1]
    assert (first.translated, first.reused) == (3, 1)
    again = Counting()
    second = translation.translate(again, ["the end", "a new one"], "en", "de",
                                   folder=str(tmp_path))  # fmt: skip
    assert second.texts == ["THE END", "A NEW ONE"] and again.seen == ["a new one"]
    with open(second.path, encoding="utf-8") as handle:
        stored = json.load(handle)
    assert stored["source"] == "en" and len(stored["translations"]) == 4
    # another direction or other options: another store
    other = Counting(suffix="!")
    assert translation.translate(other, ["a cat"], "en", "de", folder=str(tmp_path)).texts == [
        "A CAT!"
    ]
    assert translation.translate(Counting(), ["a cat"], "en", "fr",
                                 folder=str(tmp_path)).translated == 1  # fmt: skip


def test_caching_off_keeps_nothing_and_bad_translators_are_named(tmp_path, monkeypatch):
    monkeypatch.setenv("XHARNESS_CACHE", "off")
    outcome = translation.translate(Counting(), ["x"], "en", "de")
    assert outcome.path is None and outcome.texts == ["X"]

    class Short(Counting):
        name = "short"

        def translate(self, texts, source, target):
            return []

    with pytest.raises(DataError, match="returned 0 texts for 1"):
        translation.translate(Short(), ["x"], "en", "de", folder=str(tmp_path))
    with pytest.raises(UsageError, match="to itself"):
        translation.translate(Counting(), ["x"], "en", "en", folder=str(tmp_path))
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / f"{translation.store_key(Counting(), 'en', 'de')}.json").write_text("{")
    with pytest.raises(DataError, match="not a translation store"):
        translation.translate(Counting(), ["x"], "en", "de", folder=str(broken))


@pytest.fixture
def lexicons(tmp_path):
    folder = tmp_path / "lexicons"
    folder.mkdir()
    (folder / "en-de.txt").write_text("the der\nthe die\nhouse haus\nis ist\nsmall klein\n",
                                      encoding="utf-8")  # fmt: skip
    return folder


def test_the_dictionary_translates_word_by_word_with_muse_lexicons(lexicons, tmp_path):
    dictionary = Dictionary(folder=str(lexicons))
    found = dictionary.translate(["The house is small.", "a (house)"], "en", "de")
    assert found == ["der haus ist klein.", "a (haus)"]  # first entry wins; unknown words stay
    with pytest.raises(UsageError, match="no lexicon for en -> fr"):
        dictionary.translate(["x"], "en", "fr")
    with pytest.raises(UsageError, match="folder=PATH"):
        Dictionary().translate(["x"], "en", "de")
    before = translation.store_key(dictionary, "en", "de")
    (lexicons / "en-de.txt").write_text("the das\n", encoding="utf-8")
    assert translation.store_key(Dictionary(folder=str(lexicons)), "en", "de") != before
    (lexicons / "en-fr.txt").write_text("the le\nbad line here\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"en-fr.txt:2: expected 'source target'"):
        Dictionary(folder=str(lexicons)).translate(["x"], "en", "fr")


def test_language_codes_of_multilingual_models():
    known = ["eng_Latn", "swh_Latn", "zho_Hans", "arb_Arab"]
    assert language_code("sw", "nllb", known, {}) == "swh_Latn"
    assert language_code("en", "nllb", known, {}) == "eng_Latn"
    assert language_code("zh", "nllb", known, {"zh": "zho_Hans"}) == "zho_Hans"
    with pytest.raises(UsageError, match="give it with map=ar:CODE"):
        language_code("ar", "nllb", ["eng_Latn"], {})
    assert language_code("sw", "m2m", ["en", "sw"], {}) == "sw"


@pytest.fixture(scope="module")
def tiny_seq2seq(tmp_path_factory):
    """A two-layer BART built from config with a tokenizer trained on a few sentences: its
    translations mean nothing, its pipeline is the real one."""
    from transformers import BartConfig, BartForConditionalGeneration

    from xtreme_harness.engine.tiny_model import train_tokenizer

    texts = ["the house is small", "das haus ist klein", "a cat and a dog"] * 20
    tokenizer = train_tokenizer(texts, "sentencepiece", 60, 32)
    config = BartConfig(
        vocab_size=len(tokenizer), d_model=16, encoder_layers=1, decoder_layers=1,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=32,
        decoder_ffn_dim=32, max_position_embeddings=64, pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.eos_token_id, forced_eos_token_id=None,
    )  # fmt: skip
    folder = tmp_path_factory.mktemp("seq2seq") / "model"
    BartForConditionalGeneration(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return str(folder)


def test_a_seq2seq_model_translates_in_batches_on_cpu(tiny_seq2seq, tmp_path):
    model = Seq2Seq(model=tiny_seq2seq, codes="none", batch_size=2, max_length=6, device="cpu")
    texts = ["the house", "a cat", "the dog is small", "das haus"]
    first = model.translate(texts, "en", "de")
    assert len(first) == 4 and all(isinstance(text, str) for text in first)
    assert model.translate(texts, "en", "de") == first  # greedy: the same every time
    stored = translation.translate(model, texts, "en", "de", folder=str(tmp_path))
    assert stored.texts == first and stored.translated == 4
    with pytest.raises(UsageError, match="give the model"):
        Seq2Seq().translate(["x"], "en", "de")


class ThirdParty:
    @hookimpl
    def xharness_register_translators(self, register):
        register(Counting)


def test_xharness_register_translators():
    host = PluginHost(entry_points=False, plugins=[("thirdparty", ThirdParty())])
    translator = host.get("translators", "counting")(suffix="?")
    assert translator.translate(["ok"], "en", "de") == ["OK?"]


def test_the_translate_command_reads_lines_and_reuses_the_store(lexicons, tmp_path):
    source = tmp_path / "in.txt"
    source.write_text("The house is small.\n\nthe house\n", encoding="utf-8")
    store = tmp_path / "store"
    args = ["translate", "--translator", "dictionary", "--translator-option",
            f"folder={lexicons}", "--source", "en", "--target", "de",
            "--store", str(store)]  # fmt: skip
    done = CliRunner().invoke(cli, [*args, str(source), "--out", str(tmp_path / "out.txt")])
    assert done.exit_code == 0, done.output
    assert (tmp_path / "out.txt").read_text("utf-8") == "der haus ist klein.\n\nder haus\n"
    assert "2 translated, 0 not translated again" in done.output
    again = CliRunner().invoke(cli, args, input="the house\n")
    assert again.exit_code == 0 and again.output.startswith("der haus\n")
    assert "0 translated, 1 not translated again" in again.output
    bad = CliRunner().invoke(cli, ["translate", "--translator", "nope", "--source", "en",
                                   "--target", "de"], input="x\n")  # fmt: skip
    assert bad.exit_code != 0 and "Traceback" not in bad.output


def test_xtreme_translations_looks_sentences_up_in_the_release(tmp_path):
    from xharness_plugins.translators.released import XtremeTranslations

    folder = tmp_path / "bucket"
    train = folder / "XNLI" / "translate-train"
    train.mkdir(parents=True)
    (train / "en-de-translated.tsv").write_text(
        "A  dog runs.\tA cat sleeps.\tEin Hund rennt.\tEine Katze schläft.\tentailment\n"
        "A dog runs.\tNo one runs.\tEin anderer Hund.\tNiemand rennt.\tcontradictory\n",
        encoding="utf-8",
    )
    released = XtremeTranslations(folder=str(folder))
    found = released.translate(["A dog runs.", "A cat   sleeps.", "No one runs."], "en", "de")
    assert found == ["Ein Hund rennt.", "Eine Katze schläft.", "Niemand rennt."]  # first wins
    with pytest.raises(UsageError, match="1 of 1 texts are not among the originals"):
        released.translate(["Unknown."], "en", "de")
    with pytest.raises(UsageError, match="no de -> fr translations"):
        released.translate(["x"], "de", "fr")
    with pytest.raises(UsageError, match="no sw -> en file"):
        released.translate(["x"], "sw", "en")
    before = translation.store_key(released, "en", "de")
    (train / "en-fr-translated.tsv").write_text("A\tB\tC\n", encoding="utf-8")
    assert translation.store_key(XtremeTranslations(folder=str(folder)), "en", "de") != before
    with pytest.raises(DataError, match=r"en-fr-translated.tsv:1: expected 5 tab-separated"):
        released.translate(["A"], "en", "fr")
    with pytest.raises(UsageError, match="folder=PATH"):
        XtremeTranslations().translate(["x"], "en", "de")
