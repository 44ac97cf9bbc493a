r"""Task ``association``: supervised Hebbian association and hetero-associative memory.

The textbook two-input, one-output association (Hebb 1949): cue [1, 0] is
paired with output 1 and cue [0, 1] with output 0, the output clamped by a
teacher while the cue->output synapses learn by additive pair STDP;
afterwards each cue alone evokes its output. With ``hetero = true`` the run
also stores P random sparse input patterns mapped to P random output
patterns (a Willshaw net) and reports recall as P grows. See
:mod:`.learners` for the rule, its rate limit and the estimator
(:class:`~.learners.Association`), :mod:`.protocol` for the network.

One description, one parameter set: both backends run the same network
(LIF outputs, pair STDP; the rate backend through the Siegert rate and the
rule's Kempter drift) with the same values. The model file's backend tables
change only the rate step (``[rate.task] dt``) and, for time, the P values
that the spike backend runs (``[spike.task] hetero_p``); the metric names are
the same on both backends. ``spikehebb compare`` (:func:`compare`) runs the
same cues and patterns on both and reports them side by side.

Metrics: ``recall_accuracy`` (both cue/output pairs recalled, weights
frozen), ``recall_rate_a_hz`` / ``recall_rate_b_hz`` (frozen recall rates),
``cs_response_before_hz`` / ``cs_response_after_hz`` (output rate to cue A,
alone, before and after learning, in the learning run),
``cue_b_response_before_hz`` / ``cue_b_response_after_hz``,
``weight_a_over_max`` / ``weight_b_over_max``, and per P
``hetero_recall_accuracy_p{P}`` (whole patterns), ``hetero_bit_accuracy_p{P}``
and ``hetero_spurious_bits_p{P}`` (wrong 1s per recalled pattern).
"""
import os

import numpy as np

from ...model import PairSTDP
from ...model.schema import Field
from ...results import RunResult
from .learners import Association, capacity_curve
from ...model.units import to_si

__all__ = ["PARAMS", "run", "compare", "textbook", "hetero"]

PARAMS = (
    Field("epochs", "int", 5, positive=True, doc="presentations of each pair"),
    Field("trial", "time", "500 ms", positive=True, doc="teacher-clamped presentation"),
    Field("probe", "time", "300 ms", positive=True, doc="cue-alone recall probe"),
    Field("iti", "time", "100 ms", positive=True, doc="silent gap after every presentation"),
    Field("a_plus", "float", 0.02, nonnegative=True, doc="pair STDP, fraction of w_max per pairing"),
    Field("a_minus", "float", 0.01, nonnegative=True, doc="A+ tau+ > A- tau-: co-activity potentiates"),
    Field("neurons", "int", 20, positive=True, doc="Poisson neurons per input bit and per teacher"),
    Field("cue_rate", "rate", "40 Hz", positive=True),
    Field("teacher_rate", "rate", "40 Hz", positive=True),
    Field("w_max", "current", "80 pA", positive=True, doc="cue->output weight bound"),
    Field("w_teacher", "current", "80 pA", positive=True),
    Field("dt", "time", "0.1 ms", positive=True),
    Field("threshold_hz", "float", 10.0, nonnegative=True, doc="an output above this rate reads as 1"),
    Field("hetero", "bool", True, doc="also run the hetero-associative capacity sweep"),
    Field("hetero_p", "raw", [2, 4, 8, 16, 32], doc="numbers of stored pairs"),
    Field("hetero_n", "int", 40, positive=True, doc="input and output bits"),
    Field("hetero_active", "int", 4, positive=True, doc="active bits per pattern"),
    Field("hetero_neurons", "int", 5, positive=True, doc="Poisson neurons per input bit"),
    Field("hetero_w_max", "current", "50 pA", positive=True, doc="weight bound: sets how many bits fire an output"),
    Field("hetero_epochs", "int", 4, positive=True, doc="presentations of each pattern pair"),
)

CUES = np.eye(2, dtype=int)
TARGETS = np.array([[1], [0]])


