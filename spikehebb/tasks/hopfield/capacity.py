r"""Capacity measurements: recalled fraction against load :math:`\alpha = P/N`.

Protocol (also written into the capacity JSON): store :math:`P` random
patterns, start the dynamics at every stored pattern (optionally with a
fraction ``flip`` of its bits flipped), run to a fixed point, and count a
pattern as recalled when the final state has at most ``max_error`` (1 %) wrong
bits. The critical load :math:`\alpha_c` is where the recalled fraction first
falls below 1/2, linearly interpolated between the measured loads.

Theory to compare with: retrieval states with about 1.6 % wrong bits vanish
at :math:`\alpha_c \approx 0.138` for Hebbian storage and large :math:`N` [1]_;
every pattern is an exact fixed point with high probability only up to
:math:`P \approx N / (2 \ln N)` [2]_; Storkey storage goes beyond Hebbian [3]_.

References
----------
.. [1] D. J. Amit, H. Gutfreund, H. Sompolinsky, PRL 55, 1530 (1985).
.. [2] R. J. McEliece, E. C. Posner, E. R. Rodemich, S. S. Venkatesh,
   "The capacity of the Hopfield associative memory",
   IEEE Trans. Inf. Theory 33, 461 (1987).
.. [3] A. Storkey, ICANN 1997.
"""
import numpy as np

from ...backends import memory as storage
from ...backends.rate.hopfield_dynamics import async_run
from .network import HopfieldNetwork, recalled_fraction
from .patterns import flip_bits, random_patterns

ALPHA_HEBBIAN = 0.138


def exact_recall_alpha(n):
    r"""Load :math:`1 / (2 \ln N)` up to which a stored pattern is an exact fixed point."""
    return 1.0 / (2.0 * np.log(n))


def recalled_vs_load(rule, n, alphas, trials, rng, max_error=0.01, flip=0.0, max_cues=None, **network_kw):
    """Recalled fraction (over ``trials`` x P patterns) at each load in ``alphas``.

    With ``max_cues``, only that many stored patterns per network (a random
    subset; an unbiased estimate) are used as start states, which bounds the
    cost at large loads.

    Weight-matrix rules with asynchronous updates run all trials of one load
    in a single batched loop (:func:`~spikehebb.backends.rate.hopfield_dynamics.async_run`
    with stacked weights); modern and dense networks run trial by trial.

    Returns
    -------
    fractions : ndarray
        One per load.
    patterns : ndarray of int
        Patterns tested per load (for binomial error bars).
    """
    fractions, counts = [], []
    for alpha in alphas:
        p = max(1, int(round(alpha * n)))
        xs = [random_patterns(p, n, rng) for _ in range(trials)]
        m = p if max_cues is None else min(p, max_cues)
        tested = [x[rng.choice(p, m, replace=False)] if m < p else x for x in xs]
        cues = [flip_bits(t, flip, rng) if flip else t for t in tested]
        if rule in storage.RULES and network_kw.get("update", "async") == "async":
            w = np.stack([storage.store(x, rule) for x in xs])
            final, _ = async_run(w, np.concatenate(cues), rng, network_kw.get("max_sweeps", 50),
                                 groups=np.repeat(np.arange(trials), m))
            frac = recalled_fraction(final, np.concatenate(tested), max_error)
        else:
            frac = np.mean([recalled_fraction(HopfieldNetwork(rule=rule, random_state=rng, **network_kw)
                                              .fit(x).recall(c), t, max_error)
                            for x, t, c in zip(xs, tested, cues)])
        fractions.append(frac)
        counts.append(m * trials)
    return np.array(fractions), np.array(counts)


def critical_alpha(alphas, fractions, level=0.5):
    """Load where ``fractions`` first drops below ``level`` (linear interpolation).

    Returns NaN when the fraction never drops below ``level`` in the range,
    and the first load when it is already below there.
    """
    a, f = np.asarray(alphas, float), np.asarray(fractions, float)
    below = np.flatnonzero(f < level)
    if below.size == 0:
        return float("nan")
    k = below[0]
    if k == 0:
        return float(a[0])
    return float(a[k - 1] + (f[k - 1] - level) * (a[k] - a[k - 1]) / (f[k - 1] - f[k]))
