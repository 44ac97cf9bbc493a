"""The MNIST handwritten digits, read from the four original idx ``.gz`` files.

The directory is, in order: the ``data_dir`` argument (``--data DIR``), the
``SPIKEHEBB_DATA`` environment variable, else a user cache directory
(``$XDG_CACHE_HOME/spikehebb/mnist``, default ``~/.cache/spikehebb/mnist``),
into which the standard files are downloaded when they are missing and the
machine has internet. Every file's MD5 sum is checked; a missing, truncated or
corrupted file raises :class:`~spikehebb.model.errors.ModelError` (one line,
exit code 2 on the command line). The official split is used unchanged:
60,000 training and 10,000 test images.

References
----------
Y. LeCun, C. Cortes and C. J. C. Burges, The MNIST database of handwritten
digits, http://yann.lecun.com/exdb/mnist/
"""
import gzip
import hashlib
import os
import struct
import urllib.request
from pathlib import Path

import numpy as np

from ..model.errors import ModelError
from ..results import atomic_write

#: file name -> (md5 of the .gz file, idx magic number, shape after the header)
FILES = {
    "train-images-idx3-ubyte.gz": ("f68b3c2dcbeaaa9fbdd348bbdeb94873", 2051, (60000, 28, 28)),
    "train-labels-idx1-ubyte.gz": ("d53e105ee54ea40749a09fcbcd1e9432", 2049, (60000,)),
    "t10k-images-idx3-ubyte.gz": ("9fb629c4189551a2d022fa330f9573f3", 2051, (10000, 28, 28)),
    "t10k-labels-idx1-ubyte.gz": ("ec29112dd5afa0611ce80d1b7f02629c", 2049, (10000,)),
}
MIRRORS = ("https://ossci-datasets.s3.amazonaws.com/mnist/",
           "https://storage.googleapis.com/cvdf-datasets/mnist/")
ENV = "SPIKEHEBB_DATA"
HINT = "pass --data DIR (or set SPIKEHEBB_DATA) to a folder holding the four original MNIST .gz files"

_cache = {}


def cache_dir():
    """The per-user download directory."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "spikehebb" / "mnist"


def mnist_dir(data_dir=None):
    """Return ``(directory, may_download)`` following the documented order."""
    if data_dir:
        return Path(data_dir), False
    if os.environ.get(ENV):
        return Path(os.environ[ENV]), False
    return cache_dir(), True


def _download(directory, name):
    directory.mkdir(parents=True, exist_ok=True)
    last = None
    for mirror in MIRRORS:
        try:
            with urllib.request.urlopen(mirror + name, timeout=30) as resp:
                data = resp.read()
            atomic_write(directory / name, lambda tmp: Path(tmp).write_bytes(data))
            return
        except OSError as exc:  # no internet, mirror down: try the next one
            last = exc
    raise ModelError(str(directory / name), f"missing, and downloading it failed ({last}); {HINT}")


def _read(path, md5, magic, shape):
    """Check one file's checksum and header and return its array."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ModelError(str(path), f"file not found; {HINT}") from None
    digest = hashlib.md5(raw).hexdigest()
    if digest != md5:
        raise ModelError(str(path), f"corrupted or truncated (md5 {digest}, expected {md5}); "
                                    "replace it with the original file")
    try:
        data = gzip.decompress(raw)
    except (OSError, EOFError) as exc:  # unreachable for a file with the right md5
        raise ModelError(str(path), f"not a valid gzip file ({exc})") from None
    ndim = len(shape)
    head = struct.unpack(f">{1 + ndim}I", data[:4 * (1 + ndim)])
    if head[0] != magic or tuple(head[1:]) != shape:
        raise ModelError(str(path), f"unexpected idx header {head}")
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 * (1 + ndim))
    if arr.size != int(np.prod(shape)):
        raise ModelError(str(path), "truncated idx data")
    return arr.reshape(shape)


def load_mnist(data_dir=None):
    """Load MNIST, checking every file.

    Parameters
    ----------
    data_dir : str or path-like, optional
        Folder with the four ``.gz`` files; see the module docstring for the
        fallbacks.

    Returns
    -------
    dict
        ``x_train`` (60000, 28, 28) uint8, ``y_train`` (60000,) uint8,
        ``x_test`` (10000, 28, 28) uint8, ``y_test`` (10000,) uint8.
        Arrays are read-only and cached per directory within the process.

    Raises
    ------
    ModelError
        A file is missing (and cannot be downloaded), truncated or corrupted.
    """
    directory, may_download = mnist_dir(data_dir)
    key = str(directory.resolve())
    if key in _cache:
        return _cache[key]
    arrays = []
    for name, (md5, magic, shape) in FILES.items():
        path = directory / name
        if not path.exists() and may_download:
            _download(directory, name)
        a = _read(path, md5, magic, shape)
        a.flags.writeable = False
        arrays.append(a)
    out = dict(zip(("x_train", "y_train", "x_test", "y_test"), arrays))
    _cache[key] = out
    return out
