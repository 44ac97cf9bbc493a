r"""Task ``association``: supervised Hebbian association and hetero-associative memory.

The textbook two-input, one-output association (Hebb 1949): cue [1, 0] is
paired with output 1 and cue [0, 1] with output 0, the output clamped by a
teacher while the cue->output synapses learn; afterwards each cue alone
evokes its output. Rate backend: relu rate units with Oja's rule (Hebb with
activity-dependent decay, so weights stay bounded) or plain Hebb bounded by
``w_max``; spike backend: LIF neurons with additive pair STDP, the teacher's
Poisson spikes driving the output neuron. See :mod:`.assoc_learners` for the
rules and the scikit-learn-like classes (:class:`Association`,
:class:`HeteroAssociativeMemory`).

With ``hetero = true`` the run also stores P random sparse input patterns
mapped to P random output patterns (plain Hebb bounded by ``w_max`` on the
rate backend: a Willshaw net; pair STDP on the spike backend) and reports the
recall accuracy as P grows.

Metrics: ``recall_accuracy`` (both cue/output pairs recalled, weights frozen),
``cs_response_before_hz`` / ``cs_response_after_hz`` (output rate to the cue
paired with output 1, alone, before and after learning),
``cue_b_response_after_hz`` (the cue paired with 0), ``weight_a_over_max`` /
``weight_b_over_max``, and ``hetero_recall_accuracy_p{P}`` per P.
"""
import numpy as np

from ...model.schema import Field
from ...results import RunResult
from .protocol import si_param
from .learners import Association, HeteroAssociativeMemory, capacity_curve, default_rule

__all__ = ["Association", "HeteroAssociativeMemory", "capacity_curve", "PARAMS", "run"]

PARAMS = (
    Field("epochs", "int", 5, positive=True, doc="presentations of each pair"),
    Field("trial", "time", "500 ms", positive=True, doc="teacher-clamped presentation"),
    Field("probe", "time", "300 ms", positive=True, doc="cue-alone recall probe"),
    Field("iti", "time", "100 ms", positive=True, doc="silent gap after every presentation"),
    Field("rate_rule", "str", "oja", choices=("oja", "hebb"), doc="rate backend rule"),
    Field("learning_rate", "float", None, positive=True, doc="rate rule eta (default: oja 5e-5, hebb 1e-3)"),
    Field("a_plus", "float", 0.02, nonnegative=True, doc="spike backend STDP"),
    Field("a_minus", "float", 0.01, nonnegative=True),
    Field("neurons", "int", 20, positive=True, doc="Poisson neurons per input bit and per teacher"),
    Field("cue_rate", "rate", "40 Hz", positive=True),
    Field("teacher_rate", "rate", "40 Hz", positive=True),
    Field("w_max", "current", "80 pA", positive=True, doc="spike backend weight bound"),
    Field("w_teacher", "current", "80 pA", positive=True),
    Field("dt", "time", "0.1 ms", positive=True),
    Field("theta", "float", 0.15, nonnegative=True, doc="rate units: threshold in input-bit drives"),
    Field("threshold_hz", "float", 10.0, nonnegative=True, doc="an output above this rate reads as 1"),
    Field("hetero", "bool", True, doc="also run the hetero-associative capacity sweep"),
    Field("hetero_p", "raw", [2, 4, 8, 16, 32, 64], doc="numbers of stored pairs (rate backend)"),
    Field("hetero_p_spike", "raw", [1, 2, 4, 8], doc="numbers of stored pairs (spike backend)"),
    Field("hetero_n", "int", 40, positive=True, doc="input and output bits (rate backend)"),
    Field("hetero_n_spike", "int", 20, positive=True, doc="input and output bits (spike backend)"),
    Field("hetero_active", "int", 4, positive=True, doc="active bits per pattern"),
    Field("hetero_theta", "float", 0.75, positive=True, doc="rate: threshold as a fraction of the active bits"),
    Field("hetero_learning_rate", "float", 0.01, positive=True, doc="rate: Hebb eta"),
    Field("hetero_neurons_spike", "int", 5, positive=True, doc="spike: Poisson neurons per bit"),
    Field("hetero_w_max", "current", "100 pA", positive=True, doc="spike: weight bound"),
)

CUES = np.eye(2, dtype=int)
TARGETS = np.array([[1], [0]])


def _si(p, k):
    return si_param(PARAMS, k, p[k])


