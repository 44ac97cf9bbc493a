"""Compiled standalone binaries, kept by what determines them and reused from any process.

A Brian2 standalone project is generated into a fresh directory per run; what
``make`` turns it into depends only on its sources (generated code, the
makefile with its flags, Brian2's C++ library), the compiler and the
environment flags. Its static arrays and results are data read at run time.
So the key is a SHA-256 over exactly those inputs, and the cache holds one
``main`` per key under ``$SPIKEHEBB_CACHE`` (default
``~/.cache/spikehebb/builds``). An unchanged model, or one run with a new seed
(read from the environment at start-up), finds its binary there.

Concurrent processes that need the same build take an exclusive lock on the
key: one compiles, the others wait and then reuse its binary. Entries are
written to a temporary name and renamed, so an interrupted compile never
leaves a half-written binary. ``$SPIKEHEBB_CACHE_MAX_MB`` (default 2000)
caps the total size; the least recently used builds go first.
"""
import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import tempfile

#: what a project directory holds that is data, not code (excluded from the key)
DATA_PARTS = ("results", "static_arrays")
#: build products and logs (excluded from the key)
PRODUCTS = (".o", ".d", ".log")
ENV_FLAGS = ("CXX", "CC", "CXXFLAGS", "CPPFLAGS", "LDFLAGS", "LD_LIBRARY_PATH")
BINARY = "main"


def cache_dir():
    """The build cache directory (``$SPIKEHEBB_CACHE`` or the user cache)."""
    default = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "spikehebb", "builds")
    return os.environ.get("SPIKEHEBB_CACHE") or default


def max_bytes():
    return int(float(os.environ.get("SPIKEHEBB_CACHE_MAX_MB", 2000)) * 2 ** 20)


def _compiler_identity():
    cxx = os.environ.get("CXX", "g++")
    try:
        return subprocess.run([cxx, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return cxx


_SCALAR_SET = re.compile(rb"^\s*(_array_\w+)\[0\] = [^;]+;\s*$")


def canonical(source):
    """``main.cpp`` with each run of scalar resets (``_array_X[0] = v;``) sorted, unless it sets one
    variable to two different values.

    Brian2 emits the resets of its clocks in set order, which changes with
    Python's hash seed from process to process; the order of independent
    assignments does not change the program, and should not change the key.
    """
    lines, out, block = source.split(b"\n"), [], []

    def flush():
        targets = [_SCALAR_SET.match(b).group(1) for b in block]
        # sortable when every variable gets one value (possibly more than once: two clocks of
        # one dt reset it twice); two different values for one variable keep their order
        out.extend(sorted(block) if len(set(block)) == len(set(targets)) else block)
        block.clear()
    for line in lines:
        if _SCALAR_SET.match(line):
            block.append(line)
            continue
        flush()
        out.append(line)
    flush()
    return b"\n".join(out)


def build_key(project):
    """SHA-256 over the project's sources, the compiler, Brian2's version and the build flags."""
    import brian2
    h = hashlib.sha256()
    for root, dirs, files in os.walk(project):
        rel_root = os.path.relpath(root, project)
        dirs[:] = sorted(d for d in dirs if rel_root != "." or d not in DATA_PARTS)
        for name in sorted(files):
            if name == BINARY and rel_root == "." or name.endswith(PRODUCTS):
                continue
            rel = os.path.normpath(os.path.join(rel_root, name))
            h.update(rel.encode() + b"\0")
            with open(os.path.join(root, name), "rb") as fh:
                data = fh.read()
            h.update(hashlib.sha256(canonical(data) if rel == "main.cpp" else data).digest())
    h.update(f"brian2 {brian2.__version__}\0{_compiler_identity()}\0".encode())
    for var in ENV_FLAGS:
        h.update(f"{var}={os.environ.get(var, '')}\0".encode())
    return h.hexdigest()


def _entry(key):
    return os.path.join(cache_dir(), key)


def _touch(entry):
    with contextlib.suppress(OSError):
        os.utime(os.path.join(entry, BINARY))


def fetch(key, project):
    """Copy the cached binary for ``key`` into ``project``; True on a hit."""
    binary = os.path.join(_entry(key), BINARY)
    if not os.path.isfile(binary):
        return False
    tmp = os.path.join(project, f".{BINARY}.part")
    shutil.copy2(binary, tmp)
    os.replace(tmp, os.path.join(project, BINARY))
    _touch(_entry(key))
    return True


def store(key, project):
    """Keep ``project``'s freshly compiled binary under ``key`` (atomically), then trim the cache."""
    entry = _entry(key)
    os.makedirs(entry, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{BINARY}.", dir=entry)
    os.close(fd)
    try:
        shutil.copy2(os.path.join(project, BINARY), tmp)
        os.replace(tmp, os.path.join(entry, BINARY))
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    evict(keep=key)


@contextlib.contextmanager
def locked(key):
    """Hold the exclusive lock of ``key`` (other processes building it wait here)."""
    os.makedirs(cache_dir(), exist_ok=True)
    with open(os.path.join(cache_dir(), f"{key}.lock"), "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def entries():
    """``[(key, bytes, last used (epoch s))]`` of the cached builds, most recently used first."""
    out = []
    root = cache_dir()
    if not os.path.isdir(root):
        return out
    for key in os.listdir(root):
        binary = os.path.join(root, key, BINARY)
        if os.path.isfile(binary):
            size = sum(os.path.getsize(os.path.join(root, key, f)) for f in os.listdir(os.path.join(root, key)))
            out.append((key, size, os.path.getmtime(binary)))
    return sorted(out, key=lambda e: -e[2])


def evict(keep=None, limit=None):
    """Remove the least recently used builds until the cache is within ``limit`` bytes.

    ``keep`` (the build just stored) stays whatever its size.
    """
    limit = max_bytes() if limit is None else limit
    found = entries()
    total = sum(size for key, size, _ in found if key == keep)
    for key, size, _ in found:
        if key == keep:
            continue
        if total + size > limit:
            shutil.rmtree(_entry(key), ignore_errors=True)  # its lock file stays: another process may hold it
        else:
            total += size


def clear():
    """Remove every cached build; returns how many there were."""
    n = len(entries())
    if os.path.isdir(cache_dir()):
        shutil.rmtree(cache_dir(), ignore_errors=True)
    return n
