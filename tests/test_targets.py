"""numpy, cython and cpp_standalone agree; seeds reproduce; standalone builds are reused."""
import numpy as np
import pytest

from spikehebb.backends import simulate
from spikehebb.backends.base import compiler_available
from spikehebb.backends.brian2 import Simulation
from spikehebb.model import LIF, Network, PairSTDP, PoissonInput, Projection, SpikeTimes

needs_compiler = pytest.mark.skipif(not compiler_available(), reason="no C++ compiler")


def deterministic_network():
    """Spike-time inputs into a small recurrent LIF network with plastic input weights."""
    rng = np.random.default_rng(7)
    n_in, times = 20, np.sort(rng.integers(1, 3000, 120)) * 0.1
    idx = rng.integers(0, n_in, len(times))
    keep = np.unique(np.c_[idx, times], axis=0)  # at most one spike per neuron and step
    return Network(
        name="det", duration="400 ms", dt="0.1 ms",
        populations={"inp": SpikeTimes(n=n_in, indices=keep[:, 0].astype(int),
                                       times=[f"{t:.1f} ms" for t in keep[:, 1]]),
                     "cells": LIF(n=10, synapse="current", tau_m="10 ms", v_th="-60 mV", t_ref="2 ms")},
        projections={"ff": Projection(pre="inp", post="cells", w_init="150 pA", w_init_high="400 pA",
                                      w_max="500 pA", rule=PairSTDP(a_plus=0.05, a_minus=0.05)),
                     "rec": Projection(pre="cells", post="cells", connectivity="fixed_probability",
                                       p=0.3, receptor="inh", w_init="100 pA", delay="1 ms")},
        record={"spikes": ["cells"], "weights": ["ff"], "weight_dt": "10 ms"})


def _spikes(res):
    t, i = res.spikes["cells"]
    order = np.lexsort((i, t))
    return np.round(t[order] * 1e4).astype(int), i[order]


@pytest.mark.slow  # minutes on 2 loaded cores: outside the fast subset
@needs_compiler
def test_targets_give_identical_spikes_and_weights():
    net = deterministic_network()
    ref = simulate(net, "spike", seed=1, target="numpy")
    assert len(ref.spikes["cells"][0]) > 50  # the network is active
    for target in ("cython", "cpp_standalone"):
        res = simulate(net, "spike", seed=1, target=target)
        for a, b in zip(_spikes(ref), _spikes(res)):
            np.testing.assert_array_equal(a, b)
        np.testing.assert_allclose(res.weights["ff"]["final"], ref.weights["ff"]["final"], rtol=1e-9)


def poisson_network():
    return Network(name="poisson", duration="300 ms",
                   populations={"inp": PoissonInput(n=50, rate="20 Hz"),
                                "cells": LIF(n=5, synapse="conductance", tau_m="10 ms")},
                   projections={"ff": Projection(pre="inp", post="cells", w_init="2 nS", w_init_high="4 nS")},
                   record={"spikes": ["cells", "inp"]})


def test_same_seed_same_result_other_seed_differs():
    net = poisson_network()
    a, b = (simulate(net, "spike", seed=5, target="numpy") for _ in range(2))
    c = simulate(net, "spike", seed=6, target="numpy")
    for x, y in zip(a.spikes["inp"], b.spikes["inp"]):
        np.testing.assert_array_equal(x, y)
    np.testing.assert_array_equal(a.spikes["cells"][0], b.spikes["cells"][0])
    assert not np.array_equal(a.spikes["inp"][0], c.spikes["inp"][0])


@needs_compiler
@pytest.mark.slow  # a standalone compile (the build cache tests cover reuse in the fast subset)
def test_standalone_trials_reuse_one_build():
    """Trials re-run the compiled binary with a new seed; seed 5 matches the numpy target."""
    net = poisson_network()
    with Simulation(net, target="cpp_standalone", seed=5) as sim:
        first = sim.run(seed=5)
        binary_mtime = _binary_mtime(sim.project)
        other = sim.run(seed=6)
        again = sim.run(seed=5)
        assert _binary_mtime(sim.project) == binary_mtime  # not rebuilt
    np.testing.assert_array_equal(first.spikes["inp"][0], again.spikes["inp"][0])
    assert not np.array_equal(first.spikes["inp"][0], other.spikes["inp"][0])
    runtime = simulate(net, "spike", seed=5, target="numpy")
    np.testing.assert_array_equal(first.spikes["inp"][1], runtime.spikes["inp"][1])


def _binary_mtime(project):
    import os
    return os.path.getmtime(os.path.join(project, "main"))
