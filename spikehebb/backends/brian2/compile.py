"""Compiling a generated standalone project: ``make`` with a precompiled header, interruptible.

Every code object of a Brian2 project includes ``objects.h`` and, through it, much of the
C++ standard library; parsing that again for each of the 20-100 translation units is most
of the compile time (0.45 of 0.5 CPU-s for a small code object here, 0.1 s with the header
precompiled). GCC reads a precompiled ``X.h.gch`` in place of ``X.h`` when ``X.h`` is
included before any other code, which ``-include X.h`` guarantees; so the header is
compiled once per project with the project's own flags and every translation unit starts
from it. The program is the same (GCC only skips the parsing); with another compiler, or
if the header does not compile, ``make`` runs as Brian2 wrote it.
"""
import contextlib
import os
import re
import signal
import subprocess
import sys
import time

import brian2

PCH = "spikehebb_pch.h"
#: what every code object includes (objects.h pulls in the arrays, synapses and the STL)
PCH_INCLUDES = ("objects.h", "brianlib/common_math.h", "brianlib/stdint_compat.h", "<cmath>", "<ctime>",
                "<iostream>", "<fstream>", "<climits>", "<vector>", "<string>")
_FLAGS_TARGET = "_spikehebb_print_flags"
#: Brian2's loop reads the process clock before every object in every step when a progress
#: report is on (a system call each: 10 of 15 CPU-s of a 100 s Song run); once per 1024 steps
#: is as good a progress report
_REPORT_CHECK = "            if (report_func)\n            {\n"
_REPORT_CHECK_RARE = ("            if (report_func && i == 0 && clock->timestep[0] % 1024 == 0)\n"
                      "            {\n")


def rare_progress_checks(project):
    """Check the time for Brian2's progress report once per 1024 steps, not before every object.

    Returns True when ``network.cpp`` was changed (False: another Brian2 template, left alone).
    """
    path = os.path.join(project, "network.cpp")
    with open(path) as fh:
        source = fh.read()
    if source.count(_REPORT_CHECK) != 1:
        return False
    with open(path, "w") as fh:
        fh.write(source.replace(_REPORT_CHECK, _REPORT_CHECK_RARE))
    return True


def make(project, progress=False):
    """Compile ``project`` (its ``makefile``); one line before and after with ``progress``.

    Raises
    ------
    RuntimeError
        With the tail of the compiler's output when ``make`` fails.
    """
    n = _count_sources(project)
    t0 = time.monotonic()
    if progress:  # minutes of silence otherwise on a loaded machine
        print(f"spikehebb: compiling {n} C++ files of the standalone project "
              "(kept in the build cache for later runs) ...", file=sys.stderr, flush=True)
    cmd = [brian2.prefs.devices.cpp_standalone.make_cmd_unix,
           *brian2.prefs.devices.cpp_standalone.extra_make_args_unix]
    log = os.path.join(project, "make.log")
    with open(log, "wb") as fh:
        flags = _precompile_header(project, fh)
        if flags:
            cmd.append(f"CXXFLAGS={flags} -include {PCH}")
        code = _wait(subprocess.Popen(cmd, cwd=project, stdout=fh, stderr=subprocess.STDOUT,
                                      start_new_session=True))
    if progress:
        print(f"spikehebb: compiled in {time.monotonic() - t0:.0f} s", file=sys.stderr, flush=True)
    if code != 0:
        with open(log, errors="replace") as fh:
            tail = fh.read()[-2000:]
        raise RuntimeError(f"compiling the standalone project failed (make exit {code}):\n{tail}")


def _count_sources(project):
    with open(os.path.join(project, "makefile")) as fh:
        m = re.search(r"^SRCS = (.*)$", fh.read(), re.M)
    return len(m.group(1).split()) if m else 0


def _precompile_header(project, log):
    """Compile :data:`PCH` with the project's flags; returns those flags, or None (no PCH)."""
    make_cmd = brian2.prefs.devices.cpp_standalone.make_cmd_unix
    out = subprocess.run([make_cmd, "-s", f"--eval={_FLAGS_TARGET}: ; @echo $(CXX) && echo $(CXXFLAGS)",
                          _FLAGS_TARGET], cwd=project, capture_output=True, text=True)
    lines = out.stdout.strip().splitlines()
    if out.returncode != 0 or len(lines) != 2 or not _is_gcc(lines[0]):
        return None
    cxx, flags = lines
    with open(os.path.join(project, PCH), "w") as fh:
        fh.writelines(f"#include {h if h.startswith('<') else chr(34) + h + chr(34)}\n" for h in PCH_INCLUDES)
    code = _wait(subprocess.Popen([cxx, *flags.split(), "-x", "c++-header", PCH, "-o", f"{PCH}.gch"],
                                  cwd=project, stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
    return flags if code == 0 else None


def _is_gcc(cxx):
    try:
        version = subprocess.run([cxx, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return "Free Software Foundation" in version and "clang" not in version.lower()


def _wait(proc):
    """Wait for ``proc``; on any exception (Ctrl-C, SIGTERM) stop it and its compilers first.

    Brian2 compiles through ``os.system``, which ignores SIGINT and cannot be
    interrupted by SIGTERM until the whole build is done; this wait can.
    """
    try:
        return proc.wait()
    except BaseException:
        _stop_group(proc)
        raise


def _stop_group(proc, grace=3.0):
    """SIGTERM to ``make`` and its compilers (they remove their temporary files), SIGKILL after ``grace`` s."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue
