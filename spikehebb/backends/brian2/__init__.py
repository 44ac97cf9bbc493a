"""The spiking backend: a :class:`~spikehebb.model.Network` as an explicit ``brian2.Network``.

The engine is in :mod:`.simulation`, the classifier in :mod:`.classifier`
and the associative memories in :mod:`.hopfield`; builders per description
type are in :mod:`.populations`, :mod:`.synapses`, :mod:`.modulators` and
:mod:`.wta`, targets in :mod:`.device`.
"""
from .cache_cli import cache_command
from .classifier import build_classifier
from .hopfield import build_memory
from .simulation import Simulation, simulate

__all__ = ["simulate", "Simulation", "build_classifier", "build_memory", "cache_command"]
