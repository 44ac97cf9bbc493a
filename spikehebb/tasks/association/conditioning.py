r"""Task ``conditioning``: classical conditioning by STDP, and its dopamine-modulated form.

A conditioned stimulus (CS: ``m`` Poisson neurons) projects onto an output
LIF neuron through plastic synapses that start too weak to make it fire. Each
trial the CS is on for ``cs_duration``; during its last ``us_duration`` an
unconditioned stimulus (US: teacher Poisson neurons with strong static
synapses) drives the output (delay conditioning). CS spikes that precede
US-driven output spikes are potentiated until the CS alone drives the output.

Rules on the CS->output synapses (same protocol, same network):

- ``pair_stdp`` (classical): :math:`\Delta w = A_+ w_{max} e^{-\Delta t/\tau_+}`
  for pre-before-post, :math:`-A_- w_{max} e^{\Delta t/\tau_-}` otherwise,
  with :math:`A_+\tau_+ > A_-\tau_-` so that co-active CS and output potentiate.
- ``da_stdp`` (Izhikevich 2007): the same STDP writes an eligibility trace
  :math:`c`, :math:`\dot c = -c/\tau_c + \mathrm{STDP}`, and the weight moves
  only when dopamine :math:`d` is present, :math:`\dot w = \eta\, w_{max}\, c\, d`;
  a dopamine pulse follows every pairing after ``reward_delay`` (< :math:`\tau_c`).
  Without dopamine (``reward = false``) the same pairings leave the weights
  unchanged: the conditioning form of Izhikevich (2007, Fig. 1c), where only
  rewarded pairings are learned.

Both backends run the same description with the same values (the network of
:mod:`.protocol`): the spike backend in Brian2, the rate backend through the
LIF Siegert rate and the rules' rate limits; the model file's ``[rate.task]``
sets only the rate step. :class:`Conditioning` is the estimator
(scikit-learn conventions, see :mod:`.estimator`).

Metrics: ``cs_response_before_hz`` / ``cs_response_after_hz`` (output rate
to the CS alone, probes before and after training in the same run), and
``cs_weight_after_over_max``, ``first_responding_trial`` (first training trial
whose CS-alone part drives the output above ``threshold_hz``; 0: none); with
``compare = true`` also ``classical_*``, ``da_*`` and ``da_unrewarded_*`` for the three variants.

References
----------
Hebb (1949) The Organization of Behavior. Izhikevich (2007) Cereb. Cortex
17:2443. Song, Miller & Abbott (2000) Nat. Neurosci. 3:919.
"""
import numpy as np

from ...model import DASTDP, PairSTDP
from ...model.errors import ModelError
from ...model.schema import Field
from ...results import RunResult
from ...model.units import to_si
from ..estimator import Estimator
from .protocol import NetSpec, Protocol, responses, run_protocol, weight_history

PARAMS = (
    Field("rule", "str", "pair_stdp", choices=("pair_stdp", "da_stdp"), doc="CS->output plasticity"),
    Field("compare", "bool", True, doc="also run the other variants (classical, DA, DA unrewarded)"),
    Field("reward", "bool", True, doc="da_stdp: dopamine after every pairing"),
    Field("trials", "int", 10, positive=True),
    Field("probes", "int", 2, positive=True, doc="CS-alone probes before and after training"),
    Field("cs_duration", "time", "400 ms", positive=True),
    Field("us_duration", "time", "200 ms", positive=True, doc="US overlaps the end of the CS"),
    Field("iti", "time", "600 ms", positive=True, doc="gap after each trial"),
    Field("reward_delay", "time", "300 ms", nonnegative=True, doc="dopamine after the pairing ends"),
    Field("dopamine_pulse", "float", 0.5, positive=True),
    Field("tau_c", "time", "1 s", positive=True),
    Field("da_learning_rate", "rate", "10 Hz", positive=True),
    Field("a_plus", "float", 0.02, nonnegative=True),
    Field("a_minus", "float", 0.01, nonnegative=True),
    Field("neurons", "int", 20, positive=True, doc="Poisson neurons of the CS (and of the US)"),
    Field("cs_rate", "rate", "40 Hz", positive=True),
    Field("us_rate", "rate", "40 Hz", positive=True),
    Field("w_max", "current", "80 pA", positive=True),
    Field("w_us", "current", "80 pA", positive=True),
    Field("dt", "time", "0.1 ms", positive=True),
    Field("threshold_hz", "float", 10.0, nonnegative=True, doc="a response counts above this rate"),
)


