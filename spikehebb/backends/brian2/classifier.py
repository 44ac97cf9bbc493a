r"""The classifier of a model description as one spiking network (Brian2, runtime target).

Built once by :func:`build_classifier`; every :meth:`SpikeClassifier.train_epoch`
and :meth:`SpikeClassifier.predict` is one ``Network.run`` in which a
``NetworkOperation`` every ``t_present + t_rest`` ends the previous image
(reads the spike counts, applies the dopamine-gated eligibility) and starts
the next (Poisson rates, exploration currents). Nothing is rebuilt or
recompiled per image or per call.

Spikes and weights
------------------
An image :math:`x` is normalised as on the rate backend (:math:`y`, summing to
:math:`A`) and presented as Poisson trains of rates :math:`R\,y_i/A` for
``t_present``, then ``t_rest`` of silence. A presynaptic spike of :math:`i`
adds :math:`g\,(\log W_{ij} - c_i)` to :math:`v_j`, with :math:`g` = ``gain``
(:class:`~spikehebb.model.classifier.WTASpiking`) and the feedforward
inhibition :math:`c_i = \langle \log W_{ij}\rangle_j` + ``shift``, the same
for every postsynaptic neuron. Averaged over the Poisson trains,

.. math:: \tau_m \dot v_j = -v_j + \tau_m g \frac{R}{A} (u_j - \bar u - A\,\mathrm{shift}) + I_j,
          \qquad u_j = \sum_i y_i \log W_{ij}, \quad \bar u = \langle u_k \rangle_k,

so the layer is a race of integrators of the rate model's drive :math:`u_j`,
centred on the layer's mean drive for each image (:math:`c_i` is common to
all neurons: it never changes who leads, only when they reach threshold,
whatever the scale of the weights). Hence the exploration current
equivalent to the rate model's drive noise :math:`\xi_j` is
:math:`I_j = \kappa\,\tau_m g (R/A)\, \xi_j`, with :math:`\kappa` =
``explore_scale`` (1: the mean-field equivalent). For a soft-WTA presynaptic
layer :math:`A = 1` and :math:`R` is a running mean of its total spike rate.
:math:`s_j` is neuron :math:`j`'s share of its layer's spikes in a presentation.

Choices
-------
*Taken*: the output neuron with most spikes in the presentation (ties and
silence: the highest membrane potential among the tied). *Greedy*: the
choice of the rate network's noise-free forward pass with the current weights
(softmax layers, temperature of the description): the choice the mean drives
predict, which the noise-free spiking network approximates (97 % agreement on
the MNIST test images with the model file's tables) and which spares a second,
noise-free presentation per image. The online training error counts the
greedy choice, as on the rate backend. :meth:`SpikeClassifier.predict`
returns the spiking network's own choice (taken, without noise).
"""
import time

import brian2 as b2
import numpy as np

from ...model.errors import ModelError
from ..base import compiler_available
from ..classify import (check_weights, choice_dopamine, classifier_population, explore_noise, gate,
                        initial_weights, normalise, softmax)
from .device import target_context
from .simulation import tqdm_report
from .wta import LAYER_BUILDERS, PROJECTION_BUILDERS, PlasticProjection

#: weight of the newest presentation in the running mean of a layer's total spike rate
RATE_SMOOTHING = 0.02
#: initial running mean of a soft-WTA layer's total spike rate (Hz), before it has spiked
RATE_GUESS = 100.0


def runtime_target(target):
    """``numpy`` or ``cython`` (default: cython where it compiles, else numpy); one-line ModelError otherwise."""
    if target is None:
        if compiler_available():
            from brian2.codegen.runtime.cython_rt import CythonCodeObject
            if CythonCodeObject.is_available():
                return "cython"
        return "numpy"
    if target == "cpp_standalone":
        raise ModelError("--target", "the spiking classifier needs a runtime target (numpy or cython): "
                                     "it learns between images in Python")
    if target not in ("numpy", "cython"):
        raise ModelError("--target", f"unknown target {target!r}; expected numpy or cython")
    if target == "cython" and not compiler_available():
        raise ModelError("--target", "cython needs a C++ compiler (g++), none found; use --target numpy")
    return target


class _Context:
    """What the builders share: the description, the clock, the built layers."""

    def __init__(self, network, dt):
        self.network = network
        self.clock = b2.Clock(dt=dt, name="classifier_clock")
        self.layers = {}
        plastic = {n: p for n, p in network.projections.items() if p.rule.PLASTIC}
        # pre layer -> {projection: tau_pre}; post layer -> incoming plastic projections
        self.traces, self.incoming = {}, {}
        for n, p in plastic.items():
            tau = p.rule.spike.tau_pre if getattr(p.rule, "spike", None) is not None else 20 * b2.ms
            self.traces.setdefault(p.pre, {})[n] = tau
            self.incoming.setdefault(p.post, []).append(n)


