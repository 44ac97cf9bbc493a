"""The four literature rules against their baselines, on the model files' full runs.

``python scripts/literature_rules.py [--seeds 0 1 2] [--out DIR]`` runs each model
(NeAW, AHL, HPCA, the correlation game) and its baseline (the same network with
plain normalised Hebbian learning, Oja's rule, -, no anti-Hebbian inhibition),
prints and writes ``literature_rules.json`` (metrics per rule, baseline and seed)
and ``literature_rules.png`` (seed means side by side).
"""
import argparse
import json
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from spikehebb.backends import simulate
from spikehebb.metrics import compute_metrics
from spikehebb.model import load_model
from spikehebb.plots.literature import comparison_bars

MODELS = Path(__file__).parents[1] / "models"
#: (model file, baseline label, baseline overrides, metrics shown)
CASES = {
    "NeAW": ("neaw_decorrelation.toml", "Hebb (normalised)", ["projections.ff.rule.target=1e6 Hz"],
             ["weight_cosine_mean", "output_correlation_mean"]),
    "AHL": ("ahl_sparse_patches.toml", "Oja",
            ['projections.ff.rule={type="oja", learning_rate=1e-3}',
             'populations.code={type="rate_units", n=32, transfer="relu", tau="0 ms"}'],
            ["active_fraction", "reconstruction_error"]),
    "HPCA": ("hpca_conv_mnist.toml", None, None, ["filter_pc_cosine_min", "readout_test_error"]),
    "correlation game": ("seung_zung_parts.toml", "no inhibition", ["projections.lateral.rule.learning_rate=1e-12"],
                         ["parts_distinct"]),
}


def run(name, overrides, seed):
    net = load_model(MODELS / name, overrides).network
    res = simulate(net, "rate", seed=seed)
    res.info["duration"] = float(net.duration)
    return compute_metrics(net, res)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--out", type=Path, default=Path("."))
    args = ap.parse_args()
    out = {}
    for rule, (name, base, base_over, _) in CASES.items():
        for variant, over in (((rule, []),) if base is None else ((rule, []), (base, base_over))):
            out.setdefault(rule, {})[variant] = {s: run(name, over, s) for s in args.seeds}
            runs = out[rule][variant].values()
            print(rule, "|", variant, "|", {k: round(float(np.mean([m[k] for m in runs])), 4)
                                            for k in next(iter(runs))}, flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "literature_rules.json").write_text(json.dumps(out, indent=1, default=float))
    fig = Figure(figsize=(12, 3.2), layout="constrained")
    for ax, (rule, variants) in zip(fig.subplots(1, 4), out.items()):
        keys = CASES[rule][3]
        comparison_bars({v: {k: float(np.mean([m[k] for m in runs.values()])) for k in keys}
                         for v, runs in variants.items()}, ax=ax)
        ax.set_title(rule, fontsize=10)
    fig.savefig(args.out / "literature_rules.png", dpi=120)


if __name__ == "__main__":
    main()
