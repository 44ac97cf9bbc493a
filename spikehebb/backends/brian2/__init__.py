"""The spiking backend: a :class:`~spikehebb.model.Network` as an explicit ``brian2.Network``.

The engine is in :mod:`.simulation`; builders per description type are in
:mod:`.populations`, :mod:`.synapses`, :mod:`.modulators` and :mod:`.wta`,
targets in :mod:`.device`.
"""
from .hopfield import build_memory
from .simulation import Simulation, build_classifier, simulate

__all__ = ["simulate", "Simulation", "build_classifier", "build_memory"]
