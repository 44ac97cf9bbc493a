r"""Supervised Hebbian association as a scikit-learn-style estimator: :class:`Association`.

During learning a teacher clamps every output: outputs whose target is 1 are
driven by teacher Poisson inputs, outputs whose target is 0 are silenced by
inhibitory ones. The cue->output synapses see presynaptic activity together
with the clamped postsynaptic activity, and additive pair STDP (Song, Miller
& Abbott 2000) with a potentiation-dominated window (:math:`A_+\tau_+ > A_-\tau_-`)
strengthens co-active pairs: Hebb's rule (Hebb 1949) in spikes. The same
network description runs on both backends (:mod:`.protocol`): in Brian2, and
on the rate backend as Siegert rate units with the rule's rate limit for
independent Poisson trains (Kempter, Gerstner & van Hemmen 1999),

.. math:: \left\langle \frac{dw_{ij}}{dt} \right\rangle = w_{max}\, r_i\, r_j\, (A_+\tau_+ - A_-\tau_-),

clipped to :math:`[0, w_{max}]`. Synapses onto an output clamped to 0 see no
post activity and stay put; synapses from a silent input stay put. With P
pairs of sparse patterns this is a Willshaw net (Willshaw, Buneman &
Longuet-Higgins 1969): a synapse grows towards :math:`w_{max}` once its input
and output were active together in some pair, and an output fires when enough
of the cue's active bits have grown synapses onto it (the LIF threshold sets
how many); recall degrades as stored pairs fill the weight matrix.

Recall: each cue is presented alone (no teacher, weights frozen) and an
output counts as 1 when its rate exceeds ``threshold_hz``.

References
----------
Hebb (1949) The Organization of Behavior. Willshaw, Buneman & Longuet-Higgins
(1969) Nature 222:960. Kempter, Gerstner & van Hemmen (1999) Phys. Rev. E
59:4498. Song, Miller & Abbott (2000) Nat. Neurosci. 3:919.
"""
import time

import numpy as np

from ...model import PairSTDP, Static
from ...model.errors import ModelError
from ..estimator import Estimator, clone
from .protocol import NetSpec, Protocol, bit_weights, responses, run_protocol, weight_history, weight_matrix


