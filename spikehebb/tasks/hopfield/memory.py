"""A scikit-learn shaped associative memory built from a model description.

:class:`HopfieldMemory` wraps the memory that :func:`spikehebb.backends.build_memory`
builds from a :class:`~spikehebb.model.Network` (a ``binary_units``,
``modern_hopfield`` or ``dense_memory`` population, see
:mod:`spikehebb.model.hopfield`): ``fit(patterns)`` stores, ``recall(cues)``
runs the dynamics on the chosen backend. ``get_params``/``set_params`` follow
scikit-learn, so ``sklearn.base.clone`` works.
"""
import numpy as np

from ...backends import build_memory
from ...backends.memory import overlap
from ..estimator import Estimator


def recall_overlap(states, targets):
    """Metric ``recall_overlap``: mean final overlap :math:`m` with the target (1 = perfect)."""
    return float(np.mean(overlap(states, targets)))


def recalled(states, targets, max_error=0.01):
    """Per state: is it recalled, with at most ``max_error`` wrong bits?

    A state with overlap :math:`m` has :math:`(1 - m)/2` wrong bits (as a
    fraction of :math:`N`).
    """
    return (1 - overlap(states, targets)) / 2 <= max_error + 1e-12


def recalled_fraction(states, targets, max_error=0.01):
    """Metric ``recalled_fraction``: fraction of recalls with at most ``max_error`` wrong bits."""
    return float(np.mean(recalled(states, targets, max_error)))


class HopfieldMemory(Estimator):
    """Associative memory: one description, either backend.

    Parameters
    ----------
    network : spikehebb.model.Network
        The description (one memory population; for ``binary_units`` its
        recurrent ``stored_patterns`` projection).
    backend : {"rate", "spike"}
    target : str, optional
        Brian2 target of the spike backend.
    random_state : int or numpy.random.Generator, optional
        Seed (or generator) of the asynchronous update order (rate), or of the
        spiking run's seed (spike; drawn from a generator).

    Attributes
    ----------
    memory_ : object
        The backend's built memory.
    weights_ : ndarray (N, N) or None
        Stored weights (None for modern and dense memories).
    patterns_ : ndarray (P, N)
        The stored patterns.
    n_features_in_ : int
        N.
    """

    def __init__(self, network, backend="rate", target=None, random_state=None):
        self.network, self.backend, self.target, self.random_state = network, backend, target, random_state

    def fit(self, patterns):
        """Store ``patterns`` ((P, N) of +-1, or a stack (G, P, N) of G networks); returns ``self``."""
        seed = 0 if self.random_state is None else self.random_state
        self.memory_ = build_memory(self.network, self.backend, seed=seed, target=self.target).fit(patterns)
        self.patterns_ = self.memory_.patterns_
        self.weights_ = self.memory_.weights_
        self.n_features_in_ = self.patterns_.shape[-1]
        return self

    def recall(self, cues, targets=None, record=False, **kw):
        """Final states from ``cues`` ((B, N)); with ``record``, ``(states, info)``.

        ``info`` holds what the backend recorded: the energy and the overlap
        with ``targets`` after every update (rate), or the spikes, rates and
        the overlap of the spike-count state over time (spike).
        """
        states, info = self.memory_.recall(cues, targets=targets, record=record, **kw)
        return (states, info) if record else states

    predict = recall

    def energy(self, states):
        """Energy of ``states`` under this memory's own energy function."""
        return self.memory_.energy(states)
