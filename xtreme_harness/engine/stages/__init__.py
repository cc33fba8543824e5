"""The stages of a run, each a function of a `Context` returning a small JSON-ready output:

    translate_data(ctx, out, split, language, target) -> TranslateOutput (a grid's translations)
    train_intermediate(ctx, out)                 -> IntermediateOutput (an encoder folder)
    fine_tune(ctx, out, encoder)                 -> the model, FinetuneOutput
    continue_on_shots(ctx, out, model)           -> few-shot: the model, ShotsOutput
    embed_pool(ctx, out, model)                  -> EmbedOutput (memory-mapped candidate vectors)
    evaluate(ctx, out, model, candidates=None)   -> EvaluateOutput (predictions, scores, units)

`xharness run` calls them in order in one folder (`xtreme_harness.engine.run`); a grid runs each
as a step of its own (`xtreme_harness.grid.worker`). The result document is built from their
outputs by `xtreme_harness.results.document.build`, which imports no engine.
"""

from xtreme_harness.engine.stages.evaluate import EvaluateOutput, evaluate
from xtreme_harness.engine.stages.finetune import FinetuneOutput, fine_tune
from xtreme_harness.engine.stages.intermediate import IntermediateOutput, train_intermediate
from xtreme_harness.engine.stages.pool import EmbedOutput, embed_pool
from xtreme_harness.engine.stages.shots import ShotsOutput, continue_on_shots
from xtreme_harness.engine.stages.translated import TranslateOutput, translate_data

__all__ = [
    "EmbedOutput",
    "EvaluateOutput",
    "FinetuneOutput",
    "IntermediateOutput",
    "ShotsOutput",
    "TranslateOutput",
    "continue_on_shots",
    "embed_pool",
    "evaluate",
    "fine_tune",
    "train_intermediate",
    "translate_data",
]