class Association(Estimator):
    """Learn cue -> output pairs with a teacher, recall them from the cue alone.

    Parameters
    ----------
    backend : {"rate", "spike"}
    rule : model-layer rule description, optional
        Cue->output plasticity; default ``PairSTDP(a_plus=0.02, a_minus=0.01)``.
    epochs : int
        Presentations of every pair.
    trial, probe, iti : float or str
        Seconds (or ``"500 ms"``) of a teacher-clamped pair, of a recall probe,
        and of the silent gap after each (lets STDP traces decay between trials).
    threshold_hz : float
        Output rate above which an output counts as 1.
    shuffle : bool
        Present the pairs of each epoch in random order.
    probes : bool
        Also probe each cue alone before and after learning, inside the
        learning run (``rates_before_``, ``rates_after_``; plasticity on).
    neurons, teacher_neurons : int
        Poisson neurons per input bit and per output's teacher.
    cue_rate, teacher_rate : float or str
        Hz of an active cue or teacher neuron.
    w_max, w_teacher : float or str
        Amperes: cue->output weight bound, teacher weight.
    dt : float or str
        Simulation step (s).
    target : str, optional
        Brian2 target (spike backend); default numpy (a new network per call).
    random_state : int or None
        Seed of the run (pair order, initial weights, Poisson spikes); None: fresh.

    Attributes
    ----------
    n_features_in_, n_outputs_ : int
    weights_ : ndarray (n_in, n_out)
        Learned weight of each input bit onto each output (mean over the bit's
        neurons), in units of ``w_max``.
    synapse_weights_ : ndarray (n_in * neurons, n_out)
        Learned per-synapse weights (amperes).
    rates_before_, rates_after_ : ndarray (n_cues, n_out)
        Output rate (Hz) to each cue alone before and after learning (with ``probes``).
    weight_times_, weight_trace_ : ndarray
        Per-bit weights over time, (samples, n_in, n_out), in units of ``w_max``.
    result_, protocol_, spec_, rule_, seed_
        The learning run, its protocol and network sizes, the rule and the seed used.
    """

    UNITS = {"trial": "time", "probe": "time", "iti": "time", "dt": "time", "cue_rate": "rate",
             "teacher_rate": "rate", "w_max": "current", "w_teacher": "current"}

    def __init__(self, backend="rate", *, rule=None, epochs=5, trial=0.5, probe=0.3, iti=0.1, threshold_hz=10.0,
                 shuffle=True, probes=True, neurons=20, teacher_neurons=20, cue_rate=40.0, teacher_rate=40.0,
                 w_max=80e-12, w_teacher=80e-12, dt=1e-4, target=None, random_state=0):
        # stored as given (scikit-learn): fit() converts and checks them
        self.backend, self.rule, self.epochs = backend, rule, epochs
        self.trial, self.probe, self.iti = trial, probe, iti
        self.threshold_hz, self.shuffle, self.probes = threshold_hz, shuffle, probes
        self.neurons, self.teacher_neurons = neurons, teacher_neurons
        self.cue_rate, self.teacher_rate = cue_rate, teacher_rate
        self.w_max, self.w_teacher, self.dt = w_max, w_teacher, dt
        self.target, self.random_state = target, random_state

    def _add_probes(self, proto, cues, label):
        for c in cues:
            proto.add(self._si("probe"), c, label=label)
            proto.add(self._si("iti"))

    def fit(self, X, Y):
        """Present every (cue, target) pair ``epochs`` times with the teacher clamping the outputs.

        Parameters
        ----------
        X : array (n_pairs, n_in) of 0/1
            Cues.
        Y : array (n_pairs, n_out) of 0/1
            Targets.
        """
        if self.backend not in ("rate", "spike"):
            raise ModelError("backend", f"expected rate or spike, got {self.backend!r}")
        X, Y = _binary(X, "X"), _binary(Y, "Y")
        if len(X) != len(Y):
            raise ModelError("Y", f"expected one target per cue ({len(X)}), got {len(Y)}")
        self.n_features_in_, self.n_outputs_ = X.shape[1], Y.shape[1]
        self.spec_ = spec = NetSpec(n_in=X.shape[1], n_out=Y.shape[1], m=self.neurons, m_t=self.teacher_neurons,
                                    cue_rate=self._si("cue_rate"), teacher_rate=self._si("teacher_rate"),
                                    w_max=self._si("w_max"), w_teacher=self._si("w_teacher"), dt=self._si("dt"))
        self.seed_ = seed = self._seed()
        rng = np.random.default_rng(seed)
        proto = Protocol(spec.n_in, spec.n_out)
        if self.probes:
            self._add_probes(proto, X, "before")
        for _ in range(self.epochs):
            for k in rng.permutation(len(X)) if self.shuffle else range(len(X)):
                proto.add(self._si("trial"), X[k], np.where(Y[k] > 0, 1, -1), label="train", trial=int(k))
                proto.add(self._si("iti"))
        if self.probes:
            self._add_probes(proto, X, "after")
        self.rule_ = rule = self.rule if self.rule is not None else PairSTDP(a_plus=0.02, a_minus=0.01)
        self.protocol_ = proto
        self.result_ = res = run_protocol(spec, proto, self.backend, rule, seed=seed, target=self.target)
        entry = res.weights["cue_out"]
        self.synapse_weights_ = weight_matrix(entry, spec)
        self.weights_ = bit_weights(self.synapse_weights_, spec) / float(entry["w_max"])
        self.weight_times_, self.weight_trace_ = weight_history(res, spec)
        if self.probes:
            self.rates_before_ = responses(res, proto, "before", spec.n_out)
            self.rates_after_ = responses(res, proto, "after", spec.n_out)
        return self

    def recall(self, X):
        """Output rates (Hz) to each cue alone with the learned weights frozen: (n_cues, n_out)."""
        if not hasattr(self, "synapse_weights_"):
            raise ModelError("recall", f"this {type(self).__name__} is not fitted yet; call fit first")
        X = _binary(X, "X")
        if X.shape[1] != self.n_features_in_:
            raise ModelError("X", f"expected {self.n_features_in_} input bits, got {X.shape[1]}")
        proto = Protocol(self.spec_.n_in, self.spec_.n_out)
        self._add_probes(proto, X, "test")
        self.test_protocol_ = proto
        # another seed than learning: recall sees fresh Poisson spikes
        self.test_result_ = res = run_protocol(self.spec_, proto, self.backend, Static(), seed=self.seed_ + 1,
                                               target=self.target, weights=self.synapse_weights_.ravel())
        return responses(res, proto, "test", self.spec_.n_out)

    def predict(self, X):
        """Recalled outputs (0/1) for each cue, weights frozen: (n_cues, n_out)."""
        return (self.recall(X) > self.threshold_hz).astype(int)

    def score(self, X, Y):
        """Recall accuracy: fraction of cues whose whole output pattern is recalled."""
        return recall_accuracy(self.predict(X), Y)


