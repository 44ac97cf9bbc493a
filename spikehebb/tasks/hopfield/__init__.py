"""Hopfield networks: binary (+-1) associative memories and their spiking version.

* :mod:`.storage`: Hebbian, Storkey and pseudo-inverse weights.
* :mod:`.dynamics`: synchronous / asynchronous updates, energy, overlap, noisy cues.
* :mod:`.modern`: modern Hopfield (Ramsauer et al. 2020) and dense associative
  memory (Krotov & Hopfield 2016).
* :mod:`.patterns`: random patterns, rendered letters, image patches (no download).
* :mod:`.network`: :class:`HopfieldNetwork` (``fit`` / ``recall``) and the metrics.
* :mod:`.capacity`: recalled fraction against load, critical load.
* :mod:`.spiking`: the stored weights on LIF neurons (Brian2 backend).
* :mod:`.task`: the ``hopfield`` task run by ``spikehebb run``.
"""
from .network import RULES, HopfieldNetwork, recall_overlap, recalled_fraction

__all__ = ["RULES", "HopfieldNetwork", "recall_overlap", "recalled_fraction"]