class SpikeClassifier:
    """The spiking classifier; interface of :mod:`spikehebb.backends.classify`.

    Build with :func:`build_classifier`.
    """

    def __init__(self, network, *, seed=0, target=None, progress=False):
        self.network, self.seed, self.progress = network, int(seed), progress
        self.target = runtime_target(target)
        pops = network.populations
        images = [n for n, p in pops.items() if p.TYPE == "image"]
        if len(images) != 1:
            raise ModelError("populations", f"the spiking classifier needs one image population, got {images}")
        self.image = images[0]
        sp = pops[self.image].spike
        self.t_present, self.t_rest, self.dt = float(sp.t_present), float(sp.t_rest), float(sp.dt)
        self.rate_total = float(sp.rate_total)
        steps = (self.t_present + self.t_rest) / self.dt
        if abs(steps - round(steps)) > 1e-6:
            raise ModelError(f"populations.{self.image}.spike.t_present", "t_present + t_rest must be a "
                             f"multiple of dt ({self.dt * 1e3:g} ms)")
        self.period = round(steps) * self.dt
        self.output = classifier_population(network)
        with target_context(self.target):
            self._build()
        self.set_weights(initial_weights(network, seed))
        self.pre_rate = {n: RATE_GUESS for n, p in pops.items() if p.TYPE == "soft_wta"}
        self.calls = 0
        self.timing = {"images": 0, "seconds": 0.0}

    # --- build -----------------------------------------------------------------
    def _build(self):
        b2.seed(self.seed)
        ctx = _Context(self.network, self.dt * b2.second)
        objects = []
        for name, pop in self.network.populations.items():
            layer = ctx.layers[name] = LAYER_BUILDERS.build(pop, name, ctx)
            objects += layer.objects
        self.layers = ctx.layers
        self.projections = {}
        for name, proj in self.network.projections.items():
            syn, copy, index = PROJECTION_BUILDERS.build(proj.rule, proj, name, ctx)
            objects += [syn, copy]
            self.projections[name] = PlasticProjection(name, proj, syn, index, ctx.layers[proj.pre],
                                                 ctx.layers[proj.post])
        self.order = [n for n, p in self.network.populations.items() if p.TYPE == "soft_wta"]
        self.op = b2.NetworkOperation(self._tick, clock=b2.Clock(dt=self.period * b2.second,
                                                                 name="classifier_images"),
                                      when="start", name="classifier_images_op")
        self.net = b2.Network(objects + [self.op], name="spike_classifier")

    # --- weights and state ---------------------------------------------------------
    def weights(self):
        return {n: p.W.copy() for n, p in self.projections.items()}

    def set_weights(self, weights, source="weights"):
        check_weights({n: p.W if p.W is not None else np.empty(p.index.shape)
                       for n, p in self.projections.items()}, weights, source)
        for n, W in weights.items():
            self.projections[n].set(W)

    def state(self):
        # W/ as on the rate backend, so that either backend's checkpoint weights can be read
        st = {f"W/{n}": W for n, W in self.weights().items()}
        st.update({f"theta/{n}": np.array(self.layers[n].group.theta[:]) for n in self.order})
        st.update({f"rate/{n}": np.array(r) for n, r in self.pre_rate.items()})
        return st

    def load_state(self, state):
        self.set_weights({k[2:]: v for k, v in state.items() if k.startswith("W/")}, "checkpoint")
        for n in self.order:  # a rate checkpoint has no thresholds: keep the current ones
            if f"theta/{n}" in state:
                self.layers[n].group.theta[:] = state[f"theta/{n}"]
            if f"rate/{n}" in state:
                self.pre_rate[n] = float(state[f"rate/{n}"])

    # --- rate prediction -------------------------------------------------------------
    def _rate_pass(self, y):
        """Activities of the rate network's noise-free pass for one normalised image."""
        acts = {self.image: y}
        for name in self.order:
            u = sum(acts[p.desc.pre] @ p.logW for p in self.projections.values() if p.desc.post == name)
            acts[name] = softmax(u, float(self.network.populations[name].temperature))
        return acts

    # --- presentation ----------------------------------------------------------------
    def train_epoch(self, x, labels, phase, rng):
        """Present every image once in a random order, learning after each; online greedy error."""
        order = rng.permutation(len(x))
        gates = {n: gate(self.network, phase, n) for n in self.projections}
        job = self._present(np.asarray(x)[order], np.asarray(labels)[order], phase, gates, rng,
                            seed=int(rng.integers(2 ** 31)))
        return float(np.mean(job["greedy"] != np.asarray(labels)[order]))

    def predict(self, x):
        """The spiking network's choice per image (no noise, no learning)."""
        self.calls += 1
        job = self._present(np.asarray(x), None, None, {}, None,
                            seed=int(np.random.SeedSequence([self.seed, 1, self.calls]).generate_state(1)[0]))
        return job["taken"]

    def _present(self, x, labels, phase, gates, rng, seed):
        img = self.network.populations[self.image]
        y = normalise(np.asarray(x, dtype=float).reshape(len(x), -1), img.total, img.offset)
        learning = any(v is not None or c is not None for v, c in gates.values())
        explore = phase.explore if phase is not None else None
        self.job = {"y": y, "rates": self.rate_total * y / img.total, "labels": labels, "gates": gates,
                    "rng": rng, "explore": explore, "k": -1, "greedy": np.zeros(len(y), np.int64),
                    "taken": np.zeros(len(y), np.int64), "silent": 0,
                    "spikes": dict.fromkeys(self.order, 0.0)}
        for layer in self.layers.values():
            layer.group.learning = 1.0 if learning else 0.0
        for proj in self.projections.values():  # no drift of the incremental means across runs
            proj.mean_log = proj.logW.mean(1)
            proj._inhibition()
        t0 = time.perf_counter()
        with target_context(self.target):
            b2.seed(seed)
            report = None
            if self.progress:
                report = tqdm_report()
            self.net.run(len(y) * self.period * b2.second, namespace={}, report=report)
        self._end_image()  # the last image ends with the run
        self.timing["images"] += len(y)
        self.timing["seconds"] += time.perf_counter() - t0
        job, self.job = self.job, None
        # diagnostics of the last call: spikes per image per layer, images without an output spike
        self.last = {"silent_fraction": job["silent"] / max(len(y), 1),
                     **{f"spikes_per_image.{n}": c / max(len(y), 1) for n, c in job["spikes"].items()}}
        return job

    def _tick(self):
        self._end_image()
        job = self.job
        job["k"] += 1
        k = job["k"]
        if k >= len(job["y"]):
            return
        t_off = float(self.net.t) + self.t_present - self.dt / 2  # strictly inside the last input step
        image = self.layers[self.image].group
        image.variables["rate"].get_value()[:] = job["rates"][k]
        for layer in self.layers.values():
            g = layer.group
            g.variables["t_off"].get_value()[:] = t_off
            for var in layer.traces:
                g.variables[var].get_value()[:] = 0.0  # traces start afresh with each image
            if layer.desc.TYPE == "soft_wta":
                g.variables["v"].get_value()[:] = 0.0
                g.variables["count"].get_value()[:] = 0.0
                g.variables["I_explore"].get_value()[:] = 0.0
            for cnt in layer.counters.values():
                cnt.variables["X"].get_value()[:] = 0.0
        ex = job["explore"]
        if ex is not None:
            self.layers[ex.population].group.variables["I_explore"].get_value()[:] = self._noise(ex, job["rng"])

    def _noise(self, ex, rng):
        """Exploration current: the rate model's drive noise times its mean-field equivalent."""
        desc = self.network.populations[ex.population]
        n = desc.n
        xi = explore_noise(ex, n, rng)
        proj = next(p for p in self.projections.values() if p.desc.post == ex.population)
        pre = proj.pre
        rate_per_total = (self.rate_total if pre.name == self.image else self.pre_rate[pre.name]) / pre.total
        sp = desc.spike
        return float(sp.explore_scale) * float(sp.tau_m) * float(sp.gain) * rate_per_total * xi

    def _end_image(self):
        job = self.job
        k = job["k"]
        if k < 0 or k >= len(job["y"]):
            return
        counts = {n: np.array(self.layers[n].group.variables["count"].get_value()) for n in self.order}
        for n in self.order:
            total = counts[n].sum()
            job["spikes"][n] += total
            if total > 0:
                self.pre_rate[n] += RATE_SMOOTHING * (total / self.t_present - self.pre_rate[n])
        out = counts[self.output]
        v = np.asarray(self.layers[self.output].group.variables["v"].get_value())
        tied = out == out.max()
        taken = int(np.flatnonzero(tied)[np.argmax(v[tied])])
        job["silent"] += out.max() == 0
        job["taken"][k] = taken
        if job["labels"] is None:
            for proj in self.projections.values():  # clear what the eligibility read during evaluation
                proj.update(counts[proj.desc.post], 0.0)
            return
        acts = self._rate_pass(job["y"][k])
        greedy = job["greedy"][k] = int(np.argmax(acts[self.output]))
        for name, proj in self.projections.items():
            values, const = job["gates"][name]
            c = counts[proj.desc.post]
            if values is None and const is None:
                proj.update(c, 0.0)
                continue
            da = const if values is None else float(choice_dopamine([greedy], [taken], [job["labels"][k]],
                                                                    values)[0][0])
            n_post = c.sum()
            # a silent presynaptic layer has no activities to learn from (the rate model's s sums to 1)
            pre_silent = proj.pre.name in counts and counts[proj.pre.name].sum() == 0
            proj.update(c, 0.0 if (n_post == 0 or pre_silent) else da / n_post)

    def seconds_per_image(self):
        """Wall time per presented image so far (simulation and learning)."""
        return self.timing["seconds"] / max(self.timing["images"], 1)


def build_classifier(network, *, seed=0, target=None, progress=False):
    """Build the spiking classifier of ``network``; see :func:`spikehebb.backends.build_classifier`."""
    return SpikeClassifier(network, seed=seed, target=target, progress=progress)
