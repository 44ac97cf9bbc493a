"""One side of ``spikehebb compare`` on a task model: an ordinary run folder.

Every task's ``compare`` (see :mod:`spikehebb.tasks`) runs its task once per
backend with :func:`run_side`, so each side can be opened, exported or
re-run like any ``spikehebb run`` output.
"""
import dataclasses
import os
import time

from ..results import save_result


def run_side(task, model, params, ctx, out, **changes):
    """Run ``task.run(params, ctx with changes)`` into ``out``; returns ``(result, summary)``."""
    c = dataclasses.replace(ctx, out_dir=out, **changes)
    os.makedirs(out, exist_ok=True)
    t0 = time.perf_counter()
    result = task.run(params, c)
    summary = {"model": model.name, "backend": c.backend, "target": result.info.pop("target", c.target),
               "seed": c.seed, "wall_seconds": round(time.perf_counter() - t0, 3), "metrics": result.metrics,
               "info": result.info}
    save_result(out, result, summary)
    return result, summary
