"""Connectivity and initial weights, shared by all backends.

Drawn from the run's ``numpy.random.Generator`` in a fixed order, so the
spiking and rate backends build the same synapses for the same seed.
"""
import numpy as np


def connection_indices(proj, network, rng):
    """Pre and post indices of all synapses of ``proj``.

    Returns
    -------
    i, j : ndarray of int
        Synapse ``k`` connects pre neuron ``i[k]`` to post neuron ``j[k]``,
        sorted by ``i`` then ``j``.
    """
    n_pre = network.populations[proj.pre].n
    n_post = network.populations[proj.post].n
    if proj.connectivity == "indices":
        return np.asarray(proj.i), np.asarray(proj.j)
    if proj.connectivity == "one_to_one":
        return np.arange(n_pre), np.arange(n_post)
    if proj.connectivity == "all_to_all":
        mask = np.ones((n_pre, n_post), bool)
    else:
        mask = rng.random((n_pre, n_post)) < proj.p
    if proj.pre == proj.post and not proj.autapses:
        np.fill_diagonal(mask, False)
    return np.nonzero(mask)


def initial_weights(proj, count, rng):
    """Initial weights of ``count`` synapses as SI floats."""
    lo = np.broadcast_to(np.asarray(proj.w_init, float), (count,))
    if proj.w_init_high is None:
        return lo.copy()
    hi = np.asarray(proj.w_init_high, float)
    return lo + (hi - lo) * rng.random(count)
