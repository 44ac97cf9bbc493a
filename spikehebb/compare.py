r"""``spikehebb compare``: one model file, one seed, both backends, and where they agree.

Both backends build the same synapses and initial weights (they draw them
from the same generator stream), so differences come from the dynamics only.
``compare.json`` holds ``{"spike": {metrics}, "rate": {metrics}, "agreement": {...}}``:

- metrics per backend: the model's own ``[[metrics]]`` plus ``mean_rate_hz``
  (population mean over the run) of the compared population and
  ``mean_drift`` (:math:`(\bar w_{final} - \bar w_{initial})/T` over all
  synapses of the compared projection, SI units per second) and
  ``mean_drift_over_max`` (the same in units of ``w_max``, per second);
- agreement: ``rate_rel_error`` :math:`|\nu_{rate} - \nu_{spike}|/\nu_{spike}`,
  ``drift_rel_error`` :math:`|\dot w_{rate} - \dot w_{spike}|/|\dot w_{spike}|`,
  ``final_weight_ks``, the Kolmogorov-Smirnov distance between the two
  final weight distributions (0: identical, 1: disjoint; the rate rule has no
  diffusion, so identical initial weights stay identical), and
  ``near_bounds_fraction_diff``, the difference of the fractions of final
  weights within 10% of a bound (a bimodal split shows up here).

The compared projection is the first plastic projection in ``record.weights``
(else the first plastic one), the compared population its postsynaptic one.
"""
import os

import numpy as np

from .backends import simulate
from .metrics import compute_metrics, mean_rate
from .results import save_figure, write_json

#: Rule types whose rate limit drops the spike-timing correlations that drive weight splitting.
_STDP_TYPES = ("pair_stdp", "triplet_stdp", "da_stdp")


def compared_names(network):
    """``(population, projection)`` that the comparison is about (projection may be None)."""
    plastic = [n for n, p in network.projections.items() if p.rule.PLASTIC]
    recorded = [n for n in network.record.weights if n in plastic]
    proj = (recorded or plastic or [None])[0]
    if proj is not None:
        return network.projections[proj].post, proj
    targets = [n for n, p in network.populations.items() if hasattr(p, "weight_kind")]
    pops = list(network.record.rates) + list(network.record.spikes) + targets
    return (pops or list(network.populations))[0], None


def _rel(a, b):
    return float(abs(a - b) / abs(b)) if b != 0 else float("inf") if a != b else 0.0


def ks_distance(a, b):
    """Two-sample Kolmogorov-Smirnov statistic: largest gap between the empirical CDFs."""
    a, b = np.sort(np.asarray(a, float)), np.sort(np.asarray(b, float))
    grid = np.concatenate([a, b])
    cdf_a = np.searchsorted(a, grid, side="right") / len(a)
    cdf_b = np.searchsorted(b, grid, side="right") / len(b)
    return float(np.max(np.abs(cdf_a - cdf_b)))


def near_bounds(rec, margin=0.1):
    """Fraction of final weights within ``margin`` (of the range) of either bound."""
    x = (np.asarray(rec["final"]) - rec["w_min"]) / (rec["w_max"] - rec["w_min"])
    return float(np.mean((x <= margin) | (x >= 1 - margin)))


def backend_metrics(network, result, duration, population, projection, initial):
    """Metrics of one backend's run: the model's own plus the comparison's."""
    result.info["duration"] = float(duration)
    out = compute_metrics(network, result)
    out["mean_rate_hz"] = float(mean_rate(network, result, population))
    if projection is not None:
        rec = result.weights[projection]
        drift = (np.mean(rec["final"]) - np.mean(initial)) / float(duration)
        out["mean_drift"] = float(drift)
        out["mean_drift_over_max"] = float(drift / rec["w_max"])
        out["mean_final_weight_over_max"] = float(np.mean(rec["final"]) / rec["w_max"])
    return out


def _population_rate(result, population):
    if population in result.rates:
        return result.rates[population]
    return np.array([]), np.array([])