def check(params, network, where):
    """The P values are a list of positive ints that fit the pattern size."""
    from ...model.errors import ModelError
    ps = params["hetero_p"]
    if not isinstance(ps, list) or not ps or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0
                                                     for v in ps):
        raise ModelError(f"{where}.hetero_p", f"expected a non-empty list of positive ints, got {ps!r}")
    if params["hetero_active"] > params["hetero_n"]:
        raise ModelError(f"{where}.hetero_active", f"at most hetero_n = {params['hetero_n']}")


def _si(p, k):
    return to_si(p[k])


def _common(p, ctx):
    return dict(backend=ctx.backend, rule=PairSTDP(a_plus=p["a_plus"], a_minus=p["a_minus"]),
                trial=_si(p, "trial"), probe=_si(p, "probe"), iti=_si(p, "iti"), threshold_hz=p["threshold_hz"],
                teacher_neurons=p["neurons"], cue_rate=_si(p, "cue_rate"), teacher_rate=_si(p, "teacher_rate"),
                w_teacher=_si(p, "w_teacher"), dt=_si(p, "dt"), target=ctx.target, random_state=ctx.seed)


def textbook(p, ctx):
    """The two-cue association on ``ctx.backend``; returns the fitted :class:`Association`."""
    a = Association(epochs=p["epochs"], neurons=p["neurons"], w_max=_si(p, "w_max"), **_common(p, ctx))
    return a.fit(CUES, TARGETS)


def hetero(p, ctx, p_values=None):
    """Capacity sweep on ``ctx.backend``: dict of arrays (see :func:`.learners.capacity_curve`)."""
    n, k = p["hetero_n"], p["hetero_active"]
    est = Association(epochs=p["hetero_epochs"], neurons=p["hetero_neurons"], w_max=_si(p, "hetero_w_max"),
                      probes=False, **_common(p, ctx))
    p_values = list(p["hetero_p"] if p_values is None else p_values)
    if ctx.quick:
        p_values = p_values[: max(2, len(p_values) - 2)]
    curve = capacity_curve(est, p_values, n, n, k, k, seed=ctx.seed)
    curve["n"] = np.asarray(n)
    return curve


def _metrics(a, recall_rates, curve):
    recalled = (recall_rates > a.threshold_hz).astype(int)
    m = dict(recall_accuracy=float(np.mean(np.all(recalled == TARGETS, axis=1))),
             recall_rate_a_hz=float(recall_rates[0, 0]), recall_rate_b_hz=float(recall_rates[1, 0]),
             cs_response_before_hz=float(a.rates_before_[0, 0]), cs_response_after_hz=float(a.rates_after_[0, 0]),
             cue_b_response_before_hz=float(a.rates_before_[1, 0]),
             cue_b_response_after_hz=float(a.rates_after_[1, 0]),
             weight_a_over_max=float(a.weights_[0, 0]), weight_b_over_max=float(a.weights_[1, 0]))
    if curve is not None:
        for i, P in enumerate(curve["p"]):
            m[f"hetero_recall_accuracy_p{P}"] = float(curve["recall_accuracy"][i])
            m[f"hetero_bit_accuracy_p{P}"] = float(curve["bit_accuracy"][i])
            m[f"hetero_spurious_bits_p{P}"] = float(curve["spurious_bits"][i])
    return m


