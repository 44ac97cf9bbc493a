"""The building blocks shared by the MNIST networks: normalisation, soft
winner-take-all, the Hebbian update and the dopamine (reward-prediction) table.

Every function is vectorised over a batch (first axis).

References
----------
R. Holca-Lamarre, J. Lücke and K. Obermayer (2015). Reward-based learning in
a Hebbian network of cortical neurons. Camera-ready code:
github.com/raphaelholca/hebbianRL; extension: github.com/raphaelholca/hebbianCNN.
J. Lücke and M. Sahani (2008). Maximal causes for non-linear component
extraction. JMLR 9, 1227-1267 (the log-weight/normalisation model).
"""
import numpy as np

#: order of the four dopamine values in every table used here
DA_CASES = ("unpredicted_reward", "predicted_reward", "predicted_no_reward", "omission")


def normalize(x, A):
    """Scale each row to sum ``A - D`` and add 1, so that it sums to ``A``.

    .. math:: y_d = (A - D)\\, x_d / \\textstyle\\sum_{d'} x_{d'} + 1

    The offset keeps every input positive (the model's prior); rows that are
    all zero become uniform.
    """
    x = np.asarray(x, dtype=float)
    D = x.shape[-1]
    s = x.sum(-1, keepdims=True)
    safe = np.where(s > 0, s, 1.0)
    scaled = np.where(s > 0, x / safe, 1.0 / D)
    return (A - D) * scaled + 1.0


def softmax(u, t):
    """Soft winner-take-all over the last axis with temperature ``t``.

    .. math:: s_j = \\exp(u_j / t) / \\textstyle\\sum_k \\exp(u_k / t)
    """
    z = (u - u.max(-1, keepdims=True)) / t
    np.exp(z, out=z)
    z /= z.sum(-1, keepdims=True)
    return z


def hebbian_step(W, pre, post, eps, da=None):
    """Apply one batch of the normalising Hebbian rule in place and return ``W``.

    .. math:: \\Delta W_{ij} = \\epsilon \\sum_b \\mathrm{DA}_b\\, s_{bj} (y_{bi} - W_{ij})

    With ``DA = 1`` and inputs that each sum to :math:`A`, every column of
    ``W`` relaxes to sum :math:`A` (the rule keeps it there). Weights are kept
    strictly positive (their logarithm drives the units).

    Parameters
    ----------
    W : ndarray (n_pre, n_post)
        Weights, changed in place.
    pre : ndarray (batch, n_pre)
        Presynaptic activities :math:`y`.
    post : ndarray (batch, n_post)
        Postsynaptic activities :math:`s`.
    eps : float
        Learning rate :math:`\\epsilon`.
    da : ndarray (batch,), optional
        Dopamine per sample; 1 when omitted.
    """
    g = post * eps if da is None else post * (eps * np.asarray(da, dtype=W.dtype))[:, None]
    # decay first: the decay term uses the weights before this update
    W *= 1.0 - g.sum(0)
    W += pre.T @ g
    np.maximum(W, 1e-10, out=W)
    return W


def dopamine(greedy, taken, labels, table):
    """Dopamine per sample from predicted and received reward.

    The reward is *predicted* when the greedy choice equals the action taken
    after exploration noise, and *received* when the action taken is the label.

    =====================  =========  ========  ===========
    case                   predicted  received  value
    =====================  =========  ========  ===========
    unpredicted reward     no         yes       ``table[0]``
    predicted reward       yes        yes       ``table[1]``
    predicted no-reward    no         no        ``table[2]``
    unpredicted omission   yes        no        ``table[3]``
    =====================  =========  ========  ===========

    Returns
    -------
    da : ndarray (batch,)
    reward : ndarray of bool (batch,)
    """
    predicted = np.asarray(greedy) == np.asarray(taken)
    reward = np.asarray(taken) == np.asarray(labels)
    idx = np.where(reward, np.where(predicted, 1, 0), np.where(predicted, 3, 2))
    return np.asarray(table, dtype=float)[idx], reward


def confusion(labels, predicted, n=10):
    """Confusion counts: rows true class, columns predicted class."""
    cm = np.zeros((n, n), dtype=np.int64)
    np.add.at(cm, (np.asarray(labels), np.asarray(predicted)), 1)
    return cm
