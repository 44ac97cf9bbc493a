"""Spiking winner-take-all network with dopamine-modulated STDP for MNIST (Brian2).

Poisson inputs (each image normalised to a total rate ``rate_total``) drive
LIF hidden neurons with an adaptive threshold; every hidden spike inhibits
all other hidden neurons (winner-take-all). The spike version of the
normalising Hebbian rule accumulates an eligibility on each postsynaptic
spike, and dopamine (from the reward-prediction table) gates it once per
image:

.. math::

    e_{ij} \\leftarrow e_{ij} + (x_i - w_{ij})\\ \\text{at each spike of } j,
    \\qquad \\Delta w_{ij} = \\epsilon\\, \\mathrm{DA}\\, e_{ij}\\ \\text{at the end of the image}

with :math:`x_i` the presynaptic trace (time constant ``tau_pre``) and
:math:`n` the number of hidden spikes during the image. The
network is built once; one ``Network.run`` per epoch presents the images, a
``NetworkOperation`` every ``t_image`` switches the input rates and applies
the learning, so nothing is recompiled per image.

References
----------
R. Holca-Lamarre, J. Lücke and K. Obermayer (2015), reward-based Hebbian
learning; P. U. Diehl and M. Cook (2015), Unsupervised learning of digit
recognition using spike-timing-dependent plasticity, Front. Comput.
Neurosci. 9:99 (adaptive threshold, lateral inhibition); E. M. Izhikevich
(2007), Solving the distal reward problem through linkage of STDP and
dopamine signaling, Cereb. Cortex 17:2443 (eligibility gated by dopamine).
"""
import brian2 as b2
import numpy as np

from .device import target_context

EQS = """
dv/dt = (-v + I_noise) / tau : 1 (unless refractory)
dtheta/dt = -theta / tau_theta : 1
I_noise : 1
count : 1
"""


class WTANetwork:
    """The compiled-once spiking network and its per-image learning step.

    Parameters
    ----------
    n_in, n_hidden : int
    p : dict
        ``t_image`` (s), ``rate_total`` (Hz), ``g``, ``w_inh``, ``tau_m``,
        ``tau_pre``, ``tau_theta`` (s), ``dtheta``, ``eps``, ``refractory`` (s), ``dt`` (s).
    seed : int
    target : str
        Brian2 runtime code-generation target (``numpy`` or ``cython``).
    """

    def __init__(self, n_in, n_hidden, p, seed, target="numpy"):
        self.p, self.target = p, target
        b2.seed(seed)
        rng = np.random.default_rng([seed, 3])
        dt = p["dt"] * b2.second
        self.inp = b2.PoissonGroup(n_in, rates=np.zeros(n_in) * b2.Hz, dt=dt, name="mnist_input")
        self.hid = b2.NeuronGroup(n_hidden, EQS, threshold="v > 1 + theta", reset="v = 0; theta += dtheta; count += 1",
                                  refractory=p["refractory"] * b2.second, method="exact", dt=dt, name="mnist_hidden")
        self.syn = b2.Synapses(self.inp, self.hid, """w : 1
                                  elig : 1
                                  dxpre/dt = -xpre / tau_pre : 1 (event-driven)""",
                               on_pre="v_post += g * w; xpre += 1", on_post="elig += xpre - w",
                               dt=dt, name="mnist_ff")
        self.syn.connect()
        self.lat = b2.Synapses(self.hid, self.hid, on_pre="v_post -= w_inh", dt=dt, name="mnist_inh")
        self.lat.connect(condition="i != j")
        # initial weights sum (per hidden neuron) to the mean trace sum rate_total * tau_pre
        w_sum = p["rate_total"] * p["tau_pre"]
        self.syn.w = (rng.random(n_in * n_hidden) * 2 * w_sum / n_in)
        self.op = b2.NetworkOperation(self._tick, dt=p["t_image"] * b2.second, when="start", name="mnist_op")
        self.net = b2.Network(self.inp, self.hid, self.syn, self.lat, self.op, name="mnist_wta")
        self.ns = {"tau": p["tau_m"] * b2.second, "tau_pre": p["tau_pre"] * b2.second,
                   "tau_theta": p["tau_theta"] * b2.second, "dtheta": p["dtheta"], "g": p["g"],
                   "w_inh": p["w_inh"]}
        self.n_in, self.n_hidden = n_in, n_hidden
        self._job = None

    # --- weights -----------------------------------------------------------
    def weights(self):
        """Feedforward weights as an ``(n_in, n_hidden)`` array."""
        W = np.zeros((self.n_in, self.n_hidden))
        W[self.syn.i[:], self.syn.j[:]] = self.syn.w[:]
        return W

    def set_weights(self, W, theta):
        self.syn.w = W[self.syn.i[:], self.syn.j[:]]
        self.hid.theta = theta

    # --- presentation --------------------------------------------------------
    def present(self, rates, on_image_end, noise=None, learn=True):
        """Present each row of ``rates`` (Hz) for ``t_image``; after each image
        call ``on_image_end(k, counts, drive) -> DA or None`` (None: no learning).

        ``drive`` is each hidden neuron's noise-free expected depolarisation
        minus its threshold: the greedy (predicted) winner is its argmax.
        """
        self._job = {"rates": rates, "cb": on_image_end, "noise": noise, "k": -1}
        # outside learning the thresholds are frozen (no homeostasis on test images)
        ns = self.ns if learn else {**self.ns, "dtheta": 0.0}
        with target_context(self.target):
            self.net.run(len(rates) * self.p["t_image"] * b2.second, namespace=ns)
        self._finish()  # the last image ends with the run
        self._job = None

    def _finish(self):
        job = self._job
        k = job["k"]
        if k < 0:
            return
        counts = np.asarray(self.hid.count[:], dtype=float)
        W = self.weights()
        drive = self.p["g"] * self.p["tau_m"] * (job["rates"][k] @ W) - np.asarray(self.hid.theta[:])
        da = job["cb"](k, counts, drive)
        if da is not None and counts.sum() > 0:
            # divided by the image's hidden spike count: like the rate rule's s_j,
            # which sums to 1 over the layer, so one image moves weights by at most eps * DA
            self.syn.w = np.maximum(self.syn.w[:] + self.p["eps"] * da * self.syn.elig[:] / counts.sum(), 0.0)
        self.syn.elig = 0.0

    def _tick(self):
        job = self._job
        self._finish()
        job["k"] += 1
        k = job["k"]
        if k >= len(job["rates"]):
            return
        self.inp.rates = job["rates"][k] * b2.Hz
        self.hid.v = 0.0
        self.hid.count = 0.0
        self.hid.I_noise = 0.0 if job["noise"] is None else job["noise"][k]
