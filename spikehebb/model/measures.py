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


def build_measures(tables, network, where="metrics"):
    """Validate the ``[[metrics]]`` list against ``network``'s names."""
    from .errors import ModelError
    out = []
    for k, table in enumerate(tables or []):
        w = f"{where}[{k}]"
        m = MEASURES.build(table, w) if isinstance(table, dict) else table
        for attr, names in (("population", network.populations), ("projection", network.projections),
                            ("others", network.projections),
                            ("modulator", network.modulators)):
            value = getattr(m, attr, None)
            if value is not None and value not in names:
                raise ModelError(f"{w}.{attr}", f"no {attr} {value!r}")
        out.append(m)
    return out
