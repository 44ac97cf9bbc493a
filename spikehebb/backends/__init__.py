"""Backends execute a :class:`~spikehebb.model.Network` description.

``"spike"`` is Brian2 (:mod:`spikehebb.backends.brian2`), ``"rate"`` the numpy
rate adapter (:mod:`spikehebb.backends.rate`). Each backend package provides
``simulate(network, *, seed, target, duration, progress) -> RunResult`` (its
engine, in its ``simulation`` module) and ``build_classifier``, and registers
one builder per description type in its own registries. Names, targets and
option checks are in :mod:`.base`; this module is the public API the tasks and
the command line use.
"""
from .base import BACKENDS, get_backend

__all__ = ["simulate", "build_classifier", "build_memory", "get_backend", "BACKENDS"]


def simulate(network, backend="spike", *, seed=0, target=None, duration=None, progress=False):
    """Run ``network`` on ``backend`` and return a :class:`~spikehebb.results.RunResult`.

    Parameters
    ----------
    network : spikehebb.model.Network
    backend : {"spike", "rate"}
    seed : int
        Seeds every random number of the run.
    target : str, optional
        Brian2 code-generation target (spike backend only): ``"numpy"``,
        ``"cython"`` or ``"cpp_standalone"``; default: cpp_standalone where a
        C++ compiler works, else numpy.
    duration : brian2 Quantity, optional
        Overrides ``network.duration``.
    progress : bool
        Show a progress bar.
    """
    return get_backend(backend).simulate(network, seed=seed, target=target, duration=duration,
                                         progress=progress)


def build_classifier(network, backend="rate", *, seed=0, target=None, progress=False):
    """The classifier of ``network`` (soft-WTA layers, normalising Hebbian rules,
    choice dopamine) built on ``backend``; see :mod:`spikehebb.backends.classify`
    for its interface.

    Parameters
    ----------
    network : spikehebb.model.Network
    backend : {"rate", "spike"}
    seed : int
        Seeds the initial weights (both backends draw them alike) and the spike generators.
    target : str, optional
        Brian2 runtime target (spike backend): ``numpy`` or ``cython``.
    """
    return get_backend(backend).build_classifier(network, seed=seed, target=target, progress=progress)


def build_memory(network, backend="rate", *, seed=0, target=None, progress=False):
    """The associative memory of ``network`` (a ``binary_units``, ``modern_hopfield`` or
    ``dense_memory`` population, see :mod:`spikehebb.model.hopfield`) built on ``backend``.

    The memory has ``fit(patterns)``, ``recall(cues, targets=None, record=False) ->
    (states, info)`` and ``energy(states)``; ``weights_`` and ``patterns_`` after ``fit``.

    Parameters
    ----------
    network : spikehebb.model.Network
    backend : {"rate", "spike"}
    seed : int
        Seeds the asynchronous update order (rate) or the spiking run (spike).
    target : str, optional
        Brian2 target (spike backend); default numpy.
    """
    return get_backend(backend).build_memory(network, seed=seed, target=target, progress=progress)