def compare(model, seed=0, out_dir=".", quick=False, progress=True, target=None, rate_model=None):
    """Run ``model`` on both backends, write ``compare.json`` and ``compare.png``; return the report.

    Parameters
    ----------
    model : spikehebb.model.Model
        A loaded network model (not a task).
    seed : int
    out_dir : str
        Existing or new directory for ``compare.json`` and ``compare.png``.
    quick : bool
        Use the model's ``quick_duration``.
    progress : bool
    target : str, optional
        Brian2 target of the spiking run (default: the spiking backend's default).
    rate_model : spikehebb.model.Model, optional
        The same file loaded for the rate backend (its ``[rate]`` table applied,
        e.g. a coarser ``dt``); default ``model``.
    """
    network = model.network
    duration = network.run_duration(quick)
    population, projection = compared_names(network)
    nets = {"spike": network, "rate": (rate_model or model).network}
    if population not in network.record.rates:
        # the comparison needs the population rate over time from both backends
        rates = list(network.record.rates) + [population]
        nets = {b: n.replace(record=n.record.replace(rates=rates)) for b, n in nets.items()}
    network = nets["spike"]
    runs = {"spike": simulate(nets["spike"], "spike", seed=seed, target=target, duration=duration,
                              progress=progress),
            "rate": simulate(nets["rate"], "rate", seed=seed, duration=duration, progress=progress)}
    initial = runs["rate"].arrays.get(f"initial_weights/{projection}") if projection else None
    report = {b: backend_metrics(nets[b], r, duration, population, projection, initial) for b, r in runs.items()}
    agreement = {"population": population, "projection": projection, "seed": seed,
                 "duration_s": float(duration),
                 "rate_rel_error": _rel(report["rate"]["mean_rate_hz"], report["spike"]["mean_rate_hz"])}
    if projection is not None:
        spike_w, rate_w = runs["spike"].weights[projection], runs["rate"].weights[projection]
        agreement["drift_rel_error"] = _rel(report["rate"]["mean_drift"], report["spike"]["mean_drift"])
        agreement["final_weight_ks"] = ks_distance(spike_w["final"], rate_w["final"])
        agreement["near_bounds_fraction_diff"] = abs(near_bounds(spike_w) - near_bounds(rate_w))
        if "w" in spike_w and len(spike_w["w"]) and "w" in rate_w and len(rate_w["w"]):
            # both backends must have started from the same weights (the traced ones are checked;
            # SI weights are ~1e-11, so the comparison is relative only)
            agreement["same_initial_weights"] = bool(np.allclose(spike_w["w"][0], rate_w["w"][0], rtol=1e-9, atol=0))
    report["agreement"] = agreement
    os.makedirs(out_dir, exist_ok=True)
    fig = _figure(model, network, runs, report, population, projection)
    save_figure(os.path.join(out_dir, "compare.png"), fig)
    write_json(os.path.join(out_dir, "compare.json"), report)
    return report


def _figure(model, network, runs, report, population, projection):
    from .plots.compare import comparison_figure
    rates = {b: _population_rate(r, population) for b, r in runs.items()}
    weights, finals = {}, {}
    if projection is not None:
        for b, r in runs.items():
            rec = r.weights[projection]
            if "w" in rec and len(rec["t"]):
                weights[b] = (rec["t"], np.asarray(rec["w"]).mean(axis=1) / rec["w_max"])
            finals[b] = (rec["final"] - rec["w_min"]) / (rec["w_max"] - rec["w_min"])
    ag = report["agreement"]
    footer = (f"mean rate: spike {report['spike']['mean_rate_hz']:.3g} Hz, rate {report['rate']['mean_rate_hz']:.3g} Hz "
              f"(rel. error {ag['rate_rel_error']:.1%})")
    if projection is not None:
        footer += (f"; mean dw/dt: spike {report['spike']['mean_drift_over_max']:.3g}, "
                   f"rate {report['rate']['mean_drift_over_max']:.3g} w_max/s (rel. error {ag['drift_rel_error']:.1%}); "
                   f"final-weight KS distance {ag['final_weight_ks']:.2f}")
        rule = network.projections[projection].rule
        if rule.TYPE in _STDP_TYPES and ag["near_bounds_fraction_diff"] > 0.1:
            footer += ("\nThe backends disagree here, as expected: the rate rule averages STDP over "
                       "independent spike trains and has no spike-timing correlations, which is what "
                       "splits the spiking weights (e.g. the bimodal distribution of Song et al. 2000).")
    return comparison_figure(rates, weights, finals, title=f"{model.name}: spike vs rate backend",
                             footer=footer, population=population, projection=projection or "")
