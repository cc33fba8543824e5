"""`xharness run`: one cell's stages in order, in one folder.

    intermediate (optional): train on another task in the given languages, keep the encoder
    fine-tuning:             the target task's phases (or the protocol's fine-tuning task)
    shots (few-shot):        the fine-tuned model continued on the target languages' shots
    evaluation:              every evaluation language's test set -> official prediction files,
                             per-language scores and per-example units where gold labels exist

The outcome is `<out>/result.json` (schema `result`), written last and atomically, with the
predictions under `<out>/predictions/<task>/` and the fine-tuned model under `<out>/model/`.
"""

from __future__ import annotations

import os
import time
import warnings
from typing import Any

from xtreme_harness.atomic import write_json
from xtreme_harness.config.run import RunConfig
from xtreme_harness.engine.context import Context
from xtreme_harness.engine.stages import (
    continue_on_shots,
    evaluate,
    fine_tune,
    train_intermediate,
)
from xtreme_harness.errors import UsageError, XHarnessWarning
from xtreme_harness.plugin_host import PluginHost
from xtreme_harness.provenance import now
from xtreme_harness.registry.validation import validate
from xtreme_harness.results import document

RESULT_FILE = "result.json"


def run(config: RunConfig, host: PluginHost | None = None) -> dict[str, Any]:
    """Carry out one run and return its result (also written to `<out>/result.json`)."""
    ctx = Context(config, host)
    result_path = os.path.join(config.out, RESULT_FILE)
    if os.path.exists(result_path):
        if not config.overwrite:
            raise UsageError(
                f"{result_path} exists; choose another --out or pass --overwrite to replace it"
            )
        os.remove(result_path)  # a failed re-run must not leave the old result behind
    started_at, started = now(), time.perf_counter()
    if config.strict_protocol:
        ctx.cell.check_strict()
    leak = ctx.cell.leak()
    if leak:
        warnings.warn(leak, XHarnessWarning, stacklevel=2)
    stage = None
    encoder = config.model
    if config.intermediate is not None:
        stage = train_intermediate(ctx, config.out)
        encoder = os.path.join(config.out, stage["encoder"])
    few_shot = config.setting == "few-shot"
    model, tuned = fine_tune(
        ctx, config.out, encoder, save_model=config.save_model and not few_shot
    )
    if few_shot:
        model, shots = continue_on_shots(ctx, config.out, model, save_model=config.save_model)
        tuned = document.merge_training([(None, tuned), (None, shots)])
    evaluated = evaluate(ctx, config.out, model)
    result = document.build(
        config, ctx.host, intermediate=stage, finetune=tuned, evaluate=evaluated,
        started_at=started_at, seconds=time.perf_counter() - started,
    )  # fmt: skip
    validate(result, "result", source=result_path)
    write_json(result_path, result)
    return result
