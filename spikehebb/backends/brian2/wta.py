r"""Brian2 builders of the classifier descriptions (:mod:`spikehebb.model.classifier`).

One builder per description type, in two registries: :data:`LAYER_BUILDERS`
(populations: an image as Poisson neurons, a soft winner-take-all layer as LIF
neurons with lateral inhibition and an adaptive threshold) and
:data:`PROJECTION_BUILDERS` (rules: the normalising Hebbian rule on an
all-to-all projection). Builders only create Brian2 objects;
:class:`PlasticProjection` holds a projection's weights and applies the
learning between images, which :mod:`.classifier` schedules.

Every group has two shared variables the presentation loop sets per image:
``t_off`` (end of the presentation: inputs and exploration currents stop) and
``learning`` (1 while training: threshold adaptation and its decay). A group
that is the presynaptic side of a plastic projection also carries that
projection's trace ``x_<projection>`` (jump 1 per spike, decay
:math:`\tau_{pre}`) and feedforward inhibition ``c_<projection>`` (subtracted
from the drive weight of each of its spikes), and a one-neuron *counter* sums all of them (``X``), so
that the synapses can read the normalised trace
:math:`\hat x_i = A_{pre}\, x_i / \sum_k x_k` (see
:class:`~spikehebb.model.classifier.NormalisingHebb`).
"""
import brian2 as b2
import numpy as np

from ...model.classifier import ImageInput, NormalisingHebb, Normalise, SoftWTA
from ...model.errors import ModelError
from ..base import builder_registry

LAYER_BUILDERS = builder_registry("spike")
PROJECTION_BUILDERS = builder_registry("spike")

_RATE_BACKEND = "run this model with --backend rate"


class Layer:
    """A built population: its group and what the presentation loop needs.

    Attributes
    ----------
    group : brian2.NeuronGroup
    objects : list
        Every Brian2 object of the layer (group, lateral synapses, counters).
    total : float
        :math:`A`, the sum of the layer's activities in the rate model
        (the image's ``total``; 1 for a soft-WTA layer, whose :math:`s_j` sum to 1).
    counters : dict
        ``{projection: counter group}`` of the layer's outgoing plastic projections.
    """

    def __init__(self, name, desc, group, total):
        self.name, self.desc, self.group, self.total = name, desc, group, total
        self.objects = [group]
        self.counters = {}
        self.traces = []  # names of the trace variables, reset with each image


def _trace_equations(traces):
    """Equations and reset statements of the presynaptic traces ``{projection: tau_pre}``,
    with each projection's feedforward inhibition ``c_<projection>`` per presynaptic neuron."""
    eqs = "".join(f"dx_{p}/dt = -x_{p} / tau_{p} : 1\nc_{p} : 1\n" for p in traces)
    reset = "".join(f"x_{p} += 1\n" for p in traces)
    return eqs, reset, {f"tau_{p}": tau for p, tau in traces.items()}


def _add_counters(layer, traces, ctx):
    """One neuron per outgoing plastic projection summing the layer's trace: :math:`X = \\sum_k x_k`.

    A single synapse per presynaptic neuron keeps this at one extra update per
    spike (a per-postsynaptic-neuron sum would add ``n_post`` updates per spike).
    """
    for p, tau in traces.items():
        cnt = b2.NeuronGroup(1, "dX/dt = -X / tau_c : 1", method="exact", namespace={"tau_c": tau},
                             clock=ctx.clock, name=f"count_{p}")
        feed = b2.Synapses(layer.group, cnt, on_pre="X_post += 1", clock=ctx.clock, name=f"countfeed_{p}")
        feed.connect()
        layer.counters[p] = cnt
        layer.objects += [cnt, feed]


