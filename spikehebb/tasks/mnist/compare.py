"""``spikehebb compare`` on a classification model: train on the rate backend,
test those weights on both backends, and (``--train-spike``) also train the
spiking network.

``OUT/rate/``, ``OUT/spike/`` (the rate weights, tested in spikes) and
``OUT/spike_trained/`` are ordinary run folders; ``OUT/compare.json`` holds
``{"rate": {...}, "spike": {...}, "spike_trained": {...}, "agreement":
{"test_error_diff": spike - rate, ...}}`` and ``OUT/compare.png`` the
learning curves and confusion matrices side by side.
"""
import os

from ...results import save_figure, write_json
from .. import get_task
from ..sides import run_side


def compare_classifier(load, ctx, train_spike=False):
    """Run the comparison; ``load(backend)`` returns ``(model, params)`` loaded for a backend.

    Returns the ``compare.json`` dictionary.
    """
    out = ctx.out_dir
    runs = {}
    rate_model, rate_params = load("rate")
    task = get_task(rate_model.task)  # the registry's module, not an import of .task (which imports this)
    runs["rate"] = run_side(task, rate_model, rate_params, ctx, os.path.join(out, "rate"), backend="rate",
                            network=rate_model.network)
    # the rate weights are tested in the description they were trained in (its spike tables say how
    # the spiking network runs); the [spike] tables change the spiking *training* protocol only
    runs["spike"] = run_side(task, rate_model, rate_params, ctx, os.path.join(out, "spike"), backend="spike",
                             network=rate_model.network, weights_from=os.path.join(out, "rate"), evaluate=True)
    if train_spike:
        spike_model, spike_params = load("spike")
        runs["spike_trained"] = run_side(task, spike_model, spike_params, ctx,
                                         os.path.join(out, "spike_trained"), backend="spike",
                                         network=spike_model.network)
    report = {k: {**s["metrics"], "wall_seconds": s["wall_seconds"]} for k, (_, s) in runs.items()}
    agree = {"test_error_diff": report["spike"]["test_error"] - report["rate"]["test_error"],
             "same_weights": "spike tests the rate-trained weights"}
    pred = {k: r.arrays["test_pred"] for k, (r, _) in runs.items()}
    if len(pred["rate"]) == len(pred["spike"]):
        agree["prediction_agreement"] = float((pred["rate"] == pred["spike"]).mean())
    if train_spike:
        agree["trained_test_error_diff"] = report["spike_trained"]["test_error"] - report["rate"]["test_error"]
    report["agreement"] = agree
    write_json(os.path.join(out, "compare.json"), report)
    save_figure(os.path.join(out, "compare.png"), _figure({k: r for k, (r, _) in runs.items()}))
    return report


def _figure(results):
    from matplotlib.figure import Figure

    from ...plots import mnist as plots
    cols = list(results)
    fig = Figure(figsize=(5.2 * len(cols), 9))
    for c, name in enumerate(cols):
        r = results[name]
        ax = fig.add_subplot(2, len(cols), c + 1)
        a = r.arrays
        if len(a["seconds_per_epoch"]):
            plots.learning_curve(a["test_error_per_epoch"], a["train_error_per_epoch"], a["phase_per_epoch"],
                                 ax=ax, title=f"{name}: learning curve", names=list(r.info.get("phases", {})))
        else:
            ax.set_axis_off()
            ax.set_title(f"{name}: rate weights, tested only\ntest error {r.metrics['test_error']:.4f}")
        plots.confusion_matrix(a["confusion"], ax=fig.add_subplot(2, len(cols), len(cols) + c + 1),
                               title=f"{name}: confusion (test error {r.metrics['test_error']:.4f})")
    fig.tight_layout()
    return fig