def textbook(p, ctx):
    """The two-cue association on ``ctx.backend``; returns the fitted :class:`Association`."""
    rule = default_rule(ctx.backend, p["rate_rule"], p["learning_rate"], p["a_plus"], p["a_minus"])
    assoc = Association(ctx.backend, rule=rule, epochs=p["epochs"], trial=_si(p, "trial"), probe=_si(p, "probe"),
                        iti=_si(p, "iti"), threshold_hz=p["threshold_hz"], seed=ctx.seed, target=ctx.target,
                        m=p["neurons"], m_t=p["neurons"], cue_rate=_si(p, "cue_rate"),
                        teacher_rate=_si(p, "teacher_rate"), w_max=_si(p, "w_max"),
                        w_teacher=_si(p, "w_teacher"), dt=_si(p, "dt"), theta=p["theta"])
    return assoc.fit(CUES, TARGETS)


def hetero(p, ctx):
    """Capacity sweep on ``ctx.backend``: dict of arrays (see :func:`capacity_curve`)."""
    k = p["hetero_active"]
    common = dict(backend=ctx.backend, seed=ctx.seed, threshold_hz=p["threshold_hz"],
                  cue_rate=_si(p, "cue_rate"), teacher_rate=_si(p, "teacher_rate"), dt=_si(p, "dt"))
    if ctx.backend == "rate":
        p_values, n = p["hetero_p"], p["hetero_n"]
        kw = dict(m=1, m_t=1, theta=p["hetero_theta"] * k,
                  rule=default_rule("rate", "hebb", p["hetero_learning_rate"]))
    else:
        p_values, n = p["hetero_p_spike"], p["hetero_n_spike"]
        kw = dict(m=p["hetero_neurons_spike"], m_t=p["neurons"], w_max=_si(p, "hetero_w_max"),
                  w_teacher=_si(p, "w_teacher"), target=ctx.target,
                  rule=default_rule("spike", a_plus=p["a_plus"], a_minus=p["a_minus"]))
    if ctx.quick:
        p_values = p_values[: max(2, len(p_values) - 2)]
    curve = capacity_curve(list(p_values), n, n, k, k, **common, **kw)
    curve["n"] = np.asarray(n)
    return curve


def run(params, ctx):
    """CLI entry: the textbook association, then (``hetero``) the capacity sweep."""
    from ...plots import association as plots
    p = dict(params)
    if ctx.quick:
        p["epochs"] = max(2, p["epochs"] // 2)
    a = textbook(p, ctx)
    recalled_rates = a.recall_rates(CUES)
    recalled = (recalled_rates > a.threshold_hz).astype(int)
    res = RunResult()
    res.metrics.update(
        recall_accuracy=float(np.mean(np.all(recalled == TARGETS, axis=1))),
        cs_response_before_hz=float(a.rates_before_[0, 0]), cs_response_after_hz=float(a.rates_after_[0, 0]),
        cue_b_response_before_hz=float(a.rates_before_[1, 0]), cue_b_response_after_hz=float(a.rates_after_[1, 0]),
        recall_rate_a_hz=float(recalled_rates[0, 0]), recall_rate_b_hz=float(recalled_rates[1, 0]),
        weight_a_over_max=float(a.weights_[0, 0]), weight_b_over_max=float(a.weights_[1, 0]))
    res.arrays.update({"weights": a.weights_, "weight_t": a.weight_times_, "weight_trace": a.weight_trace_,
                       "rates_before": a.rates_before_, "rates_after": a.rates_after_,
                       "recall_rates": recalled_rates})
    res.weights["cue_out"] = a.result_.weights["cue_out"]
    labels = [["cue A [1,0] (target 1)"], ["cue B [0,1] (target 0)"]]
    res.figures["weights"] = plots.bit_weight_traces(a.weight_times_, a.weight_trace_, labels=labels).figure
    res.figures["cue_response"] = plots.cue_responses(a.rates_before_, a.rates_after_,
                                                      targets=TARGETS[:, 0]).figure
    if ctx.backend == "spike":
        res.spikes["out"] = a.test_result_.spikes["out"]
        res.figures["raster"] = plots.trial_raster(a.test_result_, a.test_protocol_, ["test"]).figure
    if p["hetero"]:
        curve = hetero(p, ctx)
        for P, acc, bits in zip(curve["p"], curve["recall_accuracy"], curve["bit_accuracy"]):
            res.metrics[f"hetero_recall_accuracy_p{P}"] = float(acc)
            res.metrics[f"hetero_bit_accuracy_p{P}"] = float(bits)
        res.arrays.update({f"hetero/{k}": v for k, v in curve.items()})
        res.figures["capacity"] = plots.capacity(curve, label=f"{ctx.backend}:").figure
    res.info.update(rule=type(a.rule_).__name__, epochs=p["epochs"])
    return res
