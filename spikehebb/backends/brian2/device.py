"""The Brian2 device and code-generation target, set and restored per run.

Brian2 keeps its device and ``prefs.codegen.target`` as process-wide state;
this module is the only place that touches them, and always puts them back.
Which targets exist and whether one is valid here is
:mod:`spikehebb.backends.base`'s to say.
"""
import contextlib
import gc
import os
import shutil
import tempfile

import brian2
from brian2.devices.device import reset_device, runtime_device

from ...interrupts import RunIncomplete
from . import build_cache
from .compile import make, rare_progress_checks

SEED_ENV = "SPIKEHEBB_SEED"


@contextlib.contextmanager
def target_context(target, build_dir=None):
    """Select ``target`` for the objects built inside; restore everything after.

    For ``cpp_standalone`` a fresh project directory is used per run (under
    ``build_dir`` or a temporary directory) so concurrent runs never collide.
    Yields the project directory (or None for runtime targets).
    """
    old_target = brian2.prefs.codegen.target
    if brian2.get_device() is not runtime_device:
        raise RuntimeError("another Brian2 device is active in this process; "
                           "spikehebb runs one standalone simulation at a time")
    if target != "cpp_standalone":
        brian2.prefs.codegen.target = target
        try:
            yield None
        finally:
            brian2.prefs.codegen.target = old_target
        return
    # Brian2 names objects uniquely among the live ones ("..._codeobject_1"): free those of an
    # earlier build in this process, so the same model generates the same code (and build key)
    gc.collect()
    project = tempfile.mkdtemp(prefix="spikehebb-b2-", dir=build_dir)
    old_make = brian2.prefs.devices.cpp_standalone.extra_make_args_unix
    # Brian2's default "make -j" starts one compiler per file at once; bound it by the cores
    brian2.prefs.devices.cpp_standalone.extra_make_args_unix = [f"-j{os.cpu_count() or 1}"]
    brian2.set_device("cpp_standalone", directory=project, build_on_run=False)
    try:
        yield project
    finally:
        brian2.get_device().reinit()  # forget this project's objects and arrays
        reset_device()  # back to the device active before (runtime)
        brian2.prefs.devices.cpp_standalone.extra_make_args_unix = old_make
        brian2.prefs.codegen.target = old_target
        if not os.environ.get("SPIKEHEBB_KEEP_BUILD"):
            shutil.rmtree(project, ignore_errors=True)


def insert_seed_from_environment():
    """Seed the standalone random generators from ``$SPIKEHEBB_SEED`` at start-up.

    Brian2 compiles a fixed seed into standalone code; reading it from the
    environment lets repeated trials with new seeds reuse one build.
    """
    threads = brian2.prefs.devices.cpp_standalone.openmp_threads or 1
    brian2.device.insert_code("main", f"""
    {{
        const char* _spikehebb_seed = std::getenv("{SEED_ENV}");
        unsigned long _s = _spikehebb_seed ? std::strtoul(_spikehebb_seed, 0, 10) : 0UL;
        for (int _i = 0; _i < {threads}; _i++) brian::_random_generators[_i].seed(_s + _i);
    }}""")


def run_standalone(project, seed, run_args=None, first=False, progress=False):
    """Compile (first time only) and run the standalone project with ``seed``.

    With ``progress`` the binary's own progress report is shown.

    Raises
    ------
    RunIncomplete
        When the binary stopped before the end of the run (its own SIGINT handler).
    """
    dev = brian2.get_device()
    dev.run_environment_variables[SEED_ENV] = str(int(seed))
    build = None
    if first:
        dev.build(directory=project, compile=False, run=False, with_output=progress, run_args=run_args)
        rare_progress_checks(project)
        build = compile_cached(project, progress)
    dev.run(directory=project, with_output=progress, run_args=run_args)
    fraction = getattr(dev, "_last_run_completed_fraction", 1.0)
    if fraction < 1.0:
        raise RunIncomplete(f"the standalone simulation stopped at {100 * fraction:.0f} % of its duration")
    return build


def compile_cached(project, progress=False):
    """Put the project's binary in place: from the build cache, else by compiling it (then cached).

    Returns ``(how, key)``: ``how`` is ``"cached"`` or ``"compiled"``, ``key`` the
    build key (None with ``SPIKEHEBB_NO_CACHE=1``, which always compiles).
    """
    if os.environ.get("SPIKEHEBB_NO_CACHE"):
        make(project, progress)
        return "compiled", None
    key = build_cache.build_key(project)
    if build_cache.fetch(key, project):
        return "cached", key
    with build_cache.locked(key):  # another process compiling the same build: wait, then reuse it
        if build_cache.fetch(key, project):
            return "cached", key
        make(project, progress)
        build_cache.store(key, project)
    return "compiled", key
