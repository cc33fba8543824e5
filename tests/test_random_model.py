"""`xharness random-model`: published configurations with random weights.

Offline and quick: the published shapes are checked without allocating them (the config, and the
parameters counted on torch's meta device); the tokenizers are built at full length (the real
vocabulary size, which is what they are about); whole models are written reduced with `--layers`
and `--hidden-size`, which keep the full vocabulary."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import REPO, run_xharness

from xtreme_harness.cli import cli
from xtreme_harness.config import cell as cells
from xtreme_harness.config import resolution
from xtreme_harness.config.run import Overrides, RunConfig
from xtreme_harness.engine import random_model as rm
from xtreme_harness.errors import UnknownNameError, UsageError
from xtreme_harness.registry import random_models
from xtreme_harness.registry.validation import validate

NAMES = ["bert-base-multilingual-cased", "xlm-roberta-base", "xlm-roberta-large",
         "mdeberta-v3-base"]  # fmt: skip
REDUCED = {"layers": 1, "hidden_size": 64}
DATA = json.loads((REPO / "registry" / "random-models.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def texts() -> list[str]:
    from xtreme_harness.engine.tiny_model import sample_texts

    return sample_texts()


@pytest.fixture(scope="session")
def tokenizers(texts):
    """Full-length tokenizers, built once per name on demand."""
    built = {}

    def get(name):
        if name not in built:
            built[name] = rm.build_tokenizer(random_models.get(name), texts, 512)[0]
        return built[name]

    return get


@pytest.fixture(scope="session")
def reduced_xlmr(tmp_path_factory, texts) -> Path:
    """xlm-roberta-base with one layer of hidden size 64 and the full vocabulary."""
    out = tmp_path_factory.mktemp("random") / "xlmr"
    rm.build_random_model(str(out), "xlm-roberta-base", texts=texts, seed=0, **REDUCED)
    return out


# ------------------------------------------------------------------------------ the data file


def test_the_data_file_is_valid_and_names_the_four_models():
    validate(DATA, "random-models", source="registry/random-models.json")
    assert random_models.names() == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_every_value_cites_sources_the_model_lists(name):
    entry = DATA["models"][name]
    cited = [source for value in entry["config"].values() for source in value["sources"]]
    for key in ("size", "special_tokens", "reserved"):
        if key in entry["tokenizer"]:
            cited += entry["tokenizer"][key]["sources"]
    cited += entry["tokenizer"]["sources"] + entry.get("parameters", {}).get("sources", [])
    assert set(cited) <= set(entry["sources"]), set(cited) - set(entry["sources"])


@pytest.mark.parametrize("name", NAMES)
def test_the_values_make_a_file_of_the_published_size(name):
    """The hub lists each config.json's size: the values, written as the file was (transformers'
    layout, keys sorted; or by hand, keys in the order listed and exponents without a leading
    zero), give exactly that many bytes, so no value is missing, extra or mistyped in length."""
    entry = DATA["models"][name]
    values = {key: value["value"] for key, value in entry["config"].items()}
    if entry["file"]["keys"] == "sorted":
        text = json.dumps(values, indent=2, sort_keys=True) + "\n"
    else:
        text = re.sub(r"e-0(\d)", r"e-\1", json.dumps(values, indent=2)) + "\n"
    assert len(text.encode("utf-8")) == entry["file"]["bytes"]


@pytest.mark.parametrize(
    ("name", "shape"),
    [
        ("bert-base-multilingual-cased", (119547, 768, 12, 12, 3072, 512, 2)),
        ("xlm-roberta-base", (250002, 768, 12, 12, 3072, 514, 1)),
        ("xlm-roberta-large", (250002, 1024, 24, 16, 4096, 514, 1)),
        ("mdeberta-v3-base", (251000, 768, 12, 12, 3072, 512, 0)),
    ],
)
def test_published_shapes(name, shape):
    values = random_models.get(name).values()
    keys = ("vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads",
            "intermediate_size", "max_position_embeddings", "type_vocab_size")  # fmt: skip
    assert tuple(values[key] for key in keys) == shape


def test_mdeberta_relative_attention_settings():
    values = random_models.get("mdeberta-v3-base").values()
    expected = {
        "position_buckets": 256, "pos_att_type": "p2c|c2p", "max_relative_positions": -1,
        "norm_rel_ebd": "layer_norm", "share_att_key": True, "position_biased_input": False,
        "relative_attention": True,
    }  # fmt: skip
    assert {key: values[key] for key in expected} == expected


@pytest.mark.parametrize("name", NAMES)
def test_the_config_holds_every_published_value(name):
    spec = random_models.get(name)
    config, reduced = rm.build_config(spec)
    assert reduced == {}
    assert config.model_type == spec.model_type
    for key, value in spec.applied().items():
        # compared as the config class reads the published value (DeBERTa splits "p2c|c2p")
        expected = getattr(type(config)(**{key: value}), key)
        assert getattr(config, key) == expected, key


def test_unknown_names_list_the_known_ones():
    with pytest.raises(UnknownNameError) as info:
        random_models.get("xlm-roberta-medium")
    assert all(name in str(info.value) for name in NAMES)
    assert random_models.get("FacebookAI/xlm-roberta-large").name == "xlm-roberta-large"
    assert random_models.get("microsoft/mdeberta-v3-base").name == "mdeberta-v3-base"


def test_the_parameter_count_of_xlm_roberta_base_is_the_published_one():
    spec = random_models.get("xlm-roberta-base")
    count = rm.parameter_count(rm.build_config(spec)[0])  # on the meta device: nothing allocated
    assert count == 278_043_648  # XLMRobertaModel with its pooler
    assert f"{round(count / 1e6)}M" == spec.parameters.value == "278M"


def test_reduced_shapes_are_checked():
    spec = random_models.get("xlm-roberta-base")
    config, reduced = rm.build_config(spec, layers=2, hidden_size=128)
    assert reduced == {"num_hidden_layers": 2, "hidden_size": 128, "num_attention_heads": 2,
                       "intermediate_size": 512}  # fmt: skip
    assert config.vocab_size == 250002
    with pytest.raises(UsageError, match="multiple of 64"):
        rm.build_config(spec, hidden_size=100)
    with pytest.raises(UsageError, match="only makes it smaller"):
        rm.build_config(spec, layers=13)


# ------------------------------------------------------------------------------ tokenizers


@pytest.mark.parametrize("name", NAMES)
def test_tokenizer_has_the_real_length_and_special_token_ids(name, tokenizers):
    spec = random_models.get(name)
    tokenizer = tokenizers(name)
    assert len(tokenizer) == spec.tokenizer.size
    if name == "mdeberta-v3-base":  # 898 embedding rows no id reaches, as published
        assert (len(tokenizer), spec.values()["vocab_size"]) == (250102, 251000)
    else:
        assert len(tokenizer) == spec.values()["vocab_size"]
    for token, index in spec.tokenizer.special_tokens.items():
        assert tokenizer.convert_tokens_to_ids(token) == index
    assert tokenizer.pad_token_id == spec.values().get("pad_token_id", 0)
    real = {
        "bert-base-multilingual-cased": {"[PAD]": 0, "[UNK]": 100, "[CLS]": 101, "[SEP]": 102,
                                         "[MASK]": 103},
        "xlm-roberta-base": {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3, "<mask>": 250001},
        "xlm-roberta-large": {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3, "<mask>": 250001},
        "mdeberta-v3-base": {"[PAD]": 0, "[CLS]": 1, "[SEP]": 2, "[UNK]": 3, "[MASK]": 250101},
    }[name]  # fmt: skip
    assert {token: tokenizer.convert_tokens_to_ids(token) for token in real} == real


@pytest.mark.parametrize(
    ("name", "framed"),
    [
        ("bert-base-multilingual-cased", ["[CLS]", "[SEP]", "[SEP]"]),
        ("xlm-roberta-base", ["<s>", "</s>", "</s>", "</s>"]),
        ("mdeberta-v3-base", ["[CLS]", "[SEP]", "[SEP]"]),
    ],
)
def test_pairs_are_framed_as_the_real_tokenizer_frames_them(name, framed, tokenizers):
    tokenizer = tokenizers(name)
    ids = tokenizer("Die Katze schläft.", "Hindi: बिल्ली सो रही है")["input_ids"]
    tokens = tokenizer.convert_ids_to_tokens(ids)
    assert [t for t in tokens if t in tokenizer.all_special_tokens] == framed
    assert tokens[0] == framed[0] and tokens[-1] == framed[-1]


@pytest.mark.parametrize("name", ["bert-base-multilingual-cased", "xlm-roberta-base"])
def test_filler_pieces_never_come_out_of_any_text(name, tokenizers, texts):
    tokenizer = tokenizers(name)
    vocab = tokenizer.get_vocab()
    fillers = [piece for piece in vocab if piece.startswith((rm.FILLER_MARK, "[unused"))]
    assert len(fillers) > 100_000
    tricky = ["ﬁller12 ﬁller000001", "[unused5] [unused200]", "ﬁ", "[ unused5 ]"]
    produced = set()
    for batch in (texts[:3000], tricky):
        for ids in tokenizer(batch, add_special_tokens=False)["input_ids"]:
            produced.update(ids)
    filler_ids = {vocab[piece] for piece in fillers}
    assert not produced & filler_ids


@pytest.mark.parametrize("name", ["bert-base-multilingual-cased", "xlm-roberta-base"])
def test_nothing_is_lower_cased_or_stripped_of_accents(name, tokenizers):
    normalizer = tokenizers(name).backend_tokenizer.normalizer
    for text in ("Ångström İstanbul", "Ünïcode ÉTÉ"):
        assert normalizer.normalize_str(text) == text


def test_settled_pieces_hand_made_up_scores_out_in_character_order():
    """The trainer's made-up scores (lowest + k * 1e-4, in hash-map order) among real pieces'
    scores: whatever order they came in, the result is the same."""
    from tokenizers import Tokenizer, models
    from transformers import PreTrainedTokenizerFast

    low = -15.0
    real = [("▁the", -3.0), ("ab", -14.99995), ("x", -14.99985)]  # a real single char among them
    made_up = ["q", "ж", "好", "z"]

    def trained(order):
        vocab = [("<unk>", 0.0), *real]
        vocab += [(char, round(low + k * 1e-4, 9)) for k, char in enumerate(order)]
        backend = Tokenizer(models.Unigram(vocab, unk_id=0, byte_fallback=False))
        return PreTrainedTokenizerFast(tokenizer_object=backend, unk_token="<unk>")

    first = rm.settled_pieces(trained(made_up))
    assert first == rm.settled_pieces(trained(list(reversed(made_up))))
    assert first == rm.settled_pieces(trained(["好", "q", "z", "ж"]))
    scores = dict(first)
    assert scores["x"] == -14.99985 and scores["ab"] == -14.99995  # real pieces keep theirs
    by_score = [char for char, _ in sorted(first, key=lambda p: -p[1]) if char in made_up]
    assert by_score == sorted(made_up)


def test_wordpiece_pieces_from_unigram_pieces():
    pieces = [("▁the", -1.0), ("ing", -2.0), ("▁", -3.0), ("▁ca", -4.0)]
    assert rm.wordpiece_pieces(pieces) == [
        "the", "##ing", "ca", "a", "##a", "c", "##c", "e", "##e", "g", "##g", "h", "##h", "i",
        "##i", "n", "##n", "t", "##t",
    ]  # fmt: skip


# ------------------------------------------------------------------------------ whole models


def test_a_written_model_has_its_config_marker_and_safetensors(reduced_xlmr):
    config = json.loads((reduced_xlmr / "config.json").read_text(encoding="utf-8"))
    spec = random_models.get("xlm-roberta-base")
    reduced = {"num_hidden_layers": 1, "hidden_size": 64, "num_attention_heads": 1,
               "intermediate_size": 256}  # fmt: skip
    for key, value in spec.applied().items():
        assert config[key] == reduced.get(key, value), key
    marker = config[resolution.RANDOM_MARKER]
    assert marker["configuration"] == "xlm-roberta-base" and marker["reduced"] == reduced
    assert (reduced_xlmr / "model.safetensors").is_file()
    assert not (reduced_xlmr / "pytorch_model.bin").exists()
    assert resolution.random_model(str(reduced_xlmr)) == (
        "xlm-roberta-base configuration reduced to 1 layer, hidden size 64"
    )
    assert not resolution.is_tiny(str(reduced_xlmr))


def test_the_same_seed_writes_the_same_bytes(reduced_xlmr, texts, tmp_path):
    again = tmp_path / "again"
    rm.build_random_model(str(again), "xlm-roberta-base", texts=texts, seed=0, **REDUCED)
    files = sorted(path.name for path in reduced_xlmr.iterdir())
    assert files == sorted(path.name for path in again.iterdir())
    for name in files:
        assert (again / name).read_bytes() == (reduced_xlmr / name).read_bytes(), name


def test_another_seed_gives_other_weights():
    import torch
    from transformers import AutoModel

    config, _ = rm.build_config(random_models.get("mdeberta-v3-base"), **REDUCED)
    weights = []
    for seed in (0, 0, 1):
        torch.manual_seed(seed)
        weights.append(AutoModel.from_config(config).embeddings.word_embeddings.weight)
    assert torch.equal(weights[0], weights[1]) and not torch.equal(weights[0], weights[2])


def test_a_run_records_the_departure_and_tables_footnote_it(reduced_xlmr, tmp_path):
    from xtreme_harness.engine.run import run

    out = tmp_path / "run"
    result = run(RunConfig(model=str(reduced_xlmr), task="xnli", source="sample", out=str(out),
                           overrides=Overrides(max_steps=1), eval_languages=("en", "de"),
                           progress=False))  # fmt: skip
    validate(result, "result", source="result")
    text = ("model random-initialised xlm-roberta-base configuration reduced to 1 layer, hidden "
            "size 64 instead of a pretrained encoder (random model)")  # fmt: skip
    departures = [resolution.Departure(**d) for d in result["departures"]]
    assert text in [d.text() for d in departures]
    assert result["meaningful"] is False
    assert any(note.startswith("random-initialised xlm-roberta-base") for note in result["notes"])
    tables = CliRunner().invoke(cli, ["tables", str(out)])
    assert tables.exit_code == 0, tables.output
    assert text in tables.output


def test_a_full_size_model_departs_in_the_published_name(tmp_path):
    """What a cell says before any work, for a folder whose config carries the marker of a
    model written at full size (no weights needed)."""
    folder = tmp_path / "model"
    folder.mkdir()
    config = {
        **random_models.get("xlm-roberta-large").applied(),
        resolution.RANDOM_MARKER: {"configuration": "xlm-roberta-large", "reduced": None},
    }
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    from xtreme_harness.plugin_host import get_host

    found = cells.resolve(RunConfig(model=str(folder), task="xnli", source="sample",
                                    out=str(tmp_path / "o")),
                          get_host()).departures()  # fmt: skip
    assert ("model random-initialised xlm-roberta-large configuration instead of a pretrained "
            "encoder (random model)") in [d.text() for d in found]  # fmt: skip


# ------------------------------------------------------------------------------ the command


def test_help_explains_the_command_and_lists_every_name():
    result = CliRunner().invoke(cli, ["random-model", "--help"])
    assert result.exit_code == 0
    for needle in [*NAMES, "--layers", "--hidden-size", "--seed", "safetensors", "mean nothing"]:
        assert needle in result.output


def test_an_unknown_name_lists_the_known_names_without_a_traceback(tmp_path):
    done = run_xharness("random-model", "xlm-roberta-medium", str(tmp_path / "out"))
    assert done.returncode == 2
    assert "unknown random-model configuration 'xlm-roberta-medium'" in done.stderr
    assert all(name in done.stderr for name in NAMES)
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


def test_the_command_writes_a_reduced_model(tmp_path):
    result = CliRunner().invoke(cli, ["random-model", "mdeberta-v3-base", str(tmp_path / "m"),
                                      "--layers", "1", "--hidden-size", "64"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "mdeberta-v3-base (microsoft/mdeberta-v3-base) with random weights" in result.output
    assert "tokenizer of 250,102 ids" in result.output
    config = json.loads((tmp_path / "m" / "config.json").read_text(encoding="utf-8"))
    assert config["model_type"] == "deberta-v2" and config["vocab_size"] == 251000
    assert config["pos_att_type"] == ["p2c", "c2p"] and config["position_buckets"] == 256