@LAYER_BUILDERS.register(ImageInput)
def build_image(desc, name, ctx):
    """Poisson neurons whose rates the loop sets per image; silent after ``t_off``."""
    if desc.total is None:
        raise ModelError(f"populations.{name}.total", "the spike backend presents normalised images "
                         f"(total required); raw-pixel (conv) inputs are not supported, {_RATE_BACKEND}")
    traces = ctx.traces.get(name, {})
    eqs, reset, ns = _trace_equations(traces)
    group = b2.NeuronGroup(desc.n, "rate : Hz\nt_off : second (shared)\nlearning : 1 (shared)\n" + eqs,
                           threshold="t < t_off and rand() < rate * dt", reset=reset or None,
                           method="exact", namespace=ns, clock=ctx.clock, name=f"layer_{name}")
    layer = Layer(name, desc, group, float(desc.total))
    layer.traces = [f"x_{p}" for p in traces]
    _add_counters(layer, traces, ctx)
    return layer


@LAYER_BUILDERS.register(SoftWTA)
def build_soft_wta(desc, name, ctx):
    r"""LIF neurons racing to threshold :math:`1 + \theta`; each spike inhibits the others.

    The exploration current ``I_explore`` is set per image and switched off
    with the input at ``t_off``. The threshold adapts (and decays) only while
    ``learning`` is 1, so that evaluation never changes it.
    """
    if len(desc.grid):
        raise ModelError(f"populations.{name}.grid", "convolutional soft_wta layers are not supported "
                                                     f"on the spike backend; {_RATE_BACKEND}")
    sp = desc.spike
    traces = ctx.traces.get(name, {})
    eqs, reset, ns = _trace_equations(traces)
    ns.update(tau_m=sp.tau_m, tau_theta=sp.tau_theta, dtheta=sp.dtheta, w_inh=sp.w_inh)
    model = ("dv/dt = (-v + I_explore * int(t < t_off)) / tau_m : 1 (unless refractory)\n"
             "dtheta/dt = -learning * theta / tau_theta : 1\n"
             "I_explore : 1\ncount : 1\n"
             + "".join(f"xin_{p} : 1\n" for p in ctx.incoming.get(name, ()))
             + "t_off : second (shared)\nlearning : 1 (shared)\n" + eqs)
    group = b2.NeuronGroup(desc.n, model, threshold="v > 1 + theta",
                           reset="v = 0\ntheta += learning * dtheta\ncount += 1\n" + reset,
                           refractory=sp.refractory, method="euler", namespace=ns, clock=ctx.clock,
                           name=f"layer_{name}")
    layer = Layer(name, desc, group, 1.0)
    layer.traces = [f"x_{p}" for p in traces]
    if desc.n > 1 and float(sp.w_inh) > 0:
        lat = b2.Synapses(group, group, on_pre="v_post -= w_inh", namespace={"w_inh": sp.w_inh},
                          clock=ctx.clock, name=f"inhibit_{name}")
        lat.connect(condition="i != j")
        layer.objects.append(lat)
    _add_counters(layer, traces, ctx)
    return layer


@LAYER_BUILDERS.register(Normalise)
def build_normalise(desc, name, ctx):
    raise ModelError(f"populations.{name}", "normalise relays (pooled conv features) are not supported "
                                            f"on the spike backend; {_RATE_BACKEND}")


