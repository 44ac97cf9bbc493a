r"""Trial protocols and the one network of the associative tasks.

A protocol is one long run cut into segments; in each segment the cue
inputs, the teacher and (optionally) a dopamine pulse are switched on or off.
The whole protocol becomes piecewise-constant Poisson rate tables (one row
per ``bin``), so that a single :func:`spikehebb.backends.simulate` call runs
every trial, and responses are read back per segment.

The network is one description, run unchanged by both backends::

    cue (n_in * m Poisson) --plastic--> out (n_out LIF)
    teach_exc (n_out * m_t Poisson) --static, exc--> out   (clamp to 1)
    teach_inh (n_out * m_t Poisson) --static, inh--> out   (clamp to 0)

The spike backend runs it in Brian2; the rate backend runs the LIF outputs as
Siegert rate units of their input's mean and variance and the spiking rule as
its rate limit (pair STDP: the drift of Kempter, Gerstner & van Hemmen 1999,
:func:`spikehebb.backends.rate.rules.pair_stdp_delta_w`). No parameter differs
between the backends except the step ``dt`` (the rate units need no 0.1 ms
step; stated in the model file's ``[rate]`` table).

Input bit ``b`` is carried by the ``m`` cue neurons ``b*m ... b*m + m - 1``
(several Poisson neurons make one input's drive reliable); teacher neurons
``j*m_t ... j*m_t + m_t - 1`` drive output ``j``. With current synapses
(:math:`\tau_e` = 5 ms) one bit at full weight drives an output with a mean
current :math:`m\, r_{cue}\, \tau_e\, w_{max}`; the LIF rheobase (160 pA) in
these units is the number of fully weighted bits an output needs to fire.
"""
from dataclasses import dataclass, field

import numpy as np

from ...model import LIF, Network, PoissonInput, Projection, Static
from ...model.modulators import Modulator, Schedule
from ...model.units import KINDS

#: Responses are averaged after this settling time at the start of a segment
#: (rate units relax with tau = 10 ms; a LIF neuron needs a few ms to charge).
SETTLE = 0.02


@dataclass
class Segment:
    t0: float
    t1: float
    cue: np.ndarray          # (n_in,) fraction of cue_rate per input bit
    teach: np.ndarray        # (n_out,) +1 drive to 1, -1 clamp to 0, 0 free
    label: str = ""
    trial: int = -1


@dataclass
class Protocol:
    """A sequence of segments and dopamine pulse times, built trial by trial."""

    n_in: int
    n_out: int
    bin: float = 0.01
    segments: list = field(default_factory=list)
    dopamine: list = field(default_factory=list)

    @property
    def duration(self):
        return self.segments[-1].t1 if self.segments else 0.0

    def add(self, duration, cue=None, teach=None, label="", trial=-1):
        """Append a segment of ``duration`` seconds (rounded to whole bins)."""
        steps = max(1, int(round(duration / self.bin)))
        t0 = self.duration
        cue = np.zeros(self.n_in) if cue is None else np.asarray(cue, float)
        teach = np.zeros(self.n_out) if teach is None else np.asarray(teach, float)
        self.segments.append(Segment(t0, t0 + steps * self.bin, cue, teach, label, trial))
        return self

    def reward_at(self, t):
        self.dopamine.append(float(t))

    def windows(self, label):
        """Segments called ``label``, in order."""
        return [s for s in self.segments if s.label == label]

    def tables(self, m, m_t, background=0.0):
        """Rate tables in units of the active rate: cue (steps, n_in*m), teacher exc and inh (steps, n_out*m_t)."""
        rows = [int(round((s.t1 - s.t0) / self.bin)) for s in self.segments]
        cue = np.repeat(np.stack([s.cue for s in self.segments]), rows, axis=0)
        teach = np.repeat(np.stack([s.teach for s in self.segments]), rows, axis=0)
        cue = np.maximum(cue, background)
        # one extra row: TimedArray holds its last value after the end, keep that silent
        pad = lambda a: np.vstack([a, np.zeros((1, a.shape[1]))])  # noqa: E731
        return (pad(np.repeat(cue, m, axis=1)), pad(np.repeat(teach > 0, m_t, axis=1).astype(float)),
                pad(np.repeat(teach < 0, m_t, axis=1).astype(float)))


@dataclass
class NetSpec:
    """Sizes and physical parameters of the associative network (SI floats)."""

    n_in: int
    n_out: int
    m: int = 20                   # Poisson neurons per input bit
    m_t: int = 20                 # teacher neurons per output
    cue_rate: float = 40.0        # Hz, an active input neuron
    teacher_rate: float = 40.0    # Hz, an active teacher neuron
    background: float = 0.0       # fraction of cue_rate on inactive inputs
    w_max: float = 80e-12         # A, cue->out bound
    w_init: float = 0.1           # initial weights, uniform in [0, w_init] * w_max
    w_teacher: float = 80e-12     # A
    w_inhibit: float = 200e-12    # A: outweighs every cue bit, so a 0-target output stays silent
    dt: float = 1e-4              # s


