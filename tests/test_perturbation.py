"""Test-time perturbations: each perturber on sample data (the share of words it changes, what
it keeps, its script and its lexicon), every task kind's fields, the same inputs for every model
of a grid, and what is refused."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from xharness_plugins.robust.perturbers import CodeSwitch, Synonyms, Typos
from xtreme_harness import hookimpl
from xtreme_harness.cli import cli
from xtreme_harness.config import cell as cells
from xtreme_harness.config.run import RunConfig
from xtreme_harness.engine.kinds import implementation
from xtreme_harness.engine.stages.perturbed import perturbed
from xtreme_harness.errors import UsageError
from xtreme_harness.interfaces import Param, Perturber
from xtreme_harness.plugin_host import PluginHost, get_host
from xtreme_harness.results import report as reports
from xtreme_harness.results import tables
from xtreme_harness.results.files import find


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _sample(task, language):
    spec = get_host().get("tasks", task)
    examples = spec.sources["sample"].load("test", language).to_list()
    recipe = spec.recipe_of(spec.phases[0] if spec.phases else None)
    return implementation(spec, recipe), examples


def _words(examples, fields):
    found = []
    for example in examples:
        for field, form in fields.items():
            value = example.get(field)
            if value is None:
                continue
            texts = value if form in ("texts", "words") else [value]
            found += [word for text in texts for word in (text.split(" ") if form != "words"
                                                          else [text])]  # fmt: skip
    return found


def _kept(original, shown, fields):
    """Every field but the text fields is unchanged."""
    for before, after in zip(original, shown, strict=True):
        assert {k: v for k, v in before.items() if k not in fields} == {
            k: v for k, v in after.items() if k not in fields
        }


@pytest.mark.parametrize("rate", [0.2, 0.5])
def test_typos_change_about_the_share_asked_in_the_words_own_script(rate):
    kind, examples = _sample("xnli", "ru")
    shown, record = perturbed(Typos(rate=rate), kind, examples, "xnli", "ru")
    assert record["words"] == len(_words(examples, kind.text_fields))
    assert abs(record["changed"] / record["eligible"] - rate) < 0.08
    _kept(examples, shown, kind.text_fields)
    for old, new in zip(_words(examples, kind.text_fields), _words(shown, kind.text_fields),
                        strict=True):  # fmt: skip
        assert set(new) <= set(old)  # no letter from outside the word: its script
        assert abs(len(new) - len(old)) <= 1


def test_synonyms_and_code_switch_use_only_their_tables(tmp_path):
    kind, examples = _sample("xnli", "en")
    synonyms = Synonyms(rate=0.5)
    shown, record = perturbed(synonyms, kind, examples, "xnli", "en")
    assert record["eligible"] > 20 and abs(record["changed"] / record["eligible"] - 0.5) < 0.15
    for old, new in zip(_words(examples, kind.text_fields), _words(shown, kind.text_fields),
                        strict=True):  # fmt: skip
        if old != new:
            assert new.lower() in synonyms.table[old.lower()]
    with pytest.raises(UsageError, match="its table is for en, not de"):
        perturbed(synonyms, kind, examples, "xnli", "de")

    folder = tmp_path / "lexicons"
    folder.mkdir()
    (folder / "en-de.txt").write_text("water wasser\nbook buch\nhouse haus\n", encoding="utf-8")
    (folder / "en-fr.txt").write_text("water eau\nbook livre\n", encoding="utf-8")
    switch = CodeSwitch(folder=str(folder), languages="de,fr", rate=1.0)
    shown, record = perturbed(switch, kind, examples, "xnli", "en")
    allowed = {"wasser", "buch", "haus", "eau", "livre"}
    pairs = zip(_words(examples, kind.text_fields), _words(shown, kind.text_fields), strict=True)
    changed = [(old, new) for old, new in pairs if old != new]
    assert changed and record["changed"] == len(changed) == record["eligible"]
    assert all(n.lower().strip(".,") in allowed for _, n in changed)
    with pytest.raises(UsageError, match="no lexicon from de into any of de,fr"):
        perturbed(switch, kind, examples, "xnli", "de")


def test_every_kind_keeps_what_its_labels_need():
    # tagging: one word per tag
    kind, examples = _sample("panx", "de")
    shown, _ = perturbed(Typos(rate=1.0), kind, examples, "panx", "de")
    assert [len(e["tokens"]) for e in shown] == [len(e["tokens"]) for e in examples]
    assert [e["tags"] for e in shown] == [e["tags"] for e in examples]
    assert all(len(e["tags"]) == len(e["tokens"]) for e in shown)
    # extractive QA: every answer still a span of its context
    kind, examples = _sample("xquad", "de")
    shown, record = perturbed(Typos(rate=1.0), kind, examples, "xquad", "de")
    assert record["changed"] > 0
    for example in shown:
        for text, start in zip(example["answers"]["text"], example["answers"]["answer_start"],
                               strict=True):  # fmt: skip
            assert example["context"][start : start + len(text)] == text
    # retrieval: the queries only
    kind, examples = _sample("tatoeba", "de")
    shown, _ = perturbed(Typos(rate=1.0), kind, examples, "tatoeba", "de")
    assert any(a["text"] != b["text"] for a, b in zip(examples, shown, strict=True))
    _kept(examples, shown, {"text"})


def test_the_same_seed_perturbs_the_same_way():
    kind, examples = _sample("xnli", "de")
    first = perturbed(Typos(seed=3), kind, examples, "xnli", "de")[1]["sha256"]
    assert perturbed(Typos(seed=3), kind, examples, "xnli", "de")[1]["sha256"] == first
    assert perturbed(Typos(seed=4), kind, examples, "xnli", "de")[1]["sha256"] != first


def test_perturbed_evaluation_shares_training_and_inputs_across_models(tiny_model, tmp_path):
    out = tmp_path / "g"
    made = invoke(
        "grid", "--model", tiny_model, "--source", "sample", "--tasks", "xnli",
        "--perturbations", "none,typos", "--perturbation-option", "rate=0.3",
        "--seeds", "1,2,3", "--max-steps", "2", "--out", out,
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    steps = [json.loads(line) for line in (out / "executions.jsonl").read_text().splitlines()]
    assert len({s["key"] for s in steps if s.get("stage") == "finetune"}) == 3  # shared
    results = find(str(out))
    noisy = [r for r in results if r.document["config"]["perturbation"] is not None]
    assert len(noisy) == 3
    for language in ("de", "sw"):
        hashes = {r.document["evaluation"][language]["perturbation"]["sha256"] for r in noisy}
        assert len(hashes) == 1  # every model on the same perturbed inputs
    built = reports.build(results, "perturbation", "none", subgroups=(), distances=False)
    (drop,) = built.comparisons
    assert drop.contrast == "typos - none" and drop.seeds == [1, 2, 3]
    # the tables' robustness drop is the same number, paired configuration by configuration
    examples, seeds = tables.robustness_tables(tables.configurations(results), "typos", 3)
    (row,) = examples.rows
    assert row[0].text.startswith("typos") and row[1].mean == pytest.approx(drop.examples.value)
    assert seeds.rows[0][1].low == pytest.approx(drop.over_seeds.low)
    shown = invoke("tables", out, "--perturbation", "typos")
    assert shown.exit_code == 0 and "Robustness drop under typos" in shown.output
    unknown = invoke("tables", out, "--perturbation", "synonyms")
    assert unknown.exit_code != 0 and "typos" in unknown.output
    alone = [r for r in results if r.document["config"]["perturbation"] is not None]
    with pytest.raises(UsageError, match="no results of the same configuration on clean"):
        tables.robustness_tables(tables.configurations(alone), "typos")


def _check(**config):
    base = {"model": "m", "task": "xnli", "source": "sample", "out": "o"}
    cells.resolve(RunConfig(**{**base, **config}), get_host()).check_setting()


def test_bad_perturbations_are_refused_before_any_step(tmp_path):
    with pytest.raises(UsageError, match="--generalized with --perturbation"):
        _check(perturbation="typos", generalized=True)
    with pytest.raises(UsageError, match="parameter"):
        _check(perturbation="typos", perturbation_options={"rate": 2})
    spec = tmp_path / "grid.yaml"
    spec.write_text("model: m\ntasks: [xnli]\nsource: sample\nperturbations: [none, typo]\n")
    bad = invoke("grid", spec, "--validate")
    assert (
        bad.exit_code == 2 and "grid.yaml:4" in bad.output and "did you mean: typos" in bad.output
    )


class Upper(Perturber):
    name = "upper"
    description = "Upper-cases words (a test)."
    params = (Param("rate", float, 1.0, "share"), Param("seed", int, 0, "seed"))

    def rewrite(self, word, language, rng):
        return word.upper()


class ThirdParty:
    @hookimpl
    def xharness_register_perturbers(self, register):
        register(Upper)


def test_xharness_register_perturbers():
    host = PluginHost(entry_points=False, plugins=[("thirdparty", ThirdParty())])
    perturber = host.get("perturbers", "upper")()
    kind = SimpleNamespace(ranks_candidates=False, text_fields={"text_a": "text"})
    shown, record = perturbed(perturber, kind, [{"text_a": "a b", "label": 1}], "t", "en")
    assert shown == [{"text_a": "A B", "label": 1}] and record["changed"] == 2


def test_code_switch_with_the_sample_lexicons_switches_sample_words():
    from helpers import REPO

    folder = REPO / "plugins" / "xtreme_r" / "sample" / "lexicons"
    kind, examples = _sample("xnli", "en")
    switch = CodeSwitch(folder=str(folder), languages="de,sw", rate=1.0)
    shown, record = perturbed(switch, kind, examples, "xnli", "en")
    targets = set()
    for name in ("en-de.txt", "en-sw.txt"):
        targets |= {line.split()[1] for line in (folder / name).read_text("utf-8").splitlines()}
    pairs = zip(_words(examples, kind.text_fields), _words(shown, kind.text_fields), strict=True)
    changed = [new for old, new in pairs if old != new]
    assert len(changed) == record["changed"] > 50
    assert all(new.lower().strip(".,") in targets for new in changed)


def test_embedding_pgd_at_radius_zero_is_clean_and_a_larger_radius_never_helps(
    tiny_model, tmp_path
):
    """XNLI after a few epochs, evaluated clean and under the attack at radii 0, 0.05 and 0.5:
    radius 0 predicts exactly as clean, and accuracy does not rise with the radius."""
    spec = tmp_path / "grid.yaml"
    spec.write_text(
        f"model: {tiny_model}\nsource: sample\ntasks: [xnli]\nseeds: [1]\nepochs: 3\n"
        "learning_rate: 1.0e-3\nbatch_size: 8\ngrad_accum: 1\neval_languages: en,de\n"
        f"out: {tmp_path / 'g'}\nperturbations:\n  - none\n"
        + "".join(f"  - {{name: embedding-pgd, options: {{epsilon: {e}}}}}\n"
                  for e in (0.0, 0.05, 0.5)),
        encoding="utf-8",
    )  # fmt: skip
    made = invoke("grid", spec)
    assert made.exit_code == 0, made.output
    scores = {}
    for result in find(str(tmp_path / "g")):
        value = result.document["config"]["perturbation"]
        radius = None if value is None else value["options"]["epsilon"]
        scores[radius] = {lang: s["accuracy"] for lang, s in result.document["scores"].items()}
        if value is not None:
            entry = result.document["evaluation"]["de"]["perturbation"]
            assert entry == {"perturber": "embedding-pgd", "model_aware": True}
    assert scores[0.0] == scores[None]
    for language in ("en", "de"):
        assert scores[0.0][language] >= scores[0.05][language] >= scores[0.5][language]


def test_embedding_pgd_needs_labels_at_evaluation():
    with pytest.raises(UsageError, match="embedding-pgd on xquad: the attack needs a label"):
        _check(task="xquad", perturbation="embedding-pgd")
    _check(task="panx", perturbation="embedding-pgd", perturbation_options={"epsilon": 0.1})
