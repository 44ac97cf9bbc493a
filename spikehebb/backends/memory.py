r"""What both backends share for associative memories: storage rules (pure functions), checks, overlap, energy.

Each rule maps patterns :math:`\xi^\mu \in \{-1, +1\}^N` (rows of a
``(P, N)`` array) to a symmetric ``(N, N)`` weight matrix with zero diagonal.
The diagonal is removed in every rule because self-coupling makes any state
near a pattern a spurious fixed point (it adds :math:`W_{ii} s_i` to the field
of unit :math:`i` in favour of its current sign).

References
----------
.. [1] J. J. Hopfield, "Neural networks and physical systems with emergent
   collective computational abilities", PNAS 79, 2554 (1982).
.. [2] A. Storkey, "Increasing the capacity of a Hopfield network without
   sacrificing functionality", ICANN 1997, LNCS 1327, 451-456.
.. [3] L. Personnaz, I. Guyon, G. Dreyfus, "Collective computational properties
   of neural networks: new learning mechanisms", Phys. Rev. A 34, 4217 (1986).
.. [4] D. J. Amit, H. Gutfreund, H. Sompolinsky, "Storing infinite numbers of
   patterns in a spin-glass model of neural networks", PRL 55, 1530 (1985).
"""
import numpy as np

from ..model.errors import ModelError

RULES = ("hebbian", "storkey", "pseudo_inverse")


def overlap(states, targets):
    r"""Overlap :math:`m = s \cdot \xi / N` of each state with its target (row by row)."""
    s, t = np.asarray(states, dtype=float), np.asarray(targets, dtype=float)
    return np.sum(s * t, axis=-1) / s.shape[-1]


def check_patterns(patterns, where="patterns", n=None, population=None):
    """Return ``patterns`` as a float ``(P, N)`` array of +-1, or raise :class:`ModelError`.

    With ``n``, the patterns must have that many bits (the units of ``population``).
    """
    x = np.asarray(patterns, dtype=float)
    if x.ndim == 1:
        x = x[None, :]
    if x.ndim != 2 or x.shape[1] < 2:
        raise ModelError(where, f"expected a (P, N) array of +-1 patterns, got shape {np.shape(patterns)}")
    if not np.all(np.abs(x) == 1):
        raise ModelError(where, "patterns must contain only -1 and +1")
    if n is not None and x.shape[1] != n:
        raise ModelError(where, f"{x.shape[1]} bits per pattern, but population {population!r} has n = {n} units")
    return x


def check_cues(cues, n):
    """``cues`` as a float ``(B, N)`` array with ``N = n`` bits each, or raise :class:`ModelError`."""
    s = np.array(cues, dtype=float, ndmin=2)
    if s.shape[1] != n:
        raise ModelError("cues", f"expected {n} bits per cue, got {s.shape[1]}")
    return s


def energy(weights, states):
    r"""Energy :math:`E = -\frac12 s^T W s` of each state (``(B,)`` or a scalar).

    A matrix product and a row sum: a three-operand ``einsum`` does not use
    BLAS and was 70 times slower at N = 1000 (issue 10).
    """
    s = np.asarray(states, dtype=float)
    return -0.5 * np.sum((s @ weights) * s, axis=-1)


def hebbian(patterns):
    r"""Hebbian outer-product rule [1]_.

    .. math::

        W_{ij} = \frac{1}{N} \sum_{\mu=1}^{P} \xi_i^\mu \xi_j^\mu, \qquad W_{ii} = 0

    Stable retrieval states exist up to :math:`P/N \approx 0.138` for large
    :math:`N` [4]_.
    """
    x = check_patterns(patterns)
    w = x.T @ x / x.shape[1]
    np.fill_diagonal(w, 0.0)
    return w


def storkey(patterns):
    r"""Storkey's incremental, local rule [2]_ (higher capacity than Hebbian).

    For each new pattern :math:`\xi` (in order),

    .. math::

        W_{ij} \leftarrow W_{ij} + \frac{1}{N}\left(\xi_i \xi_j - \xi_i h_{ji} - h_{ij} \xi_j\right),
        \qquad h_{ij} = \sum_{k \ne i, j} W_{ik} \xi_k ,

    and the diagonal is set to zero at the end. With
    :math:`h_{ij} = h_i - W_{ii}\xi_i - W_{ij}\xi_j` and :math:`\xi_i^2 = 1`
    the update is two rank-one terms and the matrix itself,

    .. math::

        W \leftarrow W + \frac{1}{N}\left(\xi u^T + u \xi^T + W + W^T\right), \qquad
        u = \tfrac12 \xi - h + \operatorname{diag}(W) \odot \xi, \quad h = W\xi ,

    which costs a few passes over :math:`W` per pattern instead of building
    the matrix :math:`h_{ij}`; :math:`W` stays exactly symmetric.
    """
    x = check_patterns(patterns)
    n = x.shape[1]
    w = np.zeros((n, n))
    for xi in x:
        u = 0.5 * xi - w @ xi + np.diag(w) * xi
        a = np.outer(xi, u)
        a += a.T  # xi u^T + u xi^T
        a += w  # W + W^T = 2 W (symmetric)
        a += w
        a /= n
        w += a
    np.fill_diagonal(w, 0.0)
    return w


def pseudo_inverse(patterns):
    r"""Pseudo-inverse (projection) rule [3]_.

    .. math::

        W = \frac{1}{N} \sum_{\mu\nu} \xi^\mu (Q^{-1})_{\mu\nu} (\xi^\nu)^T,
        \qquad Q_{\mu\nu} = \frac{1}{N} \xi^\mu \cdot \xi^\nu ,

    i.e. the orthogonal projector onto the span of the patterns (``pinv(X) @ X``
    when the patterns are linearly dependent), with the
    diagonal set to zero. Every stored pattern is a fixed point for
    :math:`P < N`: the field is :math:`(1 - W_{ii}) \xi_i` with
    :math:`W_{ii} < 1`.
    """
    x = check_patterns(patterns)
    try:  # X^T (X X^T)^-1 X: a P x P solve, much cheaper than an SVD of X for P < N
        w = x.T @ np.linalg.solve(x @ x.T, x)
    except np.linalg.LinAlgError:  # dependent patterns: the pseudo-inverse covers them
        w = np.linalg.pinv(x) @ x
    w = (w + w.T) / 2  # exact symmetry despite rounding: needed for the energy argument
    np.fill_diagonal(w, 0.0)
    return w


def store(patterns, rule="hebbian"):
    """Weights from ``patterns`` with the named storage ``rule`` (one of :data:`RULES`)."""
    if rule not in RULES:
        raise ModelError("rule", f"expected one of {', '.join(RULES)}; got {rule!r}")
    return {"hebbian": hebbian, "storkey": storkey, "pseudo_inverse": pseudo_inverse}[rule](patterns)