def _quick(params, ctx):
    p = dict(params)
    if ctx.quick:
        p["epochs"] = max(2, p["epochs"] // 2)
    return p


def run(params, ctx):
    """CLI entry: the textbook association, then (``hetero``) the capacity sweep."""
    from ...plots import association as plots
    p = _quick(params, ctx)
    a = textbook(p, ctx)
    recall_rates = a.recall(CUES)
    curve = hetero(p, ctx) if p["hetero"] else None
    res = RunResult()
    res.metrics.update(_metrics(a, recall_rates, curve))
    res.arrays.update({"weights": a.weights_, "weight_t": a.weight_times_, "weight_trace": a.weight_trace_,
                       "rates_before": a.rates_before_, "rates_after": a.rates_after_,
                       "recall_rates": recall_rates})
    res.weights["cue_out"] = a.result_.weights["cue_out"]
    labels = [["cue A [1,0] (target 1)"], ["cue B [0,1] (target 0)"]]
    res.figures["weights"] = plots.bit_weight_traces(a.weight_times_, a.weight_trace_, labels=labels).figure
    res.figures["cue_response"] = plots.cue_responses(a.rates_before_, a.rates_after_,
                                                      targets=TARGETS[:, 0]).figure
    if ctx.backend == "spike":
        res.spikes["out"] = a.test_result_.spikes["out"]
        res.figures["raster"] = plots.trial_raster(a.test_result_, a.test_protocol_, ["test"]).figure
    if curve is not None:
        res.arrays.update({f"hetero/{k}": v for k, v in curve.items() if k != "recalled"})
        res.arrays.update({f"hetero/recalled_p{P}": r for P, r in zip(curve["p"], curve["recalled"])})
        res.figures["capacity"] = plots.capacity(curve, label=f"{ctx.backend}:").figure
    res.info.update(rule=type(a.rule_).__name__, epochs=p["epochs"])
    return res


def compare(load, ctx, options=None):
    """``spikehebb compare``: both backends on the same cues and pattern pairs (hook of :mod:`spikehebb.tasks`).

    ``OUT/rate/`` and ``OUT/spike/`` are ordinary run folders; ``OUT/compare.json``
    holds ``{"rate": metrics, "spike": metrics, "agreement": {...}}`` and
    ``OUT/compare.png`` recall rates, weights and capacity side by side. Both
    sides run the P values of the spike backend's table (the rate backend alone
    runs more), so every P is compared on the same pattern pairs
    (:func:`.learners.pattern_pairs`); the textbook cues and the seed are the
    same anyway. Agreement: ``recall_agree`` (fraction of the two cues' outputs
    recalled alike), ``recall_rate_a_rel_error`` (frozen recall rate of cue A,
    relative to the spike backend's), ``weight_a_diff`` / ``weight_b_diff``
    (rate - spike, in w_max) and per P ``hetero_bit_agreement_p{P}`` (fraction
    of recalled bits alike) and ``hetero_recall_accuracy_diff_p{P}`` (rate - spike).
    """
    import sys

    from ...plots.association import comparison_figure
    from ...results import save_figure, write_json
    from ..sides import run_side
    loaded = {b: load(b) for b in ("rate", "spike")}
    spike_p = loaded["spike"][1]["hetero_p"]
    runs = {}
    for b in ("rate", "spike"):
        model, params = loaded[b]
        runs[b] = run_side(sys.modules[__name__], model, dict(params, hetero_p=spike_p), ctx,
                           os.path.join(ctx.out_dir, b), backend=b)
    report = {b: {**s["metrics"], "wall_seconds": s["wall_seconds"]} for b, (_, s) in runs.items()}
    rate, spike = (runs[b][0].arrays for b in ("rate", "spike"))
    th = loaded["spike"][1]["threshold_hz"]
    rr, rs = rate["recall_rates"], spike["recall_rates"]
    m_r, m_s = report["rate"], report["spike"]
    agree = {"recall_agree": float(np.mean((rr > th) == (rs > th))),
             "recall_rate_a_rel_error": float(abs(rr[0, 0] - rs[0, 0]) / rs[0, 0]) if rs[0, 0] else float("nan"),
             "weight_a_diff": m_r["weight_a_over_max"] - m_s["weight_a_over_max"],
             "weight_b_diff": m_r["weight_b_over_max"] - m_s["weight_b_over_max"]}
    for P in spike.get("hetero/p", []):
        agree[f"hetero_bit_agreement_p{P}"] = float(np.mean(rate[f"hetero/recalled_p{P}"]
                                                            == spike[f"hetero/recalled_p{P}"]))
        agree[f"hetero_recall_accuracy_diff_p{P}"] = (m_r[f"hetero_recall_accuracy_p{P}"]
                                                      - m_s[f"hetero_recall_accuracy_p{P}"])
    report["agreement"] = agree
    write_json(os.path.join(ctx.out_dir, "compare.json"), report)
    save_figure(os.path.join(ctx.out_dir, "compare.png"),
                comparison_figure({b: r for b, (r, _) in runs.items()}, th))
    return report
