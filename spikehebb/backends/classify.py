"""What both backends' classifiers share: input normalisation, the choice dopamine table,
and the interface a classifier built from a description offers to a task.

A backend's classifier (``rate.classifier.RateClassifier``,
``brian2.classifier.SpikeClassifier``) is built by
:func:`spikehebb.backends.build_classifier` and offers::

    weights() -> {projection: ndarray}      # plastic weights W, in the rule's units
    set_weights({projection: ndarray})      # ModelError (one line) on a name or shape mismatch
    state() -> {name: ndarray}; load_state(state)   # everything a checkpoint needs
    train_epoch(x, labels, phase, rng) -> float     # one pass; online (greedy) training error
    predict(x) -> ndarray of int                    # the classifier's greedy choice

``x`` are raw images ``(N, H, W)`` as floats (pixel values as stored);
``phase`` is a :class:`spikehebb.tasks.mnist.protocol.Phase`.
"""
import numpy as np

from ..model.errors import ModelError


def normalise(x, total, offset=1.0):
    r"""Scale each row to sum ``total - D * offset`` and add ``offset``.

    .. math:: y_d = (A - D\,o)\, x_d / \textstyle\sum_{d'} x_{d'} + o

    Rows that are all zero become uniform. Works on the last axis.
    """
    x = np.asarray(x, dtype=float) if not np.issubdtype(np.asarray(x).dtype, np.floating) else x
    D = x.shape[-1]
    s = x.sum(-1, keepdims=True)
    safe = np.where(s > 0, s, 1.0)
    scaled = np.where(s > 0, x / safe, 1.0 / D)
    return (total - D * offset) * scaled + offset


def softmax(u, t):
    r"""Soft winner-take-all over the last axis, temperature ``t``:
    :math:`s_j = e^{u_j/t} / \sum_k e^{u_k/t}`."""
    z = (u - u.max(-1, keepdims=True)) / t
    np.exp(z, out=z)
    z /= z.sum(-1, keepdims=True)
    return z


def explore_noise(explore, shape, rng):
    """A phase's exploration noise: U(0, scale) or N(0, scale) of ``shape``."""
    if explore.distribution == "normal":
        return rng.normal(0.0, explore.scale, shape)
    return rng.uniform(0.0, explore.scale, shape)


def choice_dopamine(greedy, taken, labels, values):
    """Dopamine per sample from predicted and received reward (see
    :class:`spikehebb.model.classifier.ChoiceReward`).

    Returns
    -------
    da : ndarray (batch,)
    reward : ndarray of bool (batch,)
    """
    predicted = np.asarray(greedy) == np.asarray(taken)
    reward = np.asarray(taken) == np.asarray(labels)
    idx = np.where(reward, np.where(predicted, 1, 0), np.where(predicted, 3, 2))
    return np.asarray(values, dtype=float)[idx], reward


def gate(network, phase, proj_name):
    """``(values or None, constant)``: a projection's dopamine in ``phase``:
    a ``choice_reward`` table, or a constant (None when frozen)."""
    g = phase.learn.get(proj_name)
    if g is None:
        return None, None
    if isinstance(g, str):
        return network.modulators[g].source.values, None
    return None, float(g)


def classifier_population(network):
    """The population whose most active unit is the choice: the one the
    ``choice_reward`` modulators read, else the last soft-WTA population."""
    pops = {m.source.population for m in network.modulators.values()
            if getattr(m.source, "TYPE", "") == "choice_reward"}
    if len(pops) > 1:
        raise ModelError("modulators", f"choice_reward modulators read different populations: {sorted(pops)}")
    if pops:
        return pops.pop()
    wta = [n for n, p in network.populations.items() if p.TYPE == "soft_wta"]
    if not wta:
        raise ModelError("populations", "a classifier needs a soft_wta population")
    return wta[-1]


def check_weights(expected, given, source):
    """Raise one line unless ``given`` has the names and shapes of ``expected``."""
    if set(given) != set(expected):
        raise ModelError(source, f"holds weights of projections {sorted(given)}; this model has {sorted(expected)}")
    for k, v in expected.items():
        if np.shape(given[k]) != np.shape(v):
            raise ModelError(source, f"projection {k}: weights of shape {np.shape(given[k])}, this model needs {np.shape(v)}")


def weight_shape(network, name):
    """Shape of a plastic projection's weights: ``(n_pre, n_post)``, or
    ``(kernel**2, maps)`` for a shared convolution kernel."""
    proj = network.projections[name]
    conn = proj.connectivity
    post = network.populations[proj.post]
    if getattr(conn, "TYPE", None) == "conv":
        return (conn.kernel ** 2, post.n)
    return (network.populations[proj.pre].n, post.n)


def initial_weights(network, seed):
    """Initial weights of every plastic projection, the same on both backends.

    Drawn in declaration order from ``numpy.random.default_rng([seed, 0])``:
    ``w_init + (w_init_high - w_init) * U(0, 1)`` per weight (``w_init`` alone
    when there is no upper end).
    """
    rng = np.random.default_rng([seed, 0])
    out = {}
    for name, proj in network.projections.items():
        if not proj.rule.PLASTIC:
            continue
        shape = weight_shape(network, name)
        lo = float(proj.w_init)
        if proj.w_init_high is None:
            W = np.full(shape, lo)
        else:
            W = rng.random(shape) * (float(proj.w_init_high) - lo) + lo
        out[name] = W
    return out
