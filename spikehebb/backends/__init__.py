"""Backends execute a :class:`~spikehebb.model.Network` description.

``"spike"`` is Brian2 (:mod:`spikehebb.backends.brian2`), ``"rate"`` the numpy
rate adapter (:mod:`spikehebb.backends.rate`). Each backend module provides
``simulate(network, *, seed, target, duration, progress) -> RunResult`` and
registers one builder per rule type in its own registry.
"""
import importlib

from ..model.errors import ModelError

BACKENDS = {"spike": "spikehebb.backends.brian2", "rate": "spikehebb.backends.rate"}


class BuilderRegistry:
    """Rule type -> builder function, one registry per backend (cf. Nengo's ``Builder``).

    A builder is registered for a description class; lookup walks the class's
    MRO so that subclasses reuse their parent's builder unless they register
    their own. No ``isinstance`` ladders anywhere else.
    """

    def __init__(self, backend):
        self.backend = backend
        self.builders = {}

    def register(self, description_cls):
        def deco(fn):
            self.builders[description_cls] = fn
            return fn
        return deco

    def lookup(self, obj):
        for cls in type(obj).__mro__:
            if cls in self.builders:
                return self.builders[cls]
        raise ModelError(getattr(obj, "_where", "") or type(obj).__name__,
                         f"the {self.backend} backend does not support {type(obj).__name__}")

    def build(self, obj, *args, **kwargs):
        return self.lookup(obj)(obj, *args, **kwargs)


def get_backend(name):
    """The backend module registered as ``name``."""
    if name not in BACKENDS:
        raise ModelError("--backend", f"unknown backend {name!r}; expected one of: {', '.join(BACKENDS)}")
    return importlib.import_module(BACKENDS[name])


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