class Conditioning(Estimator):
    """CS-US pairings, then the response to the CS alone (scikit-learn-style estimator).

    Parameters
    ----------
    backend : {"spike", "rate"}
    rule : {"pair_stdp", "da_stdp"}
    reward : bool
        DA-STDP only: deliver dopamine after each pairing.
    trials, probes : int
        CS-US pairings; CS-alone probes before and after them.
    cs_duration, us_duration, iti, reward_delay, tau_c, dt : float or str
        Seconds (or ``"400 ms"``); see :data:`PARAMS`.
    dopamine_pulse : float
    da_learning_rate, cs_rate, us_rate : float or str
        Hz.
    a_plus, a_minus : float
    neurons : int
        Poisson neurons of the CS and of the US.
    w_max, w_us : float or str
        Amperes.
    threshold_hz : float
    target : str, optional
    random_state : int or None

    Attributes
    ----------
    cs_response_before_, cs_response_after_ : float
        Mean output rate (Hz) to the CS alone before and after training.
    trial_responses_ : ndarray (trials,)
        Output rate during the CS-alone part of each training trial.
    weight_times_, weight_trace_ : ndarray
        Mean CS->output weight / w_max over time.
    weight_after_ : float
        Final mean CS->output weight / w_max.
    result_, protocol_, spec_, seed_
    """

    UNITS = {"cs_duration": "time", "us_duration": "time", "iti": "time", "reward_delay": "time",
             "tau_c": "time", "dt": "time", "da_learning_rate": "rate", "cs_rate": "rate", "us_rate": "rate",
             "w_max": "current", "w_us": "current"}

    def __init__(self, backend="spike", rule="pair_stdp", *, reward=True, trials=10, probes=2, cs_duration=0.4,
                 us_duration=0.2, iti=0.6, reward_delay=0.3, dopamine_pulse=0.5, tau_c=1.0, da_learning_rate=10.0,
                 a_plus=0.02, a_minus=0.01, neurons=20, cs_rate=40.0, us_rate=40.0, w_max=80e-12, w_us=80e-12,
                 dt=1e-4, threshold_hz=10.0, target=None, random_state=0):
        self.backend, self.rule, self.reward, self.trials, self.probes = backend, rule, reward, trials, probes
        self.cs_duration, self.us_duration, self.iti = cs_duration, us_duration, iti
        self.reward_delay, self.dopamine_pulse, self.tau_c = reward_delay, dopamine_pulse, tau_c
        self.da_learning_rate, self.a_plus, self.a_minus = da_learning_rate, a_plus, a_minus
        self.neurons, self.cs_rate, self.us_rate, self.w_max, self.w_us = neurons, cs_rate, us_rate, w_max, w_us
        self.dt, self.threshold_hz, self.target, self.random_state = dt, threshold_hz, target, random_state

    def _rule(self):
        if self.rule == "pair_stdp":
            return PairSTDP(a_plus=self.a_plus, a_minus=self.a_minus)
        if self.rule == "da_stdp":
            return DASTDP(a_plus=self.a_plus, a_minus=self.a_minus, tau_c=f"{self._si('tau_c')} s",
                          learning_rate=f"{self._si('da_learning_rate')} Hz")
        raise ModelError("rule", f"expected pair_stdp or da_stdp, got {self.rule!r}")

    def protocol(self):
        """Probes (CS alone), ``trials`` CS-US pairings (with dopamine for DA-STDP), probes."""
        cs, us, iti, delay = (self._si(k) for k in ("cs_duration", "us_duration", "iti", "reward_delay"))
        proto = Protocol(1, 1)
        for _ in range(self.probes):
            proto.add(cs, [1], label="before").add(iti)
        for k in range(self.trials):
            proto.add(cs - us, [1], label="cs", trial=k)
            proto.add(us, [1], [1], label="pair", trial=k)
            if self.rule == "da_stdp" and self.reward:
                proto.reward_at(proto.duration + delay)
            proto.add(max(iti, delay + 0.2))
        for _ in range(self.probes):
            proto.add(cs, [1], label="after").add(iti)
        return proto

    def fit(self, X=None, y=None):
        """Run the whole protocol once (the protocol is the data: ``X`` and ``y`` are ignored); returns self."""
        if self.backend not in ("rate", "spike"):
            raise ModelError("backend", f"expected rate or spike, got {self.backend!r}")
        rule = self._rule()
        self.spec_ = spec = NetSpec(n_in=1, n_out=1, m=self.neurons, m_t=self.neurons, cue_rate=self._si("cs_rate"),
                                    teacher_rate=self._si("us_rate"), w_max=self._si("w_max"),
                                    w_teacher=self._si("w_us"), dt=self._si("dt"))
        self.protocol_ = proto = self.protocol()
        self.seed_ = self._seed()
        self.result_ = res = run_protocol(spec, proto, self.backend, rule, seed=self.seed_, target=self.target,
                                          pulse=self.dopamine_pulse)
        self.cs_response_before_ = float(responses(res, proto, "before", 1).mean())
        self.cs_response_after_ = float(responses(res, proto, "after", 1).mean())
        self.trial_responses_ = responses(res, proto, "cs", 1)[:, 0]
        t, w = weight_history(res, spec)
        self.weight_times_, self.weight_trace_ = t, w[:, 0, 0]
        self.weight_after_ = float(np.mean(res.weights["cue_out"]["final"]) / res.weights["cue_out"]["w_max"])
        return self

    def metrics(self, prefix=""):
        """The task's metrics of this fit, names prefixed with ``prefix``."""
        above = np.nonzero(self.trial_responses_ > self.threshold_hz)[0]
        return {f"{prefix}first_responding_trial": float(above[0] + 1) if len(above) else 0.0,
                f"{prefix}cs_response_before_hz": self.cs_response_before_,
                f"{prefix}cs_response_after_hz": self.cs_response_after_,
                f"{prefix}cs_weight_after_over_max": self.weight_after_,
                f"{prefix}conditioned": float(self.cs_response_before_ <= self.threshold_hz
                                              < self.cs_response_after_)}


