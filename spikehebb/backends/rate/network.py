"""The rate network: built once from a description, stepped with explicit Euler steps.

The step is the network's ``dt`` exactly (a model file states a coarser one for
the rate backend in its ``[rate]`` table). Step order (per ``dt``): populations
update in the order they are declared, each from the latest rates of its
presynaptic populations (so a feedforward chain declared in order has no lag;
recurrent loops see the previous step); then modulators advance; then every
plastic projection applies its rule to the new rates, and weights are clipped
to their bounds.
"""
from types import SimpleNamespace

import numpy as np
from scipy import sparse

from ...model.units import to_si
from ..connectivity import connection_indices, initial_weights
from . import native_rules  # noqa: F401  (registers the rate-native rule builders)
from . import literature_rules  # noqa: F401  (registers the literature rules and their populations)
from .modulators import ModulatorRun
from .populations import POPULATION_BUILDERS
from .rules import RULE_BUILDERS


class Projection:
    """A built projection: synapse index arrays, SI weights, its rule."""

    def __init__(self, name, proj, network, rng):
        self.name, self.desc = name, proj
        self.i, self.j = (np.asarray(a) for a in connection_indices(proj, network, rng))
        self.w = initial_weights(proj, len(self.i), rng).astype(float)
        self.w0 = self.w.copy()
        self.n_pre, self.n_post = network.populations[proj.pre].n, network.populations[proj.post].n
        self.w_min = float(to_si(proj.w_min))
        self.w_max = float(to_si(proj.w_max)) if proj.w_max is not None else np.inf
        self.rule = RULE_BUILDERS.build(proj.rule, proj, SimpleNamespace(
            i=self.i, j=self.j, n_pre=self.n_pre, n_post=self.n_post))
        # a (post, pre) CSR matrix whose data follow the synapses through ``order``: the
        # drive is one sparse product, and plastic weights are written into it in place
        self.order = np.argsort(self.j, kind="stable")
        indptr = np.concatenate([[0], np.cumsum(np.bincount(self.j, minlength=self.n_post))])
        self._mats = {k: sparse.csr_matrix((np.zeros(len(self.i)), self.i[self.order], indptr),
                                           shape=(self.n_post, self.n_pre)) for k in (1, 2)}
        self._stale = {1: True, 2: True}
        self._cache = {}  # power -> (pre rates, drive) of the last product

    def set_weights(self, w):
        self.w = w
        self._stale = {1: True, 2: True}
        self._cache.clear()

    def drive(self, pre_rate, power):
        """``sum_i w^power r_pre`` onto each post unit."""
        cached = self._cache.get(power)
        # constant inputs and settled rates repeat exactly: comparing is cheaper than the product
        if cached is not None and np.array_equal(cached[0], pre_rate):
            return cached[1]
        mat = self._mats[power]
        if self._stale[power]:
            mat.data[:] = self.w[self.order] ** power
            self._stale[power] = False
        out = mat @ pre_rate
        self._cache[power] = (pre_rate.copy(), out)
        return out


class RateNetwork:
    """All state of one rate run; :meth:`step` advances it by ``dt``."""

    def __init__(self, network, seed):
        self.network = network
        self.rng = np.random.default_rng(seed)
        # the model's dt exactly: a coarser rate step is stated in the model file's
        # [rate] table (e.g. [rate.model] dt = "1 ms"), never chosen here behind its back
        self.dt = float(network.dt)
        self.units = {}
        for name, pop in network.populations.items():
            self.units[name] = POPULATION_BUILDERS.build(pop, self.rng)
            if getattr(pop, "v_init", None) == "uniform":
                # the spiking backend draws initial potentials here: keep the generator's
                # stream aligned so that both backends build the same synapses and weights
                self.rng.random(pop.n)
        self.modulators = {name: ModulatorRun(name, m, self) for name, m in network.modulators.items()}
        self.projections = {name: Projection(name, p, network, self.rng)
                            for name, p in network.projections.items()}
        self.incoming = {name: [p for p in self.projections.values() if p.desc.post == name]
                         for name in self.units}

    @property
    def rates(self):
        return {name: u.rate for name, u in self.units.items()}

    def step(self, t):
        dt = self.dt
        for name, units in self.units.items():
            drive = {}
            powers = (1, 2) if units.receives == "lif" else (1,)
            for proj in self.incoming[name]:
                pre = self.units[proj.desc.pre].rate
                for k in powers:
                    key = (proj.desc.receptor, k)
                    drive[key] = drive.get(key, 0.0) + proj.drive(pre, k)
            units.update(t, dt, drive)
        for mod in self.modulators.values():
            mod.step(t, dt, self)
        for proj in self.projections.values():
            if proj.rule.plastic:
                pre = self.units[proj.desc.pre].rate[proj.i]
                post = self.units[proj.desc.post].rate[proj.j]
                proj.set_weights(np.clip(proj.rule.step(proj.w, pre, post, dt, self), proj.w_min, proj.w_max))
