"""Hopfield networks: binary (+-1) associative memories, modern and dense memories, on either backend.

The network is a model description (:mod:`spikehebb.model.hopfield`); the
storage rules and dynamics belong to the backends
(:mod:`spikehebb.backends.memory`, ``backends/rate/hopfield*.py``,
``backends/brian2/hopfield.py``). Here:

* :mod:`.memory`: :class:`HopfieldMemory` (``fit`` / ``recall``, scikit-learn
  conventions) and the metrics;
* :mod:`.patterns`: random patterns, rendered letters, image patches (no
  download), noisy cues;
* :mod:`.capacity`: recalled fraction against load, critical load;
* :mod:`.task`: the ``hopfield`` task run by ``spikehebb run``;
  :mod:`.compare`: ``spikehebb compare`` on it.
"""
from .memory import HopfieldMemory, recall_overlap, recalled_fraction

__all__ = ["HopfieldMemory", "recall_overlap", "recalled_fraction"]