VARIANTS = {"classical": ("pair_stdp", True), "da": ("da_stdp", True), "da_unrewarded": ("da_stdp", False)}


def run(params, ctx):
    """CLI entry: the chosen variant, and with ``compare`` all three."""
    from ...plots import association as plots
    p = {k: to_si(v) for k, v in params.items()}
    rule, compare, reward, trials = p.pop("rule"), p.pop("compare"), p.pop("reward"), p.pop("trials")
    if ctx.quick:  # the chosen variant only; fewer trials would not condition
        compare = False
    res = RunResult()
    runs = {}
    todo = {"main": (rule, reward)}
    if compare:
        todo.update(VARIANTS)
    for name, (r, rew) in todo.items():
        if name != "main" and (r, rew) == (rule, reward):
            runs[name] = runs["main"]
            continue
        runs[name] = Conditioning(ctx.backend, r, reward=rew, trials=trials, random_state=ctx.seed,
                                  target=ctx.target, **p).fit()
    main = runs["main"]
    res.metrics.update(main.metrics())
    for name, c in runs.items():
        if name != "main":
            res.metrics.update(c.metrics(f"{name}_"))
        res.arrays[f"{name}/weight_t"], res.arrays[f"{name}/weight"] = c.weight_times_, c.weight_trace_
        res.arrays[f"{name}/trial_cs_response_hz"] = c.trial_responses_
    res.weights["cs_out"] = main.result_.weights["cue_out"]
    if "out" in main.result_.spikes:
        res.spikes["out"] = main.result_.spikes["out"]
    res.figures["weights"] = plots.conditioning_weights(runs).figure
    res.figures["cs_response"] = plots.before_after(
        {k: (c.cs_response_before_, c.cs_response_after_) for k, c in runs.items()},
        ylabel="output rate to CS alone (Hz)").figure
    if ctx.backend == "spike":
        shaded = ["before", "cs", "pair", "after"]
        res.figures["raster"] = plots.trial_raster(main.result_, main.protocol_, shaded).figure
    res.info.update(trials=trials, rule=rule, variants=list(runs))
    return res

