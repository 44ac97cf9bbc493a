"""The rate backend: any :class:`~spikehebb.model.Network` as a network of rate units (numpy).

The engine is in :mod:`.simulation`; see there for what is and is not
modelled. Builders per description type are in :mod:`.populations`,
:mod:`.rules`, :mod:`.native_rules` and :mod:`.modulators`.
"""
from .classifier import build_classifier
from .hopfield import build_memory
from .network import RateNetwork
from .simulation import simulate

__all__ = ["simulate", "RateNetwork", "build_classifier", "build_memory"]
