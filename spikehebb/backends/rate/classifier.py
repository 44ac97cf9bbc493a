r"""The rate backend of a classifier description: a feedforward stack of layers
trained on mini-batches (see :mod:`spikehebb.backends.classify` for the interface).

Per mini-batch of a phase: a clean forward pass gives the *greedy* choice
(the classifier layer's largest drive); if the phase explores, noise is added
to the drive of the explored population and the pass is redone from there,
giving the action *taken*; every projection the phase names learns with
:func:`~.classifier_layers.hebbian_step` from the activities of the noisy pass,
gated by a constant or by the choice dopamine. Layers whose input no
projection changes during a phase (the frozen filters of a convolutional
network, the normalised images) are computed once per phase for the whole
data set and reused.
"""
import numpy as np

from ..classify import (check_weights, choice_dopamine, classifier_population, explore_noise, gate,
                        initial_weights)
from .threads import limited_blas
from .classifier_layers import CONNECTION_BUILDERS, LAYER_BUILDERS

__all__ = ["RateClassifier", "build_classifier"]


def build_classifier(network, *, seed=0, target=None, progress=False):
    """A :class:`RateClassifier` of ``network`` (``target`` is ignored: numpy)."""
    return RateClassifier(network, seed)


class RateClassifier:
    """A classifier description built as batched numpy layers.

    Attributes
    ----------
    layers : dict
        Population name -> built layer, in declaration (feedforward) order.
    connections : dict
        Projection name -> built connection (``W`` its weights).
    """

    def __init__(self, network, seed=0, chunk=2000, batch=20):
        self.network, self.chunk, self.batch = network, chunk, batch
        self.output = classifier_population(network)
        W0 = initial_weights(network, seed)
        self.connections = {}
        for name, proj in network.projections.items():
            W = W0.get(name)
            if W is not None:
                W = W.astype(proj.rate.dtype)
            self.connections[name] = CONNECTION_BUILDERS.lookup(proj.connectivity)(proj, W, network)
        outgoing = {n: [p.rate.dtype for p in network.projections.values() if p.pre == n]
                    for n in network.populations}
        # a layer is kept in the lowest precision its consumers use (float32 halves the cached features)
        self.layers = {n: LAYER_BUILDERS.build(pop, "float32" if "float32" in outgoing[n] else "float64")
                       for n, pop in network.populations.items()}
        self.incoming = {n: [k for k, p in network.projections.items() if p.post == n] for n in network.populations}
        self.inputs = [n for n, pop in network.populations.items() if not self.incoming[n]]
        self._cache, self._phase = {}, None

    # --- weights -----------------------------------------------------------
    def weights(self):
        return {k: c.W for k, c in self.connections.items() if c.W is not None}

    def set_weights(self, weights, source="weights"):
        check_weights(self.weights(), weights, source)
        for k, W in weights.items():
            c = self.connections[k]
            c.W = np.array(W, dtype=c.W.dtype)
            c.version += 1

    def state(self):
        return {f"W/{k}": W for k, W in self.weights().items()}

    def load_state(self, state):
        self.set_weights({k[2:]: v for k, v in state.items() if k.startswith("W/")}, "checkpoint")

    # --- forward pass --------------------------------------------------------
    def _upstream(self, pop):
        """Projections whose weights the activity of ``pop`` depends on."""
        out, todo = set(), list(self.incoming[pop])
        while todo:
            k = todo.pop()
            if k not in out:
                out.add(k)
                todo += self.incoming[self.network.projections[k].pre]
        return out

    def _start(self, phase):
        """The deepest population that ``phase`` neither trains nor explores
        upstream of (its activity can be computed once for the phase), never
        the classifier itself."""
        learn = set(phase.learn) if phase is not None else set()
        explored = phase.explore.population if phase is not None and phase.explore is not None else None
        start = self.inputs[0]
        for n in self.layers:
            if n == self.output or n == explored or self._upstream(n) & learn:
                break
            start = n
        return start

    def _activity(self, x, pop):
        """Activity of ``pop`` for all of ``x`` (cached while its upstream weights stay)."""
        key = (id(x), pop, tuple(self.connections[k].version for k in sorted(self._upstream(pop))))
        hit = self._cache.get(key)
        if hit is not None and hit[0] is x:
            return hit[1]
        inp = self.inputs[0]
        parts = [self._forward({inp: self.layers[inp].activate(x[i:i + self.chunk])}, stop=pop)[0][pop]
                 for i in range(0, len(x), self.chunk)]
        act = np.concatenate(parts)
        self._cache = {k: v for k, v in self._cache.items() if k[0] != id(x)}  # one entry per data set
        self._cache[key] = (x, act)
        return act

    def _forward(self, acts, noise=None, stop=None, drives=None):
        """Complete ``acts`` (population -> activity) in declaration order,
        computing each population whose inputs are known.

        ``noise``: ``(population, array)`` added to that population's drive.
        Returns ``(acts, drives)``.
        """
        acts, drives = dict(acts), dict(drives or {})
        for n, layer in self.layers.items():
            pres = [self.network.projections[k].pre for k in self.incoming[n]]
            if n not in acts and pres and all(p in acts for p in pres):
                if noise is not None and noise[0] == n and n in drives:
                    d = drives[n]  # the noisy pass: this population's inputs are those of the clean pass
                else:
                    d = None
                    for k, pre in zip(self.incoming[n], pres):
                        part = self.connections[k].drive(acts[pre])
                        d = part if d is None else d + part
                if noise is not None and noise[0] == n:
                    d = d + noise[1]
                drives[n], acts[n] = d, layer.activate(d)
            if n == stop:
                break
        return acts, drives

    # --- training and prediction -------------------------------------------
    @limited_blas
    def train_epoch(self, x, labels, phase, rng):
        """One pass over ``x`` in shuffled mini-batches; returns the online greedy
        error (NaN in a phase that never asks for the classifier's choice)."""
        self._phase = phase
        start = self._start(phase)
        data = self._activity(x, start)
        order = rng.permutation(len(x))
        bs, wrong = phase.batch or self.batch, 0
        learn = [k for k in self.connections if k in phase.learn]
        explored = phase.explore.population if phase.explore is not None else None
        # the classifier's choice is needed only to explore or to gate by reward
        choose = explored is not None or any(isinstance(phase.learn[k], str) for k in learn)
        order_ = list(self.layers)
        stop = self.output if choose else max((self.network.projections[k].post for k in learn), key=order_.index)
        for b in range(0, len(x), bs):
            idx = order[b:b + bs]
            lb = labels[idx]
            acts, drives = self._forward({start: data[idx]}, stop=stop)
            if not choose:
                greedy = taken = None
            else:
                greedy = np.argmax(drives[self.output], 1)
                wrong += int(np.sum(greedy != lb))
                taken = greedy
            if explored is not None:
                noise = explore_noise(phase.explore, drives[explored].shape, rng)
                keep = {n: a for n, a in acts.items() if order_.index(n) < order_.index(explored)}
                acts, drives = self._forward(keep, noise=(explored, noise), drives=drives)
                taken = np.argmax(drives[self.output], 1)
            for k in learn:
                values, const = gate(self.network, phase, k)
                c = self.connections[k]
                pre, post = acts[c.desc.pre], acts[c.desc.post]
                if values is None:
                    # eps * DA for a constant: DA = 1 gives exactly the ungated rule
                    c.learn(pre, post, c.rule.eps * const, None)
                else:
                    c.learn(pre, post, c.rule.eps, choice_dopamine(greedy, taken, lb, values)[0])
        return wrong / len(x) if choose else float("nan")

    @limited_blas
    def predict(self, x):
        """Greedy class of each image of ``x``."""
        start = self._start(self._phase)
        data = self._activity(x, start)
        out = [np.argmax(self._forward({start: data[i:i + self.chunk]})[1][self.output], 1)
               for i in range(0, len(x), self.chunk)]
        return np.concatenate(out)
