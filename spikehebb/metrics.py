"""Backend-neutral metrics: numbers computed from a Network and its RunResult."""
import numpy as np

from .metrics_base import _COMPUTE, principal_components, weight_matrix
from .metrics_base import register as _register
from .model.measures import OutputRate, PCCosine, RewardedSynapse, Rewards, Selectivity, WeightDistribution


def compute_metrics(network, result):
    """All metrics the network's ``[[metrics]]`` list asks for, as ``{name: float}``."""
    out = {}
    for spec in network.metrics:
        out.update({k: float(v) for k, v in _COMPUTE.build(spec, network, result).items()})
    return out


def mean_rate(network, result, population, fraction=1.0):
    """Mean rate (Hz) of ``population`` over the last ``fraction`` of the run."""
    duration = float(result.info.get("duration", network.duration))
    start = duration * (1 - fraction)
    if population in result.spikes:
        t, _ = result.spikes[population]
        return np.count_nonzero(t >= start) / (network.populations[population].n * (duration - start))
    t, r = result.rates[population]
    # rates are bin averages at bin centres: keep every bin that overlaps the window, so a
    # window shorter than a bin still has its bin
    half = (t[1] - t[0]) / 2 if len(t) > 1 else np.inf
    sel = np.asarray(t) + half > start + 1e-9  # a bin ending where the window starts is outside it
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


# --- learning metrics of the rate-native models -------------------------------------------


def _pattern_input(network, projection, metric):
    from .model.rate_models import PatternInput
    pop = network.populations[network.projections[projection].pre]
    if not isinstance(pop, PatternInput):
        raise ValueError(f"metric {metric!r} needs a 'rate_patterns' input to projection {projection!r}, "
                         f"got {getattr(pop, 'TYPE', type(pop).__name__)!r}")
    return pop


def pattern_second_moment(pop):
    r"""Exact :math:`\langle x x^\top \rangle` of a ``rate_patterns`` population.

    Patterns are equiprobable (random order) or equally frequent (cycle). Each
    input is :math:`\max(p + \sigma z, 0)` with independent standard normal
    :math:`z`, so with :math:`a = p/\sigma`, :math:`\Phi` and :math:`\phi` the
    normal distribution and density functions, the rectified Gaussian moments are

    .. math::

        E[x] = p\,\Phi(a) + \sigma \phi(a), \qquad
        E[x^2] = (p^2 + \sigma^2)\,\Phi(a) + p\,\sigma\,\phi(a)

    and distinct inputs are independent given the pattern.
    """
    from scipy.special import ndtr
    from .model.units import to_si
    p, s = np.asarray(pop.patterns, float), float(to_si(pop.noise))
    if s > 0:
        a = p / s
        phi = np.exp(-a ** 2 / 2) / np.sqrt(2 * np.pi)
        m1 = p * ndtr(a) + s * phi
        m2 = (p ** 2 + s ** 2) * ndtr(a) + p * s * phi
    else:
        m1, m2 = p, p ** 2
    c = m1.T @ m1 / len(p)
    c[np.diag_indices_from(c)] = m2.mean(axis=0)
    return c


def pc_cosines(w, components, rule_type="sanger"):
    """``|cos|`` between each column of ``w`` and the component it should learn
    (column ``k`` of ``components`` for Sanger, column 0 for Oja and Hebb)."""
    w = np.asarray(w, float)
    # (more Sanger units than inputs: the extra units are compared with the last component)
    k = np.minimum(np.arange(w.shape[1]), components.shape[1] - 1) if rule_type == "sanger" \
        else np.zeros(w.shape[1], int)
    target = components[:, k]
    norm = np.linalg.norm(w, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.abs(np.sum(w * target, axis=0)) / norm


def pc_cosine_trace(network, result, projection):
    """(times, cosines (samples, units)) of ``projection`` from its weight traces, or None
    when the traces do not hold every synapse of the projection."""
    rec = result.weights[projection]
    proj = network.projections[projection]
    pre, post = network.populations[proj.pre], network.populations[proj.post]
    if "w" not in rec or len(rec["i"]) != len(rec["final"]) or not len(rec["t"]):
        return None
    _, vecs = principal_components(pattern_second_moment(pre))
    cos = [pc_cosines(weight_matrix(w, rec["i"], rec["j"], pre.n, post.n), vecs, proj.rule.TYPE)
           for w in np.asarray(rec["w"])]
    return np.asarray(rec["t"]), np.asarray(cos)


@_register(PCCosine)
def _pc_cosine(spec, network, result):
    pre = _pattern_input(network, spec.projection, "pc_cosine")
    proj = network.projections[spec.projection]
    rec = result.weights[spec.projection]
    _, vecs = principal_components(pattern_second_moment(pre))
    w = weight_matrix(rec["final"], rec["final_i"], rec["final_j"], pre.n, network.populations[proj.post].n)
    if proj.rule.TYPE == "sanger" and w.shape[1] > pre.n:
        raise ValueError(f"metric 'pc_cosine': {w.shape[1]} units but only {pre.n} principal components")
    return {f"pc_cosine_{k + 1}": c for k, c in enumerate(pc_cosines(w, vecs, proj.rule.TYPE))}


def selectivity_index(responses):
    """``1 - mean / max`` over stimuli (axis 0) for each unit (axis 1); NaN for a silent unit."""
    r = np.asarray(responses, float)
    peak = r.max(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(peak > 0, 1 - r.mean(axis=0) / np.where(peak > 0, peak, 1), np.nan)


def pattern_responses(network, projection, weights, i, j):
    """Steady responses (stimuli, units) of the units ``projection`` drives to each
    noiseless pattern of its input, through the units' transfer function, with
    ``weights`` on the synapses ``i -> j``."""
    from .backends.rate.transfer import TRANSFER  # the model's transfer functions
    from .model.units import to_si
    proj = network.projections[projection]
    pre, post = _pattern_input(network, projection, "selectivity"), network.populations[proj.post]
    w = weight_matrix(weights, i, j, pre.n, post.n)
    sign = -1.0 if proj.receptor == "inh" else 1.0
    return TRANSFER[post.transfer](sign * np.asarray(pre.patterns) @ w, gain=post.gain, bias=post.bias,
                                   r_max=to_si(post.r_max))



@_register(Selectivity)
def _selectivity(spec, network, result):
    rec = result.weights[spec.projection]
    out = {}
    stages = [("", rec["final"])]
    initial = result.arrays.get(f"initial_weights/{spec.projection}")
    if initial is not None:
        stages.insert(0, ("before_", initial))
    for prefix, w in stages:
        sel = selectivity_index(pattern_responses(network, spec.projection, w, rec["final_i"], rec["final_j"]))
        if len(sel) <= 10:  # per unit only for small populations: summary.json stays readable
            out.update({f"selectivity_{prefix}{k}": v for k, v in enumerate(sel)})
        out[f"selectivity_{prefix}mean"] = np.nanmean(sel) if np.isfinite(sel).any() else np.nan
    return out


from . import literature_metrics  # noqa: F401,E402  (metrics of the literature-rule models)
