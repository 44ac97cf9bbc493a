"""``spikehebb compare`` on a Hopfield model: the same patterns and cues on both backends.

Both sides draw the patterns and cues from the same seed, so they recall
exactly the same cue set: ``OUT/rate/`` and ``OUT/spike/`` are ordinary run
folders, ``OUT/compare.json`` holds ``{"rate": {...}, "spike": {...},
"agreement": {"recall_overlap_diff": spike - rate, "bit_agreement": ...,
"same_outcome": ...}}`` and ``OUT/compare.png`` the final overlap of every cue
on both backends.
"""
import os

import numpy as np

from ...backends.memory import overlap
from ...results import save_figure, write_json
from .. import get_task
from ..sides import run_side
from .memory import recalled


def compare(load, ctx, options):
    """Run the memory on both backends from the same cues; returns the ``compare.json`` report."""
    runs = {}
    for backend in ("rate", "spike"):
        model, params = load(backend)
        task = get_task(model.task)  # the registry's module, not an import of .task (which imports this)
        runs[backend] = run_side(task, model, params, ctx, os.path.join(ctx.out_dir, backend),
                                 backend=backend, network=model.network)
    report = {k: {**s["metrics"], "wall_seconds": s["wall_seconds"]} for k, (_, s) in runs.items()}
    rate, spike = (runs[k][0].arrays for k in ("rate", "spike"))
    sides = (("rate", rate), ("spike", spike))
    m = {k: overlap(a["recall"], a["targets"]) for k, a in sides}
    done = {k: recalled(a["recall"], a["targets"]) for k, a in sides}
    report["agreement"] = {
        "recall_overlap_diff": report["spike"]["recall_overlap"] - report["rate"]["recall_overlap"],
        "bit_agreement": float(np.mean(rate["recall"] == spike["recall"])),
        "same_outcome": float(np.mean(done["rate"] == done["spike"])),
        "same_cues": bool(np.array_equal(rate["cues"], spike["cues"])),
    }
    write_json(os.path.join(ctx.out_dir, "compare.json"), report)
    save_figure(os.path.join(ctx.out_dir, "compare.png"), _figure(m))
    return report


def _figure(m):
    from ...plots.hopfield import overlap_bars
    return overlap_bars(m).figure