@PROJECTION_BUILDERS.register(NormalisingHebb)
def build_normalising_hebb(rule, proj, name, ctx):
    r"""All-to-all synapses: drive weight ``wd - c_<projection>_pre`` on each presynaptic spike
    (:math:`g \log W_{ij}` minus the presynaptic neuron's feedforward inhibition :math:`g c_i`),
    eligibility at each postsynaptic spike.

    ``elig`` accumulates the normalised trace :math:`\hat x_i` at each spike
    of :math:`j`; the :math:`-W_{ij}` part of the eligibility is
    :math:`n_j W_{ij}` and is added at the end of the image from the spike
    count, which saves a per-synapse operation per spike. The summed variable
    copies the counter :math:`X` into the postsynaptic ``xin_<projection>`` after the state
    update, so that :math:`x_i` and :math:`X` are read at the same moment.
    """
    if proj.connectivity != "all_to_all":
        kind = getattr(proj.connectivity, "TYPE", proj.connectivity)
        raise ModelError(f"projections.{name}.connectivity", f"{kind} connectivity is not supported "
                                                             f"on the spike backend; {_RATE_BACKEND}")
    pre, post = ctx.layers[proj.pre], ctx.layers[proj.post]
    if not isinstance(post.desc, SoftWTA):
        raise ModelError(f"projections.{name}.post", "normalising_hebb projects onto a soft_wta layer")
    syn = b2.Synapses(pre.group, post.group, "wd : 1\nelig : 1", on_pre=f"v_post += wd - c_{name}_pre",
                      on_post=f"elig += A_pre * x_{name}_pre / (xin_{name}_post + 1e-12)",
                      namespace={"A_pre": pre.total}, clock=ctx.clock, name=f"proj_{name}")
    syn.connect()
    copy = b2.Synapses(pre.counters[name], post.group, f"xin_{name}_post = X_pre : 1 (summed)",
                       clock=ctx.clock, name=f"xin_{name}")
    copy.connect()
    for updater in copy.summed_updaters.values():
        updater.when = "after_groups"
    # synapse index of (i, j): Brian2 orders all-to-all synapses by i then j, but do not rely on it
    index = np.empty((pre.desc.n, post.desc.n), dtype=np.int64)
    index[np.asarray(syn.i[:]), np.asarray(syn.j[:])] = np.arange(len(syn))
    return syn, copy, index


class PlasticProjection:
    """Runtime side of a plastic projection: the weights ``W`` (master copy, the rule's units) and
    in-place views of the synapses; only the columns that spiked are touched after an image."""

    def __init__(self, name, desc, syn, index, pre, post):
        self.name, self.desc, self.syn, self.index = name, desc, syn, index
        self.pre, self.post = pre, post
        sp = post.desc.spike
        self.gain, self.shift = float(sp.gain), float(sp.shift)
        self.eps, self.floor = float(desc.rule.eps), float(desc.rule.floor)
        self.W = self.logW = self.mean_log = None

    def views(self):
        # the synapses' own arrays (runtime device): written in place, no copies
        return self.syn.variables["wd"].get_value(), self.syn.variables["elig"].get_value()

    def set(self, W):
        self.W = np.maximum(np.array(W, dtype=float), self.floor)
        self.logW = np.log(self.W)
        wd, _ = self.views()
        wd[self.index] = self.gain * self.logW
        self.mean_log = self.logW.mean(1)
        self._inhibition()

    def _inhibition(self):
        # c_i = mean_j log W_ij + shift: the same for every postsynaptic neuron, so it leaves the race
        # alone; it centres the drives on the layer's mean for every image (n_pre values, not n_pre x n_post)
        self.pre.group.variables[f"c_{self.name}"].get_value()[:] = self.gain * (self.mean_log + self.shift)

    def update(self, counts, scale):
        r"""Apply :math:`\Delta W = \epsilon\,\mathrm{DA}\,e/N` to the columns that spiked (``scale`` = DA/N)."""
        cols = np.flatnonzero(counts)
        wd, elig = self.views()
        idx = self.index[:, cols]
        if scale != 0.0:
            e = elig[idx] - counts[cols] * self.W[:, cols]
            Wc = np.maximum(self.W[:, cols] + self.eps * scale * e, self.floor)
            logc = np.log(Wc)
            self.mean_log += (logc - self.logW[:, cols]).sum(1) / self.W.shape[1]
            self.W[:, cols] = Wc
            self.logW[:, cols] = logc
            wd[idx] = self.gain * logc
            self._inhibition()
        elig[idx] = 0.0  # eligibility only ever accumulates in columns that spiked
