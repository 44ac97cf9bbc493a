"""Which backends exist, which targets they take, and whether a choice is valid.

The one place the command line, the sweep and the tasks ask "which backend,
which target, is it valid": backend names (:data:`BACKENDS`),
:func:`get_backend`, the Brian2 targets (:data:`TARGETS`,
:func:`check_target`) and :func:`check_options`. Imports neither Brian2 nor
a backend: a backend module is imported only when :func:`get_backend` asks
for it.
"""
import importlib
import os
import shutil

from ..errors import ModelError
from ..registry import Registry

#: backend name -> module (imported on demand)
BACKENDS = Registry("backend")
BACKENDS.add("spike", "spikehebb.backends.brian2")
BACKENDS.add("rate", "spikehebb.backends.rate")

#: Brian2 code-generation targets of the spike backend
TARGETS = ("numpy", "cython", "cpp_standalone")


def builder_registry(backend):
    """A registry of ``backend``'s builders, one per description class (MRO lookup).

    See :class:`spikehebb.registry.Registry`; an unsupported description is
    "the BACKEND backend does not support TYPE".
    """
    return Registry(f"{backend} backend", by_class=True)


def check_backend(name, where="--backend"):
    """``name`` if it is a backend; else a :class:`ModelError` at ``where``."""
    if not isinstance(name, str) or name not in BACKENDS:
        raise ModelError(where, f"expected {' or '.join(BACKENDS)}, got {name!r}")
    return name


def get_backend(name):
    """The backend module registered as ``name``."""
    return importlib.import_module(BACKENDS[check_backend(name)])


def compiler_available():
    """True when a C++ compiler is on PATH (needed by cython and cpp_standalone)."""
    return bool(shutil.which(os.environ.get("CXX", "g++")) or shutil.which("c++"))


def default_target():
    """``cpp_standalone`` where a C++ compiler works, else ``numpy``."""
    return "cpp_standalone" if compiler_available() else "numpy"


def check_target(target):
    """The spike backend's target: ``target``, or the default; checked against the compilers here."""
    target = target or default_target()
    if target not in TARGETS:
        raise ModelError("--target", f"unknown target {target!r}; expected one of: {', '.join(TARGETS)}")
    if target != "numpy" and not compiler_available():
        raise ModelError("--target", f"{target} needs a C++ compiler (g++), none found; use --target numpy")
    return target


def check_options(backend, target, *, resolve=True):
    """Check a backend and a target chosen together; return the target to use.

    Parameters
    ----------
    backend : str
        A name in :data:`BACKENDS`.
    target : str or None
        ``--target`` as given.
    resolve : bool
        Pick and check the spike backend's target here (network models).
        False leaves a given or absent target as it is, for a task whose
        builder picks its own (a runtime target for a classifier).

    Returns
    -------
    str or None
        The target (None for the rate backend).
    """
    check_backend(backend)
    if backend == "rate":
        if target:
            raise ModelError("--target", "applies to the spike backend only (--backend rate runs numpy)")
        return None
    return check_target(target) if resolve else target


def cache_command(action):
    """``spikehebb cache info|clear``: the spike backend's cache of compiled standalone builds."""
    return get_backend("spike").cache_command(action)