def build_network(spec, protocol, rule, weights=None, name="association", pulse=0.5):
    """The :class:`~spikehebb.model.Network` of ``protocol``: the same description for both backends.

    ``rule`` is the cue->out plasticity rule (a model-layer description);
    ``weights`` (per cue->out synapse, all-to-all order, amperes) freezes given
    weights instead of drawing initial ones. A DA-STDP rule gets a dopamine
    modulator with pulses of ``pulse`` at ``protocol.dopamine``.
    """
    cue, exc, inh = protocol.tables(spec.m, spec.m_t, spec.background)
    n_cue, n_t = spec.n_in * spec.m, spec.n_out * spec.m_t
    pops = {"cue": PoissonInput(n=n_cue, rates=cue * spec.cue_rate, schedule_dt=f"{protocol.bin} s"),
            "teach_exc": PoissonInput(n=n_t, rates=exc * spec.teacher_rate, schedule_dt=f"{protocol.bin} s"),
            "teach_inh": PoissonInput(n=n_t, rates=inh * spec.teacher_rate, schedule_dt=f"{protocol.bin} s"),
            "out": LIF(n=spec.n_out, t_ref="2 ms")}
    amp = KINDS["current"]
    t_i = np.arange(n_t)
    t_j = t_i // spec.m_t
    if weights is None:
        plastic = Projection(pre="cue", post="out", rule=rule, w_init=0 * amp,
                             w_init_high=spec.w_init * spec.w_max * amp, w_max=spec.w_max * amp)
    else:
        i, j = np.divmod(np.arange(n_cue * spec.n_out), spec.n_out)
        plastic = Projection(pre="cue", post="out", connectivity="indices", i=i, j=j,
                             w_init=np.asarray(weights, float) * amp, w_max=spec.w_max * amp, rule=Static())
    projs = {"cue_out": plastic,
             "teach_exc_out": Projection(pre="teach_exc", post="out", connectivity="indices", i=t_i, j=t_j,
                                         w_init=spec.w_teacher * amp),
             "teach_inh_out": Projection(pre="teach_inh", post="out", connectivity="indices", i=t_i, j=t_j,
                                         receptor="inh", w_init=spec.w_inhibit * amp)}
    mods = {}
    if getattr(rule, "TYPE", None) == "da_stdp":
        # no reward at all: one pulse of size 0 (a schedule needs at least one time)
        times, amount = (protocol.dopamine, pulse) if protocol.dopamine else ([protocol.duration], 0.0)
        mods[rule.modulator] = Modulator(tau="200 ms", source=Schedule(times=[f"{t} s" for t in times],
                                                                        amounts=amount))
    n_syn = n_cue * spec.n_out
    return Network(name=name, duration=f"{protocol.duration} s", dt=f"{spec.dt} s", populations=pops,
                   projections=projs, modulators=mods,
                   record={"spikes": ["cue", "out"], "rates": ["out"], "rate_bin": f"{protocol.bin} s",
                           "weights": ["cue_out"], "weight_synapses": list(range(n_syn)),
                           "weight_dt": f"{_weight_dt(protocol)} s"})


def _weight_dt(protocol):
    # about 200 weight samples per run, on the bin grid
    return protocol.bin * max(1, int(protocol.duration / protocol.bin / 200))


def run_protocol(spec, protocol, backend, rule, *, seed=0, target=None, weights=None, pulse=0.5,
                 progress=False):
    """Simulate ``protocol``; returns the :class:`~spikehebb.results.RunResult`."""
    from ...backends import simulate
    net = build_network(spec, protocol, rule, weights, pulse=pulse)
    if backend == "spike" and target is None:
        target = "numpy"  # each call builds a new network: compiling per call costs more than it saves
    return simulate(net, backend, seed=seed, target=target, progress=progress)


def responses(result, protocol, label, n_out):
    """Mean output rate (Hz) in each segment called ``label``: (segments, n_out)."""
    wins = protocol.windows(label)
    out = np.zeros((len(wins), n_out))
    if "out" in result.spikes and result.info.get("backend") != "rate":
        t, i = result.spikes["out"]
        for k, s in enumerate(wins):
            sel = (t >= s.t0 + SETTLE) & (t < s.t1)
            out[k] = np.bincount(i[sel], minlength=n_out) / (s.t1 - s.t0 - SETTLE)
        return out
    rates = result.arrays["unit_rates/out"]
    tb = (np.arange(len(rates)) + 0.5) * protocol.bin
    for k, s in enumerate(wins):
        sel = (tb >= s.t0 + SETTLE) & (tb < s.t1)
        out[k] = rates[sel].mean(axis=0)
    return out


def weight_matrix(entry, spec, key="final", i_key="final_i", j_key="final_j"):
    """Per-synapse weights -> (n_in*m, n_out) matrix, all-to-all order."""
    w = np.zeros((spec.n_in * spec.m, spec.n_out))
    w[np.asarray(entry[i_key]), np.asarray(entry[j_key])] = np.asarray(entry[key])
    return w


def bit_weights(w, spec):
    """Mean weight per input bit: (..., n_in*m, n_out) -> (..., n_in, n_out)."""
    shape = w.shape[:-2] + (spec.n_in, spec.m, spec.n_out)
    return w.reshape(shape).mean(axis=-2)


def weight_history(result, spec):
    """Traced weights as (times, (samples, n_in, n_out)) per-bit means, in units of w_max."""
    e = result.weights["cue_out"]
    t, w = np.asarray(e["t"]), np.asarray(e["w"])
    full = np.zeros((len(t), spec.n_in * spec.m, spec.n_out))
    full[:, np.asarray(e["i"]), np.asarray(e["j"])] = w
    return t, bit_weights(full, spec) / float(e["w_max"])