def _binary(a, name):
    arr = np.atleast_2d(np.asarray(a))
    if arr.ndim != 2 or arr.size == 0 or not np.isin(arr, (0, 1)).all():
        raise ModelError(name, f"expected a non-empty 2-d array of 0/1, got shape {np.shape(a)}")
    return arr.astype(int)


def recall_accuracy(recalled, targets):
    """Fraction of rows of ``recalled`` equal to the rows of ``targets``."""
    return float(np.mean(np.all(np.asarray(recalled) == np.asarray(targets), axis=1)))


def bit_accuracy(recalled, targets):
    """Fraction of output bits recalled correctly."""
    return float(np.mean(np.asarray(recalled) == np.asarray(targets)))


def random_patterns(p, n, k, rng):
    """``p`` random binary patterns of length ``n`` with exactly ``k`` ones each."""
    out = np.zeros((p, n), int)
    for row in out:
        row[rng.choice(n, k, replace=False)] = 1
    return out


def pattern_pairs(p, n_in, n_out, k_in, k_out, seed=0):
    """The P cue and target patterns of a capacity point: drawn from ``(seed, p)`` alone, so any
    list of P values (and either backend) sees the same pairs for the same P."""
    rng = np.random.default_rng([seed, p])
    return random_patterns(p, n_in, k_in, rng), random_patterns(p, n_out, k_out, rng)


def capacity_curve(estimator, p_values, n_in, n_out, k_in, k_out, seed=0):
    """Recall of P random sparse pattern pairs as P grows: a fresh clone of ``estimator`` per P.

    Recall is :meth:`Association.predict` (each cue alone, weights frozen).

    Returns
    -------
    dict of arrays: ``p``, per-P ``recall_accuracy`` (whole patterns), ``bit_accuracy``,
    ``spurious_bits`` and ``missed_bits`` (per recalled pattern), ``seconds``; and
    ``recalled``, a list of the (P, n_out) recalled patterns.
    """
    out = {k: [] for k in ("p", "recall_accuracy", "bit_accuracy", "spurious_bits", "missed_bits", "seconds")}
    recalled = []
    for p in p_values:
        x, y = pattern_pairs(int(p), n_in, n_out, k_in, k_out, seed)
        t0 = time.perf_counter()
        got = clone(estimator).fit(x, y).predict(x)
        out["p"].append(int(p))
        out["recall_accuracy"].append(recall_accuracy(got, y))
        out["bit_accuracy"].append(bit_accuracy(got, y))
        out["spurious_bits"].append(float(np.mean(np.sum((got == 1) & (y == 0), axis=1))))
        out["missed_bits"].append(float(np.mean(np.sum((got == 0) & (y == 1), axis=1))))
        out["seconds"].append(time.perf_counter() - t0)
        recalled.append(got)
    curve = {k: np.asarray(v) for k, v in out.items()}
    curve["recalled"] = recalled
    return curve
