"""A scikit-learn shaped associative memory: ``fit(patterns)``, ``recall(cues)``.

One class covers the weight-matrix networks (Hebbian, Storkey and
pseudo-inverse storage; synchronous or asynchronous updates) and the
pattern-based ones (modern Hopfield [1]_, dense associative memory [2]_).

References
----------
.. [1] H. Ramsauer et al., "Hopfield networks is all you need", ICLR 2021.
.. [2] D. Krotov, J. J. Hopfield, "Dense associative memory for pattern
   recognition", NIPS 29 (2016).
"""
import numpy as np

from ...model.errors import ModelError
from ...backends import memory as storage
from ...backends.rate import hopfield_dynamics as dynamics, hopfield_modern as modern

RULES = storage.RULES + ("modern", "dense")
UPDATES = ("async", "sync")


def recall_overlap(states, targets):
    """Metric ``recall_overlap``: mean final overlap :math:`m` with the target (1 = perfect)."""
    return float(np.mean(dynamics.overlap(states, targets)))


def recalled_fraction(states, targets, max_error=0.01):
    """Metric ``recalled_fraction``: fraction of recalls with at most ``max_error`` wrong bits.

    A state with overlap :math:`m` has :math:`(1 - m)/2` wrong bits (as a
    fraction of :math:`N`).
    """
    wrong = (1 - dynamics.overlap(states, targets)) / 2
    return float(np.mean(wrong <= max_error + 1e-12))


class HopfieldNetwork:
    """Binary (+-1) associative memory.

    Parameters
    ----------
    rule : {"hebbian", "storkey", "pseudo_inverse", "modern", "dense"}
        Storage rule (see :mod:`~spikehebb.backends.memory`) or a
        pattern-based network (see :mod:`~spikehebb.backends.rate.hopfield_modern`).
    update : {"async", "sync"}
        For weight-matrix rules: one unit at a time in random order, or all
        at once. Modern networks update synchronously, dense ones
        asynchronously, whatever is given here.
    max_sweeps : int
        Upper bound on sweeps (async) or steps (sync); modern networks make
        ``modern_steps`` updates.
    beta : float
        Inverse temperature of the modern network, on raw dot products.
    degree : int
        Degree ``n`` of the dense memory's :math:`F(x) = x^n`.
    modern_steps : int
        Updates of the modern network (one usually suffices).
    random_state : int or numpy.random.Generator
        Seeds the asynchronous update order.

    Attributes
    ----------
    weights_ : ndarray (N, N) or None
        Learned weights (None for modern and dense networks).
    patterns_ : ndarray (P, N)
        The stored patterns.
    n_features_in_ : int
        N.
    """

    def __init__(self, rule="hebbian", update="async", max_sweeps=50, beta=1.0, degree=3,
                 modern_steps=1, random_state=None):
        if rule not in RULES:
            raise ModelError("rule", f"expected one of {', '.join(RULES)}; got {rule!r}")
        if update not in UPDATES:
            raise ModelError("update", f"expected one of {', '.join(UPDATES)}; got {update!r}")
        self.rule, self.update, self.max_sweeps = rule, update, max_sweeps
        self.beta, self.degree, self.modern_steps = beta, degree, modern_steps
        self.random_state = random_state

    def fit(self, patterns):
        """Store ``patterns`` ((P, N) array of +-1); returns ``self``."""
        x = storage.check_patterns(patterns)
        self.patterns_ = x
        self.n_features_in_ = x.shape[1]
        self.weights_ = storage.store(x, self.rule) if self.rule in storage.RULES else None
        self._rng = np.random.default_rng(self.random_state)
        return self

    def _check_cues(self, cues):
        s = np.array(cues, dtype=float, ndmin=2)
        if s.shape[1] != self.n_features_in_:
            raise ModelError("cues", f"expected {self.n_features_in_} bits per cue, got {s.shape[1]}")
        return s

    def recall(self, cues, targets=None, record=False):
        """Run the dynamics from ``cues`` ((B, N) or (N,)); return the final states (B, N).

        With ``record`` (weight-matrix rules only) returns ``(states, info)``,
        where ``info`` holds the energy and the overlap with ``targets`` over
        updates (see :func:`~spikehebb.backends.rate.hopfield_dynamics.async_run`).
        """
        s = self._check_cues(cues)
        if self.rule == "modern":
            out, info = modern.modern_run(self.patterns_, s, self.beta, self.modern_steps), {}
        elif self.rule == "dense":
            out, info = modern.dense_async_run(self.patterns_, s, self.degree, self._rng, self.max_sweeps)
        elif self.update == "async":
            out, info = dynamics.async_run(self.weights_, s, self._rng, self.max_sweeps,
                                           targets=targets, record=record)
        else:
            out, info = dynamics.sync_run(self.weights_, s, self.max_sweeps, targets=targets, record=record)
        return (out, info) if record else out

    predict = recall

    def energy(self, states):
        """Energy of ``states`` under this network's own energy function."""
        s = self._check_cues(states)
        if self.rule == "modern":
            return modern.modern_energy(self.patterns_, s, self.beta)
        if self.rule == "dense":
            return modern.dense_energy(self.patterns_, s, self.degree)
        return dynamics.energy(self.weights_, s)
