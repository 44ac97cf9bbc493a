r"""Rate backend: associative memories built from their descriptions.

One builder per memory population type (:mod:`spikehebb.model.hopfield`):

* ``binary_units`` with a ``stored_patterns`` recurrent projection: :math:`\pm 1`
  spins, synchronous or asynchronous updates
  (:mod:`.hopfield_dynamics`), weights from the storage rule
  (:mod:`spikehebb.backends.memory`);
* ``modern_hopfield`` and ``dense_memory``: the patterns themselves
  (:mod:`.hopfield_modern`).

Every memory has the same interface: ``fit(patterns)``, ``recall(cues,
targets=None, record=False) -> (states, info)`` and ``energy(states)``.
``fit`` also takes a stack ``(G, P, N)`` of independent pattern sets (G
networks of the same description, for capacity curves); ``recall`` then takes
``groups``, the network each cue runs on.
"""
import numpy as np

from ...model.hopfield import BinaryUnits, DenseMemory, ModernHopfield, memory_of
from .. import memory
from ..base import builder_registry
from . import hopfield_dynamics as dyn
from . import hopfield_modern as modern

MEMORY_BUILDERS = builder_registry("rate")


class _Memory:
    """Shared: pattern checks against the description's size; ``fit`` keeps the patterns."""

    def __init__(self, name, pop, rng):
        self.name, self.pop, self.rng = name, pop, rng
        self.weights_ = None

    def _patterns(self, patterns):
        x = np.asarray(patterns, dtype=float)
        sets = [memory.check_patterns(p, "patterns", self.pop.n, self.name) for p in (x if x.ndim == 3 else [x])]
        return np.stack(sets) if x.ndim == 3 else sets[0]

    def _cues(self, cues):
        return memory.check_cues(cues, self.pop.n)

    def fit(self, patterns):
        self.patterns_ = self._patterns(patterns)
        return self


class BinaryMemory(_Memory):
    """Binary Hopfield units with weights from a storage rule."""

    def __init__(self, name, pop, storage, rng):
        super().__init__(name, pop, rng)
        self.rule = storage.rule

    def fit(self, patterns):
        x = self._patterns(patterns)
        self.patterns_ = x
        self.weights_ = (np.stack([memory.store(p, self.rule) for p in x]) if x.ndim == 3
                         else memory.store(x, self.rule))
        return self

    def recall(self, cues, targets=None, record=False, groups=None):
        s = self._cues(cues)
        w = self.weights_
        if self.pop.update == "async":
            return dyn.async_run(w, s, self.rng, self.pop.max_sweeps, targets=targets, record=record,
                                 groups=groups)
        if w.ndim == 2:
            return dyn.sync_run(w, s, self.pop.max_sweeps, targets=targets, record=record)
        out = np.empty_like(s)  # a stack: each network on its own cues (no traces)
        for g in range(len(w)):
            rows = np.asarray(groups) == g
            out[rows] = dyn.sync_run(w[g], s[rows], self.pop.max_sweeps)[0]
        return out, {}

    def energy(self, states):
        return memory.energy(self.weights_, self._cues(states))


class ModernMemory(_Memory):
    """Modern Hopfield network: the patterns, a softmax retrieval."""

    def recall(self, cues, targets=None, record=False, groups=None):
        return _per_group(self, cues, groups,
                          lambda x, s: (modern.modern_run(x, s, self.pop.beta, self.pop.steps), {}))

    def energy(self, states):
        return modern.modern_energy(self.patterns_, self._cues(states), self.pop.beta)


class DenseMem(_Memory):
    """Dense associative memory with :math:`F(x) = x^n`."""

    def recall(self, cues, targets=None, record=False, groups=None):
        return _per_group(self, cues, groups, lambda x, s: modern.dense_async_run(
            x, s, self.pop.degree, self.rng, self.pop.max_sweeps))

    def energy(self, states):
        return modern.dense_energy(self.patterns_, self._cues(states), self.pop.degree)


def _per_group(mem, cues, groups, run):
    s = mem._cues(cues)
    x = mem.patterns_
    if x.ndim == 2:
        return run(x, s)
    out = np.empty_like(s)
    for g in range(len(x)):
        rows = np.asarray(groups) == g
        out[rows] = run(x[g], s[rows])[0]
    return out, {}


MEMORY_BUILDERS.register(BinaryUnits)(lambda pop, name, storage, rng: BinaryMemory(name, pop, storage, rng))
MEMORY_BUILDERS.register(ModernHopfield)(lambda pop, name, storage, rng: ModernMemory(name, pop, rng))
MEMORY_BUILDERS.register(DenseMemory)(lambda pop, name, storage, rng: DenseMem(name, pop, rng))


def build_memory(network, *, seed=0, target=None, progress=False):
    """The associative memory of ``network`` on the rate backend (``target`` is ignored).

    ``seed`` seeds the asynchronous update order (``numpy.random.default_rng``).
    """
    name, pop, storage = memory_of(network)
    return MEMORY_BUILDERS.build(pop, name, storage, np.random.default_rng(seed))
