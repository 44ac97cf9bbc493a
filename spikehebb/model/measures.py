"""Metric specifications: which numbers a model reports (computed in spikehebb.metrics)."""
from .schema import Description, Field, Registry

MEASURES = Registry("metric type")


@MEASURES.register
class OutputRate(Description):
    """``output_rate_hz``: mean firing rate of ``population`` over the last ``fraction`` of the run."""

    TYPE = "output_rate"
    FIELDS = (Field("population", "str"), Field("fraction", "float", 1.0, positive=True),
              Field("key", "str", "output_rate_hz"))


@MEASURES.register
class WeightDistribution(Description):
    """``weight_fraction_near_max``/``_near_zero`` (within ``margin`` of each bound, as a
    fraction of the range) and ``mean_weight_over_max`` of ``projection``'s final weights."""

    TYPE = "weight_distribution"
    FIELDS = (Field("projection", "str"), Field("margin", "float", 0.1, positive=True))


@MEASURES.register
class RewardedSynapse(Description):
    """``rewarded_weight_over_max`` of the synapse ``pre -> post`` of ``projection`` and
    ``others_mean_weight_over_max`` of all its other synapses, or of all synapses of
    the projection ``others`` when given."""

    TYPE = "rewarded_synapse"
    FIELDS = (Field("projection", "str"), Field("pre", "int", nonnegative=True),
              Field("post", "int", nonnegative=True), Field("others", "str", None))


@MEASURES.register
class Rewards(Description):
    """``rewards_delivered``: number of reward events of ``modulator``."""

    TYPE = "rewards"
    FIELDS = (Field("modulator", "str", "dopamine"),)


@MEASURES.register
class PCCosine(Description):
    r"""``pc_cosine_1 .. pc_cosine_K``: how well the weight vectors of ``projection``
    match the principal components of its input (Hebbian PCA).

    For output unit :math:`j` with weight vector :math:`w_j` (over the inputs)
    and the eigenvector :math:`e_k` of the input's second-moment matrix
    :math:`C = \langle x x^\top \rangle` that the rule converges to,

    .. math:: \cos_j = \frac{|w_j \cdot e_k|}{\lVert w_j \rVert}

    (1 at convergence; the sign of an eigenvector is arbitrary). Sanger's rule
    learns :math:`k = j` (in order, Sanger 1989); Oja's and Hebb's rules make
    every unit learn :math:`k = 1` (Oja 1982). The input must be a
    ``rate_patterns`` population, whose :math:`C` is known exactly
    (:func:`pattern_second_moment`); its eigenvectors come from ``numpy.linalg.eigh``.

    References
    ----------
    Oja (1982) J. Math. Biol. 15:267. Sanger (1989) Neural Netw. 2:459.
    """

    TYPE = "pc_cosine"
    FIELDS = (Field("projection", "str"),)


@MEASURES.register
class Selectivity(Description):
    r"""``selectivity_mean`` (and ``selectivity_J`` per output unit, up to 10 units) of
    the units that ``projection`` drives, after learning, and the same before learning
    (``selectivity_before_mean``, ``selectivity_before_J``) from the initial weights.

    The selectivity of unit :math:`j` over the stimulus set (the noiseless
    patterns of the ``rate_patterns`` input) is (Bienenstock, Cooper & Munro 1982)

    .. math:: \mathrm{SEL}_j = 1 - \frac{\langle y_j \rangle_s}{\max_s y_j}

    with :math:`y_j(s)` the unit's steady response to pattern :math:`s` through
    this projection alone: 0 for a unit that answers every pattern alike, and
    :math:`1 - 1/S` for one that answers one of :math:`S` patterns only. NaN for
    a unit silent to every pattern.

    References
    ----------
    Bienenstock, Cooper & Munro (1982) J. Neurosci. 2:32.
    """

    TYPE = "selectivity"
    FIELDS = (Field("projection", "str"),)


def build_measures(tables, network, where="metrics"):
    """Validate the ``[[metrics]]`` list against ``network``'s names."""
    from .errors import ModelError
    out = []
    for k, table in enumerate(tables or []):
        w = f"{where}[{k}]"
        m = MEASURES.build(table, w) if isinstance(table, dict) else table
        for attr, names in (("population", network.populations), ("projection", network.projections),
                            ("others", network.projections), ("lateral", network.projections),
                            ("modulator", network.modulators)):
            value = getattr(m, attr, None)
            if value is not None and value not in names:
                raise ModelError(f"{w}.{attr}", f"no {attr} {value!r}")
        out.append(m)
    return out
