"""Backend-neutral metrics: numbers computed from a Network and its RunResult."""
import numpy as np

from .model.measures import OutputRate, RewardedSynapse, Rewards, WeightDistribution

_COMPUTE = {}


def _register(cls):
    def deco(fn):
        _COMPUTE[cls] = fn
        return fn
    return deco


def compute_metrics(network, result):
    """All metrics the network's ``[[metrics]]`` list asks for, as ``{name: float}``."""
    out = {}
    for spec in network.metrics:
        out.update({k: float(v) for k, v in _COMPUTE[type(spec)](spec, network, result).items()})
    return out


def mean_rate(network, result, population, fraction=1.0):
    """Mean rate (Hz) of ``population`` over the last ``fraction`` of the run."""
    duration = float(result.info.get("duration", network.duration))
    start = duration * (1 - fraction)
    if population in result.spikes:
        t, _ = result.spikes[population]
        return np.count_nonzero(t >= start) / (network.populations[population].n * (duration - start))
    t, r = result.rates[population]
    sel = t >= start
    return float(np.mean(r[sel])) if sel.any() else float("nan")


@_register(OutputRate)
def _output_rate(spec, network, result):
    return {spec.key: mean_rate(network, result, spec.population, spec.fraction)}


@_register(WeightDistribution)
def _weight_distribution(spec, network, result):
    rec = result.weights[spec.projection]
    lo, hi = rec["w_min"], rec["w_max"]
    x = (rec["final"] - lo) / (hi - lo)
    return {"weight_fraction_near_max": np.mean(x >= 1 - spec.margin),
            "weight_fraction_near_zero": np.mean(x <= spec.margin),
            "mean_weight_over_max": np.mean(rec["final"]) / hi}


@_register(RewardedSynapse)
def _rewarded_synapse(spec, network, result):
    rec = result.weights[spec.projection]
    target = (rec["final_i"] == spec.pre) & (rec["final_j"] == spec.post)
    if not target.any():
        raise ValueError(f"projection {spec.projection!r} has no synapse {spec.pre} -> {spec.post}")
    w = rec["final"] / rec["w_max"]
    if spec.others is not None:
        other = result.weights[spec.others]
        rest = other["final"] / other["w_max"]
    else:
        rest = w[~target]
    return {"rewarded_weight_over_max": w[target][0], "others_mean_weight_over_max": rest.mean()}


@_register(Rewards)
def _rewards(spec, network, result):
    return {"rewards_delivered": float(np.sum(result.arrays[f"modulator/{spec.modulator}/n_events"]))}
